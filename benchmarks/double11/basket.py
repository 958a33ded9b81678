"""One order as the generator plans it, before a platform writes it: who buys what, at which
promotion and postage, under which order number. Money is integer cents of the shop currency."""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import accumulate

from benchmarks.double11.people import Buyer
from benchmarks.double11.sampling import pick
from benchmarks.double11.world import LINE_COUNTS, QUANTITIES, Offer, ShopSpec, World
from orderhub.demo.geography import REMOTE_PROVINCES

CN_NOTES = (
    ("", 880), ("请放快递柜", 20), ("送人的，不要放价格单", 15), ("周末不要送", 10),
    ("请发顺丰", 10), ("麻烦包装好一点", 20), ("尺码不确定可以换吗", 5), ("双十一冲冲冲", 20),
    ("请加急发货，急用", 8), ("需要开发票，抬头个人", 8), ("麻烦改地址到公司", 4),
)  # fmt: skip
INTL_NOTES = (
    ("", 920), ("Please leave at the front door", 30), ("Gift - no prices in the box please", 20),
    ("Ring the bell twice", 15), ("Deliver after 6pm", 15),
)  # fmt: skip


@dataclass(slots=True)
class Line:
    offer: Offer
    quantity: int
    discount: int  # the line's own promotion (单品直降), cents

    @property
    def gross(self) -> int:
        return self.offer.price * self.quantity


@dataclass(slots=True)
class PlannedOrder:
    shop: ShopSpec
    order_id: str
    seq: int  # the shop's running number of this order
    placed: int  # unix seconds
    paid: int
    buyer: Buyer
    buyer_id: str
    lines: list[Line]
    order_discount: int  # order-level promotion (满减, coupon, discount code), cents
    shipping: int
    note: str
    promo: str  # the order-level promotion's name, "" for none
    goods: int = 0  # price x quantity over the lines
    line_discounts: int = 0
    total: int = 0  # what the buyer pays before any tax charged on top

    def __post_init__(self) -> None:
        self.goods = sum(line.gross for line in self.lines)
        self.line_discounts = sum(line.discount for line in self.lines)
        self.total = self.goods - self.line_discounts - self.order_discount + self.shipping


def scramble(n: int, space: int) -> int:
    """A bijection of [0, space) for space = 10**k: running numbers that look random."""
    step = _STEPS.get(space)
    if step is None:
        step = int(space * 0.6180339887) | 1  # odd, and nudged off multiples of 5
        while step % 5 == 0:
            step += 2
        _STEPS[space] = step
    return (n * step + space // 7) % space


_STEPS: dict[int, int] = {}


def order_number(platform: str, seq: int, shop_index: int) -> str:
    """The platform's order number for a shop's `seq`-th order; unique across the shops."""
    n = seq * 16 + shop_index  # two shops of one platform never share a number
    if platform in ("taobao", "tmall"):
        return f"{4 + n % 2}{scramble(n, 10**18):018d}"
    if platform == "jd":
        return str(300_000_000_000 + scramble(n, 10**10))
    if platform == "pdd":
        return f"261111-{scramble(n, 10**15):015d}"
    if platform == "douyin":
        return f"69{scramble(n, 10**17):017d}"
    if platform == "shopify":
        return str(6_210_000_000_000 + seq * 1_013 + scramble(seq, 1_000))
    return str(48_000 + seq * 3 + scramble(seq, 3) % 3)


def _yuan(cents: int) -> str:
    if cents >= 0:
        return f"{cents // 100}.{cents % 100:02d}"
    return f"-{-cents // 100}.{-cents % 100:02d}"


_YUAN = [_yuan(c) for c in range(100_000)]  # the amounts below 1,000.00, written once


def yuan(cents: int) -> str:
    """'12.30' from 1230; negative amounts keep their sign."""
    return _YUAN[cents] if 0 <= cents < 100_000 else _yuan(cents)


def share_out(amount: int, weights: list[int]) -> list[int]:
    """`amount` spread over `weights` in proportion, to the cent (the last takes the rest)."""
    total = sum(weights)
    if not amount or not total:
        return [0] * len(weights)
    parts = [amount * w // total for w in weights[:-1]]
    return [*parts, amount - sum(parts)]


class Baskets:
    """What buyers put in their baskets in each shop, and what the shop charges for it."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self._rng = rng
        self._hot = frozenset(world.hot_skus)
        self._offers = {s.code: world.offers[s.code] for s in world.shops}
        self._cum = {
            code: list(accumulate(o.weight for o in offers))
            for code, offers in self._offers.items()
        }
        self._lines = [n for n, _ in LINE_COUNTS], list(accumulate(p for _, p in LINE_COUNTS))
        self._qty = [q for q, _ in QUANTITIES], list(accumulate(p for _, p in QUANTITIES))
        self._notes = {
            False: ([t for t, _ in CN_NOTES], list(accumulate(w for _, w in CN_NOTES))),
            True: ([t for t, _ in INTL_NOTES], list(accumulate(w for _, w in INTL_NOTES))),
        }

    def lines(self, shop: ShopSpec) -> list[Line]:
        rng, offers, cum = self._rng, self._offers[shop.code], self._cum[shop.code]
        count = pick(*self._lines, rng)
        picked: dict[str, Line] = {}
        for _ in range(count):
            offer = pick(offers, cum, rng)
            if offer.code in picked:
                continue
            qty = pick(*self._qty, rng)
            picked[offer.code] = Line(offer, qty, self._line_promotion(shop, offer, qty))
        return list(picked.values())

    def _line_promotion(self, shop: ShopSpec, offer: Offer, qty: int) -> int:
        if shop.cross_border:
            return 0
        if offer.code in self._hot:
            return offer.price * qty // 10  # 爆款直降 10 %
        return offer.price * qty // 20 if self._rng.random() < 0.12 else 0

    def promotion(self, shop: ShopSpec, after_lines: int) -> tuple[int, str]:
        """The order-level promotion: (cents off, name)."""
        platform, rng = shop.platform, self._rng
        if platform in ("tmall", "taobao") and after_lines >= 30_000:
            return after_lines // 30_000 * 5_000, "跨店满减 每满300减50"
        if platform == "jd" and after_lines >= 29_900:
            return after_lines // 29_900 * 5_000, "每满299减50"
        if platform == "pdd" and after_lines >= 3_900 and rng.random() < 0.3:
            return 500, "店铺券 满39减5"
        if platform == "douyin" and after_lines >= 19_900:
            return 2_000, "直播间满199减20"
        if platform == "shopify" and rng.random() < 0.4:
            return after_lines * 11 // 100, "DOUBLE11"
        if platform == "woocommerce" and rng.random() < 0.3:
            return after_lines // 10, "SINGLES11"
        return 0, ""

    def shipping(self, shop: ShopSpec, buyer: Buyer, after_promotions: int) -> int:
        if shop.cross_border:
            return 0 if after_promotions >= 5_900 else (999 if shop.currency == "USD" else 790)
        fee = 0 if after_promotions >= 5_900 else (600, 800, 1_000)[int(self._rng.random() * 3)]
        return fee + (1_500 if buyer.province in REMOTE_PROVINCES else 0)

    def note(self, shop: ShopSpec) -> str:
        return pick(*self._notes[shop.cross_border], self._rng)
