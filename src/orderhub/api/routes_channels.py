"""`/api/v1/shops`, webhooks, on-demand pulls and `/api/v1/quarantine`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from orderhub.api.deps import ActorDep, EngineDep
from orderhub.api.schemas_channels import (
    CountsOut,
    DiscardIn,
    QuarantineDetailOut,
    QuarantineOut,
    ReplayOut,
    ShopIn,
    ShopOut,
    SyncOut,
)
from orderhub.channels import quarantine as quarantine_service
from orderhub.channels.pull import sync_shop
from orderhub.channels.shops import add_shop, load_shop
from orderhub.channels.webhooks import handle_webhook
from orderhub.db import quarantine_repo, shops_repo

router = APIRouter(prefix="/api/v1")


@router.get("/shops", response_model=list[ShopOut], tags=["shops"])
def list_shops(engine: EngineDep) -> list[ShopOut]:
    with engine.connect() as conn:
        return [
            ShopOut(**{f: getattr(s, f) for f in ShopOut.model_fields})
            for s in shops_repo.list_shops(conn)
        ]


@router.post("/shops", response_model=ShopOut, status_code=201, tags=["shops"])
def create_shop(body: ShopIn, engine: EngineDep) -> ShopOut:
    with engine.begin() as conn:
        record = add_shop(conn, **body.model_dump())
    return ShopOut(
        id=record.ref.id,
        code=record.ref.code,
        name=record.name,
        platform=record.ref.platform,
        currency=record.currency,
        home_province=body.home_province,
        order_count=0,
    )


@router.post("/shops/{code}/webhooks", response_model=CountsOut, tags=["channels"])
async def receive_webhook(code: str, request: Request, engine: EngineDep) -> CountsOut:
    """Push endpoint for platforms that send webhooks (Shopify, WooCommerce …).

    The body is checked against the platform's signature before anything is stored; a bad
    signature is 401 and a security event. Payloads that cannot become orders are quarantined.
    """
    body = await request.body()
    remote = request.client.host if request.client else ""
    result = handle_webhook(engine, code, dict(request.headers), body, remote_addr=remote)
    return CountsOut(**result.as_counts())


@router.post("/shops/{code}/sync", response_model=SyncOut, tags=["channels"])
def sync_now(code: str, engine: EngineDep) -> SyncOut:
    """Pull the shop now (409 when a pull of this shop is already running)."""
    with engine.connect() as conn:
        load_shop(conn, code)
    result = sync_shop(engine, code)
    return SyncOut(**result.as_counts(), synced_until=result.synced_until)


@router.get("/quarantine", response_model=list[QuarantineOut], tags=["quarantine"])
def list_quarantine(
    engine: EngineDep,
    status: Annotated[str | None, Query(pattern="^(open|replayed|discarded)$")] = "open",
    shop: Annotated[str | None, Query(max_length=64)] = None,
    code: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[QuarantineOut]:
    with engine.connect() as conn:
        shop_id = load_shop(conn, shop).ref.id if shop else None
        items = quarantine_repo.list_quarantined(
            conn, status=status, shop_id=shop_id, code=code, limit=limit
        )
    return [QuarantineOut.of(i) for i in items]


@router.get("/quarantine/{item_id}", response_model=QuarantineDetailOut, tags=["quarantine"])
def show_quarantined(item_id: int, engine: EngineDep) -> QuarantineDetailOut:
    with engine.connect() as conn:
        view, raw = quarantine_service.show(conn, item_id)
    return QuarantineDetailOut.with_raw(view, raw)


@router.post("/quarantine/{item_id}/replay", response_model=ReplayOut, tags=["quarantine"])
def replay_quarantined(item_id: int, engine: EngineDep, actor: ActorDep) -> ReplayOut:
    outcome = quarantine_service.replay(engine, item_id, actor=actor)
    return ReplayOut(
        id=item_id,
        replayed=outcome.replayed,
        order_id=outcome.order_id,
        error_code=outcome.error_code,
        error_message=outcome.error_message,
    )


@router.post("/quarantine/{item_id}/discard", status_code=204, tags=["quarantine"])
def discard_quarantined(item_id: int, body: DiscardIn, engine: EngineDep, actor: ActorDep) -> None:
    quarantine_service.discard(engine, item_id, actor=actor, reason=body.reason)
