"""Demo customers: who places each shop's orders, with repeat and cross-channel buyers."""

from __future__ import annotations

import random

from orderhub.demo.people import Crowd, Person, cities_of
from orderhub.demo.shops import ShopPlan

CROSS_CHANNEL = 0.13  # share of Chinese buyers who also buy from a second Chinese shop
ORDERS_PER_BUYER = 3  # the pool of Chinese online buyers is about orders / 3
WALK_IN = 0.35  # share of store sales to customers without a membership
WHOLESALE_CUSTOMERS = 14
_POS_REGION = frozenset({"上海市", "江苏省", "浙江省"})
_MAX_WEIGHT = 12.0  # caps the Pareto tail so the heaviest buyer stays believable


def _spread(rng: random.Random, members: list[Person], n: int) -> list[Person]:
    """`n` orders among `members`: each buys once if there is room, the rest Pareto-weighted."""
    if not members or n <= 0:
        return []
    first = members[:n]
    weights = [min(rng.paretovariate(1.4), _MAX_WEIGHT) for _ in members]
    out = first + rng.choices(members, weights=weights, k=n - len(first))
    rng.shuffle(out)
    return out


def _pick_shop(rng: random.Random, shops: list[int], counts: list[int], but: int = -1) -> int:
    choices = [i for i in shops if i != but]
    return rng.choices(choices, weights=[counts[i] for i in choices])[0]


def assign_buyers(
    rng: random.Random, plans: tuple[ShopPlan, ...], counts: list[int]
) -> list[list[Person | None]]:
    """For every shop, the buyer of each of its orders (None: an anonymous walk-in)."""
    crowd = Crowd(rng)
    cn_shops = [i for i, p in enumerate(plans) if p.kind == "cn" and counts[i] > 0]
    cn_orders = sum(counts[i] for i in cn_shops)
    pool = [crowd.chinese() for _ in range(-(-cn_orders // ORDERS_PER_BUYER))]
    members: list[list[Person]] = [[] for _ in plans]
    for person in pool:
        home = _pick_shop(rng, cn_shops, counts)
        members[home].append(person)
        if len(cn_shops) > 1 and rng.random() < CROSS_CHANNEL:
            members[_pick_shop(rng, cn_shops, counts, but=home)].append(person)
    for i in cn_shops:  # tiny runs: every shop with orders needs a buyer
        if not members[i]:
            members[i].append(rng.choice(pool))
    result: list[list[Person | None]] = []
    for i, plan in enumerate(plans):
        n = counts[i]
        if plan.kind == "cn":
            result.append(list(_spread(rng, members[i], n)))
        elif plan.kind == "intl":
            result.append(list(_intl_buyers(rng, crowd, plan, n)))
        elif plan.kind == "pos":
            result.append(_store_buyers(rng, crowd, pool, n))
        else:
            companies = [crowd.company() for _ in range(min(WHOLESALE_CUSTOMERS, n))]
            result.append(list(_spread(rng, companies, n)))
    return result


def _intl_buyers(rng: random.Random, crowd: Crowd, plan: ShopPlan, n: int) -> list[Person]:
    if n <= 0:
        return []
    cities, weights = cities_of(dict(plan.countries))
    size = max(1, n * 2 // 5)
    picked = rng.choices(cities, weights=weights, k=size)
    return _spread(rng, [crowd.foreign(city) for city in picked], n)


def _store_buyers(
    rng: random.Random, crowd: Crowd, pool: list[Person], n: int
) -> list[Person | None]:
    """Store members are nearby online buyers (same phone), or new locals; others walk in."""
    if n <= 0:
        return []
    local = [p for p in pool if p.address.province in _POS_REGION]
    wanted = max(1, n // 4)
    members = rng.sample(local, min(len(local), wanted))
    while len(members) < wanted:
        members.append(crowd.chinese())
    walk_ins = sum(1 for _ in range(n) if rng.random() < WALK_IN)
    buyers: list[Person | None] = list(_spread(rng, members, n - walk_ins))
    buyers += [None] * walk_ins
    rng.shuffle(buyers)
    return buyers
