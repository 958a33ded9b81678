"""Safety-stock alerts, transfer suggestions between warehouses, and replenishment suggestions.

Stock counted here is ``available`` (on hand less reserved), with an oversold warehouse counted
as 0. Sales velocity is units per day, kept to two decimals so that every figure in a reason can
be checked by hand. Reasons are English sentences with the figures used.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from orderhub.inventory.errors import StockError, StockErrorCode, require_quantity
from orderhub.inventory.ledger import Balance, StockKey, total_available

__all__ = [
    "Alert",
    "Replenishment",
    "SafetyThreshold",
    "TransferSuggestion",
    "low_stock_alerts",
    "replenishment_suggestions",
    "sales_velocity",
    "transfer_suggestions",
    "velocity_by_sku",
]

Rate = Decimal | int
_CENT = Decimal("0.01")


def _fmt(value: Rate) -> str:
    return f"{Decimal(value).normalize():f}"


def _days(units: int, per_day: Rate) -> str:
    return _fmt((Decimal(units) / Decimal(per_day)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def _rate(value: Rate, *, what: str) -> Decimal:
    rate = Decimal(value)
    if not rate.is_finite() or rate < 0:
        raise StockError(
            StockErrorCode.STOCK_SETTING_INVALID,
            f"{what} must be zero or more units per day, got {value}",
            {"field": what, "value": str(value)},
        )
    return rate


def _available(balance: Balance | None) -> int:
    return 0 if balance is None else max(0, balance.available)


@dataclass(frozen=True, slots=True)
class SafetyThreshold:
    """Keep at least ``minimum`` available; ``warehouse`` None means all warehouses together."""

    sku: str
    warehouse: str | None
    minimum: int


@dataclass(frozen=True, slots=True)
class Alert:
    sku: str
    warehouse: str | None
    available: int
    minimum: int
    shortfall: int

    @property
    def message(self) -> str:
        where = "all warehouses" if self.warehouse is None else self.warehouse
        return (
            f"{self.sku} in {where}: {self.available} available, safety stock {self.minimum}, "
            f"short {self.shortfall}"
        )


def low_stock_alerts(
    balances: Mapping[StockKey, Balance], thresholds: Iterable[SafetyThreshold]
) -> list[Alert]:
    """One alert per threshold whose available stock is below its minimum, by SKU then warehouse."""
    alerts = []
    for threshold in thresholds:
        require_quantity(threshold.minimum, what=f"{threshold.sku} safety stock", allow_zero=True)
        if threshold.warehouse is None:
            available = total_available(balances, threshold.sku)
        else:
            available = _available(balances.get((threshold.warehouse, threshold.sku)))
        if available < threshold.minimum:
            shortfall = threshold.minimum - available
            alerts.append(
                Alert(threshold.sku, threshold.warehouse, available, threshold.minimum, shortfall)
            )
    return sorted(alerts, key=lambda a: (a.sku, a.warehouse is not None, a.warehouse or ""))


@dataclass(frozen=True, slots=True)
class TransferSuggestion:
    sku: str
    from_warehouse: str
    to_warehouse: str
    quantity: int
    reason: str


@dataclass(slots=True)
class _Side:
    """One warehouse's stock of one SKU while transfers are being planned."""

    warehouse: str
    available: int
    per_day: Decimal
    keep: int  # units it must keep (receiver: target to reach; donor: target + safety)
    received: int = 0  # units already suggested to it from other warehouses


def transfer_suggestions(
    balances: Mapping[StockKey, Balance],
    demand: Mapping[StockKey, Rate],
    *,
    cover_days: int = 14,
    safety_days: int = 7,
    min_quantity: int = 1,
) -> list[TransferSuggestion]:
    """Move stock from warehouses with surplus to those short of ``cover_days`` of demand.

    ``demand`` is units/day per (warehouse, SKU) over a recent window. A warehouse is short when
    its available stock covers fewer than ``cover_days`` days; it asks for enough to reach that
    target. A donor keeps ``cover_days + safety_days`` days of its own demand and gives only what
    is above that. The shortest warehouse (fewest days of cover) is served first, from the donor
    with the largest surplus first. Transfers under ``min_quantity`` units are not suggested.
    """
    require_quantity(cover_days, what="cover_days")
    require_quantity(safety_days, what="safety_days", allow_zero=True)
    require_quantity(min_quantity, what="min_quantity")
    skus = sorted({sku for _, sku in balances.keys() | demand.keys()})
    suggestions: list[TransferSuggestion] = []
    for sku in skus:
        receivers, donors = _sides(sku, balances, demand, cover_days, safety_days)
        for receiver in receivers:
            _serve(
                sku,
                receiver,
                donors,
                suggestions,
                days=(cover_days, safety_days),
                minimum=min_quantity,
            )
    return suggestions


def _sides(
    sku: str,
    balances: Mapping[StockKey, Balance],
    demand: Mapping[StockKey, Rate],
    cover_days: int,
    safety_days: int,
) -> tuple[list[_Side], list[_Side]]:
    receivers, donors = [], []
    warehouses = {wh for wh, s in balances.keys() | demand.keys() if s == sku}
    for warehouse in sorted(warehouses):
        per_day = _rate(demand.get((warehouse, sku), 0), what=f"{warehouse} {sku} demand")
        available = _available(balances.get((warehouse, sku)))
        target = math.ceil(per_day * cover_days)
        if per_day > 0 and available < target:
            receivers.append(_Side(warehouse, available, per_day, target))
            continue
        keep = math.ceil(per_day * (cover_days + safety_days))
        if available > keep:
            donors.append(_Side(warehouse, available, per_day, keep))
    receivers.sort(key=lambda r: Decimal(r.available) / r.per_day)
    return receivers, donors


def _serve(
    sku: str,
    receiver: _Side,
    donors: list[_Side],
    out: list[TransferSuggestion],
    *,
    days: tuple[int, int],
    minimum: int,
) -> None:
    donors.sort(key=lambda d: d.keep - d.available)  # largest surplus first, stable by name
    for donor in donors:
        quantity = min(receiver.keep - receiver.available, donor.available - donor.keep)
        if quantity < minimum:
            continue
        reason = _transfer_reason(receiver, donor, quantity, days)
        out.append(TransferSuggestion(sku, donor.warehouse, receiver.warehouse, quantity, reason))
        receiver.available += quantity
        receiver.received += quantity
        donor.available -= quantity


def _transfer_reason(receiver: _Side, donor: _Side, quantity: int, days: tuple[int, int]) -> str:
    cover_days, safety_days = days
    start = receiver.available - receiver.received
    short = (
        f"{receiver.warehouse} has {start} available at {_fmt(receiver.per_day)}/day "
        f"= {_days(start, receiver.per_day)} days of cover, below the "
        f"{cover_days}-day target of {receiver.keep}"
    )
    if receiver.received:
        short += f" ({receiver.received} already coming from other warehouses)"
    left = donor.available - quantity
    gives = f"{donor.warehouse} has {donor.available} and keeps {left} after sending {quantity}"
    if donor.per_day == 0:
        return f"{short}; {gives}: it had no sales in the window"
    return (
        f"{short}; {gives}: {_days(left, donor.per_day)} days at {_fmt(donor.per_day)}/day, "
        f"not below its own floor of {donor.keep} ({cover_days} + {safety_days} days)"
    )


@dataclass(frozen=True, slots=True)
class Replenishment:
    """A purchase suggestion; ``on_hand_plus_incoming`` is available (reserved excluded) + incoming."""

    sku: str
    reorder_point: int
    on_hand_plus_incoming: int
    order_up_to: int
    suggested_quantity: int
    reason: str


def replenishment_suggestions(
    balances: Mapping[StockKey, Balance],
    *,
    velocity: Mapping[str, Rate],
    lead_time_days: Mapping[str, int],
    safety_stock: Mapping[str, int],
    incoming: Mapping[str, int] | None = None,
    cover_days: int = 30,
) -> list[Replenishment]:
    """Reorder when available + incoming <= reorder point = velocity x lead time + safety stock.

    The order brings the SKU up to velocity x (lead time + ``cover_days``) + safety stock, i.e.
    enough to last ``cover_days`` after the goods arrive. SKUs are those with a velocity or a
    safety stock; each needs a lead time (``STOCK_SETTING_INVALID`` lists those without).
    """
    require_quantity(cover_days, what="cover_days")
    incoming = incoming or {}
    skus = sorted(velocity.keys() | safety_stock.keys())
    missing = [sku for sku in skus if sku not in lead_time_days]
    if missing:
        raise StockError(
            StockErrorCode.STOCK_SETTING_INVALID,
            f"set a purchase lead time for {', '.join(missing)}",
            {"field": "lead_time_days", "skus": missing},
        )
    suggestions = []
    for sku in skus:
        position = total_available(balances, sku) + incoming.get(sku, 0)
        suggestion = _replenish(
            sku,
            position,
            per_day=_rate(velocity.get(sku, 0), what=f"{sku} velocity"),
            lead_time=lead_time_days[sku],
            safety=safety_stock.get(sku, 0),
            cover_days=cover_days,
        )
        if suggestion is not None:
            suggestions.append(suggestion)
    return suggestions


def _replenish(
    sku: str, position: int, *, per_day: Decimal, lead_time: int, safety: int, cover_days: int
) -> Replenishment | None:
    require_quantity(lead_time, what=f"{sku} lead time", allow_zero=True)
    require_quantity(safety, what=f"{sku} safety stock", allow_zero=True)
    require_quantity(position, what=f"{sku} available + incoming", allow_zero=True)
    reorder_point = math.ceil(per_day * lead_time) + safety
    order_up_to = math.ceil(per_day * (lead_time + cover_days)) + safety
    quantity = order_up_to - position
    if position > reorder_point or quantity <= 0:
        return None
    rate = f"{_fmt(per_day)}/day"
    reason = (
        f"available + incoming = {position}, at or below the reorder point {reorder_point} "
        f"({rate} x {lead_time} days lead time + {safety} safety stock); order {quantity} to "
        f"reach {order_up_to} ({rate} x {lead_time + cover_days} days + {safety} safety stock), "
        f"enough for {cover_days} days after arrival"
    )
    return Replenishment(sku, reorder_point, position, order_up_to, quantity, reason)


def sales_velocity(
    shipments: Iterable[tuple[str, str, date, int]], days: int, today: date
) -> dict[StockKey, Decimal]:
    """Units/day per (warehouse, SKU) over the ``days`` full days before ``today``.

    ``shipments`` are (sku, warehouse, day, quantity); today is left out because it is not over.
    Rates are rounded half-up to 0.01.
    """
    require_quantity(days, what="days")
    first = today - timedelta(days=days)
    totals: dict[StockKey, int] = {}
    for sku, warehouse, day, quantity in shipments:
        if first <= day < today:
            totals[(warehouse, sku)] = totals.get((warehouse, sku), 0) + quantity
    return {
        key: (Decimal(total) / days).quantize(_CENT, ROUND_HALF_UP)
        for key, total in sorted(totals.items())
    }


def velocity_by_sku(per_warehouse: Mapping[StockKey, Rate]) -> dict[str, Decimal]:
    """Per-SKU rates summed over warehouses, for ``replenishment_suggestions``."""
    totals: dict[str, Decimal] = {}
    for (_, sku), rate in per_warehouse.items():
        totals[sku] = totals.get(sku, Decimal(0)) + Decimal(rate)
    return totals
