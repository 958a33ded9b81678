"""Warehouse choice: which warehouse(s) ship each order, drawing stock down across a batch.

For each order, in this order of precedence:

1. the order's ``preferred_warehouse`` (set by a review rule) if it can fill the whole order;
2. ``Unfillable`` when all active warehouses together lack stock (``missing`` per SKU);
3. ``single_first`` (and any strategy with ``split: false``): the best-ranked warehouse that fills
   the whole order, else a greedy split (most units first, ties by rank);
4. ``region_map``/``nearest``/``cheapest``: the best-ranked warehouse holding any of the order
   ships everything it can (one shipment if it fills all); the rest is split greedily.

So ``nearest`` ships from the nearest warehouse with stock even when that means a split, while
``single_first`` prefers one parcel from a farther warehouse. Reasons are English sentences.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from orderhub.allocation.config import AllocationConfig
from orderhub.allocation.model import (
    Availability,
    ConsideredWarehouse,
    OrderToAllocate,
    Unfillable,
    Warehouse,
    WarehouseChoice,
)
from orderhub.allocation.ranking import Ranked, Ranking, build_ranker
from orderhub.allocation.rates import RateTable
from orderhub.allocation.stock import WorkingStock, greedy_split, shipments_for, units_needed

WarehouseResult = WarehouseChoice | Unfillable


def choose_warehouses(
    orders: Iterable[OrderToAllocate],
    availability: Availability,
    config: AllocationConfig,
    *,
    warehouses: Sequence[Warehouse],
    rates: RateTable | None = None,
) -> list[WarehouseResult]:
    """One result per order, in order; earlier orders get stock first.

    ``availability`` is read, never written: the batch draws down its own working copy, so no
    unit is promised twice. Raises ``AllocationConfigError`` when the config does not fit the
    warehouses (unknown code in the region map) or ``cheapest`` has no rate table.
    """
    ranker = build_ranker(config, warehouses, rates)
    stock = WorkingStock(availability)
    return [
        _allocate(_Case.of(order, config, ranker.rank(order), stock), stock) for order in orders
    ]


def choose_warehouse(
    order: OrderToAllocate,
    availability: Availability,
    config: AllocationConfig,
    *,
    warehouses: Sequence[Warehouse],
    rates: RateTable | None = None,
) -> WarehouseResult:
    """The choice for a single order (for the console and tests)."""
    found = choose_warehouses([order], availability, config, warehouses=warehouses, rates=rates)
    return found[0]


@dataclass(slots=True)
class _Case:
    """One order's view of the ranking: what each ranked warehouse lacks right now."""

    order: OrderToAllocate
    config: AllocationConfig
    ranking: Ranking
    ranked: tuple[Ranked, ...]
    codes: tuple[str, ...]
    need: dict[str, int]
    missing: tuple[dict[str, int], ...]

    @classmethod
    def of(
        cls,
        order: OrderToAllocate,
        config: AllocationConfig,
        ranking: Ranking,
        stock: WorkingStock,
    ) -> _Case:
        need = units_needed(order.lines)
        missing = tuple([stock.missing(code, need) for code in ranking.codes])
        return cls(order, config, ranking, ranking.ranked, ranking.codes, need, missing)

    def considered(self) -> tuple[ConsideredWarehouse, ...]:
        return self.ranking.considered(self.missing)

    def label(self, i: int) -> str:
        return f"{self.codes[i]} ({self.ranked[i].note})"

    def lacks(self, i: int) -> str:
        return f"{self.label(i)} lacks {_units(self.missing[i])}"

    def also(self, mentioned: Iterable[int]) -> str:
        skip = set(mentioned)
        rest = [self.label(i) for i in range(len(self.codes)) if i not in skip]
        return f"; also considered {', '.join(rest)}" if rest else ""


def _allocate(case: _Case, stock: WorkingStock) -> WarehouseResult:
    preface, preferred = _preferred(case)
    if preferred is not None:
        code = case.codes[preferred]
        why = f"{code}: preferred by review rule; fills all {_lines(len(case.order.lines))}"
        return _single(case, stock, preferred, why + case.also([preferred]))
    short = {} if any(not m for m in case.missing) else _short(case)
    if short:
        return _unfillable(case, short, preface + _short_reason(case, short))
    if case.config.strategy == "single_first" or not case.config.split:
        return _fewest_shipments(case, stock, preface)
    lead = next(i for i, m in enumerate(case.missing) if m != case.need)
    if not case.missing[lead]:
        return _single(case, stock, lead, preface + _single_reason(case, lead))
    return _split(case, stock, preface, lead=lead)


def _preferred(case: _Case) -> tuple[str, int | None]:
    """(reason prefix when the preferred warehouse is ignored, its index when it is used)."""
    code = case.order.preferred_warehouse
    if not code:
        return "", None
    if code not in case.codes:
        return f"preferred {code} ignored: not an active warehouse; ", None
    i = case.codes.index(code)
    if case.missing[i]:
        return f"preferred {code} ignored: lacks {_units(case.missing[i])}; ", None
    return "", i


def _fewest_shipments(case: _Case, stock: WorkingStock, preface: str) -> WarehouseResult:
    filler = next((i for i, m in enumerate(case.missing) if not m), None)
    if filler is not None:
        return _single(case, stock, filler, preface + _single_reason(case, filler))
    if not case.config.split:
        lacking = "; ".join(case.lacks(i) for i in range(len(case.codes)))
        reason = f"{preface}splitting is off and no warehouse fills all lines: {lacking}"
        return _unfillable(case, case.missing[0], reason)
    return _split(case, stock, preface, lead=None)


def _single(case: _Case, stock: WorkingStock, i: int, reason: str) -> WarehouseChoice:
    picks = [(case.codes[i], case.need)]
    stock.take(case.codes[i], case.need)
    shipments = shipments_for(case.order.lines, picks)
    return WarehouseChoice(
        case.order.order_id, shipments, case.config.strategy, reason, case.considered()
    )


def _single_reason(case: _Case, i: int) -> str:
    why = f"{case.label(i)} fills all {_lines(len(case.order.lines))}"
    if i == 0:
        return why + case.also([0])
    above = "; ".join(case.lacks(j) for j in range(i))
    return f"{why}; better-ranked {above}{case.also(range(i + 1))}"


def _split(case: _Case, stock: WorkingStock, preface: str, *, lead: int | None) -> WarehouseResult:
    picks = greedy_split(case.need, case.codes, stock, lead=lead)
    for code, units in picks:
        stock.take(code, units)
    shipments = shipments_for(case.order.lines, picks)
    parts = " + ".join(f"{s.warehouse_code} ({_lines(len(s.lines))})" for s in shipments)
    if lead is None:
        lacking = "; ".join(case.lacks(i) for i in range(len(case.codes)))
        why = f"no warehouse fills all lines ({lacking}); split {parts}"
    else:
        lacking = "; ".join(case.lacks(i) for i in range(lead + 1))
        used = {case.codes.index(code) for code, _ in picks} | set(range(lead + 1))
        why = f"{lacking}; split {parts}{case.also(used)}"
    return WarehouseChoice(
        case.order.order_id, shipments, case.config.strategy, preface + why, case.considered()
    )


def _short(case: _Case) -> dict[str, int]:
    """SKU -> units that all ranked warehouses together still lack."""
    short = {}
    for sku, quantity in case.need.items():
        covered = sum(quantity - m.get(sku, 0) for m in case.missing)
        if covered < quantity:
            short[sku] = quantity - covered
    return short


def _short_reason(case: _Case, short: Mapping[str, int]) -> str:
    if not case.codes:
        return "no active warehouse"
    return f"stock short across {', '.join(case.codes)}: {_units(short)}"


def _unfillable(case: _Case, missing: Mapping[str, int], reason: str) -> Unfillable:
    return Unfillable(case.order.order_id, dict(missing), reason, case.considered())


def _units(units: Mapping[str, int]) -> str:
    return ", ".join(f"{sku}×{quantity}" for sku, quantity in units.items())


def _lines(count: int) -> str:
    return "1 line" if count == 1 else f"{count} lines"
