"""A seller maps a platform SKU to ours: every order waiting for that mapping moves on."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine, select

from orderhub.db import cleaning_repo, settings_repo
from orderhub.db.ingest_repo import insert_ignore_conflicts
from orderhub.db.schema import sku_mappings, skus
from orderhub.normalize.cleaning import SKU_UNMAPPED
from orderhub.normalize.specs import SpecAliases, default_aliases
from orderhub.orders.actions import transition_many
from orderhub.orders.domain import utc_now
from orderhub.orders.lifecycle import OrderStatus
from orderhub.pipeline.clean import CleanResult, clean_batch
from orderhub.pipeline.errors import SkuNotFound


@dataclass(frozen=True, slots=True)
class MapResult:
    waiting: int  # orders that were held for this platform SKU
    released: int  # of those, now cleaned without any hold left
    still_held: int


def map_platform_sku(
    engine: Engine,
    *,
    platform_sku_id: str,
    sku_code: str,
    shop: str | None,
    actor: str,
    product: bool = False,
) -> MapResult:
    """Save the mapping (to a SKU, or to a product whose variant the spec text names), then
    clean again the orders held for it, in one transaction."""
    with engine.begin() as conn:
        target = _target(conn, sku_code, product=product)
        row = {
            "scope": shop or "*",
            "platform_sku_id": platform_sku_id,
            **target,
            "created_at": utc_now(),
            "created_by": actor,
        }
        conn.execute(insert_ignore_conflicts(conn, sku_mappings).values(**row))
        conn.execute(
            sku_mappings.update()
            .where(
                sku_mappings.c.scope == row["scope"],
                sku_mappings.c.platform_sku_id == platform_sku_id,
            )
            .values(**target)
        )
        return recheck_unmapped(
            conn,
            platform_sku_id=platform_sku_id,
            shop=shop,
            actor=actor,
            reason=f"platform SKU {platform_sku_id} mapped to {sku_code}",
        )


def _target(conn: Connection, code: str, *, product: bool) -> dict[str, object]:
    if product:
        found = conn.execute(select(skus.c.id).where(skus.c.product_code == code)).first()
        if found is None:
            raise SkuNotFound(code, product=True)
        return {"sku_id": None, "product_code": code}
    sku_id = conn.execute(select(skus.c.id).where(skus.c.code == code)).scalar()
    if sku_id is None:
        raise SkuNotFound(code)
    return {"sku_id": sku_id, "product_code": ""}


def recheck_unmapped(
    conn: Connection, *, platform_sku_id: str | None, shop: str | None, actor: str, reason: str
) -> MapResult:
    """Clean again the orders waiting with SKU_UNMAPPED (for one platform SKU, or all)."""
    waiting = cleaning_repo.orders_held_for_platform_sku(conn, platform_sku_id, shop)
    if not waiting:
        return MapResult(0, 0, 0)
    cleaning_repo.release_holds(conn, waiting, SKU_UNMAPPED, actor=actor, now=utc_now())
    still_waiting = cleaning_repo.open_holds(conn, waiting)
    free = [o for o in waiting if not still_waiting[o]]
    transition_many(conn, free, OrderStatus.RECEIVED, actor=actor, reason=reason)
    result: CleanResult = clean_batch(conn, cleaning_repo.load_catalog(conn), waiting)
    return MapResult(len(waiting), len(waiting) - result.held, result.held)


def add_spec_alias(
    engine: Engine, *, attribute: str, canonical: str, aliases: list[str], actor: str
) -> MapResult:
    """A seller's alias (e.g. size XL = 加大): saved, then orders waiting for a variant re-checked."""
    with engine.begin() as conn:
        stored = settings_repo.get_setting(conn, cleaning_repo.SPEC_ALIASES)
        table = SpecAliases.from_dict(stored) if stored else default_aliases()
        table.add(attribute, canonical, *aliases)
        settings_repo.put_setting(
            conn, cleaning_repo.SPEC_ALIASES, table.to_dict(), actor=actor, now=utc_now()
        )
        return recheck_unmapped(
            conn,
            platform_sku_id=None,
            shop=None,
            actor=actor,
            reason=f"{attribute} alias {', '.join(aliases)} = {canonical}",
        )
