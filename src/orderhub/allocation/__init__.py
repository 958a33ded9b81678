"""Warehouse and carrier choice as pure functions over plain dataclasses, with explanations.

The database layer loads warehouses, availability, carriers, rates and a shop's settings, calls
``choose_warehouses`` for a batch and ``choose_carrier`` per shipment, and stores the results
(each carries an English ``reason`` and what was ``considered``).
"""

from orderhub.allocation.carrier_rules import CarrierRule, RuleCondition, parse_carrier_rules
from orderhub.allocation.carriers import (
    Carrier,
    CarrierChoice,
    ConsideredCarrier,
    NoCarrier,
    choose_carrier,
    demo_carriers,
    demo_rate_table,
)
from orderhub.allocation.config import STRATEGIES, TIEBREAKS, AllocationConfig
from orderhub.allocation.errors import (
    AllocationConfigError,
    AllocationErrorCode,
    CarrierConfigError,
    CarrierRulesError,
    RateTableError,
)
from orderhub.allocation.geo import REMOTE_PROVINCES, canonical_province, region_of
from orderhub.allocation.model import (
    Availability,
    ConsideredWarehouse,
    OrderLine,
    OrderToAllocate,
    Shipment,
    ShipmentLine,
    Unfillable,
    Warehouse,
    WarehouseChoice,
)
from orderhub.allocation.rates import Rate, RateTable, load_rate_table
from orderhub.allocation.warehouses import choose_warehouse, choose_warehouses

__all__ = [
    "REMOTE_PROVINCES",
    "STRATEGIES",
    "TIEBREAKS",
    "AllocationConfig",
    "AllocationConfigError",
    "AllocationErrorCode",
    "Availability",
    "Carrier",
    "CarrierChoice",
    "CarrierConfigError",
    "CarrierRule",
    "CarrierRulesError",
    "ConsideredCarrier",
    "ConsideredWarehouse",
    "NoCarrier",
    "OrderLine",
    "OrderToAllocate",
    "Rate",
    "RateTable",
    "RateTableError",
    "RuleCondition",
    "Shipment",
    "ShipmentLine",
    "Unfillable",
    "Warehouse",
    "WarehouseChoice",
    "canonical_province",
    "choose_carrier",
    "choose_warehouse",
    "choose_warehouses",
    "demo_carriers",
    "demo_rate_table",
    "load_rate_table",
    "parse_carrier_rules",
    "region_of",
]
