"""Demo platform conventions: order numbers, platform SKU/item ids and spec texts per channel."""

from __future__ import annotations

import hashlib
import random
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from orderhub.demo.catalog import CatalogItem

CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")
CN_PLATFORMS = frozenset({"tmall", "taobao", "jd", "pdd", "douyin"})
INTL_PLATFORMS = frozenset({"shopify", "woocommerce", "amazon"})

# (first id, id range) of platform SKU ids and listing (item/product) ids.
_SKU_ID_RANGES: dict[str, tuple[int, int]] = {
    "tmall": (5_000_000_000_000, 10**12),
    "taobao": (5_000_000_000_000, 10**12),
    "jd": (100_000_000_000, 10**11),
    "pdd": (10**11, 9 * 10**10),
    "douyin": (1_700_000_000_000_000_000, 10**17),
    "shopify": (44_000_000_000_000, 10**12),
}
_ITEM_ID_RANGES: dict[str, tuple[int, int]] = {
    "tmall": (600_000_000_000, 10**11),
    "taobao": (600_000_000_000, 10**11),
    "jd": (10_000_000_000, 10**10),
    "pdd": (300_000_000_000, 10**11),
    "douyin": (3_600_000_000_000_000_000, 10**17),
    "shopify": (8_000_000_000_000, 10**12),
    "woocommerce": (100, 900),
}


def _digest(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def platform_sku_ids(platform: str, items: list[CatalogItem], bundles: list[str]) -> dict[str, str]:
    """Stable, unique platform SKU ids by our SKU/bundle code; POS scans barcodes, B2B has none."""
    if platform == "pos":
        return {item.sku.code: item.sku.barcode for item in items}
    codes = [item.sku.code for item in items] + bundles
    if platform == "woocommerce":  # variations are posts: small sequential ids
        return {code: str(2_000 + 3 * i) for i, code in enumerate(codes)}
    if platform not in _SKU_ID_RANGES:
        return {}
    first, span = _SKU_ID_RANGES[platform]
    out: dict[str, str] = {}
    taken: set[int] = set()
    for code in codes:
        value = first + _digest(f"{platform}:{code}") % span
        while value in taken:
            value += 1
        taken.add(value)
        out[code] = str(value)
    return out


@lru_cache(maxsize=512)
def platform_item_id(platform: str, listing: str) -> str:
    """A stable listing id (num_iid, goods_id, product_id...) for a product or bundle."""
    first, span = _ITEM_ID_RANGES.get(platform, (1, 10**6))
    return str(first + _digest(f"item:{platform}:{listing}") % span)


def listing_key(code: str) -> str:
    """The listing a SKU is sold under: its product prefix; a bundle is its own listing."""
    return code if code.startswith("BDL-") else code.split("-", 1)[0]


def spec_text(platform: str, item: CatalogItem) -> str:
    """The variant as the channel prints it."""
    if platform in CN_PLATFORMS:
        return item.spec_cn
    if platform in INTL_PLATFORMS:
        return item.spec_en
    return "/".join(item.values_cn)


class OrderNumbers:
    """Issues one shop's order numbers in the platform's format; call in placing order."""

    def __init__(self, rng: random.Random, platform: str) -> None:
        self._rng = rng
        self._platform = platform
        self._seen: set[str] = set()
        self._day_counts: dict[str, int] = {}
        self._seq = {
            "shopify": rng.randint(1_200, 3_000),
            "woocommerce": rng.randint(18_000, 24_000),
            "manual": rng.randint(300, 420),
        }.get(platform, 0)
        self._shopify_id = rng.randrange(5_900_000_000_000, 6_000_000_000_000)

    def next(self, placed_at: datetime) -> tuple[str, dict[str, str]]:
        """(platform_order_id, extra) for the next order placed at `placed_at`."""
        p = self._platform
        if p == "shopify":
            self._seq += 1
            self._shopify_id += self._rng.randint(2_000_000, 40_000_000)
            return str(self._shopify_id), {"order_name": f"#{self._seq}"}
        if p == "woocommerce":
            self._seq += self._rng.randint(1, 4)
            return str(self._seq), {}
        local = placed_at.astimezone(CHINA)
        if p == "pos":
            day = local.strftime("%Y%m%d")
            self._day_counts[day] = n = self._day_counts.get(day, 0) + 1
            return f"POS-SH-{day}-{n:04d}", {}
        if p == "manual":
            self._seq += 1
            return f"PO-{local.year}-{self._seq:04d}", {}
        return self._random_unique(local), {}

    def _random_unique(self, local: datetime) -> str:
        while True:
            value = self._random(local)
            if value not in self._seen:
                self._seen.add(value)
                return value

    def _random(self, local: datetime) -> str:
        rng, p = self._rng, self._platform
        if p in ("tmall", "taobao"):
            if rng.random() < 0.2:
                return str(rng.randrange(10**17, 10**18))
            return str(rng.randrange(10**18, 5 * 10**18))
        if p == "jd":
            return str(rng.randrange(280_000_000_000, 330_000_000_000))
        if p == "pdd":
            return f"{local:%y%m%d}-{rng.randrange(10**14, 10**15)}"
        if p == "douyin":
            return str(rng.randrange(69 * 10**17, 70 * 10**17))
        return f"{p.upper()}-{rng.randrange(10**9, 10**10)}"
