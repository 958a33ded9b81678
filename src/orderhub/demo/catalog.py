"""Demo catalogue: apparel/lifestyle products expanded into SKUs by spec axes, plus bundles."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import product as cartesian

from orderhub.demo.model import DemoBundle, DemoSku

CENT = Decimal("0.01")
BARCODE_PREFIX = "6975388"  # GS1 China (690-699) company prefix, 7 digits


@dataclass(frozen=True, slots=True)
class Opt:
    """One value of a spec axis: Chinese text, SKU code token, English text, price delta, weight."""

    cn: str
    code: str
    en: str
    delta: int = 0
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class Axis:
    key: str  # attribute key, e.g. "colour"
    label: str  # Chinese platform label, e.g. "颜色分类"
    opts: tuple[Opt, ...]


@dataclass(frozen=True, slots=True)
class Product:
    prefix: str
    name: str  # short Chinese name, used in SKU titles
    listing: str  # marketplace listing title
    name_en: str
    category: str
    price: int  # CNY list price of the base variant
    cost_pct: int
    weight_g: int
    popularity: float
    axes: tuple[Axis, ...]
    featured: bool = False  # pushed in live streams


@dataclass(frozen=True, slots=True)
class CatalogItem:
    """A SKU with what a channel needs to sell it: popularity, spec texts and titles."""

    sku: DemoSku
    product: Product
    weight: float
    spec_cn: str  # "颜色分类:黑色;尺码:XL"
    spec_en: str  # "Black / XL"
    values_cn: tuple[str, ...]
    pairs_cn: tuple[tuple[str, str], ...]  # ((label, value), ...)


@dataclass(frozen=True, slots=True)
class CatalogBundle:
    bundle: DemoBundle
    title_en: str
    weight: float
    food: bool = False


@dataclass(frozen=True, slots=True)
class Catalog:
    items: tuple[CatalogItem, ...]
    bundles: tuple[CatalogBundle, ...]


_COLOURS: dict[str, tuple[str, str]] = {
    "黑色": ("BLK", "Black"),
    "白色": ("WHT", "White"),
    "灰色": ("GRY", "Grey"),
    "藏青": ("NVY", "Navy"),
    "卡其": ("KHK", "Khaki"),
    "军绿": ("OLV", "Olive"),
    "米白": ("CRM", "Cream"),
    "粉色": ("PNK", "Pink"),
    "浅蓝": ("LBL", "Light Blue"),
    "深蓝": ("DBL", "Dark Blue"),
    "透明": ("CLR", "Clear"),
    "酒红": ("BUR", "Burgundy"),
}


def _colours(*names: str, main: float = 2.0) -> Axis:
    """A colour axis; the first colour sells `main` times as well as the others."""
    opts = tuple(
        Opt(n, _COLOURS[n][0], _COLOURS[n][1], weight=main if i == 0 else 1.0)
        for i, n in enumerate(names)
    )
    return Axis("colour", "颜色分类", opts)


_CLOTHING_SIZES = {"S": 0.5, "M": 1.1, "L": 1.5, "XL": 1.3, "XXL": 0.7}


def _sizes(*names: str, big: int = 0) -> Axis:
    opts = tuple(
        Opt(n, n, n, delta=big if n == "XXL" else 0, weight=_CLOTHING_SIZES[n]) for n in names
    )
    return Axis("size", "尺码", opts)


def _shoe_sizes() -> Axis:
    weights = (0.4, 0.6, 0.9, 1.1, 1.1, 0.8, 0.4)
    opts = tuple(
        Opt(str(s), str(s), f"EU {s}", weight=w)
        for s, w in zip(range(38, 45), weights, strict=True)
    )
    return Axis("size", "鞋码", opts)


def _axis(key: str, label: str, *opts: Opt) -> Axis:
    return Axis(key, label, opts)


# prefix: (short Chinese name, category, CNY list price, cost %, grams, popularity)
_BASICS: dict[str, tuple[str, str, int, int, int, float]] = {
    "TS": ("纯棉圆领短袖T恤", "服装", 79, 35, 220, 10.0),
    "HD": ("加绒连帽卫衣", "服装", 199, 38, 650, 8.0),
    "JN": ("直筒牛仔裤", "服装", 259, 40, 700, 5.0),
    "SN": ("轻便跑步运动鞋", "鞋靴", 399, 42, 900, 5.0),
    "DJ": ("90白鸭绒羽绒服", "服装", 899, 45, 1100, 6.0),
    "BW": ("316不锈钢保温杯", "家居", 129, 33, 380, 7.0),
    "TEA": ("明前龙井茶叶礼盒", "食品", 288, 40, 650, 3.0),
    "PC": ("磁吸手机壳", "数码配件", 49, 25, 60, 6.0),
    "CB": ("帆布托特包", "箱包", 69, 30, 300, 3.0),
    "SK": ("中筒纯棉袜五双装", "服装", 39, 30, 200, 4.0),
    "CAP": ("刺绣棒球帽", "配饰", 59, 28, 120, 2.5),
    "DL": ("快充数据线", "数码配件", 29, 22, 50, 3.5),
    "PJ": ("纯棉家居服套装", "服装", 169, 36, 500, 2.5),
}
# prefix: (marketplace listing title, English title)
_TITLES: dict[str, tuple[str, str]] = {
    "TS": ("悦享生活 纯棉圆领短袖T恤男女同款宽松打底衫", "Cotton Crew-Neck T-Shirt"),
    "HD": ("悦享生活 加绒连帽卫衣秋冬款宽松休闲上衣", "Fleece Pullover Hoodie"),
    "JN": ("悦享生活 弹力直筒牛仔裤男士修身百搭长裤", "Straight-Fit Stretch Jeans"),
    "SN": ("悦享生活 轻便透气跑步鞋男女款减震运动鞋", "Lightweight Running Shoes"),
    "DJ": ("悦享生活 90白鸭绒连帽羽绒服冬季加厚外套", "90% Duck Down Puffer Jacket"),
    "BW": ("悦享生活 316不锈钢保温杯大容量便携水杯", "316 Stainless Insulated Bottle"),
    "TEA": ("悦享生活 2026新茶明前龙井绿茶礼盒装", "Longjing Green Tea Gift Box"),
    "PC": ("悦享生活 磁吸防摔手机壳全包保护套", "MagSafe Shockproof Phone Case"),
    "CB": ("悦享生活 大容量帆布托特包通勤单肩包", "Canvas Tote Bag"),
    "SK": ("悦享生活 精梳棉中筒袜男女款5双装", "Cotton Crew Socks (5 pairs)"),
    "CAP": ("悦享生活 刺绣棒球帽男女百搭鸭舌帽", "Embroidered Baseball Cap"),
    "DL": ("悦享生活 编织快充数据线耐用充电线", "Braided Fast-Charge Cable"),
    "PJ": ("悦享生活 纯棉家居服套装长袖睡衣", "Cotton Loungewear Set"),
}
_FEATURED = frozenset({"HD", "DJ", "BW"})  # pushed in live streams
_JEANS = (("28", 0.5), ("29", 0.8), ("30", 1.2), ("31", 1.2), ("32", 1.0), ("34", 0.6))
_PHONES = (
    ("iPhone 15", "IP15", 0.8),
    ("iPhone 15 Pro", "IP15P", 0.9),
    ("iPhone 16", "IP16", 1.2),
    ("iPhone 16 Pro", "IP16P", 1.3),
    ("华为Mate 60", "M60", 0.8),
    ("小米14", "MI14", 0.6),
)
_AXES: dict[str, tuple[Axis, ...]] = {
    "TS": (_colours("黑色", "白色", "灰色", "藏青"), _sizes("S", "M", "L", "XL", "XXL", big=10)),
    "HD": (_colours("灰色", "黑色", "藏青", "米白"), _sizes("M", "L", "XL", "XXL", big=10)),
    "JN": (
        _colours("深蓝", "浅蓝", "黑色"),
        Axis("size", "尺码", tuple(Opt(w, w, f"W{w}", weight=x) for w, x in _JEANS)),
    ),
    "SN": (_colours("黑色", "白色", "灰色"), _shoe_sizes()),
    "DJ": (_colours("黑色", "藏青", "军绿", "米白"), _sizes("M", "L", "XL", "XXL", big=30)),
    "BW": (
        _colours("黑色", "白色", "粉色", "藏青"),
        _axis(
            "capacity",
            "容量",
            Opt("350ml", "350", "350 ml", 0, 0.8),
            Opt("500ml", "500", "500 ml", 20, 1.2),
        ),
    ),
    "TEA": (
        _axis(
            "weight",
            "净含量",
            Opt("250g", "250G", "250 g", 0, 1.5),
            Opt("500g", "500G", "500 g", 230),
        ),
    ),
    "PC": (
        _colours("透明", "黑色"),
        Axis("model", "适用型号", tuple(Opt(m, c, m, weight=w) for m, c, w in _PHONES)),
    ),
    "CB": (_colours("米白", "黑色", "卡其"),),
    "SK": (_colours("黑色", "白色", "灰色"),),
    "CAP": (_colours("黑色", "白色", "卡其", "藏青"),),
    "DL": (
        _axis(
            "connector",
            "接口类型",
            Opt("USB-C", "C", "USB-C", 0, 1.4),
            Opt("Lightning", "L", "Lightning"),
        ),
        _axis("length", "长度", Opt("1m", "1M", "1 m", 0, 1.3), Opt("2m", "2M", "2 m", 10)),
    ),
    "PJ": (_colours("灰色", "粉色", "藏青"), _sizes("M", "L", "XL")),
}


def _product(prefix: str) -> Product:
    name, category, price, cost_pct, grams, popularity = _BASICS[prefix]
    listing, name_en = _TITLES[prefix]
    return Product(
        prefix,
        name,
        listing,
        name_en,
        category,
        price,
        cost_pct,
        grams,
        popularity,
        _AXES[prefix],
        featured=prefix in _FEATURED,
    )


PRODUCTS: tuple[Product, ...] = tuple(_product(prefix) for prefix in _BASICS)

# (code, title, English title, category, price, ((component, qty), ...), popularity)
_BUNDLES: tuple[tuple[str, str, str, str, int, tuple[tuple[str, int], ...], float], ...] = (
    (
        "BDL-TS3-L",
        "纯棉T恤三件装（黑白灰 L码）",
        "Cotton T-Shirt 3-Pack (L)",
        "服装",
        199,
        (("TS-BLK-L", 1), ("TS-WHT-L", 1), ("TS-GRY-L", 1)),
        3.0,
    ),
    (
        "BDL-TS3-XL",
        "纯棉T恤三件装（黑白灰 XL码）",
        "Cotton T-Shirt 3-Pack (XL)",
        "服装",
        209,
        (("TS-BLK-XL", 1), ("TS-WHT-XL", 1), ("TS-GRY-XL", 1)),
        2.5,
    ),
    (
        "BDL-TEA-BW",
        "龙井茶叶+保温杯礼盒",
        "Longjing Tea & Bottle Gift Set",
        "礼盒",
        368,
        (("TEA-250G", 1), ("BW-BLK-500", 1)),
        2.0,
    ),
    (
        "BDL-SK-10",
        "纯棉中筒袜十双装（黑白）",
        "Cotton Crew Socks 10-Pack",
        "服装",
        69,
        (("SK-BLK", 1), ("SK-WHT", 1)),
        2.0,
    ),
    (
        "BDL-PC-DL",
        "iPhone 16 手机壳+快充线套装",
        "iPhone 16 Case & Cable Set",
        "数码配件",
        65,
        (("PC-CLR-IP16", 1), ("DL-C-1M", 1)),
        1.5,
    ),
)


def ean13(first12: str) -> str:
    """Append the EAN-13 check digit to 12 digits."""
    if len(first12) != 12 or not first12.isdigit():
        raise ValueError(f"EAN-13 needs 12 digits, got {first12!r}")
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return first12 + str((10 - total % 10) % 10)


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _expand(product: Product, start: int) -> list[CatalogItem]:
    items: list[CatalogItem] = []
    for offset, opts in enumerate(cartesian(*(axis.opts for axis in product.axes))):
        price = _money(Decimal(product.price + sum(o.delta for o in opts)))
        code = "-".join((product.prefix, *(o.code for o in opts)))
        attributes = {axis.key: o.cn for axis, o in zip(product.axes, opts, strict=True)}
        sku = DemoSku(
            code=code,
            title=" ".join((product.name, *(o.cn for o in opts))),
            category=product.category,
            attributes=attributes,
            price=price,
            cost=_money(price * product.cost_pct / 100),
            weight_g=product.weight_g + _size_grams(product, opts),
            barcode=ean13(f"{BARCODE_PREFIX}{start + offset:05d}"),
            product=product.prefix,
        )
        weight = product.popularity
        for o in opts:
            weight *= o.weight / sum(x.weight for x in _axis_of(product, o).opts)
        pairs = tuple((axis.label, o.cn) for axis, o in zip(product.axes, opts, strict=True))
        items.append(
            CatalogItem(
                sku=sku,
                product=product,
                weight=weight,
                spec_cn=";".join(f"{label}:{value}" for label, value in pairs),
                spec_en=" / ".join(o.en for o in opts),
                values_cn=tuple(o.cn for o in opts),
                pairs_cn=pairs,
            )
        )
    return items


def _size_grams(product: Product, opts: tuple[Opt, ...]) -> int:
    """Bigger sizes weigh a little more: 4% of the base weight per size step."""
    for axis, opt in zip(product.axes, opts, strict=True):
        if axis.key == "size":
            return product.weight_g * 4 * axis.opts.index(opt) // 100
    return 0


def _axis_of(product: Product, opt: Opt) -> Axis:
    return next(axis for axis in product.axes if opt in axis.opts)


def build_catalog() -> Catalog:
    """The full demo catalogue; deterministic, independent of the seed."""
    items: list[CatalogItem] = []
    for product in PRODUCTS:
        items += _expand(product, start=len(items) + 1)
    by_code = {item.sku.code: item for item in items}
    bundles: list[CatalogBundle] = []
    for code, title, title_en, category, price, components, weight in _BUNDLES:
        missing = [c for c, _ in components if c not in by_code]
        if missing:
            raise ValueError(f"bundle {code} references unknown SKUs {missing}")
        full = sum(by_code[c].sku.price * q for c, q in components)
        if price >= full:
            raise ValueError(f"bundle {code} costs {price}, not less than its parts {full}")
        bundle = DemoBundle(code, title, category, _money(Decimal(price)), components)
        food = any(by_code[c].sku.category == "食品" for c, _ in components)
        bundles.append(CatalogBundle(bundle, title_en, weight, food))
    return Catalog(tuple(items), tuple(bundles))
