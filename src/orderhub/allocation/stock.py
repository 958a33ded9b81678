"""A batch's working copy of availability, and the greedy split over warehouses.

The caller's availability mapping is only read; units taken by earlier orders of a batch are
kept in ``_left`` (copy-on-write per warehouse and SKU), so the same unit is never promised twice.
"""

from __future__ import annotations

from collections.abc import Sequence

from orderhub.allocation.model import Availability, OrderLine, Shipment, ShipmentLine

_EMPTY: dict[str, int] = {}


class WorkingStock:
    def __init__(self, availability: Availability) -> None:
        self._base = availability
        self._left: dict[str, dict[str, int]] = {}

    def available(self, code: str, sku: str) -> int:
        left = self._left.get(code, _EMPTY)
        if sku in left:
            return left[sku]
        return max(0, self._base.get(code, _EMPTY).get(sku, 0))

    def missing(self, code: str, need: dict[str, int]) -> dict[str, int]:
        """SKU -> units this warehouse lacks for ``need`` (empty when it can fill it all)."""
        left = self._left.get(code, _EMPTY)
        base = self._base.get(code, _EMPTY)
        short = {}
        for sku, quantity in need.items():
            have = left[sku] if sku in left else max(0, base.get(sku, 0))
            if have < quantity:
                short[sku] = quantity - have
        return short

    def take(self, code: str, units: dict[str, int]) -> None:
        left = self._left.setdefault(code, {})
        for sku, quantity in units.items():
            remaining = self.available(code, sku) - quantity
            if remaining < 0:
                raise RuntimeError(f"over-promise of {sku} at {code}: {quantity} asked")
            left[sku] = remaining


def units_needed(lines: Sequence[OrderLine]) -> dict[str, int]:
    """SKU -> units over all lines, in first-appearance order."""
    need: dict[str, int] = {}
    for line in lines:
        need[line.sku_code] = need.get(line.sku_code, 0) + line.quantity
    return need


def greedy_split(
    need: dict[str, int], codes: Sequence[str], stock: WorkingStock, *, lead: int | None = None
) -> list[tuple[str, dict[str, int]]]:
    """Warehouse -> units, covering ``need`` in few shipments.

    ``lead`` (an index into ``codes``) ships first; then the warehouse covering the most
    remaining units, ties to the earlier code. Stops when nothing more can be covered.
    """
    remaining = dict(need)
    unused = list(range(len(codes)))
    picks: list[tuple[str, dict[str, int]]] = []
    while remaining and unused:
        best = lead if lead is not None else _most_units(remaining, codes, unused, stock)
        lead = None
        unused.remove(best)
        units = _units_from(codes[best], remaining, stock)
        if not units:
            break
        picks.append((codes[best], units))
        for sku, quantity in units.items():
            remaining[sku] -= quantity
            if not remaining[sku]:
                del remaining[sku]
    return picks


def _units_from(code: str, remaining: dict[str, int], stock: WorkingStock) -> dict[str, int]:
    units = {}
    for sku, quantity in remaining.items():
        have = min(quantity, stock.available(code, sku))
        if have > 0:
            units[sku] = have
    return units


def _most_units(
    remaining: dict[str, int], codes: Sequence[str], unused: list[int], stock: WorkingStock
) -> int:
    def covered(i: int) -> int:
        return sum(min(q, stock.available(codes[i], sku)) for sku, q in remaining.items())

    return max(unused, key=lambda i: (covered(i), -i))


def shipments_for(
    lines: Sequence[OrderLine], picks: list[tuple[str, dict[str, int]]]
) -> tuple[Shipment, ...]:
    """Turn per-warehouse SKU units into shipments of order lines (a line may be split)."""
    left = {line.line_no: line.quantity for line in lines}
    shipments = []
    for code, units in picks:
        budget = dict(units)
        parts = []
        for line in lines:
            quantity = min(left[line.line_no], budget.get(line.sku_code, 0))
            if quantity:
                parts.append(ShipmentLine(line.line_no, line.sku_code, quantity))
                left[line.line_no] -= quantity
                budget[line.sku_code] -= quantity
        shipments.append(Shipment(code, tuple(parts)))
    return tuple(shipments)
