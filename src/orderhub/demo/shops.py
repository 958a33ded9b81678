"""Demo shops: the channels the seller runs, and what each offers at which price and title."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from itertools import accumulate

from orderhub.demo.catalog import CENT, Catalog, CatalogItem
from orderhub.demo.model import DemoShop
from orderhub.demo.platforms import CN_PLATFORMS, INTL_PLATFORMS, platform_sku_ids, spec_text
from orderhub.orders.domain import OrderType

BRAND = "悦享生活"
_BUNDLE_SHARE = 0.4  # scales bundle popularity so roughly one line in sixteen is a bundle


@dataclass(frozen=True, slots=True)
class ShopPlan:
    """A demo shop and how it sells: share of orders, kind of buyer, time curve, pricing."""

    shop: DemoShop
    share: float
    kind: str  # cn | intl | pos | b2b
    order_type: OrderType
    curve: str  # see timing.HOUR_CURVES
    price_factor: Decimal  # of the CNY list price; for foreign currencies the exchange factor
    countries: tuple[tuple[str, float], ...] = ()  # buyer countries of an international shop


@dataclass(frozen=True, slots=True)
class Offer:
    """One sellable SKU or bundle in one shop: what the channel calls it and charges."""

    code: str
    title: str
    spec: str
    platform_sku_id: str | None
    price: Decimal


SHOP_PLANS: tuple[ShopPlan, ...] = (
    ShopPlan(
        DemoShop("tmall-flagship", f"{BRAND}官方旗舰店", "tmall", "CNY", "浙江省"),
        0.27,
        "cn",
        OrderType.RETAIL,
        "online",
        Decimal(1),
    ),
    ShopPlan(
        DemoShop("jd-store", f"{BRAND}京东旗舰店", "jd", "CNY", "北京市"),
        0.17,
        "cn",
        OrderType.RETAIL,
        "online",
        Decimal(1),
    ),
    ShopPlan(
        DemoShop("pdd-store", f"{BRAND}拼多多品牌店", "pdd", "CNY", "上海市"),
        0.16,
        "cn",
        OrderType.RETAIL,
        "online",
        Decimal("0.85"),
    ),
    ShopPlan(
        DemoShop("douyin-live", f"{BRAND}抖音直播间", "douyin", "CNY", "浙江省"),
        0.22,
        "cn",
        OrderType.LIVE,
        "live",
        Decimal("0.88"),
    ),
    ShopPlan(
        DemoShop("shopify-intl", f"{BRAND}海外独立站", "shopify", "USD"),
        0.07,
        "intl",
        OrderType.RETAIL,
        "online",
        Decimal("0.20"),
        (
            ("US", 0.45),
            ("CA", 0.10),
            ("GB", 0.12),
            ("AU", 0.13),
            ("JP", 0.12),
            ("DE", 0.04),
            ("FR", 0.04),
        ),
    ),
    ShopPlan(
        DemoShop("woocommerce-eu", f"{BRAND}欧洲站", "woocommerce", "EUR"),
        0.05,
        "intl",
        OrderType.RETAIL,
        "online",
        Decimal("0.18"),
        (("DE", 0.45), ("FR", 0.40), ("GB", 0.15)),
    ),
    ShopPlan(
        DemoShop("pos-shanghai", f"{BRAND}上海南京东路店", "pos", "CNY", "上海市"),
        0.04,
        "pos",
        OrderType.POS,
        "store",
        Decimal(1),
    ),
    ShopPlan(
        DemoShop("b2b-wholesale", f"{BRAND}批发渠道", "manual", "CNY", "浙江省"),
        0.02,
        "b2b",
        OrderType.WHOLESALE,
        "office",
        Decimal("0.55"),
    ),
)


def shop_price(list_price: Decimal, plan: ShopPlan) -> Decimal:
    """The shop's price for a CNY list price: .90 endings when discounted, .99 abroad."""
    factor = plan.price_factor
    if plan.shop.currency != "CNY":
        charm = (list_price * factor).to_integral_value(ROUND_CEILING) - CENT
        return max(charm, Decimal("4.99"))
    if factor == 1:
        return list_price
    if plan.kind == "b2b":
        return (list_price * factor).quantize(CENT, rounding=ROUND_HALF_UP)
    return (list_price * factor).to_integral_value(ROUND_HALF_UP) - Decimal("0.10")


def _item_weight(item: CatalogItem, plan: ShopPlan) -> float:
    """Popularity in this shop: live streams push featured products, wholesalers buy clothes."""
    weight = item.weight
    if plan.curve == "live" and item.product.featured:
        weight *= 4.0
    if plan.kind == "b2b" and item.sku.category == "服装":
        weight *= 2.0
    return weight


def _sellable_abroad(item: CatalogItem) -> bool:
    """No food abroad, and only the phone models sold there."""
    return item.sku.category != "食品" and item.sku.attributes.get("model", "").isascii()


def offers(catalog: Catalog, plan: ShopPlan) -> tuple[list[Offer], list[float]]:
    """What the shop sells, with cumulative popularity weights for sampling."""
    platform = plan.shop.platform
    cn, intl = platform in CN_PLATFORMS, platform in INTL_PLATFORMS
    ids = platform_sku_ids(platform, list(catalog.items), [b.bundle.code for b in catalog.bundles])
    out: list[Offer] = []
    weights: list[float] = []
    for item in catalog.items:
        if intl and not _sellable_abroad(item):
            continue
        sku, product = item.sku, item.product
        title = product.listing if cn else product.name_en if intl else sku.title
        price = shop_price(sku.price, plan)
        out.append(Offer(sku.code, title, spec_text(platform, item), ids.get(sku.code), price))
        weights.append(_item_weight(item, plan))
    for cb in catalog.bundles:
        if plan.kind == "b2b" or (intl and cb.food):
            continue
        b = cb.bundle
        title = f"{BRAND} {b.title}" if cn else cb.title_en if intl else b.title
        out.append(Offer(b.code, title, "", ids.get(b.code), shop_price(b.price, plan)))
        weights.append(cb.weight * _BUNDLE_SHARE)
    return out, list(accumulate(weights))
