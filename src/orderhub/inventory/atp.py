"""Available-to-promise (ATP) and presale stock.

Two pools of units per SKU:

- **now**: ``available`` (on hand less reserved) summed over warehouses; a warehouse that is
  oversold counts as 0, it cannot lend stock to another.
- **incoming**: expected receipts (purchase orders, transfers) by arrival date. Presale orders
  (预售) are taken against this pool only, so that normal orders reserving today's stock can never
  take what a presale customer was promised. Units already promised to waiting presale orders
  consume the earliest receipts first; if more was promised than is incoming, the difference is
  owed out of today's stock.

So the quantity promisable by a date ``d`` is
``max(0, now - owed) + max(0, incoming_arrived_by(d) - promised)`` with
``owed = max(0, promised - all_incoming)``. A receipt dated before ``as_of`` is late, not lost:
it counts as arriving on ``as_of``.

Arrivals go to waiting presale orders strictly first-paid-first-served (``allocate_arrivals``):
a later order never jumps ahead of an earlier one for the same SKU. An earlier order that cannot
be filled in full keeps every SKU it needs for itself, so later orders needing any of those SKUs
wait too, even when they are smaller; orders that need none of them are served. Partial
shipments of presale orders are the seller's call (split the order), not this function's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from orderhub.inventory.errors import StockError, StockErrorCode, require_quantity
from orderhub.inventory.ledger import Balance, StockKey, total_available

__all__ = [
    "ArrivalAllocation",
    "Atp",
    "ExpectedReceipt",
    "StillWaiting",
    "WaitingOrder",
    "allocate_arrivals",
    "atp",
    "can_take_presale",
    "presale_allocation_order",
]


@dataclass(frozen=True, slots=True)
class ExpectedReceipt:
    """Units expected in a warehouse on a date; ``reference`` is e.g. the purchase order no."""

    sku: str
    warehouse: str
    quantity: int
    arrival_date: date
    reference: str = ""


@dataclass(frozen=True, slots=True)
class Atp:
    """What can be promised for one SKU now and by each arrival date (cumulative)."""

    sku: str
    available_now: int
    incoming_total: int
    promised: int
    promisable_now: int
    incoming: tuple[tuple[date, int], ...]

    @property
    def presale_free(self) -> int:
        """Incoming units not yet promised to presale orders."""
        return max(0, self.incoming_total - self.promised)

    def promisable_by(self, day: date) -> int:
        """Units that can be promised for delivery on or before ``day``."""
        quantity = self.promisable_now
        for arrival, cumulative in self.incoming:
            if arrival <= day:
                quantity = cumulative
        return quantity


def _incoming_by_date(
    receipts: Iterable[ExpectedReceipt], sku: str, as_of: date | None
) -> list[tuple[date, int]]:
    by_date: dict[date, int] = {}
    for receipt in receipts:
        if receipt.sku != sku:
            continue
        require_quantity(receipt.quantity, what=f"expected receipt {receipt.reference} quantity")
        day = receipt.arrival_date if as_of is None else max(receipt.arrival_date, as_of)
        by_date[day] = by_date.get(day, 0) + receipt.quantity
    return sorted(by_date.items())


def atp(
    balances: Mapping[StockKey, Balance],
    expected_receipts: Iterable[ExpectedReceipt],
    sku: str,
    as_of: date | None = None,
    *,
    promised: int = 0,
) -> Atp:
    """ATP of ``sku``; ``promised`` = units of presale orders taken and not yet served."""
    require_quantity(promised, what="promised quantity", allow_zero=True)
    incoming = _incoming_by_date(expected_receipts, sku, as_of)
    incoming_total = sum(quantity for _, quantity in incoming)
    now = total_available(balances, sku)
    promisable_now = max(0, now - max(0, promised - incoming_total))
    cumulative, by_date = 0, []
    for day, quantity in incoming:
        cumulative += quantity
        by_date.append((day, promisable_now + max(0, cumulative - promised)))
    return Atp(sku, now, incoming_total, promised, promisable_now, tuple(by_date))


def can_take_presale(
    sku: str,
    quantity: int,
    *,
    expected_receipts: Iterable[ExpectedReceipt],
    promised: int,
    arriving_by: date | None = None,
    as_of: date | None = None,
) -> bool:
    """Whether a presale order of ``quantity`` fits in receipts not yet promised.

    With ``arriving_by``, only receipts due by then count (a presale with a ship-by date).
    """
    require_quantity(quantity, what="presale quantity")
    require_quantity(promised, what="promised quantity", allow_zero=True)
    arrived = sum(
        units
        for day, units in _incoming_by_date(expected_receipts, sku, as_of)
        if arriving_by is None or day <= arriving_by
    )
    return quantity <= arrived - promised


@dataclass(frozen=True, slots=True)
class WaitingOrder:
    """A paid presale order waiting for stock; ``lines`` maps SKU -> units."""

    order_id: int
    paid_at: datetime
    lines: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class StillWaiting:
    """An order left waiting: ``short`` SKU -> units missing, or blocked by an earlier order."""

    order: WaitingOrder
    short: Mapping[str, int] = field(default_factory=dict)
    blocked_by: int | None = None

    @property
    def reason(self) -> str:
        if self.blocked_by is not None:
            return f"order {self.blocked_by} was paid earlier and waits for the same SKU"
        missing = ", ".join(f"{units} x {sku}" for sku, units in sorted(self.short.items()))
        return f"not enough stock arrived: short {missing}"


@dataclass(frozen=True, slots=True)
class ArrivalAllocation:
    served: tuple[WaitingOrder, ...]
    waiting: tuple[StillWaiting, ...]
    remaining: Mapping[str, int]


def presale_allocation_order(waiting_orders: Iterable[WaitingOrder]) -> list[WaitingOrder]:
    """First paid first: by payment time, then order id."""
    return sorted(waiting_orders, key=lambda order: (order.paid_at, order.order_id))


def allocate_arrivals(
    waiting_orders: Iterable[WaitingOrder], arrived: Mapping[str, int]
) -> ArrivalAllocation:
    """Which waiting presale orders the arrived units serve in full, first paid first."""
    remaining = {
        sku: require_quantity(units, what=f"arrived {sku}", allow_zero=True)
        for sku, units in arrived.items()
    }
    held_by: dict[str, int] = {}  # SKU -> earliest-paid order still waiting for it
    served: list[WaitingOrder] = []
    waiting: list[StillWaiting] = []
    for order in presale_allocation_order(waiting_orders):
        _check_lines(order)
        outcome = _try_serve(order, remaining, held_by)
        if outcome is None:
            served.append(order)
            continue
        waiting.append(outcome)
        for sku in order.lines:
            held_by.setdefault(sku, order.order_id)
    return ArrivalAllocation(tuple(served), tuple(waiting), remaining)


def _try_serve(
    order: WaitingOrder, remaining: dict[str, int], held_by: Mapping[str, int]
) -> StillWaiting | None:
    """Draw the order down from ``remaining``; None when served, else why it waits."""
    blocker = next((oid for sku, oid in held_by.items() if sku in order.lines), None)
    if blocker is not None:
        return StillWaiting(order, blocked_by=blocker)
    short = {
        sku: units - remaining.get(sku, 0)
        for sku, units in order.lines.items()
        if units > remaining.get(sku, 0)
    }
    if short:
        return StillWaiting(order, short=short)
    for sku, units in order.lines.items():
        remaining[sku] -= units
    return None


def _check_lines(order: WaitingOrder) -> None:
    if not order.lines:
        raise StockError(
            StockErrorCode.STOCK_QUANTITY_INVALID,
            f"presale order {order.order_id} has no lines",
            {"order_id": order.order_id},
        )
    for sku, units in order.lines.items():
        require_quantity(units, what=f"order {order.order_id} {sku} quantity")
