"""The demo warehouses and small builders shared by the allocation tests."""

from __future__ import annotations

from typing import Any

from orderhub.allocation import OrderLine, OrderToAllocate, Warehouse

SH = Warehouse("WH-SH", "上海仓", "华东", "上海市", "上海市", "青浦区")
GZ = Warehouse("WH-GZ", "广州仓", "华南", "广东省", "广州市", "白云区")
BJ = Warehouse("WH-BJ", "北京仓", "华北", "北京市", "北京市", "大兴区")
CD = Warehouse("WH-CD", "成都仓", "西南", "四川省", "成都市", "双流区")
WAREHOUSES = (SH, GZ, BJ, CD)
CODES = tuple(w.code for w in WAREHOUSES)


def lines(*items: tuple[str, int]) -> tuple[OrderLine, ...]:
    """Order lines numbered from 1: ``lines(("TEA", 2), ("CUP", 1))``."""
    return tuple(OrderLine(n, sku, qty) for n, (sku, qty) in enumerate(items, start=1))


def order(
    province: str = "浙江省",
    city: str = "杭州市",
    *items: tuple[str, int],
    **overrides: Any,
) -> OrderToAllocate:
    fields: dict[str, Any] = {
        "order_id": "T-1",
        "province": province,
        "city": city,
        "district": "",
        "lines": lines(*(items or (("TEA-LJ-250G", 1),))),
        "weight_g": 1200,
        "volume_cm3": 6000,
    }
    fields.update(overrides)
    return OrderToAllocate(**fields)


def stock_everywhere(*skus: str, units: int = 100) -> dict[str, dict[str, int]]:
    return {code: dict.fromkeys(skus, units) for code in CODES}
