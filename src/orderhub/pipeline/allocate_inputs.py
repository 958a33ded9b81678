"""What the allocation stage knows: warehouses, carriers, rate table, carrier rules and each
shop's strategy (settings), and how an order row becomes an `OrderToAllocate`.

Settings: shop `settings.allocation` (strategy, tiebreak, region map, split — see
`allocation.config`); global settings `carriers` (list of carriers), `carrier_rates` (the rate
table CSV text) and `carrier_rules`. Without carriers the stage chooses warehouses only.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Connection

from orderhub.allocation import (
    AllocationConfig,
    AllocationConfigError,
    Carrier,
    CarrierChoice,
    CarrierRule,
    OrderLine,
    OrderToAllocate,
    RateTable,
    Warehouse,
    WarehouseChoice,
    choose_carrier,
    parse_carrier_rules,
)
from orderhub.allocation.model import HANDLING_ATTRIBUTES
from orderhub.db import allocation_repo, settings_repo
from orderhub.db.records import Record

log = logging.getLogger(__name__)
CARRIERS, RATES, CARRIER_RULES = "carriers", "carrier_rates", "carrier_rules"
EXPRESS_TAGS = frozenset({"express", "urgent", "加急", "VIP", "vip"})


@dataclass
class Context:
    warehouses: tuple[Warehouse, ...]
    warehouse_code: dict[int, str]
    carriers: tuple[Carrier, ...] = ()
    rates: RateTable | None = None
    rules: tuple[CarrierRule, ...] = ()
    configs: dict[str, AllocationConfig] = field(default_factory=dict)
    chosen: dict[tuple[Any, ...], dict[str, Any]] = field(default_factory=dict)  # carrier memo
    _marks: tuple[list[tuple[int, int]], list[int], list[int]] | None = None

    def weight_key(self, weight_g: int) -> Any:
        """What of a parcel's weight the carrier choice reads: the billed units of every rate
        step and which rule thresholds it passes — or the exact weight once a carrier's limit
        is exceeded (the reason then names it)."""
        steps, limits, thresholds = self._weight_marks()
        if limits and weight_g > limits[0]:
            return weight_g
        units = tuple(0 if weight_g <= f else -(-(weight_g - f) // a) for f, a in steps)
        return units, tuple((weight_g >= t, weight_g > t) for t in thresholds)

    def volume_key(self, volume_cm3: int) -> Any:
        limits = [c.max_volume_cm3 for c in self.carriers if c.max_volume_cm3 is not None]
        return volume_cm3 if limits and volume_cm3 > min(limits) else None

    def _weight_marks(self) -> tuple[list[tuple[int, int]], list[int], list[int]]:
        if self._marks is None:
            steps = sorted({(r.first_weight_g, r.additional_weight_g) for r in self.rates or ()})
            limits = sorted(c.max_weight_g for c in self.carriers if c.max_weight_g is not None)
            thresholds = sorted(
                {
                    t
                    for rule in self.rules
                    for t in (rule.when.min_weight_g, rule.when.max_weight_g)
                    if t is not None
                }
            )
            self._marks = (steps, limits, thresholds)
        return self._marks

    def config_for(self, row: Record) -> AllocationConfig:
        """The shop's strategy; a stored one that no longer reads falls back to the default
        (logged) rather than stopping every shop's orders."""
        config = self.configs.get(row.shop_code)
        if config is None:
            stored = (row.shop_settings or {}).get("allocation") or {}
            try:
                config = AllocationConfig.from_dict(stored)
            except AllocationConfigError as exc:
                log.error(
                    "shop %s: allocation settings refused (%s); using defaults", row.shop_code, exc
                )
                config = AllocationConfig()
            self.configs[row.shop_code] = config
        return config


def load_context(conn: Connection) -> Context:
    rows = allocation_repo.warehouse_rows(conn)
    rates_text = settings_repo.get_setting(conn, RATES)
    carriers = settings_repo.get_setting(conn, CARRIERS) or []
    return Context(
        warehouses=tuple(
            Warehouse(r.code, r.name, r.region, r.province, r.city, r.district) for r in rows
        ),
        warehouse_code={r.id: r.code for r in rows},
        carriers=tuple(Carrier.from_dict(c) for c in carriers),
        rates=RateTable.from_csv(rates_text) if rates_text else None,
        rules=parse_carrier_rules(settings_repo.get_setting(conn, CARRIER_RULES) or []),
    )


def _handling(attributes: Any) -> frozenset[str]:
    attrs = attributes or {}
    listed = attrs.get("handling") or []
    return frozenset(a for a in HANDLING_ATTRIBUTES if attrs.get(a) or a in listed)


def to_allocate(row: Record, lines: Sequence[Record]) -> OrderToAllocate:
    tags = set(row.tags or ())
    return OrderToAllocate(
        order_id=str(row.id),
        province=row.receiver_province,
        city=row.receiver_city,
        district=row.receiver_district,
        country=row.receiver_country,
        lines=tuple(OrderLine(ln.line_no, ln.sku, ln.quantity) for ln in lines),
        preferred_warehouse=row.preferred_warehouse or None,
        preferred_carrier=row.preferred_carrier or None,
        service_level="express" if tags & EXPRESS_TAGS else "standard",
        weight_g=sum(ln.quantity * (ln.weight_g or 0) for ln in lines),
        volume_cm3=sum(
            ln.quantity * int((ln.attributes or {}).get("volume_cm3", 0)) for ln in lines
        ),
        sku_attributes=frozenset().union(*(_handling(ln.attributes) for ln in lines)),
    )


def with_carriers(
    order: OrderToAllocate, choice: WarehouseChoice, lines: Sequence[Record], ctx: Context
) -> dict[str, Any]:
    """Each parcel with its carrier (chosen on the parcel's own weight, volume and handling)."""
    by_line = {ln.line_no: ln for ln in lines}
    warehouses = {w.code: w for w in ctx.warehouses}
    shipments, carriers = [], []
    for shipment in choice.shipments:
        parcel = [by_line[line.line_no] for line in shipment.lines]
        qty = {line.line_no: line.quantity for line in shipment.lines}
        one = replace(
            order,
            weight_g=sum(qty[ln.line_no] * (ln.weight_g or 0) for ln in parcel),
            volume_cm3=sum(qty[ln.line_no] * _volume(ln.attributes) for ln in parcel),
            sku_attributes=frozenset().union(*(_handling(ln.attributes) for ln in parcel)),
        )
        picked = _carrier(one, warehouses[shipment.warehouse_code], ctx)
        carriers.append(picked)
        shipments.append(
            {
                "warehouse": shipment.warehouse_code,
                "lines": [[ln.line_no, ln.sku_code, ln.quantity] for ln in shipment.lines],
                "carrier": picked.get("carrier"),
                "cost": picked.get("cost"),
                "carrier_reason": picked["reason"],
            }
        )
    return {
        "shipments": shipments,
        "explanation": {
            "reason": choice.reason,
            "strategy": choice.strategy,
            "warehouses": [
                {
                    "code": c.code,
                    "rank": c.rank,
                    "can_fill_all": c.can_fill_all,
                    "missing": dict(c.missing),
                    "distance_km": c.distance_km,
                    "cost": str(c.cost.amount) if c.cost is not None else None,
                    "note": c.note,
                }
                for c in choice.considered
            ],
            "carriers": [p.get("considered", []) for p in carriers],
        },
    }


def _volume(attributes: Any) -> int:
    return int((attributes or {}).get("volume_cm3", 0))


def _carrier(order: OrderToAllocate, warehouse: Warehouse, ctx: Context) -> dict[str, Any]:
    """The carrier for one parcel; parcels alike in everything the choice reads share it."""
    if not ctx.carriers or ctx.rates is None:
        return {"reason": "no carriers or rate table configured (orderhub carriers …)"}
    key = (
        warehouse.code,
        order.country,
        order.province,
        ctx.weight_key(order.weight_g),
        ctx.volume_key(order.volume_cm3),
        order.sku_attributes,
        order.service_level,
        order.preferred_carrier,
    )
    memo = ctx.chosen.get(key)
    if memo is None:
        memo = ctx.chosen[key] = _choose_carrier(order, warehouse, ctx)
    return memo


def _choose_carrier(order: OrderToAllocate, warehouse: Warehouse, ctx: Context) -> dict[str, Any]:
    assert ctx.rates is not None
    found = choose_carrier(order, warehouse, ctx.carriers, rates=ctx.rates, rules=ctx.rules)
    considered = [
        {
            "code": c.code,
            "eligible": c.eligible,
            "cost": str(c.cost.amount) if c.cost is not None else None,
            "why_not": c.why_not,
        }
        for c in found.considered
    ]
    if isinstance(found, CarrierChoice):
        cost = f"{found.cost.amount} {found.cost.currency}"
        return {
            "carrier": found.carrier_code,
            "cost": cost,
            "reason": found.reason,
            "considered": considered,
        }
    return {"carrier": None, "reason": found.reason, "considered": considered}
