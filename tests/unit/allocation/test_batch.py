"""Batches over random orders: stock is never promised twice, every line is shipped exactly."""

from __future__ import annotations

import random
import time
from collections import Counter

import pytest

from orderhub.allocation import (
    AllocationConfig,
    OrderToAllocate,
    Unfillable,
    WarehouseChoice,
    choose_warehouses,
    demo_rate_table,
)
from orderhub.allocation.data.places import PROVINCES
from tests.unit.allocation.world import CODES, WAREHOUSES, lines

SKUS = [f"SKU-{n:03d}" for n in range(12)]
CONFIGS = {
    "single_first": AllocationConfig(),
    "nearest": AllocationConfig(strategy="nearest"),
    "region_map": AllocationConfig(strategy="region_map", region_map={"华东": ("WH-SH", "WH-BJ")}),
    "cheapest": AllocationConfig(strategy="cheapest"),
    "no_split": AllocationConfig(strategy="nearest", split=False),
}


def random_orders(rng: random.Random, count: int, *, max_lines: int = 3) -> list[OrderToAllocate]:
    orders = []
    for n in range(count):
        province, _, _, capital = rng.choice(PROVINCES)
        picked = rng.sample(SKUS, rng.randint(1, max_lines))
        orders.append(
            OrderToAllocate(
                order_id=f"R-{n}",
                province=province,
                city=rng.choice([capital, ""]),
                lines=lines(*((sku, rng.randint(1, 4)) for sku in picked)),
                weight_g=rng.randint(100, 8000),
                preferred_warehouse=rng.choice([None, None, None, *CODES]),
            )
        )
    return orders


def random_stock(rng: random.Random) -> dict[str, dict[str, int]]:
    return {code: {sku: rng.randint(-1, 15) for sku in SKUS} for code in CODES}


@pytest.mark.parametrize("name", sorted(CONFIGS))
@pytest.mark.parametrize("seed", range(6))
def test_random_batches_never_over_promise(name: str, seed: int) -> None:
    rng = random.Random(seed)
    stock = random_stock(rng)
    orders = random_orders(rng, 300)
    results = choose_warehouses(
        orders, stock, CONFIGS[name], warehouses=WAREHOUSES, rates=demo_rate_table()
    )
    allocated: Counter[tuple[str, str]] = Counter()
    for o, result in zip(orders, results, strict=True):
        assert result.order_id == o.order_id
        if isinstance(result, Unfillable):
            assert result.missing and all(q > 0 for q in result.missing.values())
            continue
        shipped: Counter[int] = Counter()
        for shipment in result.shipments:
            assert shipment.lines, "an empty shipment"
            for line in shipment.lines:
                allocated[shipment.warehouse_code, line.sku_code] += line.quantity
                shipped[line.line_no] += line.quantity
        assert shipped == {line.line_no: line.quantity for line in o.lines}
    for (code, sku), units in allocated.items():
        assert units <= max(0, stock[code][sku]), (code, sku)
    assert any(isinstance(r, Unfillable) for r in results)  # the stock was tight enough
    assert any(isinstance(r, WarehouseChoice) and r.is_split for r in results) == (
        name != "no_split"
    )


def test_timing_of_a_batch_is_printed_not_asserted(capsys: pytest.CaptureFixture[str]) -> None:
    """Run with ``-s`` to see the figure; CI machines vary too much to assert a speed."""
    rng = random.Random(1)
    stock = {code: dict.fromkeys(SKUS, 10_000) for code in CODES}
    orders = random_orders(rng, 5000)
    started = time.perf_counter()
    results = []
    for start in range(0, len(orders), 1000):
        batch = orders[start : start + 1000]
        results += choose_warehouses(batch, stock, AllocationConfig(), warehouses=WAREHOUSES)
    elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(f"\nallocation: {len(orders) / elapsed:,.0f} orders/s (1-3 lines, 4 warehouses)")
    assert len(results) == len(orders)
