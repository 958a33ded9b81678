"""`/api/v1/sku-mappings` and `/api/v1/spec-aliases`: the seller's fixes that let waiting orders go on."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from orderhub.api.deps import ActorDep, EngineDep
from orderhub.pipeline.errors import MappingInvalid
from orderhub.pipeline.mapping import add_spec_alias, map_platform_sku

router = APIRouter(prefix="/api/v1", tags=["cleaning"])


class SkuMappingIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    platform_sku_id: str = Field(min_length=1, max_length=64)
    sku_code: str | None = Field(default=None, max_length=64)
    product_code: str | None = Field(
        default=None, max_length=64, description="map to a product; the spec text picks the variant"
    )
    shop: str | None = Field(default=None, max_length=64, description="default: every shop")


class SpecAliasIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    attribute: str = Field(min_length=1, max_length=32)
    canonical: str = Field(min_length=1, max_length=64)
    aliases: list[str] = Field(min_length=1, max_length=50)


class RecheckOut(BaseModel):
    waiting: int
    released: int
    still_held: int


@router.post("/sku-mappings", response_model=RecheckOut)
def create_mapping(body: SkuMappingIn, engine: EngineDep, actor: ActorDep) -> RecheckOut:
    """Map a platform SKU to one of ours (or to a product); orders waiting for it move on."""
    if bool(body.sku_code) == bool(body.product_code):
        raise MappingInvalid("give exactly one of sku_code or product_code")
    result = map_platform_sku(
        engine,
        platform_sku_id=body.platform_sku_id,
        sku_code=body.sku_code or body.product_code or "",
        shop=body.shop,
        actor=actor,
        product=body.product_code is not None,
    )
    return RecheckOut(**asdict(result))


@router.post("/spec-aliases", response_model=RecheckOut)
def create_alias(body: SpecAliasIn, engine: EngineDep, actor: ActorDep) -> RecheckOut:
    result = add_spec_alias(
        engine,
        attribute=body.attribute,
        canonical=body.canonical,
        aliases=body.aliases,
        actor=actor,
    )
    return RecheckOut(**asdict(result))
