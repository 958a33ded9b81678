"""The Double 11 world: shops on seven platforms, the demo catalogue with a few hot SKUs, four
warehouses whose stock is plentiful except on the hot SKUs, and the seller's 20 review rules.

`build_world(seed, orders=...)` is pure and deterministic; stock is planned for a day of
`orders` deliveries (hot SKUs get ~85 % of their expected demand, the rest three times it), so
the no-oversell check bites at any size. `load_world(engine, world)` writes it all to a
migrated database the way a seller would set it up.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from typing import Any

from sqlalchemy import Engine

from benchmarks.double11.rules import rule_document
from orderhub.channels.base import ShopContext
from orderhub.demo.catalog import Catalog, build_catalog
from orderhub.demo.geography import WAREHOUSES
from orderhub.demo.model import DemoWarehouse
from orderhub.demo.platforms import listing_key, platform_item_id, platform_sku_ids, spec_text
from orderhub.normalize.sku_mapping import SkuCatalog, SkuInfo
from orderhub.orders.domain import ShopRef

BRAND = "悦享生活"
DEFAULT_ORDERS = 200_000
# Basket shape shared with the stream (planning stock needs the same figures).
LINE_COUNTS = ((1, 0.58), (2, 0.26), (3, 0.11), (4, 0.05))
QUANTITIES = ((1, 0.78), (2, 0.16), (3, 0.05), (5, 0.01))
VALID_SHARE = 0.93  # deliveries that are distinct valid orders (5 % re-deliveries, 2 % malformed)
# Double 11 best sellers and their popularity (the catalogue's own weights sum to ~65).
HOT_SKUS: Mapping[str, float] = {
    "DJ-BLK-L": 9.0,
    "HD-GRY-L": 7.0,
    "BW-BLK-500": 6.0,
    "TEA-250G": 5.0,
    "PC-CLR-IP16P": 4.0,
    "SK-BLK": 4.0,
}
HOT_STOCK_RATIO = 0.85  # of expected demand: some hot-SKU orders must end out of stock
PLENTY_RATIO = 3.0
GIFT_SKU = "GIFT-D11-BAG"
_WAREHOUSE_SPLIT = {"WH-SH": 0.35, "WH-GZ": 0.25, "WH-BJ": 0.25, "WH-CD": 0.15}
_CN = "cn"


@dataclass(frozen=True, slots=True)
class ShopSpec:
    """One shop: its platform and payload format, currency, share of the day and pricing."""

    code: str
    name: str
    platform: str
    currency: str
    home_province: str
    share: float
    price_permille: int  # shop price = CNY list price x permille / 1000 (abroad: incl. exchange)
    payload: str  # the raw form delivered, e.g. "TOP taobao.trade.fullinfo.get answer"
    countries: tuple[tuple[str, float], ...] = ()  # buyers' countries of a cross-border shop
    credentials: Mapping[str, str] = field(default_factory=dict, repr=False)

    @property
    def cross_border(self) -> bool:
        return bool(self.countries)

    @property
    def context(self) -> ShopContext:
        """What the shop's adapter is handed with each payload (`parse_raw(adapter, ...)`)."""
        return ShopContext(self.code, self.platform, self.currency, self.credentials)


@dataclass(frozen=True, slots=True)
class Offer:
    """A SKU or bundle as one shop sells it; `price` in cents of the shop currency."""

    code: str
    title: str
    spec: str
    sku_id: str
    item_id: str
    price: int
    weight: float
    category: str


@dataclass(frozen=True)
class World:
    seed: int
    orders: int  # the day's deliveries the stock was planned for
    shops: tuple[ShopSpec, ...]
    catalog: Catalog
    offers: Mapping[str, tuple[Offer, ...]]  # by shop code
    hot_skus: tuple[str, ...]
    warehouses: tuple[DemoWarehouse, ...]
    stock: tuple[tuple[str, str, int], ...]  # (warehouse, SKU, on hand)
    expected_units: Mapping[str, float]  # planned demand per stocked SKU (bundles expanded)
    rules: Mapping[str, Any]

    def shop(self, code: str) -> ShopSpec:
        return next(s for s in self.shops if s.code == code)

    @property
    def sku_codes(self) -> frozenset[str]:
        """Every code a payload line may carry: SKUs, bundles and the gift."""
        items = {i.sku.code for i in self.catalog.items}
        return frozenset(items | {b.bundle.code for b in self.catalog.bundles} | {GIFT_SKU})


def _shops(seed: int) -> tuple[ShopSpec, ...]:
    abroad_usd = (("US", 0.45), ("CA", 0.10), ("GB", 0.12), ("AU", 0.13), ("JP", 0.12))
    abroad_eur = (("DE", 0.45), ("FR", 0.40), ("GB", 0.15))
    plans = (
        ("tmall-flagship", f"{BRAND}官方旗舰店", "tmall", "CNY", "浙江省", 0.26, 1000,
         "TOP taobao.trade.fullinfo.get answer", ()),
        ("taobao-outlet", f"{BRAND}淘宝企业店", "taobao", "CNY", "浙江省", 0.08, 950,
         "TOP trade object (TMC / 聚石塔 push)", ()),
        ("jd-store", f"{BRAND}京东旗舰店", "jd", "CNY", "北京市", 0.17, 980,
         "jingdong.pop.order.get answer", ()),
        ("pdd-store", f"{BRAND}拼多多品牌店", "pdd", "CNY", "上海市", 0.15, 850,
         "pdd.order.information.get answer", ()),
        ("douyin-live", f"{BRAND}抖音直播间", "douyin", "CNY", "浙江省", 0.22, 880,
         "抖店 order.detail answer", ()),
        ("shopify-intl", f"{BRAND}海外独立站", "shopify", "USD", "", 0.07, 200,
         "Shopify orders/create webhook body", abroad_usd),
        ("woocommerce-eu", f"{BRAND}欧洲站", "woocommerce", "EUR", "", 0.05, 180,
         "WooCommerce order.created webhook body", abroad_eur),
    )  # fmt: skip
    return tuple(
        ShopSpec(code, name, platform, cur, home, share, permille, payload, countries,
                 _credentials(seed, code, platform))
        for code, name, platform, cur, home, share, permille, payload, countries in plans
    )  # fmt: skip


_CREDENTIAL_NAMES = {
    "taobao": ("app_key", "app_secret", "session"),
    "tmall": ("app_key", "app_secret", "session"),
    "jd": ("app_key", "app_secret", "access_token"),
    "pdd": ("client_id", "client_secret", "access_token"),
    "douyin": ("app_key", "app_secret", "access_token"),
    "shopify": ("access_token", "webhook_secret", "location_id"),
    "woocommerce": ("consumer_key", "consumer_secret", "webhook_secret"),
}


def _credentials(seed: int, code: str, platform: str) -> dict[str, str]:
    """Stable fake credentials of the right names (parsing needs none; pulling would)."""

    def value(name: str) -> str:
        return hashlib.sha256(f"{seed}:{code}:{name}".encode()).hexdigest()[:32]

    return {name: value(name) for name in _CREDENTIAL_NAMES[platform]}


def shop_price(list_price: Decimal, shop: ShopSpec) -> int:
    """Cents: .90 endings when discounted in CNY, .99 charm prices abroad."""
    cents = int(list_price * 100) * shop.price_permille // 1000
    if shop.currency != "CNY":
        return max(math.ceil(cents / 100) * 100 - 1, 499)
    if shop.price_permille == 1000:
        return cents
    return round(cents / 100) * 100 - 10


def _offers(catalog: Catalog, shop: ShopSpec) -> tuple[Offer, ...]:
    platform, abroad = shop.platform, shop.cross_border
    ids = platform_sku_ids(platform, list(catalog.items), [b.bundle.code for b in catalog.bundles])
    out: list[Offer] = []
    for item in catalog.items:
        sku, product = item.sku, item.product
        if abroad and (sku.category == "食品" or not sku.attributes.get("model", "").isascii()):
            continue
        weight = HOT_SKUS.get(sku.code, item.weight)
        if platform == "douyin" and product.featured:
            weight *= 3.0  # live streams push the featured products
        title = product.name_en if abroad else product.listing
        out.append(Offer(sku.code, title, spec_text(platform, item), ids[sku.code],
                         _item_id(platform, sku.code), shop_price(sku.price, shop), weight,
                         sku.category))  # fmt: skip
    for cb in catalog.bundles:
        b = cb.bundle
        if abroad and cb.food:
            continue
        title = cb.title_en if abroad else f"{BRAND} {b.title}"
        out.append(Offer(b.code, title, "", ids[b.code], _item_id(platform, b.code),
                         shop_price(b.price, shop), cb.weight * 0.4, b.category))  # fmt: skip
    return tuple(out)


def _item_id(platform: str, code: str) -> str:
    return platform_item_id(platform, listing_key(code))


def units_per_order() -> float:
    return sum(n * p for n, p in LINE_COUNTS) * sum(q * p for q, p in QUANTITIES)


def _expected_units(
    catalog: Catalog, shops: tuple[ShopSpec, ...], offers: Mapping[str, tuple[Offer, ...]], n: int
) -> dict[str, float]:
    """Planned units per stocked SKU for a day of `n` deliveries (bundles expanded)."""
    parts = {b.bundle.code: b.bundle.components for b in catalog.bundles}
    demand = {item.sku.code: 0.0 for item in catalog.items}
    for shop in shops:
        listed = offers[shop.code]
        total = sum(o.weight for o in listed)
        units = n * VALID_SHARE * shop.share * units_per_order()
        for o in listed:
            for code, qty in parts.get(o.code, ((o.code, 1),)):
                demand[code] += units * o.weight / total * qty
    return demand


def _stock(
    rng: random.Random, demand: Mapping[str, float], n: int
) -> tuple[tuple[str, str, int], ...]:
    rows: list[tuple[str, str, int]] = []
    for code, units in demand.items():
        if code in HOT_SKUS:
            total = math.ceil(units * HOT_STOCK_RATIO)
        else:
            total = max(40, math.ceil(units * PLENTY_RATIO * rng.uniform(1.0, 1.3)))
        rows += [(wh, code, math.ceil(total * part)) for wh, part in _WAREHOUSE_SPLIT.items()]
    gifts = max(20, n // 50)
    rows += [(wh, GIFT_SKU, math.ceil(gifts * part)) for wh, part in _WAREHOUSE_SPLIT.items()]
    return tuple(rows)


def build_world(seed: int, *, orders: int = DEFAULT_ORDERS) -> World:
    """The same seed and size always give the same world."""
    rng = random.Random(f"double11-world:{seed}")
    catalog = build_catalog()
    missing = set(HOT_SKUS) - {item.sku.code for item in catalog.items}
    if missing:
        raise ValueError(f"hot SKUs not in the demo catalogue: {sorted(missing)}")
    shops = _shops(seed)
    offers = {shop.code: _offers(catalog, shop) for shop in shops}
    demand = _expected_units(catalog, shops, offers, orders)
    return World(
        seed=seed,
        orders=orders,
        shops=shops,
        catalog=catalog,
        offers=offers,
        hot_skus=tuple(HOT_SKUS),
        warehouses=WAREHOUSES,
        stock=_stock(rng, demand, orders),
        expected_units=demand,
        rules=rule_document(tuple(HOT_SKUS), GIFT_SKU),
    )


def sku_catalog(world: World) -> SkuCatalog:
    """The in-memory catalogue cleaning resolves lines with (as `cleaning_repo.load_catalog`
    builds it from the loaded world), for checks that need no database."""
    skus = {
        i.sku.code: SkuInfo(i.sku.code, i.sku.title, i.sku.price, (), i.sku.product,
                            tuple(sorted(i.sku.attributes.items())))
        for i in world.catalog.items
    }  # fmt: skip
    for cb in world.catalog.bundles:
        b = cb.bundle
        skus[b.code] = SkuInfo(b.code, b.title, b.price, b.components)
    skus[GIFT_SKU] = SkuInfo(GIFT_SKU, _GIFT_TITLE, Decimal(0))
    return SkuCatalog(skus=skus)


_GIFT_TITLE = "双11限定帆布袋（赠品）"


def _sku_rows(world: World, now: Any) -> list[dict[str, Any]]:
    rows = [
        {"code": s.code, "title": s.title, "product_code": s.product, "category": s.category,
         "attributes": s.attributes, "price": s.price, "cost": s.cost, "weight_g": s.weight_g,
         "barcode": s.barcode, "is_bundle": False, "created_at": now}
        for s in (item.sku for item in world.catalog.items)
    ]  # fmt: skip
    rows += [
        {"code": b.code, "title": b.title, "product_code": "", "category": b.category,
         "attributes": {}, "price": b.price, "cost": None, "weight_g": 0, "barcode": None,
         "is_bundle": True, "created_at": now}
        for b in (cb.bundle for cb in world.catalog.bundles)
    ]  # fmt: skip
    rows.append(
        {"code": GIFT_SKU, "title": _GIFT_TITLE, "product_code": "GIFT", "category": "赠品",
         "attributes": {}, "price": Decimal("0.00"), "cost": Decimal("3.50"), "weight_g": 80,
         "barcode": None, "is_bundle": False, "created_at": now}
    )  # fmt: skip
    return rows


def load_world(engine: Engine, world: World) -> dict[str, ShopRef]:
    """Shops, catalogue, warehouses, opening stock (with its ledger), the active rule set and
    the demo carriers, in one transaction; returns each shop's `ShopRef` (for `receive`) by
    code. The database must be migrated and empty."""
    from orderhub.channels.shops import add_shop
    from orderhub.db import catalog_repo
    from orderhub.orders.domain import utc_now
    from orderhub.pipeline.review_actions import save_rule_set

    now = utc_now()
    with engine.begin() as conn:
        shops = {
            s.code: add_shop(conn, code=s.code, name=s.name, platform=s.platform,
                             currency=s.currency, home_province=s.home_province,
                             credentials=dict(s.credentials), pull_enabled=False).ref
            for s in world.shops
        }  # fmt: skip
        sku_ids = catalog_repo.insert_skus(conn, _sku_rows(world, now))
        for cb in world.catalog.bundles:
            parts = [(sku_ids[c], q) for c, q in cb.bundle.components]
            catalog_repo.insert_bundle_components(conn, sku_ids[cb.bundle.code], parts)
        wh_ids = catalog_repo.insert_warehouses(
            conn,
            [{"code": w.code, "name": w.name, "region": w.region, "province": w.province,
              "city": w.city, "district": w.district, "street": w.street, "active": True}
             for w in world.warehouses],
        )  # fmt: skip
        levels = [(wh_ids[w], sku_ids[s], q) for w, s, q in world.stock]
        catalog_repo.insert_stock(conn, levels, now=now)
        save_rule_set(conn, dict(world.rules), actor="bench:double11", activate=True)
        _carriers(conn, now)
    return shops


def _carriers(conn: Any, now: Any) -> None:
    from orderhub.allocation import demo_carriers
    from orderhub.db import settings_repo

    carriers = [c.to_dict() for c in demo_carriers()]
    rates = resources.files("orderhub.allocation").joinpath("demo_rates.csv").read_text("utf-8")
    settings_repo.put_setting(conn, "carriers", carriers, actor="bench:double11", now=now)
    settings_repo.put_setting(conn, "carrier_rates", rates, actor="bench:double11", now=now)
