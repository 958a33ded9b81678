"""The allocation stage: orders are given a warehouse and carrier and their stock is reserved.

Per batch, oldest paid first: lock the stock rows of the batch's SKUs (key order), decide in
pure code (`allocation`), reserve in SQL, store each choice with its reason, move the orders.
An order stock cannot serve waits: in `presale` when open purchase orders can cover it (or the
platform sold it as a presale), otherwise on hold with `OUT_OF_STOCK`; every run retries the
waiting orders first-paid-first-served. SKUs an earlier presale order is waiting for are not
given to later orders (presale is strictly first paid, first served).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine

from orderhub.allocation import (
    OrderToAllocate,
    Unfillable,
    WarehouseChoice,
    choose_warehouse,
    choose_warehouses,
)
from orderhub.db import allocation_repo, cleaning_repo, settings_repo, stock_repo
from orderhub.db.allocation_repo import OUT_OF_STOCK
from orderhub.db.engine import writer
from orderhub.db.records import Record
from orderhub.inventory.actions import Reservation, release, reserve
from orderhub.orders.actions import transition_many
from orderhub.orders.domain import utc_now
from orderhub.orders.lifecycle import OrderStatus
from orderhub.pipeline.allocate_inputs import Context, load_context, to_allocate, with_carriers

ACTOR = "system:allocation"
RETRY_MARK = "allocation_retry_mark"  # the last freeing movement waiting orders were retried after
S = OrderStatus
_EARLY = frozenset({S.RECEIVED.value, S.PENDING_REVIEW.value})  # reserved at ingest, not approved


@dataclass(slots=True)
class AllocateResult:
    allocated: int = 0
    presale: int = 0
    out_of_stock: int = 0
    lines_reserved: int = 0
    outcomes: dict[int, str] = field(default_factory=dict)

    def add(self, other: AllocateResult) -> None:
        self.allocated += other.allocated
        self.presale += other.presale
        self.out_of_stock += other.out_of_stock
        self.lines_reserved += other.lines_reserved
        self.outcomes.update(other.outcomes)


def run_allocation(
    engine: Engine, *, batch_size: int = 500, progress: Callable[[int], None] | None = None
) -> AllocateResult:
    """Allocate every order waiting for it, batch by batch (one locked transaction each).
    First, unpaid orders reserved at ingest past their shop's timeout give their stock back.
    Orders on hold for stock are retried only when stock may have come back since the last
    retry (a receipt, return, transfer in, count, adjustment or release), so a busy day does
    not re-examine every waiting order on every run."""
    total, after = AllocateResult(), None
    with engine.connect() as conn:
        ctx = load_context(conn)
    with writer(engine).begin() as conn:
        early = expire_unpaid(conn)
        freeing = allocation_repo.last_freeing_movement(conn)
        retry = freeing > int(settings_repo.get_setting(conn, RETRY_MARK) or 0)
    while True:
        with writer(engine).begin() as conn:
            rows = allocation_repo.candidates(
                conn, after=after, limit=batch_size, early=early, include_waiting=retry
            )
            if not rows:
                break
            total.add(allocate_batch(conn, rows, ctx))
        after = (rows[-1].paid_key, rows[-1].id)
        if progress:
            progress(len(rows))
    if retry:
        with engine.begin() as conn:
            settings_repo.put_setting(conn, RETRY_MARK, freeing, actor=ACTOR, now=utc_now())
    return total


def expire_unpaid(conn: Connection) -> list[tuple[int, datetime]]:
    """Release reservations of unpaid orders older than their shop's timeout; the (shop, cut-off)
    of every shop that reserves at ingest."""
    now, early = utc_now(), []
    for shop_id, minutes in allocation_repo.early_shops(conn):
        cutoff = now - timedelta(minutes=minutes)
        expired = allocation_repo.expired_unpaid(conn, shop_id, cutoff)
        if expired:
            reason = f"unpaid {minutes} minutes after it was placed"
            release(conn, expired, actor=ACTOR, reason=reason)
            allocation_repo.undo_allocations(conn, expired)
        early.append((shop_id, cutoff))
    return early


def allocate_batch(conn: Connection, rows: Sequence[Record], ctx: Context) -> AllocateResult:
    ids = [r.id for r in rows]
    lines = allocation_repo.lines(conn, ids)
    sku_ids = sorted({ln.sku_id for ls in lines.values() for ln in ls})
    locked = stock_repo.lock_skus(conn, sku_ids)  # every row these orders could touch, in key order
    code_of = {ln.sku_id: ln.sku for ls in lines.values() for ln in ls}
    avail: dict[str, dict[str, int]] = defaultdict(dict)
    for (wid, sid), (on_hand, reserved) in locked.items():
        if wid in ctx.warehouse_code:
            avail[ctx.warehouse_code[wid]][code_of[sid]] = on_hand - reserved
    incoming = _Incoming(conn, sku_ids, ids)
    already = allocation_repo.reserved_orders(
        conn, [r.id for r in rows if r.status == S.APPROVED.value]
    )
    run = _Allocator(ctx, avail, incoming)
    for row in rows:
        order_lines = lines.get(row.id, [])
        if not order_lines:
            continue
        if row.id in already:  # reserved at ingest: approved now, nothing more to reserve
            run.result.allocated += 1
            run.result.outcomes[row.id] = "allocated"
            continue
        run.add(row, order_lines)
    run.flush()
    result, plans = run.result, run.plans
    _write(conn, rows, plans, incoming, result)
    return result


class _Allocator:
    """Decides a batch in payment order. Runs of ordinary orders of one strategy go through
    `choose_warehouses` at once (it draws stock down as it goes); presale orders and orders
    needing SKUs an earlier presale order waits for are decided one by one."""

    def __init__(self, ctx: Context, avail: dict[str, dict[str, int]], incoming: _Incoming) -> None:
        self.ctx, self.avail, self.incoming = ctx, avail, incoming
        self.result = AllocateResult()
        self.plans: list[tuple[Record, Sequence[Record], WarehouseChoice, dict[str, Any]]] = []
        self.blocked: set[str] = set()
        self.pending: list[tuple[Record, Sequence[Record], OrderToAllocate]] = []

    def add(self, row: Record, order_lines: Sequence[Record]) -> None:
        order = to_allocate(row, order_lines)
        if {ln.sku for ln in order_lines} & self.blocked:
            self.flush()
            self.decide(row, order_lines, order, Unfillable(str(row.id), {}, _BLOCKED))
        elif row.status == S.PRESALE.value:
            self.flush()
            config = self.ctx.config_for(row)
            found = choose_warehouse(
                order, self.avail, config, warehouses=self.ctx.warehouses, rates=self.ctx.rates
            )
            self.decide(row, order_lines, order, found)
        else:
            if self.pending and self.ctx.config_for(self.pending[0][0]) != self.ctx.config_for(row):
                self.flush()  # a shop with another strategy: decide the run so far first
            self.pending.append((row, order_lines, order))

    def flush(self) -> None:
        if not self.pending:
            return
        config = self.ctx.config_for(self.pending[0][0])
        found = choose_warehouses(
            [o for _, _, o in self.pending],
            self.avail,
            config,
            warehouses=self.ctx.warehouses,
            rates=self.ctx.rates,
        )
        for (row, order_lines, order), choice in zip(self.pending, found, strict=True):
            self.decide(row, order_lines, order, choice)
        self.pending.clear()

    def decide(
        self,
        row: Record,
        order_lines: Sequence[Record],
        order: OrderToAllocate,
        choice: WarehouseChoice | Unfillable,
    ) -> None:
        result, needs = self.result, {ln.sku for ln in order_lines}
        if isinstance(choice, WarehouseChoice):
            _draw(self.avail, choice)
            record = with_carriers(order, choice, order_lines, self.ctx)
            self.plans.append((row, order_lines, choice, record))
            early = row.status in _EARLY
            result.allocated += 0 if early else 1
            result.outcomes[row.id] = "reserved" if early else "allocated"
            return
        if row.status in _EARLY:
            result.outcomes[row.id] = "not_reserved"  # tried again next run; no hold before review
            return
        if self.incoming.covers(choice, order_lines, presale=bool(row.is_presale)):
            self.blocked |= needs
            result.presale += 1
            result.outcomes[row.id] = "presale"
        else:
            result.out_of_stock += 1
            result.outcomes[row.id] = "out_of_stock"
            if row.status == S.PRESALE.value:
                self.blocked |= needs
        self.incoming.waiting[row.id] = choice


_BLOCKED = "earlier presale orders wait for the same SKUs"


def _draw(avail: dict[str, dict[str, int]], choice: WarehouseChoice) -> None:
    for shipment in choice.shipments:
        stock_of = avail[shipment.warehouse_code]
        for line in shipment.lines:
            stock_of[line.sku_code] -= line.quantity


class _Incoming:
    """Open purchase orders per SKU, less what presale orders already wait for."""

    def __init__(self, conn: Connection, sku_ids: Sequence[int], batch: Sequence[int]) -> None:
        self.free: dict[int, int] = defaultdict(int)
        self.refs: dict[int, list[str]] = defaultdict(list)
        for r in allocation_repo.incoming(conn, sku_ids):
            self.free[r.sku_id] += r.quantity
            self.refs[r.sku_id].append(
                f"{r.reference} ({r.quantity} due {r.arrival_date.isoformat()})"
            )
        for sku_id, units in allocation_repo.promised_to_presale(
            conn, sku_ids, excluding=batch
        ).items():
            self.free[sku_id] -= units
        self.waiting: dict[int, Unfillable] = {}
        self.reasons: dict[int, str] = {}

    def covers(self, choice: Unfillable, order_lines: Sequence[Record], *, presale: bool) -> bool:
        need: dict[int, int] = defaultdict(int)
        for ln in order_lines:
            need[ln.sku_id] += ln.quantity
        covered = bool(need) and all(self.free[s] >= q for s, q in need.items())
        if covered or presale:
            for s, q in need.items():
                self.free[s] -= q
            refs = sorted({ref for s in need for ref in self.refs[s]})
            self.reasons[int(choice.order_id)] = (
                "waiting for " + ", ".join(refs) if refs else "platform presale: waiting for stock"
            )
            return True
        return False


def _write(
    conn: Connection,
    rows: Sequence[Record],
    plans: Sequence[tuple[Record, Sequence[Record], WarehouseChoice, dict[str, Any]]],
    incoming: _Incoming,
    result: AllocateResult,
) -> None:
    now = utc_now()
    wid = {code: i for i, code in _codes(conn).items()}
    sku_of = {(ln.order_id, ln.line_no): ln.sku_id for _, lns, _, _ in plans for ln in lns}
    reservations = [
        Reservation(
            row.id,
            line.line_no,
            wid[s.warehouse_code],
            sku_of[(row.id, line.line_no)],
            line.quantity,
        )
        for row, _, choice, _ in plans
        for s in choice.shipments
        for line in s.lines
    ]
    reserve(conn, reservations, actor=ACTOR)
    result.lines_reserved += len(reservations)
    allocation_repo.insert_allocations(
        conn,
        [
            {
                "order_id": row.id,
                "shipments": record["shipments"],
                "strategy": choice.strategy,
                "reason": choice.reason[:2000],
                "explanation": record["explanation"],
            }
            for row, _, choice, record in plans
        ],
        now=now,
    )
    status = {r.id: r.status for r in rows}
    done = [i for i, o in result.outcomes.items() if o == "allocated"]
    held_done = [i for i in done if status[i] == S.ON_HOLD.value]
    _release_hold(conn, held_done, now=now)
    transition_many(conn, held_done, S.APPROVED, actor=ACTOR, reason="stock arrived")
    transition_many(
        conn, done, S.ALLOCATED, actor=ACTOR, reason="warehouse and carrier chosen, stock reserved"
    )
    presale = [
        i for i, o in result.outcomes.items() if o == "presale" and status[i] != S.PRESALE.value
    ]
    _release_hold(conn, [i for i in presale if status[i] == S.ON_HOLD.value], now=now)
    for order_id in presale:
        transition_many(
            conn, [order_id], S.PRESALE, actor=ACTOR, reason=incoming.reasons[order_id][:500]
        )
    short = [
        i
        for i, o in result.outcomes.items()
        if o == "out_of_stock" and status[i] == S.APPROVED.value
    ]
    holds = [(i, OUT_OF_STOCK, incoming.waiting[i].reason[:2000]) for i in short]
    cleaning_repo.insert_holds(conn, holds, now)
    transition_many(conn, short, S.ON_HOLD, actor=ACTOR, reason=OUT_OF_STOCK)


def _release_hold(conn: Connection, order_ids: Sequence[int], *, now: Any) -> None:
    cleaning_repo.release_holds(conn, order_ids, OUT_OF_STOCK, actor=ACTOR, now=now)


def _codes(conn: Connection) -> dict[int, str]:
    return {i: code for code, i in stock_repo.warehouse_ids(conn).items()}


def allocation_view(conn: Connection, order_id: int) -> dict[str, Any] | None:
    """The order's current allocation: parcels (warehouse, lines, carrier, cost, reasons), the
    strategy, and the warehouses and carriers considered."""
    row = allocation_repo.current_allocation(conn, order_id)
    if row is None:
        return None
    return {
        "shipments": row.shipments,
        "strategy": row.strategy,
        "reason": row.reason,
        "considered": row.explanation,
        "allocated_at": row.created_at.isoformat(),
    }
