"""`/api/v1/shops/{code}/listings…`, `/api/v1/shops/{code}/publish-rule`, `/api/v1/stock/push`:
the stock each shop publishes to its channel."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from orderhub.api.deps import EngineDep
from orderhub.db.engine import writer
from orderhub.inventory import push as stock_push

router = APIRouter(prefix="/api/v1", tags=["stock push"])


class ListingIn(BaseModel):
    listing_id: str = Field(min_length=1, max_length=128)


class ListingOut(BaseModel):
    shop: str
    sku: str
    listing_id: str
    computed: int  # what the shop's rule says the listing should show now
    last_pushed: int | None
    last_pushed_at: datetime | None
    last_error: str
    changed_at: datetime | None  # stock changed since the last push


class PublishRuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rule: dict[str, Any] = Field(default_factory=dict)  # percentage, fixed_reserve, minimum …
    skus: dict[str, dict[str, Any]] = Field(default_factory=dict)  # per-SKU overrides


class PushIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    shop: str | None = Field(default=None, max_length=64)
    force: bool = False


@router.get("/shops/{code}/listings", response_model=list[ListingOut])
def list_listings(code: str, engine: EngineDep) -> list[ListingOut]:
    with engine.connect() as conn:
        return [ListingOut(**view) for view in stock_push.listing_views(conn, code)]


@router.put("/shops/{code}/listings/{sku}", response_model=ListingOut)
def put_listing(code: str, sku: str, body: ListingIn, engine: EngineDep) -> ListingOut:
    """Sell `sku` in the shop under the platform's `listing_id` (Shopify variant id, Taobao
    `num_iid` or `num_iid:sku_id`); a new id is pushed after the debounce."""
    with writer(engine).begin() as conn:
        return ListingOut(**stock_push.map_listing(conn, code, sku, body.listing_id))


@router.get("/shops/{code}/publish-rule")
def get_publish_rule(code: str, engine: EngineDep) -> dict[str, Any]:
    with engine.connect() as conn:
        return stock_push.shop_rules(conn, code).to_dict()


@router.put("/shops/{code}/publish-rule")
def put_publish_rule(code: str, body: PublishRuleIn, engine: EngineDep) -> dict[str, Any]:
    """Replace the shop's rule and per-SKU overrides (422 `STOCK_PUBLISH_RULE_INVALID` naming
    the field, e.g. `rule.percentage` or `skus.TEE.warehouses`)."""
    with writer(engine).begin() as conn:
        return stock_push.save_rules(conn, code, body.model_dump()).to_dict()


@router.post("/stock/push")
def push_stock(engine: EngineDep, body: PushIn | None = None) -> dict[str, Any]:
    """Push what is due now (`force`: a full push of every quantity that differs from the last
    pushed one); per shop: pushed, unchanged, failed, skipped, waiting and a note."""
    body = body or PushIn()
    return stock_push.push_due(engine, force=body.force, shop=body.shop).to_dict()
