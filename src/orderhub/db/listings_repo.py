"""Channel listings: which shop sells which of our SKUs under which platform id, and what
quantity was last published there."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, func, select, update

from orderhub.db.ingest_repo import insert_ignore_conflicts
from orderhub.db.schema import shops, skus
from orderhub.db.schema_inventory import channel_listings


def mark_changed(conn: Connection, sku_ids: Sequence[int], *, now: datetime) -> None:
    """Stock of these SKUs changed: their listings wait for a (debounced) push."""
    ids = sorted(set(sku_ids))
    if ids:
        conn.execute(
            update(channel_listings)
            .where(channel_listings.c.sku_id.in_(ids))
            .values(
                changed_at=now,
                first_changed_at=func.coalesce(channel_listings.c.first_changed_at, now),
            )
        )


def upsert(conn: Connection, shop_id: int, sku_id: int, listing_id: str, *, now: datetime) -> None:
    conn.execute(
        insert_ignore_conflicts(conn, channel_listings).values(
            shop_id=shop_id,
            sku_id=sku_id,
            listing_id=listing_id,
            first_changed_at=now,
            changed_at=now,
        )
    )
    conn.execute(
        update(channel_listings)
        .where(channel_listings.c.shop_id == shop_id, channel_listings.c.sku_id == sku_id)
        .values(listing_id=listing_id, changed_at=now)
    )


def listings(conn: Connection, *, shop_id: int | None = None) -> list[Row[Any]]:
    query = (
        select(channel_listings, shops.c.code.label("shop"), skus.c.code.label("sku"))
        .join(shops, shops.c.id == channel_listings.c.shop_id)
        .join(skus, skus.c.id == channel_listings.c.sku_id)
        .order_by(shops.c.code, skus.c.code)
    )
    if shop_id is not None:
        query = query.where(channel_listings.c.shop_id == shop_id)
    return list(conn.execute(query))


def record_push(
    conn: Connection,
    listing_id: int,
    *,
    quantity: int | None,
    error: str,
    now: datetime,
    seen_change: datetime | None,
) -> None:
    """Store the result of a push; the change mark is cleared only if no newer change arrived."""
    values: dict[str, Any] = {"last_error": error[:2000]}
    if quantity is not None:
        values |= {"last_pushed": quantity, "last_pushed_at": now}
    conn.execute(
        update(channel_listings).where(channel_listings.c.id == listing_id).values(**values)
    )
    if quantity is not None:
        stmt = update(channel_listings).where(channel_listings.c.id == listing_id)
        if seen_change is not None:
            stmt = stmt.where(channel_listings.c.changed_at <= seen_change)
        conn.execute(stmt.values(changed_at=None, first_changed_at=None))
