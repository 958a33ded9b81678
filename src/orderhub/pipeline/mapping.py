"""A seller maps a platform SKU to ours: every order waiting for that mapping moves on."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select

from orderhub.channels.errors import ShopInvalid
from orderhub.db import cleaning_repo
from orderhub.db.ingest_repo import insert_ignore_conflicts
from orderhub.db.schema import sku_mappings, skus
from orderhub.normalize.cleaning import SKU_UNMAPPED
from orderhub.orders.actions import transition_many
from orderhub.orders.domain import utc_now
from orderhub.orders.lifecycle import OrderStatus
from orderhub.pipeline.clean import CleanResult, clean_batch


@dataclass(frozen=True, slots=True)
class MapResult:
    waiting: int  # orders that were held for this platform SKU
    released: int  # of those, now cleaned without any hold left
    still_held: int


def map_platform_sku(
    engine: Engine, *, platform_sku_id: str, sku_code: str, shop: str | None, actor: str
) -> MapResult:
    """Save the mapping, then clean again the orders held for it (in one transaction)."""
    with engine.begin() as conn:
        sku_id = conn.execute(select(skus.c.id).where(skus.c.code == sku_code)).scalar()
        if sku_id is None:
            raise ShopInvalid(f"unknown SKU {sku_code!r}", field="sku_code")
        row = {
            "scope": shop or "*",
            "platform_sku_id": platform_sku_id,
            "sku_id": sku_id,
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
            .values(sku_id=sku_id)
        )
        waiting = cleaning_repo.orders_held_for_platform_sku(conn, platform_sku_id, shop)
        if not waiting:
            return MapResult(0, 0, 0)
        cleaning_repo.release_holds(conn, waiting, SKU_UNMAPPED, actor=actor, now=utc_now())
        still_waiting = cleaning_repo.open_holds(conn, waiting)
        free = [o for o in waiting if not still_waiting[o]]
        transition_many(
            conn,
            free,
            OrderStatus.RECEIVED,
            actor=actor,
            reason=f"platform SKU {platform_sku_id} mapped to {sku_code}",
        )
        result: CleanResult = clean_batch(conn, cleaning_repo.load_catalog(conn), waiting)
    return MapResult(len(waiting), len(waiting) - result.held, result.held)
