"""A shop's warehouse-choice settings as a small JSON-friendly dict, validated up front.

``{"strategy": "single_first", "tiebreak": "nearest", "split": true,
   "region_map": {"华东": ["WH-SH", "WH-BJ"], "广东省": ["WH-GZ"], "*": ["WH-SH"]}}``

``strategy`` ranks warehouses: ``region_map`` (the map's order, then unmapped ones by distance),
``nearest`` (great-circle distance), ``cheapest`` (rate table), or ``single_first`` (fewest
shipments, ranked by ``tiebreak``: nearest, region_map or cheapest). ``region_map`` keys are a
province (short names accepted), a region (华东, 华南, 华北, 华中, 西南, 西北, 东北, 港澳台) or
``*``; a province key wins over its region, a region over ``*``. ``split: false`` never splits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from orderhub.allocation.errors import AllocationConfigError
from orderhub.allocation.geo import REGION_NAMES, canonical_province

STRATEGIES = ("single_first", "region_map", "nearest", "cheapest")
TIEBREAKS = ("nearest", "region_map", "cheapest")
ANY_DESTINATION = "*"
_KEYS = frozenset({"strategy", "tiebreak", "split", "region_map"})


@dataclass(frozen=True, slots=True)
class AllocationConfig:
    strategy: str = "single_first"
    tiebreak: str = "nearest"
    region_map: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    split: bool = True

    def __post_init__(self) -> None:
        if self.strategy not in STRATEGIES:
            raise AllocationConfigError(
                "strategy", f"unknown strategy; use {', '.join(STRATEGIES)}"
            )
        if self.tiebreak not in TIEBREAKS:
            raise AllocationConfigError("tiebreak", f"unknown tiebreak; use {', '.join(TIEBREAKS)}")
        if self.ranking == "region_map" and not self.region_map:
            raise AllocationConfigError("region_map", "ranking by region map needs a region_map")

    @property
    def ranking(self) -> str:
        """The strategy that orders warehouses (``single_first`` ranks by its tiebreak)."""
        return self.tiebreak if self.strategy == "single_first" else self.strategy

    @property
    def needs_rates(self) -> bool:
        return self.ranking == "cheapest"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AllocationConfig:
        """Validate JSON settings; the error's ``field`` names the bad setting."""
        if not isinstance(data, Mapping):
            raise AllocationConfigError("config", "must be an object")
        unknown = sorted(set(data) - _KEYS)
        if unknown:
            raise AllocationConfigError(
                unknown[0], f"unknown setting; use {', '.join(sorted(_KEYS))}"
            )
        split = data.get("split", True)
        if not isinstance(split, bool):
            raise AllocationConfigError("split", "must be true or false")
        return cls(
            strategy=_choice("strategy", data.get("strategy", "single_first")),
            tiebreak=_choice("tiebreak", data.get("tiebreak", "nearest")),
            region_map=_region_map(data.get("region_map", {})),
            split=split,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "strategy": self.strategy,
            "tiebreak": self.tiebreak,
            "split": self.split,
            "region_map": {key: list(codes) for key, codes in self.region_map.items()},
        }


def _choice(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise AllocationConfigError(name, "must be text")
    return value.strip()


def _region_map(value: object) -> Mapping[str, tuple[str, ...]]:
    if not isinstance(value, Mapping):
        raise AllocationConfigError("region_map", "must map a province/region/* to warehouse codes")
    out: dict[str, tuple[str, ...]] = {}
    for raw_key, codes in value.items():
        key = _destination_key(raw_key)
        if key in out:
            raise AllocationConfigError(f"region_map.{raw_key}", f"{key} is listed twice")
        out[key] = _codes(f"region_map.{raw_key}", codes)
    return MappingProxyType(out)


def _destination_key(raw: object) -> str:
    key = str(raw).strip()
    if key == ANY_DESTINATION or key in REGION_NAMES:
        return key
    province = canonical_province(key)
    if province is None:
        regions = ", ".join(sorted(REGION_NAMES))
        raise AllocationConfigError(
            f"region_map.{key}",
            f"not a province or region; use e.g. 广东省, one of {regions}, or *",
        )
    return province


def _codes(at: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not value:
        raise AllocationConfigError(at, "must be a non-empty list of warehouse codes")
    codes: list[str] = []
    for index, code in enumerate(value):
        if not isinstance(code, str) or not code.strip():
            raise AllocationConfigError(f"{at}[{index}]", "must be a warehouse code (text)")
        if code.strip() in codes:
            raise AllocationConfigError(f"{at}[{index}]", f"{code} is listed twice")
        codes.append(code.strip())
    return tuple(codes)
