"""The Double 11 delivery stream: `orders` raw payloads over 2026-11-11 (Beijing), in chunks.

    python -m benchmarks.double11.stream [--orders 200000] [--seed 11] [--chunk 2000]

Mix, exact per block of 100 deliveries: 90 new orders, 3 same-buyer merge candidates (a second
order of a recent buyer to the same receiver on the same shop, up to 30 minutes later), 5 exact
re-deliveries (the very text of an earlier delivery of the same shop) and 2 malformed payloads.
(A merge candidate or re-delivery asked for before there is anything to follow or repeat, in
the first seconds of the day, is a new order instead; the counts say what was made.)
Nothing grows with the day: recent deliveries and buyers live in bounded rings, so memory stays
flat at any size. `StreamCounts`, filled while streaming, says what the pipeline must end with.
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Literal, NamedTuple

from benchmarks.double11.basket import Baskets, PlannedOrder, order_number
from benchmarks.double11.clock import DAY_START, MERGE_WINDOW, orders_per_minute
from benchmarks.double11.payloads import MALFORMED_KINDS, malformed_order, raw_order
from benchmarks.double11.people import Buyer, Buyers
from benchmarks.double11.sampling import pick
from benchmarks.double11.world import ShopSpec, World, build_world

Kind = Literal["new", "redelivery", "malformed"]
BLOCK = (*["new"] * 90, *["merge"] * 3, *["redelivery"] * 5, *["malformed"] * 2)
REPEAT_BUYER_SHARE = 0.15  # of orders in Chinese shops: a buyer seen earlier, in another shop
_RECENT_DELIVERIES = 2_048
_RECENT_BUYERS = 20_000
_FIRST_SHARE = 0.1  # of domestic new orders, kept as possible firsts of a merge pair
_RECENT_FIRSTS = 4_096


class Delivery(NamedTuple):
    """One raw payload as a shop delivers it. `platform_order_id` is the order number it was
    written with (a malformed payload may have lost it); `merge_with` names the earlier order
    of the same buyer and receiver that a merge candidate follows."""

    shop_code: str
    platform: str
    raw: str
    kind: Kind
    platform_order_id: str
    merge_with: str = ""


@dataclass(slots=True)
class ShopCounts:
    valid: int = 0  # distinct valid orders
    redeliveries: int = 0
    malformed: int = 0


@dataclass(slots=True)
class StreamCounts:
    """What the stream delivered; `valid` distinct orders must exist exactly once after the
    run, `malformed` ones must sit in quarantine, re-deliveries must change nothing."""

    deliveries: int = 0
    valid: int = 0
    merge_candidates: int = 0  # of `valid`
    redeliveries: int = 0
    malformed: int = 0
    malformed_kinds: dict[str, int] = field(default_factory=dict)
    by_shop: dict[str, ShopCounts] = field(default_factory=dict)
    units: dict[str, int] = field(default_factory=dict)  # valid orders' units by listed code

    def shop(self, code: str) -> ShopCounts:
        found = self.by_shop.get(code)
        if found is None:
            found = self.by_shop[code] = ShopCounts()
        return found


class _First(NamedTuple):
    placed: int
    shop_code: str
    buyer: Buyer
    order_id: str


@dataclass(slots=True)
class _Regular:
    buyer: Buyer
    shops: int  # bit i: bought in shop i today


class _Day:
    """Plans and writes the day's deliveries in time order; see the module docstring."""

    def __init__(self, world: World, seed: int, counts: StreamCounts) -> None:
        self.rng = rng = random.Random(f"double11-stream:{seed}")
        self.world, self.counts = world, counts
        self.buyers = Buyers(rng, seed)
        self.baskets = Baskets(world, rng)
        self.shop_cum = list(accumulate(s.share for s in world.shops))
        self.seqs = dict.fromkeys((s.code for s in world.shops), 0)
        self.sent: deque[Delivery] = deque(maxlen=_RECENT_DELIVERIES)
        self.firsts: deque[_First] = deque(maxlen=_RECENT_FIRSTS)
        self.regulars: deque[_Regular] = deque(maxlen=_RECENT_BUYERS)
        self.shop_index = {s.code: i for i, s in enumerate(world.shops)}

    def run(self, orders: int) -> Iterator[Delivery]:
        kinds = self._kinds()
        for minute, n in enumerate(orders_per_minute(orders)):
            start = DAY_START + minute * 60
            for second in sorted(int(self.rng.random() * 60) for _ in range(n)):
                yield self._deliver(next(kinds), start + second)

    def _kinds(self) -> Iterator[str]:
        block = list(BLOCK)
        while True:
            self.rng.shuffle(block)
            yield from block

    def _deliver(self, kind: str, now: int) -> Delivery:
        if kind == "redelivery" and self.sent:
            return self._redeliver()
        if kind == "malformed":
            return self._malformed(now)
        first = self._first_for_merge(now) if kind == "merge" else None
        if first is None:
            return self._new(self._plan(now))
        order = self._plan(now, shop_code=first.shop_code, buyer=first.buyer)
        return self._new(order, merge_with=first.order_id)

    def _redeliver(self) -> Delivery:
        earlier = self.sent[self.rng.randrange(len(self.sent))]
        self.counts.deliveries += 1
        self.counts.redeliveries += 1
        self.counts.shop(earlier.shop_code).redeliveries += 1
        return Delivery(earlier.shop_code, earlier.platform, earlier.raw, "redelivery",
                        earlier.platform_order_id)  # fmt: skip

    def _malformed(self, now: int) -> Delivery:
        order = self._plan(now)
        kind = MALFORMED_KINDS[self.rng.randrange(len(MALFORMED_KINDS))]
        raw = malformed_order(order, kind, self.rng)
        c = self.counts
        c.deliveries += 1
        c.malformed += 1
        c.malformed_kinds[kind] = c.malformed_kinds.get(kind, 0) + 1
        c.shop(order.shop.code).malformed += 1
        return Delivery(order.shop.code, order.shop.platform, raw, "malformed", order.order_id)

    def _new(self, order: PlannedOrder, *, merge_with: str = "") -> Delivery:
        shop = order.shop
        delivery = Delivery(shop.code, shop.platform, raw_order(order), "new", order.order_id,
                            merge_with)  # fmt: skip
        c = self.counts
        c.deliveries += 1
        c.valid += 1
        c.merge_candidates += bool(merge_with)
        c.shop(shop.code).valid += 1
        for line in order.lines:
            c.units[line.offer.code] = c.units.get(line.offer.code, 0) + line.quantity
        self.sent.append(delivery)
        if not (shop.cross_border or merge_with) and self.rng.random() < _FIRST_SHARE:
            self.firsts.append(_First(order.placed, shop.code, order.buyer, order.order_id))
        return delivery

    def _first_for_merge(self, now: int) -> _First | None:
        """A recent domestic order (at most 30 minutes old) for a merge candidate to follow,
        each at most once; drawn at random so the gaps spread over minutes."""
        while self.firsts and now - self.firsts[0].placed > MERGE_WINDOW:
            self.firsts.popleft()
        if not self.firsts:
            return None
        i = int(self.rng.random() * len(self.firsts))
        first = self.firsts[i]
        del self.firsts[i]
        return first

    def _plan(
        self, now: int, *, shop_code: str | None = None, buyer: Buyer | None = None
    ) -> PlannedOrder:
        shop = self._shop() if shop_code is None else self.world.shop(shop_code)
        index = self.shop_index[shop.code]
        buyer = buyer or self._buyer(index, shop.countries)
        self.seqs[shop.code] += 1
        seq = self.seqs[shop.code]
        lines = self.baskets.lines(shop)
        after_lines = sum(ln.gross - ln.discount for ln in lines)
        discount, promo = self.baskets.promotion(shop, after_lines)
        return PlannedOrder(
            shop=shop,
            order_id=order_number(shop.platform, seq, index),
            seq=seq,
            placed=now,
            paid=now + 3 + int(self.rng.random() * 238),  # Double 11 buyers pay at once
            buyer=buyer,
            buyer_id=self.buyers.buyer_id(shop.platform, buyer.key),
            lines=lines,
            order_discount=discount,
            shipping=self.baskets.shipping(shop, buyer, after_lines - discount),
            note=self.baskets.note(shop),
            promo=promo,
        )

    def _shop(self) -> ShopSpec:
        return pick(self.world.shops, self.shop_cum, self.rng)

    def _buyer(self, shop: int, countries: tuple[tuple[str, float], ...]) -> Buyer:
        """A new buyer, or (in Chinese shops) a buyer of earlier today in a shop they have not
        bought from yet: the same shop again would make an unplanned merge candidate."""
        if countries:
            return self.buyers.foreign(countries)
        if len(self.regulars) > 100 and self.rng.random() < REPEAT_BUYER_SHARE:
            regular = self.regulars[int(self.rng.random() * len(self.regulars))]
            if not regular.shops & (1 << shop):
                regular.shops |= 1 << shop
                return regular.buyer
        buyer = self.buyers.chinese()
        self.regulars.append(_Regular(buyer, 1 << shop))
        return buyer


def deliveries(
    world: World,
    orders: int,
    seed: int,
    chunk: int = 2_000,
    *,
    counts: StreamCounts | None = None,
) -> Iterator[list[Delivery]]:
    """The day's `orders` deliveries in time order, `chunk` at a time, made as they are read.
    Pass `counts` to have it filled as the stream goes."""
    if orders < 0 or chunk < 1:
        raise ValueError("orders must be >= 0 and chunk >= 1")
    batch: list[Delivery] = []
    for delivery in _Day(world, seed, counts if counts is not None else StreamCounts()).run(orders):
        batch.append(delivery)
        if len(batch) == chunk:
            yield batch
            batch = []
    if batch:
        yield batch


def expected(world: World, orders: int, seed: int) -> StreamCounts:
    """What the stream of (world, orders, seed) delivers, by generating it once."""
    counts = StreamCounts()
    for _ in deliveries(world, orders, seed, counts=counts):
        pass
    return counts


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--chunk", type=int, default=2_000)
    args = parser.parse_args(argv)
    world = build_world(args.seed, orders=args.orders)
    rss_before = _peak_rss_mb()
    counts, size = StreamCounts(), 0
    started = time.perf_counter()
    for batch in deliveries(world, args.orders, args.seed, args.chunk, counts=counts):
        size += sum(len(d.raw.encode()) for d in batch)
    seconds = time.perf_counter() - started
    print(
        f"{counts.deliveries:,} payloads in {seconds:.1f} s: "
        f"{counts.deliveries / seconds:,.0f} payloads/s, {size / 2**20:,.0f} MiB of JSON"
    )
    print(f"peak RSS {_peak_rss_mb():,.0f} MiB (after building the world: {rss_before:,.0f} MiB)")
    print(
        f"valid {counts.valid:,} (merge candidates {counts.merge_candidates:,}), "
        f"re-deliveries {counts.redeliveries:,}, malformed {counts.malformed:,} "
        f"{dict(sorted(counts.malformed_kinds.items()))}"
    )
    for code, shop in counts.by_shop.items():
        print(f"  {code:<16} valid {shop.valid:>9,}  redelivered {shop.redeliveries:>7,}  "
              f"malformed {shop.malformed:>6,}")  # fmt: skip


if __name__ == "__main__":
    main()
