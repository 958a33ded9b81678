"""Scenario `double11` (issue #7): a seeded Double 11 world and its day of raw deliveries.

    world = build_world(11, orders=200_000)  # stock is planned for that many deliveries
    shops = load_world(engine, world)  # a migrated, empty database; {code: ShopRef}
    counts = StreamCounts()
    for chunk in deliveries(world, 200_000, 11, counts=counts):
        ...  # parse_raw(adapter_for(d.platform), world.shop(d.shop_code).context, d.raw)
             # + receive(conn, shops[code], parsed, source=...), then clean / review / allocate

Names are imported on first use, so `python -m benchmarks.double11.stream` runs cleanly.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from benchmarks.double11.payloads import MALFORMED_KINDS as MALFORMED_KINDS
    from benchmarks.double11.stream import (
        Delivery as Delivery,
    )
    from benchmarks.double11.stream import (
        ShopCounts as ShopCounts,
    )
    from benchmarks.double11.stream import (
        StreamCounts as StreamCounts,
    )
    from benchmarks.double11.stream import (
        deliveries as deliveries,
    )
    from benchmarks.double11.stream import (
        expected as expected,
    )
    from benchmarks.double11.world import (
        DEFAULT_ORDERS as DEFAULT_ORDERS,
    )
    from benchmarks.double11.world import (
        GIFT_SKU as GIFT_SKU,
    )
    from benchmarks.double11.world import (
        Offer as Offer,
    )
    from benchmarks.double11.world import (
        ShopSpec as ShopSpec,
    )
    from benchmarks.double11.world import (
        World as World,
    )
    from benchmarks.double11.world import (
        build_world as build_world,
    )
    from benchmarks.double11.world import (
        load_world as load_world,
    )
    from benchmarks.double11.world import (
        sku_catalog as sku_catalog,
    )

_WHERE = {
    "MALFORMED_KINDS": "payloads",
    "Delivery": "stream",
    "ShopCounts": "stream",
    "StreamCounts": "stream",
    "deliveries": "stream",
    "expected": "stream",
    "DEFAULT_ORDERS": "world",
    "GIFT_SKU": "world",
    "Offer": "world",
    "ShopSpec": "world",
    "World": "world",
    "build_world": "world",
    "load_world": "world",
    "sku_catalog": "world",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)
