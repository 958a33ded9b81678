"""Carrier choice for one parcel: drop carriers that cannot take it, then preferred, then cheapest.

Each filter names itself when it rules a carrier out: special handling (cold chain, bulky,
fragile), an express service for ``service_level == "express"`` (any carrier may take a standard
parcel), coverage and remote areas, weight and volume limits, seller rules, and a price in the
rate table from this warehouse. Costs add the carrier's remote surcharge for remote provinces.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from typing import Any

from orderhub.allocation.carrier_rules import CarrierRule, rule_exclusions
from orderhub.allocation.errors import CarrierConfigError
from orderhub.allocation.geo import REMOTE_PROVINCES, canonical_province
from orderhub.allocation.model import (
    HANDLING_ATTRIBUTES,
    SERVICE_LEVELS,
    OrderToAllocate,
    Warehouse,
)
from orderhub.allocation.rates import Rate, RateTable, load_rate_table, show_price
from orderhub.money import Money, MoneyError, to_decimal

__all__ = [
    "REMOTE_PROVINCES",
    "Carrier",
    "CarrierChoice",
    "ConsideredCarrier",
    "NoCarrier",
    "Rate",
    "RateTable",
    "choose_carrier",
    "demo_carriers",
    "demo_rate_table",
    "load_rate_table",
]


@dataclass(frozen=True, slots=True)
class Carrier:
    """What a carrier can take; ``coverage`` empty means every province; limits None = no limit."""

    code: str
    name: str
    services: frozenset[str] = frozenset({"standard"})
    handles: frozenset[str] = frozenset()
    max_weight_g: int | None = None
    max_volume_cm3: int | None = None
    coverage: frozenset[str] = frozenset()
    remote_provinces_excluded: bool = False
    remote_surcharge: Decimal | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Carrier:
        """Build from JSON-friendly settings; a bad value raises ``CarrierConfigError``."""
        code = data.get("code")
        if not isinstance(code, str) or not code.strip():
            raise CarrierConfigError("carriers.code", "must be non-empty text")
        at = f"carriers[{code}]"
        services = _names(f"{at}.services", data.get("services", ["standard"]), SERVICE_LEVELS)
        if not services:
            raise CarrierConfigError(f"{at}.services", "needs standard and/or express")
        return cls(
            code=code,
            name=str(data.get("name") or code),
            services=services,
            handles=_names(f"{at}.handles", data.get("handles", []), HANDLING_ATTRIBUTES),
            max_weight_g=_limit(f"{at}.max_weight_g", data.get("max_weight_g")),
            max_volume_cm3=_limit(f"{at}.max_volume_cm3", data.get("max_volume_cm3")),
            coverage=_coverage(f"{at}.coverage", data.get("coverage", [])),
            remote_provinces_excluded=bool(data.get("remote_provinces_excluded", False)),
            remote_surcharge=_surcharge(f"{at}.remote_surcharge", data.get("remote_surcharge")),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "services": sorted(self.services),
            "handles": sorted(self.handles),
            "max_weight_g": self.max_weight_g,
            "max_volume_cm3": self.max_volume_cm3,
            "coverage": sorted(self.coverage),
            "remote_provinces_excluded": self.remote_provinces_excluded,
            "remote_surcharge": None
            if self.remote_surcharge is None
            else str(self.remote_surcharge),
        }

    def why_not(self, order: OrderToAllocate, province: str) -> list[str]:
        """Every reason this carrier cannot take the order's parcel (empty when it can)."""
        why = []
        lacking = sorted((order.sku_attributes & HANDLING_ATTRIBUTES) - self.handles)
        if lacking:
            why.append(f"does not handle {', '.join(lacking)}")
        if order.service_level == "express" and "express" not in self.services:
            why.append("has no express service")
        if self.coverage and province not in self.coverage:
            why.append(f"does not cover {province}")
        if self.remote_provinces_excluded and province in REMOTE_PROVINCES:
            why.append(f"does not ship to remote {province}")
        if self.max_weight_g is not None and order.weight_g > self.max_weight_g:
            why.append(f"{order.weight_g} g is over its {self.max_weight_g} g limit")
        if self.max_volume_cm3 is not None and order.volume_cm3 > self.max_volume_cm3:
            why.append(f"{order.volume_cm3} cm³ is over its {self.max_volume_cm3} cm³ limit")
        return why


@dataclass(frozen=True, slots=True)
class ConsideredCarrier:
    code: str
    eligible: bool
    cost: Money | None = None
    why_not: str = ""


@dataclass(frozen=True, slots=True)
class CarrierChoice:
    order_id: str
    warehouse_code: str
    carrier_code: str
    cost: Money
    reason: str
    considered: tuple[ConsideredCarrier, ...]


@dataclass(frozen=True, slots=True)
class NoCarrier:
    """No carrier can take the parcel; ``reason`` lists why each one was ruled out."""

    order_id: str
    warehouse_code: str
    reason: str
    considered: tuple[ConsideredCarrier, ...]


def choose_carrier(
    order: OrderToAllocate,
    warehouse: Warehouse,
    carriers: Sequence[Carrier],
    *,
    rates: RateTable,
    rules: Iterable[CarrierRule] = (),
) -> CarrierChoice | NoCarrier:
    """The order's preferred carrier if eligible, else the cheapest eligible one (ties by code)."""
    considered = _consider(order, warehouse, carriers, rates, rules)
    eligible = sorted(
        ((c.cost, c.code) for c in considered if c.eligible and c.cost is not None),
        key=lambda priced: (priced[0].amount, priced[1]),
    )
    excluded = "; ".join(f"{c.code} {c.why_not}" for c in considered if not c.eligible)
    if not eligible:
        reason = f"no carrier can take this parcel: {excluded or 'no carriers configured'}"
        return NoCarrier(order.order_id, warehouse.code, reason, considered)
    (cost, code), reason = _pick(order.preferred_carrier, eligible, considered)
    if excluded:
        reason += f"; ruled out: {excluded}"
    return CarrierChoice(order.order_id, warehouse.code, code, cost, reason, considered)


def _consider(
    order: OrderToAllocate,
    warehouse: Warehouse,
    carriers: Sequence[Carrier],
    rates: RateTable,
    rules: Iterable[CarrierRule],
) -> tuple[ConsideredCarrier, ...]:
    province = canonical_province(order.province) or order.province
    by_rule = rule_exclusions(rules, order, warehouse, (c.code for c in carriers))
    out = []
    for carrier in carriers:
        why = carrier.why_not(order, province)
        if carrier.code in by_rule:
            why.append(by_rule[carrier.code])
        cost = rates.price_for(carrier.code, province, order.weight_g, origin=warehouse.code)
        if cost is None:
            why.append(f"has no rate to {province} from {warehouse.code}")
        elif carrier.remote_surcharge and province in REMOTE_PROVINCES:
            cost = Money(cost.amount + carrier.remote_surcharge, cost.currency)
        out.append(ConsideredCarrier(carrier.code, not why, cost, ", ".join(why)))
    return tuple(out)


def _pick(
    preferred: str | None,
    eligible: list[tuple[Money, str]],
    considered: tuple[ConsideredCarrier, ...],
) -> tuple[tuple[Money, str], str]:
    """(cost, code) of the winner and why it won; ``eligible`` is cheapest first."""
    others = ", ".join(f"{code} {show_price(cost)}" for cost, code in eligible[1:])
    cost, code = eligible[0]
    cheapest = f"{code}: cheapest eligible at {show_price(cost)}"
    cheapest += f" ({others})" if others else ""
    if preferred is None:
        return eligible[0], cheapest
    for candidate in eligible:
        if candidate[1] == preferred:
            why = f"{preferred}: preferred by review rule, eligible at {show_price(candidate[0])}"
            return candidate, why
    known = next((c for c in considered if c.code == preferred), None)
    why_not = known.why_not if known else "is not a configured carrier"
    return eligible[0], f"preferred {preferred} not used ({why_not}); {cheapest}"


def demo_carriers() -> tuple[Carrier, ...]:
    """Six common Chinese carriers with realistic limits, matching ``demo_rates.csv``."""
    std, both = frozenset({"standard"}), frozenset({"standard", "express"})
    return (
        Carrier("SF", "顺丰速运", both, frozenset({"cold_chain", "fragile"}), 50_000, 500_000),
        Carrier("ZTO", "中通快递", std, frozenset(), 30_000, 150_000),
        Carrier("YTO", "圆通速递", std, frozenset(), 30_000, 150_000),
        Carrier(
            "YUNDA", "韵达快递", std, frozenset(), 30_000, 150_000, remote_provinces_excluded=True
        ),
        Carrier("JD", "京东物流", frozenset({"express"}), frozenset({"fragile"}), 30_000, 300_000),
        Carrier(
            "DEBANG",
            "德邦快递",
            std,
            frozenset({"bulky", "fragile"}),
            max_weight_g=500_000,
            max_volume_cm3=3_000_000,
            remote_surcharge=Decimal("20.00"),
        ),
    )


def demo_rate_table() -> RateTable:
    """The demo rates (per warehouse origin for the four demo warehouses, then nationwide)."""
    text = resources.files("orderhub.allocation").joinpath("demo_rates.csv").read_text("utf-8")
    return RateTable.from_csv(text)


def _names(at: str, value: object, allowed: frozenset[str]) -> frozenset[str]:
    if not isinstance(value, list | tuple | set | frozenset):
        raise CarrierConfigError(at, f"must be a list from {', '.join(sorted(allowed))}")
    unknown = sorted(str(v) for v in value if v not in allowed)
    if unknown:
        raise CarrierConfigError(at, f"unknown {unknown[0]!r}; use {', '.join(sorted(allowed))}")
    return frozenset(str(v) for v in value)


def _limit(at: str, value: object) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise CarrierConfigError(at, "must be a positive whole number or null")
    return value


def _coverage(at: str, value: object) -> frozenset[str]:
    if not isinstance(value, list | tuple | set | frozenset):
        raise CarrierConfigError(at, "must be a list of provinces (empty = everywhere)")
    out = set()
    for name in value:
        province = canonical_province(str(name))
        if province is None:
            raise CarrierConfigError(at, f"unknown province {name!r}")
        out.add(province)
    return frozenset(out)


def _surcharge(at: str, value: object) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = to_decimal(value)
    except MoneyError:
        raise CarrierConfigError(at, f"not an amount: {value!r}") from None
    if amount < 0:
        raise CarrierConfigError(at, "must be zero or more")
    return amount
