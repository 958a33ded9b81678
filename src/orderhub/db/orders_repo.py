"""SQL for reading orders and changing their status. Connections come from the caller's transaction."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, and_, or_, select, update

from orderhub.db.bulk import bulk_insert, bulk_update
from orderhub.db.hints import among
from orderhub.db.schema import order_events, order_lines, orders, shops
from orderhub.orders.views import (
    EventView,
    LineView,
    OrderDetail,
    OrderFilter,
    OrderPage,
    OrderSummary,
)

_SUMMARY_COLUMNS = (
    orders.c.id,
    shops.c.code.label("shop_code"),
    orders.c.channel,
    orders.c.platform_order_id,
    orders.c.order_type,
    orders.c.status,
    orders.c.payment_status,
    orders.c.currency,
    orders.c.total_amount,
    orders.c.receiver_name,
    orders.c.receiver_phone,
    orders.c.receiver_country,
    orders.c.receiver_province,
    orders.c.receiver_city,
    orders.c.receiver_district,
    orders.c.placed_at,
    orders.c.updated_at,
)


class BadCursor(ValueError):
    """The pagination cursor was not produced by us (or was cut)."""


def _summary(row: Row[Any, *tuple[Any, ...]]) -> OrderSummary:
    return OrderSummary(**{name: row._mapping[name] for name in OrderSummary.__slots__})


def get_status(conn: Connection, order_id: int) -> str | None:
    return conn.execute(select(orders.c.status).where(orders.c.id == order_id)).scalar()


def get_order(conn: Connection, order_id: int) -> OrderDetail | None:
    query = (
        select(*_SUMMARY_COLUMNS, orders)
        .join(shops, shops.c.id == orders.c.shop_id)
        .where(orders.c.id == order_id)
    )
    row = conn.execute(query).first()
    if row is None:
        return None
    m = row._mapping
    lines = conn.execute(
        select(order_lines)
        .where(order_lines.c.order_id == order_id)
        .order_by(order_lines.c.line_no)
    ).all()
    events = conn.execute(
        select(order_events).where(order_events.c.order_id == order_id).order_by(order_events.c.id)
    ).all()
    detail_fields = set(OrderDetail.__slots__) - {"summary", "lines", "events"}
    return OrderDetail(
        summary=_summary(row),
        lines=tuple(LineView(**{f: ln._mapping[f] for f in LineView.__slots__}) for ln in lines),
        events=tuple(
            EventView(**{f: ev._mapping[f] for f in EventView.__slots__}) for ev in events
        ),
        **{name: m[orders.c[name]] for name in detail_fields},
    )


def list_orders(
    conn: Connection, filters: OrderFilter, *, limit: int, cursor: str | None = None
) -> OrderPage:
    """Newest first, keyset-paginated on (placed_at, id) so pages never skip or repeat."""
    text = (filters.text or "").strip()
    if text and not cursor:
        # An exact order number, phone or receiver name is answered from the indexes; only
        # when nothing matches exactly are partial matches searched (a scan on a big day).
        exact = _page(conn, replace(filters, text=None), limit, None, _exact(text))
        if exact.items:
            return exact
    return _page(conn, filters, limit, cursor, None)


def _exact(text: str) -> Any:
    return or_(
        orders.c.platform_order_id == text,
        orders.c.receiver_phone == text,
        orders.c.receiver_name == text,
    )


def _page(
    conn: Connection, filters: OrderFilter, limit: int, cursor: str | None, extra: Any
) -> OrderPage:
    query = select(*_SUMMARY_COLUMNS).join(shops, shops.c.id == orders.c.shop_id)
    for condition in _conditions(filters):
        query = query.where(condition)
    if extra is not None:
        query = query.where(extra)
    if cursor:
        placed_at, order_id = decode_cursor(cursor)
        query = query.where(
            or_(
                orders.c.placed_at < placed_at,
                and_(orders.c.placed_at == placed_at, orders.c.id < order_id),
            )
        )
    query = query.order_by(orders.c.placed_at.desc(), orders.c.id.desc()).limit(limit + 1)
    rows = conn.execute(query).all()
    items = tuple(_summary(r) for r in rows[:limit])
    next_cursor = encode_cursor(items[-1].placed_at, items[-1].id) if len(rows) > limit else None
    return OrderPage(items=items, next_cursor=next_cursor)


def _conditions(f: OrderFilter) -> Iterable[Any]:
    if f.statuses:
        yield orders.c.status.in_(f.statuses)
    if f.shop_code:
        yield shops.c.code == f.shop_code
    if f.placed_from:
        yield orders.c.placed_at >= f.placed_from
    if f.placed_to:
        yield orders.c.placed_at < f.placed_to
    text = (f.text or "").strip()
    if text:
        yield or_(
            orders.c.platform_order_id == text,
            orders.c.platform_order_id.startswith(text, autoescape=True),
            orders.c.receiver_phone == text,
            orders.c.receiver_phone.endswith(text, autoescape=True),
            orders.c.receiver_name.contains(text, autoescape=True),
        )


def encode_cursor(placed_at: datetime, order_id: int) -> str:
    raw = json.dumps([placed_at.isoformat(), order_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        placed_at, order_id = json.loads(raw)
        return datetime.fromisoformat(placed_at), int(order_id)
    except (ValueError, TypeError) as exc:
        raise BadCursor(f"invalid cursor {cursor!r}") from exc


def compare_and_set_status(
    conn: Connection,
    order_ids: Sequence[int],
    *,
    expected: str,
    target: str,
    now: datetime,
    values: Sequence[dict[str, Any]] | None = None,
) -> list[int]:
    """Move the orders still in `expected` to `target`; return the ids that moved. `values`
    (one dict per order, with its `id`) sets other columns in the same UPDATE.

    The WHERE on the current status makes a concurrent change lose cleanly instead of
    being overwritten.
    """
    if not order_ids:
        return []
    if values is not None:
        return bulk_update(
            conn,
            orders,
            key="id",
            rows=values,
            also={"status": target, "updated_at": now},
            increment=("version",),
            where={"status": expected},
            returning=True,
        )
    result = conn.execute(
        update(orders)
        .where(among(orders.c.id, order_ids), orders.c.status == expected)
        .values(status=target, updated_at=now, version=orders.c.version + 1)
        .returning(orders.c.id)
    )
    return [row[0] for row in result]


def insert_events(conn: Connection, events: Sequence[dict[str, Any]]) -> None:
    bulk_insert(conn, order_events, events)


def statuses_of(conn: Connection, order_ids: Sequence[int]) -> dict[int, str]:
    rows = conn.execute(select(orders.c.id, orders.c.status).where(among(orders.c.id, order_ids)))
    return {order_id: status for order_id, status in rows}  # noqa: C416 - Row to tuple
