"""Stock views and advice from the database: levels, ATP, low-stock alerts, transfer and
replenishment suggestions, purchase orders on their way (expected receipts)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from orderhub.db import stock_repo
from orderhub.db.schema import skus, warehouses
from orderhub.db.schema_inventory import expected_receipts, safety_stock, stock_movements
from orderhub.errors import BusinessError, ErrorCode
from orderhub.inventory.actions import SkuNotFound, StockRefused, move, resolve
from orderhub.inventory.alerts import (
    SafetyThreshold,
    low_stock_alerts,
    replenishment_suggestions,
    sales_velocity,
    transfer_suggestions,
    velocity_by_sku,
)
from orderhub.inventory.atp import ExpectedReceipt, atp
from orderhub.inventory.errors import StockError, StockErrorCode
from orderhub.inventory.ledger import Balance, MovementKind
from orderhub.orders.domain import utc_now


def levels(
    conn: Connection, *, sku: str | None = None, warehouse: str | None = None
) -> list[dict[str, Any]]:
    out = []
    for r in stock_repo.balances(conn):
        if (sku and r.sku != sku) or (warehouse and r.warehouse != warehouse):
            continue
        out.append(
            {
                "warehouse": r.warehouse,
                "sku": r.sku,
                "on_hand": r.on_hand,
                "reserved": r.reserved,
                "available": r.on_hand - r.reserved,
            }
        )
    return out


def _balances(conn: Connection) -> dict[tuple[str, str], Balance]:
    return {(r.warehouse, r.sku): Balance(r.on_hand, r.reserved) for r in stock_repo.balances(conn)}


def _incoming_receipts(conn: Connection) -> list[ExpectedReceipt]:
    query = (
        select(expected_receipts, skus.c.code.label("sku"), warehouses.c.code.label("warehouse"))
        .join(skus, skus.c.id == expected_receipts.c.sku_id)
        .join(warehouses, warehouses.c.id == expected_receipts.c.warehouse_id)
        .where(expected_receipts.c.status == "open")
    )
    return [
        ExpectedReceipt(r.sku, r.warehouse, r.quantity, r.arrival_date, r.reference)
        for r in conn.execute(query)
    ]


def available_to_promise(conn: Connection, sku: str, *, promised: int = 0) -> dict[str, Any]:
    result = atp(_balances(conn), _incoming_receipts(conn), sku, promised=promised)
    out = asdict(result)
    out["incoming"] = [[d.isoformat(), n] for d, n in result.incoming]
    out["presale_free"] = result.presale_free
    return out


class PurchaseOrderNotFound(BusinessError):
    code = ErrorCode.PURCHASE_ORDER_NOT_FOUND


def set_safety(
    conn: Connection,
    sku: str,
    minimum: int,
    *,
    warehouse: str | None = None,
    lead_time_days: int | None = None,
) -> None:
    if minimum < 0 or (lead_time_days is not None and lead_time_days < 0):
        message = "safety stock and lead time must not be negative"
        raise StockRefused(StockError(StockErrorCode.STOCK_SETTING_INVALID, message))
    sku_id = stock_repo.sku_ids(conn, [sku]).get(sku)
    if sku_id is None:
        raise SkuNotFound(f"there is no SKU {sku}", sku=sku)
    wid = resolve(conn, warehouse, sku)[0] if warehouse else None
    found = conn.execute(
        select(safety_stock.c.id).where(
            safety_stock.c.sku_id == sku_id,
            safety_stock.c.warehouse_id.is_(None)
            if wid is None
            else safety_stock.c.warehouse_id == wid,
        )
    ).first()
    values = {"minimum": minimum, "lead_time_days": lead_time_days}
    if found:
        conn.execute(update(safety_stock).where(safety_stock.c.id == found[0]).values(**values))
    else:
        conn.execute(insert(safety_stock).values(sku_id=sku_id, warehouse_id=wid, **values))


def _thresholds(conn: Connection) -> list[Any]:
    query = (
        select(safety_stock, skus.c.code.label("sku"), warehouses.c.code.label("warehouse"))
        .join(skus, skus.c.id == safety_stock.c.sku_id)
        .outerjoin(warehouses, warehouses.c.id == safety_stock.c.warehouse_id)
    )
    return list(conn.execute(query))


def alerts(conn: Connection) -> list[dict[str, Any]]:
    thresholds = [SafetyThreshold(r.sku, r.warehouse, r.minimum) for r in _thresholds(conn)]
    return [
        {**asdict(a), "message": a.message} for a in low_stock_alerts(_balances(conn), thresholds)
    ]


def _velocity(conn: Connection, days: int, today: date) -> dict[tuple[str, str], Any]:
    since = datetime.combine(today - timedelta(days=days), datetime.min.time()).replace(
        tzinfo=utc_now().tzinfo
    )
    day = (
        func.date(stock_movements.c.created_at)
        if conn.dialect.name == "postgresql"
        else func.substr(stock_movements.c.created_at, 1, 10)
    )
    query = (
        select(
            skus.c.code,
            warehouses.c.code,
            day.label("day"),
            -func.sum(stock_movements.c.on_hand_delta),
        )
        .join(skus, skus.c.id == stock_movements.c.sku_id)
        .join(warehouses, warehouses.c.id == stock_movements.c.warehouse_id)
        .where(
            stock_movements.c.kind == MovementKind.SHIPMENT.value,
            stock_movements.c.created_at >= since,
        )
        .group_by(skus.c.code, warehouses.c.code, day)
    )
    shipped = [
        (s, w, d if isinstance(d, date) else date.fromisoformat(str(d)), int(q))
        for s, w, d, q in conn.execute(query)
    ]
    return sales_velocity(shipped, days, today)


def suggestions(
    conn: Connection, *, days: int = 14, cover_days: int = 14, today: date | None = None
) -> dict[str, Any]:
    """Transfers between warehouses against recent demand, and purchase suggestions from sales
    velocity, lead time and safety stock (SKUs with a lead time set by `stock safety`)."""
    today = today or utc_now().date()
    balances = _balances(conn)
    per_wh = _velocity(conn, days, today)
    transfers = transfer_suggestions(balances, per_wh, cover_days=cover_days)
    rows = _thresholds(conn)
    lead = {r.sku: r.lead_time_days for r in rows if r.lead_time_days is not None}
    safety: dict[str, int] = defaultdict(int)
    for r in rows:
        if r.lead_time_days is not None:
            safety[r.sku] += r.minimum
    incoming: dict[str, int] = defaultdict(int)
    for e in _incoming_receipts(conn):
        incoming[e.sku] += e.quantity
    velocity = {s: v for s, v in velocity_by_sku(per_wh).items() if s in lead}
    relevant = {k: b for k, b in balances.items() if k[1] in lead}
    buys = replenishment_suggestions(
        relevant,
        velocity=velocity,
        lead_time_days=lead,
        safety_stock=dict(safety),
        incoming=dict(incoming),
    )
    return {
        "window_days": days,
        "transfers": [asdict(t) for t in transfers],
        "replenishment": [asdict(b) for b in buys],
    }


def expect(
    conn: Connection, warehouse: str, sku: str, quantity: int, *, arrival: date, reference: str
) -> int:
    """Record a purchase order line on its way; presale orders can be promised against it."""
    if quantity < 1 or not reference.strip():
        message = "a purchase order line needs a quantity of at least 1 and a reference"
        raise StockRefused(StockError(StockErrorCode.STOCK_QUANTITY_INVALID, message))
    wid, sid = resolve(conn, warehouse, sku)
    result = conn.execute(
        insert(expected_receipts)
        .values(
            warehouse_id=wid,
            sku_id=sid,
            quantity=quantity,
            arrival_date=arrival,
            reference=reference,
            status="open",
            created_at=utc_now(),
        )
        .returning(expected_receipts.c.id)
    )
    return int(result.scalar_one())


def arrive(conn: Connection, reference: str, *, actor: str) -> int:
    """The purchase order arrived: each open line becomes a receipt; units received."""
    query = select(expected_receipts).where(
        expected_receipts.c.reference == reference, expected_receipts.c.status == "open"
    )
    rows = list(conn.execute(query))
    if not rows:
        raise PurchaseOrderNotFound(f"no open purchase order {reference}", reference=reference)
    for r in rows:
        move(
            conn,
            (r.warehouse_id, r.sku_id),
            MovementKind.RECEIPT,
            r.quantity,
            actor=actor,
            reason="purchase order arrived",
            reference=reference,
        )
    conn.execute(
        update(expected_receipts)
        .where(expected_receipts.c.id.in_([r.id for r in rows]))
        .values(status="received")
    )
    return sum(r.quantity for r in rows)
