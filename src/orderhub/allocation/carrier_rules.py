"""Seller carrier rules: simple JSON conditions that restrict which carriers an order may use.

``[{"when": {"attribute": "cold_chain"}, "only": ["SF"]},
   {"when": {"province_in": ["新疆维吾尔自治区"]}, "exclude": ["YTO"]},
   {"when": {"min_weight_g": 20000}, "only": ["DEBANG"]}]``

Conditions inside one ``when`` must all hold (an empty ``when`` always holds). Every matching
rule applies, in list order; a carrier is reported as excluded by the first rule that removed it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from orderhub.allocation.errors import CarrierRulesError
from orderhub.allocation.geo import canonical_province
from orderhub.allocation.model import SERVICE_LEVELS, OrderToAllocate, Warehouse

_RULE_KEYS = frozenset({"name", "when", "only", "exclude"})
_WHEN_KEYS = (
    "attribute",
    "province_in",
    "min_weight_g",
    "max_weight_g",
    "service_level",
    "warehouse_in",
)


@dataclass(frozen=True, slots=True)
class RuleCondition:
    attribute: str | None = None
    province_in: frozenset[str] = frozenset()
    min_weight_g: int | None = None
    max_weight_g: int | None = None
    service_level: str | None = None
    warehouse_in: frozenset[str] = frozenset()

    def matches(self, order: OrderToAllocate, warehouse: Warehouse) -> bool:
        province = canonical_province(order.province) or order.province
        return (
            (self.attribute is None or self.attribute in order.sku_attributes)
            and (not self.province_in or province in self.province_in)
            and (self.min_weight_g is None or order.weight_g >= self.min_weight_g)
            and (self.max_weight_g is None or order.weight_g <= self.max_weight_g)
            and (self.service_level is None or order.service_level == self.service_level)
            and (not self.warehouse_in or warehouse.code in self.warehouse_in)
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in _WHEN_KEYS:
            value = getattr(self, key)
            if isinstance(value, frozenset):
                if value:
                    out[key] = sorted(value)
            elif value is not None:
                out[key] = value
        return out

    def describe(self) -> str:
        parts = [f"{key}={value}" for key, value in self.to_dict().items()]
        return " and ".join(parts) or "always"


@dataclass(frozen=True, slots=True)
class CarrierRule:
    """When ``when`` matches: only carriers in ``only`` (if given) and none in ``exclude``."""

    when: RuleCondition
    only: frozenset[str] = frozenset()
    exclude: frozenset[str] = frozenset()
    name: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, index: int = 0) -> CarrierRule:
        at = f"rules[{index}]"
        if not isinstance(data, Mapping):
            raise CarrierRulesError(at, "must be an object with when and only/exclude")
        unknown = sorted(set(data) - _RULE_KEYS)
        if unknown:
            raise CarrierRulesError(f"{at}.{unknown[0]}", "unknown key; use when, only, exclude")
        only = _codes(f"{at}.only", data.get("only"))
        exclude = _codes(f"{at}.exclude", data.get("exclude"))
        if bool(only) == bool(exclude):
            raise CarrierRulesError(at, "give exactly one of only or exclude (a list of carriers)")
        name = data.get("name", "")
        if not isinstance(name, str):
            raise CarrierRulesError(f"{at}.name", "must be text")
        return cls(_condition(f"{at}.when", data.get("when", {})), only, exclude, name)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"when": self.when.to_dict()}
        if self.only:
            out["only"] = sorted(self.only)
        if self.exclude:
            out["exclude"] = sorted(self.exclude)
        if self.name:
            out["name"] = self.name
        return out

    def describe(self, number: int) -> str:
        action = f"only {', '.join(sorted(self.only))}" if self.only else "excludes"
        if self.exclude:
            action += f" {', '.join(sorted(self.exclude))}"
        label = f" {self.name!r}" if self.name else ""
        return f"rule {number}{label} ({self.when.describe()} → {action})"


def parse_carrier_rules(items: Sequence[Mapping[str, Any]]) -> tuple[CarrierRule, ...]:
    """Validate a JSON list of rules; the error's ``field`` says which rule and key is wrong."""
    if isinstance(items, str | bytes) or not isinstance(items, Sequence):
        raise CarrierRulesError("rules", "must be a list of rules")
    return tuple(CarrierRule.from_dict(item, index=i) for i, item in enumerate(items))


def rule_exclusions(
    rules: Iterable[CarrierRule],
    order: OrderToAllocate,
    warehouse: Warehouse,
    carrier_codes: Iterable[str],
) -> dict[str, str]:
    """Carrier code -> the first matching rule (1-based) that rules it out."""
    codes = list(carrier_codes)
    excluded: dict[str, str] = {}
    for number, rule in enumerate(rules, start=1):
        if not rule.when.matches(order, warehouse):
            continue
        for code in codes:
            ruled_out = (rule.only and code not in rule.only) or code in rule.exclude
            if ruled_out and code not in excluded:
                excluded[code] = f"excluded by {rule.describe(number)}"
    return excluded


def _condition(at: str, data: object) -> RuleCondition:
    if not isinstance(data, Mapping):
        raise CarrierRulesError(at, f"must be an object with keys from {', '.join(_WHEN_KEYS)}")
    unknown = sorted(set(data) - set(_WHEN_KEYS))
    if unknown:
        raise CarrierRulesError(
            f"{at}.{unknown[0]}", f"unknown condition; use {', '.join(_WHEN_KEYS)}"
        )
    service = data.get("service_level")
    if service is not None and service not in SERVICE_LEVELS:
        raise CarrierRulesError(f"{at}.service_level", "must be standard or express")
    return RuleCondition(
        attribute=_text(f"{at}.attribute", data.get("attribute")),
        province_in=_provinces(f"{at}.province_in", data.get("province_in")),
        min_weight_g=_grams(f"{at}.min_weight_g", data.get("min_weight_g")),
        max_weight_g=_grams(f"{at}.max_weight_g", data.get("max_weight_g")),
        service_level=service,
        warehouse_in=_codes(f"{at}.warehouse_in", data.get("warehouse_in")),
    )


def _text(at: str, value: object) -> str | None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise CarrierRulesError(at, "must be non-empty text")
    return value


def _grams(at: str, value: object) -> int | None:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
        raise CarrierRulesError(at, "must be a whole number of grams, zero or more")
    return value


def _codes(at: str, value: object) -> frozenset[str]:
    if value is None:
        return frozenset()
    if not isinstance(value, list | tuple) or not value:
        raise CarrierRulesError(at, "must be a non-empty list of codes")
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise CarrierRulesError(at, f"must hold codes (text), not {item!r}")
    return frozenset(item.strip() for item in value)


def _provinces(at: str, value: object) -> frozenset[str]:
    names = _codes(at, value)
    out = set()
    for name in sorted(names):
        province = canonical_province(name)
        if province is None:
            raise CarrierRulesError(at, f"unknown province {name!r}; use e.g. 新疆维吾尔自治区")
        out.add(province)
    return frozenset(out)
