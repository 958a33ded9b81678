"""Stock rows, the movement ledger and reservations in SQL.

Writers lock the stock rows they will change first, in (warehouse, SKU) order — `FOR UPDATE`
on PostgreSQL; on SQLite the transaction already holds the write lock (`engine.writer`) — then
change quantities in SQL (`reserved = reserved + :q`) with a guard that the row still allows
it; a guard that fails aborts the transaction. Every change inserts its ledger row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, and_, bindparam, func, select, tuple_, update

from orderhub.db.bulk import bulk_insert
from orderhub.db.hints import among
from orderhub.db.ingest_repo import insert_ignore_conflicts
from orderhub.db.schema import skus, stock, warehouses
from orderhub.db.schema_inventory import stock_movements, stock_reservations

Key = tuple[int, int]  # (warehouse id, SKU id)


class StockGuardFailed(RuntimeError):
    """A locked row refused a change: a bug, never a normal outcome (the caller checked)."""


@dataclass(frozen=True, slots=True)
class Change:
    warehouse_id: int
    sku_id: int
    kind: str
    on_hand: int  # delta
    reserved: int  # delta
    reason: str = ""
    reference: str = ""


def lock(
    conn: Connection, keys: Iterable[Key], *, now: datetime, create: bool = False
) -> dict[Key, tuple[int, int]]:
    """Lock the stock rows of `keys` in key order and return (on_hand, reserved) per key;
    with `create`, missing rows are created at zero first (a receipt into a new place)."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    if create:
        rows = [
            {"warehouse_id": w, "sku_id": s, "on_hand": 0, "reserved": 0, "updated_at": now}
            for w, s in wanted
        ]
        conn.execute(insert_ignore_conflicts(conn, stock), rows)
    found: dict[Key, tuple[int, int]] = {}
    for chunk in _chunks(wanted, 500):
        found |= _locked(conn, tuple_(stock.c.warehouse_id, stock.c.sku_id).in_(chunk))
    return found


def lock_skus(conn: Connection, sku_ids: Iterable[int]) -> dict[Key, tuple[int, int]]:
    """Lock every stock row of these SKUs (all warehouses), in key order."""
    ids = sorted(set(sku_ids))
    found: dict[Key, tuple[int, int]] = {}
    for chunk in _chunks(ids, 1000):
        found |= _locked(conn, stock.c.sku_id.in_(chunk))
    return found


def _locked(conn: Connection, condition: Any) -> dict[Key, tuple[int, int]]:
    """(on_hand, reserved) of the rows matching `condition`, locked in key order."""
    query = (
        select(stock.c.warehouse_id, stock.c.sku_id, stock.c.on_hand, stock.c.reserved)
        .where(condition)
        .order_by(stock.c.warehouse_id, stock.c.sku_id)
    )
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    return {(r.warehouse_id, r.sku_id): (r.on_hand, r.reserved) for r in conn.execute(query)}


def apply(conn: Connection, changes: Sequence[Change], *, actor: str, now: datetime) -> None:
    """Apply changes (rows already locked) and write their ledger rows. Deltas are summed per
    row and applied in key order; the guard keeps 0 <= reserved <= on_hand."""
    if not changes:
        return
    totals: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    for c in changes:
        total = totals[(c.warehouse_id, c.sku_id)]
        total[0] += c.on_hand
        total[1] += c.reserved
    params = [
        {"w": w, "s": s, "d": d, "r": r, "now": now}
        for (w, s), (d, r) in sorted(totals.items())
        if d or r
    ]
    if params:
        stmt = (
            update(stock)
            .where(
                stock.c.warehouse_id == bindparam("w"),
                stock.c.sku_id == bindparam("s"),
                stock.c.on_hand + bindparam("d") >= 0,
                stock.c.reserved + bindparam("r") >= 0,
                stock.c.reserved + bindparam("r") <= stock.c.on_hand + bindparam("d"),
            )
            .values(
                on_hand=stock.c.on_hand + bindparam("d"),
                reserved=stock.c.reserved + bindparam("r"),
                updated_at=bindparam("now"),
            )
        )
        _guarded(conn, stmt, params)
    bulk_insert(
        conn,
        stock_movements,
        [
            {
                "warehouse_id": c.warehouse_id,
                "sku_id": c.sku_id,
                "kind": c.kind,
                "on_hand_delta": c.on_hand,
                "reserved_delta": c.reserved,
                "reason": c.reason[:2000],
                "reference": c.reference[:128],
                "actor": actor,
                "created_at": now,
            }
            for c in changes
        ],
    )


def _guarded(conn: Connection, stmt: Any, params: list[dict[str, Any]]) -> None:
    if conn.dialect.supports_sane_multi_rowcount:
        changed = conn.execute(stmt, params).rowcount
        if changed == len(params):
            return
    else:
        changed = sum(conn.execute(stmt, p).rowcount for p in params)
        if changed == len(params):
            return
    raise StockGuardFailed(
        f"{len(params) - changed} stock rows refused a change they were locked for"
    )


def insert_reservations(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    bulk_insert(conn, stock_reservations, rows)


def active_reservations(conn: Connection, order_ids: Sequence[int]) -> list[Row[Any]]:
    if not order_ids:
        return []
    query = (
        select(stock_reservations)
        .where(
            among(stock_reservations.c.order_id, list(order_ids)),
            stock_reservations.c.status == "active",
        )
        .order_by(stock_reservations.c.warehouse_id, stock_reservations.c.sku_id)
    )
    return list(conn.execute(query))


def close_reservations(conn: Connection, ids: Sequence[int], *, status: str, now: datetime) -> None:
    if ids:
        conn.execute(
            update(stock_reservations)
            .where(
                among(stock_reservations.c.id, list(ids)), stock_reservations.c.status == "active"
            )
            .values(status=status, closed_at=now)
        )


def balances(conn: Connection, *, sku_ids: Sequence[int] | None = None) -> list[Row[Any]]:
    """Stock per warehouse and SKU with codes, for listings and checks."""
    query = (
        select(
            stock.c.warehouse_id,
            stock.c.sku_id,
            warehouses.c.code.label("warehouse"),
            skus.c.code.label("sku"),
            stock.c.on_hand,
            stock.c.reserved,
        )
        .join(warehouses, warehouses.c.id == stock.c.warehouse_id)
        .join(skus, skus.c.id == stock.c.sku_id)
        .order_by(skus.c.code, warehouses.c.code)
    )
    if sku_ids is not None:
        query = query.where(stock.c.sku_id.in_(list(sku_ids)))
    return list(conn.execute(query))


def ledger_sums(conn: Connection) -> dict[Key, tuple[int, int]]:
    query = select(
        stock_movements.c.warehouse_id,
        stock_movements.c.sku_id,
        func.sum(stock_movements.c.on_hand_delta),
        func.sum(stock_movements.c.reserved_delta),
    ).group_by(stock_movements.c.warehouse_id, stock_movements.c.sku_id)
    return {(r[0], r[1]): (int(r[2]), int(r[3])) for r in conn.execute(query)}


def reservation_sums(conn: Connection) -> dict[Key, int]:
    query = (
        select(
            stock_reservations.c.warehouse_id,
            stock_reservations.c.sku_id,
            func.sum(stock_reservations.c.quantity),
        )
        .where(stock_reservations.c.status == "active")
        .group_by(stock_reservations.c.warehouse_id, stock_reservations.c.sku_id)
    )
    return {(r[0], r[1]): int(r[2]) for r in conn.execute(query)}


def warehouse_ids(conn: Connection) -> dict[str, int]:
    return {r.code: r.id for r in conn.execute(select(warehouses.c.code, warehouses.c.id))}


def codes(conn: Connection, key: Key) -> tuple[str, str]:
    """The warehouse and SKU codes of a key, for messages a seller can read."""
    w = conn.execute(select(warehouses.c.code).where(warehouses.c.id == key[0])).scalar()
    s = conn.execute(select(skus.c.code).where(skus.c.id == key[1])).scalar()
    return str(w or key[0]), str(s or key[1])


def sku_ids(conn: Connection, codes: Iterable[str]) -> dict[str, int]:
    query = select(skus.c.code, skus.c.id).where(skus.c.code.in_(sorted(set(codes))))
    return {r.code: r.id for r in conn.execute(query)}


def available_by_sku(conn: Connection, sku_ids: Sequence[int]) -> dict[int, dict[int, int]]:
    """SKU -> warehouse -> available, unlocked (reads for planning, never for deciding)."""
    out: dict[int, dict[int, int]] = defaultdict(dict)
    if sku_ids:
        query = select(
            stock.c.sku_id, stock.c.warehouse_id, stock.c.on_hand - stock.c.reserved
        ).where(and_(stock.c.sku_id.in_(list(sku_ids))))
        for sku_id, warehouse_id, available in conn.execute(query):
            out[sku_id][warehouse_id] = int(available)
    return out


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
