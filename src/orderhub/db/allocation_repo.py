"""What the allocation stage reads (orders waiting for stock, their lines, warehouses, incoming
purchase orders) and writes (allocations with their explanation)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Row,
    and_,
    exists,
    func,
    literal,
    not_,
    or_,
    select,
    tuple_,
    update,
)

from orderhub.db.bulk import bulk_insert
from orderhub.db.cleaning_repo import claim
from orderhub.db.hints import among
from orderhub.db.records import Record, records
from orderhub.db.schema import order_holds, order_lines, orders, shops, skus, warehouses
from orderhub.db.schema_inventory import (
    expected_receipts,
    order_allocations,
    stock_movements,
    stock_reservations,
)

OUT_OF_STOCK = "OUT_OF_STOCK"


def _paid_key() -> Any:
    return func.coalesce(orders.c.paid_at, orders.c.placed_at)


def _open_hold(code: str | None = None, *, other_than: str | None = None) -> Any:
    cond = [order_holds.c.order_id == orders.c.id, order_holds.c.released_at.is_(None)]
    if code is not None:
        cond.append(order_holds.c.code == code)
    if other_than is not None:
        cond.append(order_holds.c.code != other_than)
    return exists().where(*cond)


# What allocation reads of an order (its decision, its carrier rules, its writes): not the
# whole row — every time and amount column read is a conversion per order.
_CANDIDATE_COLUMNS = tuple(
    orders.c[name]
    for name in (
        "id",
        "shop_id",
        "status",
        "payment_status",
        "is_presale",
        "tags",
        "receiver_country",
        "receiver_province",
        "receiver_city",
        "receiver_district",
        "preferred_warehouse",
        "preferred_carrier",
    )
)


def candidates(
    conn: Connection,
    *,
    after: tuple[datetime, int] | None,
    limit: int,
    early: Sequence[tuple[int, datetime]] = (),
    include_waiting: bool = True,
) -> list[Record]:
    """Orders to allocate, oldest paid first: approved, presale, and those waiting only for
    stock (on hold with OUT_OF_STOCK and no other reason); plus, for shops that reserve at
    ingest (`early`: shop id and the unpaid cut-off), cleaned orders not reviewed yet that hold
    no reservation — paid, or unpaid and placed after the cut-off."""
    waiting = and_(
        orders.c.status == "on_hold",
        _open_hold(OUT_OF_STOCK),
        not_(_open_hold(other_than=OUT_OF_STOCK)),
    )
    wanted: list[Any] = [orders.c.status.in_(("approved", "presale"))]
    if include_waiting:
        wanted.append(waiting)
    for shop_id, cutoff in early:
        wanted.append(
            and_(
                orders.c.shop_id == shop_id,
                orders.c.status.in_(("received", "pending_review")),
                orders.c.cleaned_at.is_not(None),
                or_(orders.c.payment_status != "unpaid", orders.c.placed_at > cutoff),
                not_(_active_reservation()),
            )
        )
    key = _paid_key()
    query = (
        select(
            *_CANDIDATE_COLUMNS,
            key.label("paid_key"),
            shops.c.code.label("shop_code"),
            shops.c.settings.label("shop_settings"),
        )
        .join(shops, shops.c.id == orders.c.shop_id)
        .where(or_(*wanted))
        .order_by(key, orders.c.id)
        .limit(limit)
    )
    if after is not None:
        query = query.where(
            tuple_(key, orders.c.id)
            > tuple_(literal(after[0], orders.c.placed_at.type), literal(after[1]))
        )
    return records(conn.execute(claim(conn, query)))


FREEING = ("receipt", "return", "transfer_in", "adjustment", "stock_count", "release")


def last_freeing_movement(conn: Connection) -> int:
    """The id of the latest movement that can give orders waiting for stock a new chance."""
    query = select(func.coalesce(func.max(stock_movements.c.id), 0)).where(
        stock_movements.c.kind.in_(FREEING)
    )
    return int(conn.execute(query).scalar_one())


def _active_reservation() -> Any:
    return exists().where(
        stock_reservations.c.order_id == orders.c.id, stock_reservations.c.status == "active"
    )


def expired_unpaid(conn: Connection, shop_id: int, cutoff: datetime) -> list[int]:
    """Unpaid orders of the shop reserved at ingest and placed before the cut-off."""
    query = select(orders.c.id).where(
        orders.c.shop_id == shop_id,
        orders.c.payment_status == "unpaid",
        orders.c.placed_at <= cutoff,
        orders.c.status.in_(("received", "pending_review", "on_hold")),
        _active_reservation(),
    )
    return [r[0] for r in conn.execute(query)]


def early_shops(conn: Connection) -> list[tuple[int, int]]:
    """Shops that reserve at ingest, with their unpaid timeout in minutes (default 30)."""
    out = []
    for r in conn.execute(select(shops.c.id, shops.c.settings)):
        settings = r.settings or {}
        if settings.get("reserve_at") == "ingest":
            out.append((r.id, int(settings.get("unpaid_reservation_minutes", 30))))
    return out


def lines(conn: Connection, order_ids: Sequence[int]) -> dict[int, list[Record]]:
    out: dict[int, list[Record]] = defaultdict(list)
    if order_ids:
        query = (
            select(
                order_lines.c.order_id,
                order_lines.c.line_no,
                order_lines.c.sku_id,
                order_lines.c.quantity,
                skus.c.code.label("sku"),
                skus.c.attributes,
                skus.c.weight_g,
            )
            .join(skus, skus.c.id == order_lines.c.sku_id)
            .where(among(order_lines.c.order_id, list(order_ids)))
            .order_by(order_lines.c.order_id, order_lines.c.line_no)
        )
        for r in records(conn.execute(query)):
            out[r.order_id].append(r)
    return out


def reserved_orders(conn: Connection, order_ids: Sequence[int]) -> set[int]:
    """Orders that already hold an active reservation (reserved at ingest)."""
    if not order_ids:
        return set()
    query = (
        select(stock_reservations.c.order_id)
        .distinct()
        .where(
            among(stock_reservations.c.order_id, list(order_ids)),
            stock_reservations.c.status == "active",
        )
    )
    return {r[0] for r in conn.execute(query)}


def warehouse_rows(conn: Connection) -> list[Row[Any]]:
    return list(
        conn.execute(
            select(warehouses).where(warehouses.c.active.is_(True)).order_by(warehouses.c.code)
        )
    )


def incoming(conn: Connection, sku_ids: Sequence[int]) -> list[Row[Any]]:
    """Open purchase orders of these SKUs."""
    if not sku_ids:
        return []
    query = (
        select(expected_receipts, skus.c.code.label("sku"), warehouses.c.code.label("warehouse"))
        .join(skus, skus.c.id == expected_receipts.c.sku_id)
        .join(warehouses, warehouses.c.id == expected_receipts.c.warehouse_id)
        .where(expected_receipts.c.sku_id.in_(list(sku_ids)), expected_receipts.c.status == "open")
    )
    return list(conn.execute(query))


def promised_to_presale(
    conn: Connection, sku_ids: Sequence[int], *, excluding: Sequence[int]
) -> dict[int, int]:
    """Units of each SKU on orders already waiting in presale (other than `excluding`)."""
    if not sku_ids:
        return {}
    query = (
        select(order_lines.c.sku_id, func.sum(order_lines.c.quantity))
        .join(orders, orders.c.id == order_lines.c.order_id)
        .where(orders.c.status == "presale", order_lines.c.sku_id.in_(list(sku_ids)))
        .group_by(order_lines.c.sku_id)
    )
    if excluding:
        query = query.where(orders.c.id.not_in(list(excluding)))
    return {r[0]: int(r[1]) for r in conn.execute(query)}


def insert_allocations(conn: Connection, rows: Sequence[dict[str, Any]], *, now: datetime) -> None:
    if not rows:
        return
    conn.execute(
        update(order_allocations)
        .where(
            among(order_allocations.c.order_id, [r["order_id"] for r in rows]),
            order_allocations.c.status == "current",
        )
        .values(status="undone")
    )
    bulk_insert(
        conn, order_allocations, [{**r, "status": "current", "created_at": now} for r in rows]
    )


def undo_allocations(conn: Connection, order_ids: Sequence[int]) -> None:
    if order_ids:
        conn.execute(
            update(order_allocations)
            .where(
                among(order_allocations.c.order_id, list(order_ids)),
                order_allocations.c.status == "current",
            )
            .values(status="undone")
        )


def current_allocation(conn: Connection, order_id: int) -> Row[Any] | None:
    query = (
        select(order_allocations)
        .where(order_allocations.c.order_id == order_id, order_allocations.c.status == "current")
        .order_by(order_allocations.c.id.desc())
        .limit(1)
    )
    return conn.execute(query).first()
