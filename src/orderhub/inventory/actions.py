"""Stock use-cases on the database: receive, adjust, count, transfer, reserve, release, ship,
verify. Each runs in the caller's transaction (use `db.engine.writer(engine)` so SQLite takes
the write lock at BEGIN); rows are locked in key order and changed in SQL, with a ledger row
per change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from orderhub.db import stock_repo
from orderhub.db.stock_repo import Change, Key
from orderhub.errors import BusinessError, ErrorCode
from orderhub.inventory.errors import StockError, StockErrorCode
from orderhub.inventory.ledger import Balance, MovementKind, apply_movement, count_delta, effect
from orderhub.inventory.ledger import Movement as PureMovement
from orderhub.orders.domain import utc_now

K = MovementKind


class StockRefused(BusinessError):
    """A stock change refused, with the inventory module's code (`STOCK_INSUFFICIENT` …)."""

    def __init__(self, error: StockError) -> None:
        super().__init__(error.message, **error.details)
        self.code = ErrorCode(str(error.code))


class WarehouseNotFound(BusinessError):
    code = ErrorCode.WAREHOUSE_NOT_FOUND


class SkuNotFound(BusinessError):
    code = ErrorCode.SKU_NOT_FOUND


@dataclass(frozen=True, slots=True)
class Reservation:
    order_id: int
    line_no: int
    warehouse_id: int
    sku_id: int
    quantity: int


def resolve(conn: Connection, warehouse: str, sku: str) -> Key:
    wid = stock_repo.warehouse_ids(conn).get(warehouse)
    if wid is None:
        raise WarehouseNotFound(f"there is no warehouse {warehouse}", warehouse=warehouse)
    sid = stock_repo.sku_ids(conn, [sku]).get(sku)
    if sid is None:
        raise SkuNotFound(f"there is no SKU {sku}", sku=sku)
    return wid, sid


def move(
    conn: Connection,
    key: Key,
    kind: MovementKind,
    quantity: int,
    *,
    actor: str,
    reason: str = "",
    reference: str = "",
) -> Balance:
    """One movement on one row (receipt, adjustment, return, transfer leg …); the new balance.
    Refused (`STOCK_*`) when it would leave reserved above on hand or on hand negative."""
    now = utc_now()
    on_hand, reserved = stock_repo.lock(conn, [key], now=now, create=True)[key]
    warehouse, sku = stock_repo.codes(conn, key)
    try:
        after = apply_movement(
            Balance(on_hand, reserved),
            PureMovement(warehouse, sku, kind, quantity, reason, reference),
        )
    except StockError as exc:
        raise StockRefused(exc) from None
    d_on_hand, d_reserved = effect(kind, quantity)
    change = Change(key[0], key[1], kind.value, d_on_hand, d_reserved, reason, reference)
    stock_repo.apply(conn, [change], actor=actor, now=now)
    _stock_changed(conn, [key[1]], now=now)
    return after


def count(conn: Connection, key: Key, counted: int, *, actor: str, reason: str) -> Balance:
    """A stock count: on hand becomes `counted` (the difference is the movement)."""
    on_hand, _ = stock_repo.lock(conn, [key], now=utc_now(), create=True)[key]
    try:
        delta = count_delta(on_hand, counted)
    except StockError as exc:
        raise StockRefused(exc) from None
    return move(conn, key, K.STOCK_COUNT, delta, actor=actor, reason=reason)


def transfer(
    conn: Connection, source: Key, target: Key, quantity: int, *, actor: str, reason: str
) -> tuple[Balance, Balance]:
    """Move units between warehouses (both legs in one transaction, rows locked in key order)."""
    if source[0] == target[0]:
        raise StockRefused(
            StockError(
                StockErrorCode.STOCK_QUANTITY_INVALID, "a transfer needs two different warehouses"
            )
        )
    stock_repo.lock(conn, [source, target], now=utc_now(), create=True)
    ref = f"transfer:{source[0]}->{target[0]}"
    out = move(conn, source, K.TRANSFER_OUT, quantity, actor=actor, reason=reason, reference=ref)
    into = move(conn, target, K.TRANSFER_IN, quantity, actor=actor, reason=reason, reference=ref)
    return out, into


def reserve(conn: Connection, reservations: Sequence[Reservation], *, actor: str) -> None:
    """Hold units for order lines. The caller has locked the rows (`stock_repo.lock`) and
    checked availability; the SQL guard still refuses an oversell (the transaction aborts)."""
    if not reservations:
        return
    now = utc_now()
    stock_repo.insert_reservations(
        conn,
        [
            {
                "order_id": r.order_id,
                "line_no": r.line_no,
                "warehouse_id": r.warehouse_id,
                "sku_id": r.sku_id,
                "quantity": r.quantity,
                "status": "active",
                "created_at": now,
                "closed_at": None,
            }
            for r in reservations
        ],
    )
    changes = [
        Change(
            r.warehouse_id, r.sku_id, K.RESERVATION.value, 0, r.quantity, "", f"order:{r.order_id}"
        )
        for r in reservations
    ]
    stock_repo.apply(conn, changes, actor=actor, now=now)
    _stock_changed(conn, [r.sku_id for r in reservations], now=now)


def release(conn: Connection, order_ids: Sequence[int], *, actor: str, reason: str) -> int:
    """Give back every active reservation of these orders; the units released."""
    return _close(conn, order_ids, K.RELEASE, "released", actor=actor, reason=reason)


def ship(conn: Connection, order_ids: Sequence[int], *, actor: str) -> int:
    """Reserved goods leave the warehouse: on hand and reserved both go down."""
    return _close(conn, order_ids, K.SHIPMENT, "shipped", actor=actor, reason="shipped")


def _close(
    conn: Connection,
    order_ids: Sequence[int],
    kind: MovementKind,
    status: str,
    *,
    actor: str,
    reason: str,
) -> int:
    rows = stock_repo.active_reservations(conn, order_ids)
    if not rows:
        return 0
    now = utc_now()
    stock_repo.lock(conn, [(r.warehouse_id, r.sku_id) for r in rows], now=now)
    stock_repo.close_reservations(conn, [r.id for r in rows], status=status, now=now)
    changes = []
    for r in rows:
        d_on_hand, d_reserved = effect(kind, r.quantity)
        changes.append(
            Change(
                r.warehouse_id,
                r.sku_id,
                kind.value,
                d_on_hand,
                d_reserved,
                reason,
                f"order:{r.order_id}",
            )
        )
    stock_repo.apply(conn, changes, actor=actor, now=now)
    _stock_changed(conn, [r.sku_id for r in rows], now=now)
    return sum(r.quantity for r in rows)


def verify(conn: Connection) -> list[dict[str, Any]]:
    """Every row where stock differs from its ledger or its active reservations, or breaks
    0 <= reserved <= on_hand; empty when all is well (`orderhub stock verify`)."""
    ledger = stock_repo.ledger_sums(conn)
    held = stock_repo.reservation_sums(conn)
    problems: list[dict[str, Any]] = []
    seen: set[Key] = set()
    for r in stock_repo.balances(conn):
        key = (r.warehouse_id, r.sku_id)
        seen.add(key)
        expected = ledger.get(key, (0, 0))
        where = {
            "warehouse": r.warehouse,
            "sku": r.sku,
            "on_hand": r.on_hand,
            "reserved": r.reserved,
        }
        if (r.on_hand, r.reserved) != expected:
            problems.append({**where, "problem": "differs_from_ledger", "ledger": list(expected)})
        if r.reserved != held.get(key, 0):
            problems.append(
                {**where, "problem": "differs_from_reservations", "reservations": held.get(key, 0)}
            )
        if r.on_hand < 0 or r.reserved < 0 or r.reserved > r.on_hand:
            problems.append({**where, "problem": "invalid_balance"})
    for key in sorted(set(ledger) - seen):
        problems.append(
            {"warehouse_id": key[0], "sku_id": key[1], "problem": "ledger_without_stock_row"}
        )
    return problems


def _stock_changed(conn: Connection, sku_ids: Sequence[int], *, now: Any) -> None:
    """Mark the channel listings of these SKUs for a (debounced) stock push."""
    from orderhub.db import listings_repo

    listings_repo.mark_changed(conn, sku_ids, now=now)
