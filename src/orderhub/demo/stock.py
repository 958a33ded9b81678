"""Demo stock: on-hand quantities per warehouse and SKU, plentiful for the best sellers."""

from __future__ import annotations

import random

from orderhub.demo.catalog import CatalogItem
from orderhub.demo.model import DemoWarehouse

# How strongly each region stocks a category (down jackets sell in the north, not the south).
_REGION_TILT: dict[tuple[str, str], float] = {
    ("华北", "服装"): 1.2,
    ("华南", "服装"): 0.9,
    ("华东", "食品"): 1.5,
}
_MISSING = 0.08  # share of SKU x warehouse pairs never stocked
_EMPTY = 0.08  # share stocked but sold out


def build_stock(
    rng: random.Random, items: tuple[CatalogItem, ...], warehouses: tuple[DemoWarehouse, ...]
) -> list[tuple[str, str, int]]:
    """(warehouse code, SKU code, on hand) for most pairs; hot SKUs get hundreds."""
    ranked = sorted(items, key=lambda item: item.weight, reverse=True)
    hot = {item.sku.code for item in ranked[: len(ranked) // 5]}
    stock: list[tuple[str, str, int]] = []
    for warehouse in warehouses:
        for item in items:
            code = item.sku.code
            if code not in hot and rng.random() < _MISSING:
                continue
            if code not in hot and rng.random() < _EMPTY:
                stock.append((warehouse.code, code, 0))
                continue
            low, high = (300, 1500) if code in hot else (10, 200)
            tilt = _REGION_TILT.get((warehouse.region, item.sku.category), 1.0)
            if item.product.prefix == "DJ" and warehouse.region == "华南":
                tilt *= 0.4
            stock.append((warehouse.code, code, int(rng.randint(low, high) * tilt)))
    return stock
