"""The allocation stage shares carrier choices between parcels alike in everything the choice
reads; a shared answer must equal the answer computed for the parcel itself."""

from __future__ import annotations

import random

from orderhub.allocation import (
    OrderLine,
    OrderToAllocate,
    Warehouse,
    demo_carriers,
    demo_rate_table,
    parse_carrier_rules,
)
from orderhub.pipeline.allocate_inputs import Context, _carrier, _choose_carrier

WAREHOUSES = (
    Warehouse("WH-SH", "上海仓", "华东", "上海市", "上海市", "青浦区"),
    Warehouse("WH-GZ", "广州仓", "华南", "广东省", "广州市", "白云区"),
)
PROVINCES = ("上海市", "广东省", "新疆维吾尔自治区", "四川省", "北京市")
RULES = parse_carrier_rules([{"when": {"min_weight_g": 20000}, "only": ["DEBANG", "SF"]}])


def context() -> Context:
    return Context(WAREHOUSES, {1: "WH-SH", 2: "WH-GZ"}, demo_carriers(), demo_rate_table(), RULES)


def test_memoised_choices_equal_fresh_ones() -> None:
    rng = random.Random(3)
    shared = context()
    for i in range(3000):
        order = OrderToAllocate(
            order_id=str(i),
            province=rng.choice(PROVINCES),
            lines=(OrderLine(1, "X", 1),),
            weight_g=rng.choice((rng.randint(0, 3000), rng.randint(0, 60000), 20000, 19999, 30001)),
            volume_cm3=rng.choice((0, 1000, 200_000)),
            sku_attributes=frozenset(
                rng.sample(["fragile", "cold_chain", "bulky"], rng.randint(0, 1))
            ),
            service_level=rng.choice(("standard", "express")),
        )
        warehouse = rng.choice(WAREHOUSES)
        assert _carrier(order, warehouse, shared) == _choose_carrier(order, warehouse, context()), (
            order
        )
    assert len(shared.chosen) < 3000 / 2  # the memo is actually shared
