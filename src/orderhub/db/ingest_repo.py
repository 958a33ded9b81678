"""Bulk SQL of the ingest path: idempotent channel-order upsert, order/line/event inserts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, select, update
from sqlalchemy.dialects import postgresql, sqlite

from orderhub.db.bulk import bulk_insert, bulk_set
from orderhub.db.hints import among
from orderhub.db.schema import channel_orders, order_lines, orders, skus


def insert_ignore_conflicts(conn: Connection, table: Table) -> Any:
    """`INSERT … ON CONFLICT DO NOTHING` for the connection's dialect."""
    dialect = sqlite if conn.dialect.name == "sqlite" else postgresql
    return dialect.insert(table).on_conflict_do_nothing()


def insert_new_channel_orders(conn: Connection, rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Insert channel orders not seen before; return {platform_order_id: channel_order_id} of new ones.

    Uses RETURNING, not rowcount, to learn what was new (rowcount is -1 on some drivers).
    """
    inserted = bulk_insert(
        conn, channel_orders, rows, returning=("id", "platform_order_id"), ignore_conflicts=True
    )
    return {row.platform_order_id: row.id for row in inserted}


def existing_channel_orders(
    conn: Connection, shop_id: int, platform_order_ids: Sequence[str]
) -> dict[str, Any]:
    query = select(
        channel_orders.c.id,
        channel_orders.c.platform_order_id,
        channel_orders.c.order_id,
        channel_orders.c.platform_updated_at,
        channel_orders.c.payload_sha256,
    ).where(
        channel_orders.c.shop_id == shop_id,
        among(channel_orders.c.platform_order_id, platform_order_ids),
    )
    return {row.platform_order_id: row for row in conn.execute(query)}


def replace_channel_payload_if_newer(
    conn: Connection,
    channel_order_id: int,
    *,
    payload: str,
    sha256: str,
    version: datetime,
    now: datetime,
) -> bool:
    """Swap in a newer payload; the WHERE makes an older or concurrent delivery a no-op."""
    result = conn.execute(
        update(channel_orders)
        .where(
            channel_orders.c.id == channel_order_id, channel_orders.c.platform_updated_at < version
        )
        .values(
            payload=payload, payload_sha256=sha256, platform_updated_at=version, received_at=now
        )
        .returning(channel_orders.c.id)
    )
    return result.first() is not None


def insert_orders(conn: Connection, rows: Sequence[dict[str, Any]]) -> dict[tuple[int, str], int]:
    """Insert order headers; return {(shop_id, platform_order_id): order_id}."""
    inserted = bulk_insert(conn, orders, rows, returning=("id", "shop_id", "platform_order_id"))
    return {(row.shop_id, row.platform_order_id): row.id for row in inserted}


def insert_lines(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    bulk_insert(conn, order_lines, rows)


def link_channel_orders(conn: Connection, links: Sequence[tuple[int, int]]) -> None:
    """Point channel orders at the orders made from them: [(channel_order_id, order_id)]."""
    bulk_set(conn, channel_orders, key="id", column="order_id", pairs=links)


def sku_ids(conn: Connection, codes: set[str]) -> dict[str, int]:
    if not codes:
        return {}
    rows = conn.execute(select(skus.c.code, skus.c.id).where(skus.c.code.in_(sorted(codes))))
    return {row.code: row.id for row in rows}


def shop_orders(
    conn: Connection, shop_id: int, platform_order_ids: Sequence[str], columns: Sequence[str]
) -> dict[str, Any]:
    """The orders of one shop by platform order id (served by the unique index)."""
    if not platform_order_ids:
        return {}
    cols = [orders.c.id, orders.c.platform_order_id, *(orders.c[name] for name in columns)]
    query = select(*cols).where(
        orders.c.shop_id == shop_id, among(orders.c.platform_order_id, platform_order_ids)
    )
    return {row.platform_order_id: row for row in conn.execute(query)}


def update_order_fields(conn: Connection, order_id: int, values: dict[str, Any]) -> None:
    conn.execute(
        update(orders).where(orders.c.id == order_id).values(**values, version=orders.c.version + 1)
    )
