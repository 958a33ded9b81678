"""Warehouse rankings, one per strategy: the order in which warehouses are preferred.

A ranker is built once per batch and caches its ranking per destination (and per weight for
``cheapest``), so a batch ranks each destination once instead of sorting per order.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from types import MappingProxyType
from typing import NamedTuple, Protocol

from orderhub.allocation.config import ANY_DESTINATION, AllocationConfig
from orderhub.allocation.errors import AllocationConfigError
from orderhub.allocation.geo import canonical_province, distance_km, place_coordinates, region_of
from orderhub.allocation.model import ConsideredWarehouse, OrderToAllocate, Warehouse
from orderhub.allocation.rates import Rate, RateTable, show_price
from orderhub.money import Money


@dataclass(frozen=True, slots=True)
class Ranked:
    """A warehouse in a ranking, with the figure that placed it there (``note`` for reasons)."""

    warehouse: Warehouse
    note: str
    distance_km: float | None = None
    cost: Money | None = None


class Ranking(NamedTuple):
    """Warehouses best first, and how each looks to an order it can fill (shared, immutable)."""

    ranked: tuple[Ranked, ...]
    codes: tuple[str, ...]
    full_views: tuple[ConsideredWarehouse, ...]

    @classmethod
    def of(cls, ranked: tuple[Ranked, ...]) -> Ranking:
        views = tuple(
            ConsideredWarehouse(r.warehouse.code, n, True, _NOTHING, r.distance_km, r.cost, r.note)
            for n, r in enumerate(ranked, start=1)
        )
        return cls(ranked, tuple(r.warehouse.code for r in ranked), views)

    def considered(self, missing: Sequence[dict[str, int]]) -> tuple[ConsideredWarehouse, ...]:
        """What an order saw of each warehouse, given what each lacks for it."""
        return tuple(
            self._view(i, lacks) if lacks else self.full_views[i] for i, lacks in enumerate(missing)
        )

    def _view(self, i: int, missing: dict[str, int]) -> ConsideredWarehouse:
        r = self.ranked[i]
        code = r.warehouse.code
        return ConsideredWarehouse(code, i + 1, False, missing, r.distance_km, r.cost, r.note)


_NOTHING: Mapping[str, int] = MappingProxyType({})


class Ranker(Protocol):
    def rank(self, order: OrderToAllocate) -> Ranking: ...


RankerFactory = Callable[[AllocationConfig, Sequence[Warehouse], RateTable | None], Ranker]


class _Distances:
    """Distance from a destination to each active warehouse, cached per (province, city)."""

    def __init__(self, warehouses: Sequence[Warehouse]) -> None:
        self.warehouses = tuple(w for w in warehouses if w.active)
        self._points = [place_coordinates(w.province, w.city) for w in self.warehouses]
        self._cache: dict[tuple[str, str], tuple[float | None, ...]] = {}

    def to(self, province: str, city: str) -> tuple[float | None, ...]:
        key = (province, city)
        found = self._cache.get(key)
        if found is None:
            there = place_coordinates(province, city)
            found = tuple(
                distance_km(there, here) if there and here else None for here in self._points
            )
            self._cache[key] = found
        return found


def _km(distance: float | None) -> str:
    return "distance unknown" if distance is None else f"{distance:,.0f} km"


def _by_distance(distances: tuple[float | None, ...]) -> list[int]:
    """Warehouse indexes nearest first; unknown distances last, in the caller's order."""
    return sorted(range(len(distances)), key=lambda i: (*_near(distances[i]), i))


class _CachedRanker:
    """Ranks each destination key once; subclasses say what the key is and how to rank it."""

    def __init__(self, warehouses: Sequence[Warehouse]) -> None:
        self._distances = _Distances(warehouses)
        self._cache: dict[Hashable, Ranking] = {}

    def rank(self, order: OrderToAllocate) -> Ranking:
        key = self._key(order)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = Ranking.of(self._rank(order))
        return found

    def _key(self, order: OrderToAllocate) -> Hashable:
        """Orders with equal keys rank the same."""
        return (order.province, order.city)

    def _rank(self, order: OrderToAllocate) -> tuple[Ranked, ...]:
        raise NotImplementedError


class NearestRanker(_CachedRanker):
    def __init__(
        self, config: AllocationConfig, warehouses: Sequence[Warehouse], rates: RateTable | None
    ) -> None:
        super().__init__(warehouses)

    def _rank(self, order: OrderToAllocate) -> tuple[Ranked, ...]:
        distances = self._distances.to(order.province, order.city)
        houses = self._distances.warehouses
        return tuple(
            Ranked(houses[i], _km(distances[i]), distances[i]) for i in _by_distance(distances)
        )


class RegionMapRanker(_CachedRanker):
    """The region map's codes in order, then unmapped active warehouses nearest first."""

    def __init__(
        self, config: AllocationConfig, warehouses: Sequence[Warehouse], rates: RateTable | None
    ) -> None:
        super().__init__(warehouses)
        self._map = config.region_map
        known = {w.code for w in warehouses}
        for key, codes in self._map.items():
            for code in codes:
                if code not in known:
                    raise AllocationConfigError(f"region_map.{key}", f"unknown warehouse {code}")

    def _lookup(self, province: str) -> tuple[str, tuple[str, ...]]:
        full = canonical_province(province) or province
        region = region_of(province) or ""
        for key, label in ((full, f"province {full}"), (region, f"region {region}")):
            if key in self._map:
                return label, self._map[key]
        return "default (*)", self._map.get(ANY_DESTINATION, ())

    def _rank(self, order: OrderToAllocate) -> tuple[Ranked, ...]:
        label, codes = self._lookup(order.province)
        distances = self._distances.to(order.province, order.city)
        houses = self._distances.warehouses
        index = {w.code: i for i, w in enumerate(houses)}
        listed = [index[code] for code in codes if code in index]
        ranked = [
            Ranked(houses[i], _listed_note(label, houses[i].code, n), distances[i])
            for n, i in enumerate(listed, start=1)
        ]
        for i in _by_distance(distances):
            if i not in listed:
                ranked.append(Ranked(houses[i], f"not mapped, {_km(distances[i])}", distances[i]))
        return tuple(ranked)


def _listed_note(label: str, code: str, position: int) -> str:
    return f"{label} → {code} first" if position == 1 else f"{label} → #{position}"


class CheapestRanker(_CachedRanker):
    """Cheapest carrier price from each warehouse for the order's weight; ties nearest first.

    Every carrier in the rate table counts: carrier eligibility (cold chain, limits) is
    ``choose_carrier``'s job once the warehouse is known.
    """

    def __init__(
        self, config: AllocationConfig, warehouses: Sequence[Warehouse], rates: RateTable | None
    ) -> None:
        if rates is None:
            raise AllocationConfigError("strategy", "cheapest needs a carrier rate table")
        super().__init__(warehouses)
        self._rates = rates
        self._carriers = sorted(rates.carriers)
        self._steps = sorted({(r.first_weight_g, r.additional_weight_g) for r in rates})
        self._found: dict[tuple[str, str], list[Rate]] = {}

    def _key(self, order: OrderToAllocate) -> Hashable:
        """Weights that start the same number of additional units everywhere price the same."""
        units = tuple(-(-max(0, order.weight_g - first) // step) for first, step in self._steps)
        return (order.province, order.city, units)

    def _rates_from(self, warehouse: Warehouse, province: str) -> list[Rate]:
        key = (warehouse.code, province)
        found = self._found.get(key)
        if found is None:
            candidates = (
                self._rates.find(c, province, origin=warehouse.code) for c in self._carriers
            )
            found = self._found[key] = [rate for rate in candidates if rate is not None]
        return found

    def _cheapest(self, warehouse: Warehouse, province: str, weight_g: int) -> Ranked:
        prices = []
        for rate in self._rates_from(warehouse, province):
            price = rate.price_for(weight_g)
            prices.append((price.amount, rate.carrier, price))
        if not prices:
            return Ranked(warehouse, "no rate")
        _, carrier, price = min(prices)
        return Ranked(warehouse, f"{show_price(price)} via {carrier}", cost=price)

    def _rank(self, order: OrderToAllocate) -> tuple[Ranked, ...]:
        distances = self._distances.to(order.province, order.city)
        houses = self._distances.warehouses
        costs = [self._cheapest(w, order.province, order.weight_g) for w in houses]

        def key(i: int) -> tuple[bool, Decimal, bool, float, int]:
            cost = costs[i].cost
            return (cost is None, cost.amount if cost else Decimal(0), *_near(distances[i]), i)

        return tuple(
            replace(costs[i], distance_km=distances[i]) for i in sorted(range(len(houses)), key=key)
        )


def _near(distance: float | None) -> tuple[bool, float]:
    return (distance is None, distance or 0.0)


RANKERS: dict[str, RankerFactory] = {
    "nearest": NearestRanker,
    "region_map": RegionMapRanker,
    "cheapest": CheapestRanker,
}


def build_ranker(
    config: AllocationConfig, warehouses: Sequence[Warehouse], rates: RateTable | None
) -> Ranker:
    """The ranker for the config's ranking strategy; bad references raise AllocationConfigError."""
    codes = [w.code for w in warehouses]
    if len(set(codes)) != len(codes):
        raise AllocationConfigError("warehouses", "two warehouses share a code")
    return RANKERS[config.ranking](config, warehouses, rates)
