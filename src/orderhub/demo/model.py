"""What the demo generator produces: plain data, loaded by `orderhub.demo.load`."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from orderhub.orders.domain import OrderDraft
from orderhub.orders.lifecycle import OrderStatus


@dataclass(frozen=True, slots=True)
class DemoShop:
    code: str  # stable, url-safe, e.g. "tmall-flagship"
    name: str  # display name, may be Chinese
    platform: (
        str  # taobao | tmall | jd | pdd | douyin | shopify | woocommerce | amazon | pos | manual
    )
    currency: str
    home_province: str = ""


@dataclass(frozen=True, slots=True)
class DemoSku:
    code: str
    title: str
    category: str
    attributes: dict[str, str]  # e.g. {"colour": "黑色", "size": "XL"}
    price: Decimal
    cost: Decimal
    weight_g: int
    barcode: str
    product: str = ""  # the product code its variants share


@dataclass(frozen=True, slots=True)
class DemoBundle:
    code: str
    title: str
    category: str
    price: Decimal
    components: tuple[tuple[str, int], ...]  # (component sku code, quantity)


@dataclass(frozen=True, slots=True)
class DemoWarehouse:
    code: str
    name: str
    region: str  # 华东 / 华南 / 华北 / 西南 ...
    province: str
    city: str
    district: str
    street: str


@dataclass(frozen=True, slots=True)
class DemoOrder:
    shop_code: str
    draft: OrderDraft
    target_status: OrderStatus  # where the demo moves it after ingest, through legal transitions


@dataclass(slots=True)
class DemoData:
    shops: list[DemoShop] = field(default_factory=list)
    skus: list[DemoSku] = field(default_factory=list)
    bundles: list[DemoBundle] = field(default_factory=list)
    warehouses: list[DemoWarehouse] = field(default_factory=list)
    stock: list[tuple[str, str, int]] = field(default_factory=list)  # (warehouse, sku, on hand)
    orders: list[DemoOrder] = field(default_factory=list)
