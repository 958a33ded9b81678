"""Plain value objects the allocation functions take and return (no ORM, no I/O).

The database layer builds these from its rows and stores the results; every result carries an
English ``reason`` and what was ``considered`` so the console can explain each choice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from orderhub.money import Money

ServiceLevel = Literal["standard", "express"]
SERVICE_LEVELS: frozenset[str] = frozenset({"standard", "express"})
# Attributes that need a carrier able to handle them; other SKU attributes do not restrict carriers.
HANDLING_ATTRIBUTES: frozenset[str] = frozenset({"cold_chain", "bulky", "fragile"})

# warehouse code -> SKU code -> units available to promise (never modified by allocation).
Availability = Mapping[str, Mapping[str, int]]


@dataclass(frozen=True, slots=True)
class Warehouse:
    code: str
    name: str
    region: str
    province: str
    city: str
    district: str
    active: bool = True


@dataclass(frozen=True, slots=True)
class OrderLine:
    line_no: int
    sku_code: str
    quantity: int

    def __post_init__(self) -> None:
        if self.quantity <= 0:
            raise ValueError(f"line {self.line_no}: quantity must be positive, not {self.quantity}")


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderToAllocate:
    """An approved order as allocation sees it; ``weight_g``/``volume_cm3`` are the whole parcel."""

    order_id: str
    province: str
    city: str = ""
    district: str = ""
    country: str = "CN"
    lines: tuple[OrderLine, ...]
    preferred_warehouse: str | None = None
    preferred_carrier: str | None = None
    service_level: ServiceLevel = "standard"
    weight_g: int = 0
    volume_cm3: int = 0
    sku_attributes: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not self.lines:
            raise ValueError(f"order {self.order_id}: no lines to allocate")
        if len({line.line_no for line in self.lines}) != len(self.lines):
            raise ValueError(f"order {self.order_id}: line numbers must be unique")
        if self.service_level not in SERVICE_LEVELS:
            raise ValueError(f"order {self.order_id}: unknown service level {self.service_level!r}")


class ShipmentLine(NamedTuple):
    line_no: int
    sku_code: str
    quantity: int


@dataclass(frozen=True, slots=True)
class Shipment:
    """One parcel: the order lines (or parts of lines) shipped from one warehouse."""

    warehouse_code: str
    lines: tuple[ShipmentLine, ...]


@dataclass(frozen=True, slots=True)
class ConsideredWarehouse:
    """How one warehouse looked for an order: ``rank`` 1 is the strategy's favourite."""

    code: str
    rank: int
    can_fill_all: bool
    missing: Mapping[str, int]
    distance_km: float | None = None
    cost: Money | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class WarehouseChoice:
    order_id: str
    shipments: tuple[Shipment, ...]
    strategy: str
    reason: str
    considered: tuple[ConsideredWarehouse, ...] = field(default=())

    @property
    def is_split(self) -> bool:
        return len(self.shipments) > 1


@dataclass(frozen=True, slots=True)
class Unfillable:
    """No allocation and nothing reserved; ``missing`` is SKU -> units short across all warehouses
    (with ``split: false``: what the best-ranked warehouse lacks)."""

    order_id: str
    missing: Mapping[str, int]
    reason: str
    considered: tuple[ConsideredWarehouse, ...] = field(default=())
