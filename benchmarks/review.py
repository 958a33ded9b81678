"""Review rule evaluation speed, single core: our compiler against the ``rule-engine`` package.

    python -m benchmarks.review [--count 100000] [--other-count 5000] [--runs 3] [--seed 7]

Twenty realistic seller rules are evaluated on every order of a seeded synthetic mix. The
same rules are translated mechanically to rule-engine's syntax (facts as flat symbols read
with an attribute resolver, with a typed context so it type-checks them too). rule-engine
is much slower, so it runs on ``--other-count`` orders; both print orders/s (all 20 rules
per order, median of the runs) and the two engines' results are checked to agree.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from orderhub.review.facts import FACTS, FactType, OrderFacts, attr_name
from orderhub.review.rules import compile_rule

RULES = (
    'order.amount < 5000 and customer.grade == "A"',
    "order.amount >= 5000 and order.amount < 20000",
    'order.amount >= 20000 or customer.credit == "C"',
    "order.is_cross_border",
    "address.province == shop.home_province",
    'contains(order.buyer_note, "加急")',
    'any_sku(["TEA-001", "TEA-002", "GIFT-BOX"])',
    'order.type in ["wholesale", "group_buy"] and order.quantity >= 50',
    "customer.blacklisted or address.confidence < 0.6",
    'order.payment_status == "paid" and order.is_presale',
    'customer.order_count == 0 and order.amount > 3000 and order.type == "retail"',
    'order.currency != "CNY" and not order.is_cross_border',
    'address.province in ["新疆维吾尔自治区", "西藏自治区", "青海省"] and order.line_count > 3',
    '"fragile" in order.seller_flags or "glass" in order.categories',
    'shop.platform == "douyin" and order.type == "live" and order.amount >= 1000',
    'customer.grade in ["C", "D"] and customer.credit == "C"',
    'contains(order.buyer_note, "发票") or contains(order.buyer_note, "改地址")',
    "order.quantity > 200 or order.line_count > 30",
    'address.city == "" or address.district == ""',
    'order.amount >= 888.88 and shop.code == "SH02" and customer.grade != "A"',
)

PROVINCES = ("浙江省", "广东省", "江苏省", "北京市", "新疆维吾尔自治区", "西藏自治区", "四川省")
NOTES = ("", "", "", "请加急", "要发票", "改地址到公司", "周末不要送", "包装好一点")
SKUS = ("TEA-001", "TEA-002", "CUP-12", "GIFT-BOX", "POT-3", "BAG-1", "SPOON")
CATS = ("tea", "glass", "gift", "kitchen")
TYPES = ("retail", "retail", "retail", "wholesale", "live", "group_buy", "pos")
PAY = ("paid", "paid", "paid", "unpaid", "partly_refunded", "refunded")


def make_facts(count: int, seed: int) -> list[OrderFacts]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        home = rng.choice(PROVINCES)
        out.append(
            OrderFacts(
                order_amount=Decimal(rng.randint(100, 3_000_000)) / 100,
                order_currency=rng.choice(("CNY", "CNY", "CNY", "USD")),
                order_line_count=rng.randint(1, 40),
                order_quantity=rng.randint(1, 300),
                order_skus=frozenset(rng.sample(SKUS, rng.randint(1, 3))),
                order_categories=frozenset(rng.sample(CATS, rng.randint(1, 2))),
                order_type=rng.choice(TYPES),
                order_payment_status=rng.choice(PAY),
                order_buyer_note=rng.choice(NOTES),
                order_seller_flags=frozenset(
                    rng.sample(("fragile", "vip", "gift"), rng.randint(0, 2))
                ),
                order_is_cross_border=rng.random() < 0.1,
                order_is_presale=rng.random() < 0.15,
                shop_code=rng.choice(("SH01", "SH02", "SH03")),
                shop_platform=rng.choice(("taobao", "jd", "douyin", "pdd")),
                shop_home_province=home,
                address_province=home if rng.random() < 0.4 else rng.choice(PROVINCES),
                address_city=rng.choice(("杭州市", "深圳市", "", "成都市")),
                address_district=rng.choice(("西湖区", "南山区", "", "武侯区")),
                address_confidence=rng.random(),
                customer_grade=rng.choice("ABCD"),
                customer_credit=rng.choice("ABC"),
                customer_order_count=rng.randint(0, 40),
                customer_blacklisted=rng.random() < 0.02,
            )
        )
    return out


def to_rule_engine(rule: str) -> str:
    """Our syntax to rule-engine's: flat symbols, ``in`` for contains/any_sku, lower true."""
    rule = re.sub(r'contains\(([\w.]+), ("[^"]*")\)', r"\2 in \1", rule)
    rule = re.sub(
        r"any_sku\(\[([^\]]*)\]\)",
        lambda m: "(" + " or ".join(f"{s.strip()} in order.skus" for s in m[1].split(",")) + ")",
        rule,
    )
    for fact in sorted(FACTS, key=len, reverse=True):
        rule = rule.replace(fact, attr_name(fact))
    return rule


def _resolve(thing: OrderFacts, name: str) -> Any:
    """rule-engine's attribute resolver, with frozensets (which it refuses) turned into sets."""
    value = getattr(thing, name)
    return set(value) if isinstance(value, frozenset) else value


def rule_engine_rules() -> list[Callable[[OrderFacts], bool]]:
    import rule_engine

    types = {
        FactType.DECIMAL: rule_engine.DataType.FLOAT,
        FactType.INT: rule_engine.DataType.FLOAT,
        FactType.FLOAT: rule_engine.DataType.FLOAT,
        FactType.STR: rule_engine.DataType.STRING,
        FactType.BOOL: rule_engine.DataType.BOOLEAN,
        FactType.STR_SET: rule_engine.DataType.SET(rule_engine.DataType.STRING),
    }
    context = rule_engine.Context(
        type_resolver=rule_engine.type_resolver_from_dict(
            {attr_name(name): types[kind] for name, kind in FACTS.items()}
        ),
        resolver=_resolve,
    )
    return [rule_engine.Rule(to_rule_engine(r), context=context).matches for r in RULES]


def rate(rules: list[Callable[[OrderFacts], Any]], facts: list[OrderFacts], runs: int) -> float:
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        for order in facts:
            for rule in rules:
                rule(order)
        seconds.append(time.perf_counter() - start)
    return len(facts) / statistics.median(seconds)


def seller_rule_set() -> Any:
    """The 20 rules with the actions a seller would give them: routes, stages, tags, gifts."""
    from orderhub.review.ruleset import Action, ActionKind, GiftAction, RuleSet, RuleSpec

    k = ActionKind
    kinds = [
        (Action(k.APPROVE),),
        (Action(k.REVIEW_STAGE, "sales_manager"),),
        (Action(k.REVIEW_STAGE, "finance"),),
        (Action(k.HOLD, "customs/ID check"),),
        (Action(k.APPROVE), Action(k.TAG, "local")),
        (Action(k.PRIORITY, "9"), Action(k.TAG, "urgent")),
        (GiftAction("GIFT-BOX", 1, "customer"),),
        (Action(k.REVIEW_STAGE, "sales_manager"), Action(k.PREFER_WAREHOUSE, "WH-SH")),
        (Action(k.HOLD, "risk"),),
        (Action(k.TAG, "presale"),),
    ]
    specs = [RuleSpec(f"r{i:02}", rule, kinds[i % len(kinds)], i) for i, rule in enumerate(RULES)]
    return RuleSet.compile(specs, 1)


def decide_rate(facts: list[OrderFacts], runs: int) -> float:
    rules = seller_rule_set()
    customers = [str(i % 20_000) for i in range(len(facts))]
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        rules.decide_batch(facts, customer_ids=customers, gift_stock={"GIFT-BOX": 5_000})
        seconds.append(time.perf_counter() - start)
    return len(facts) / statistics.median(seconds)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--other-count", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    ours = [compile_rule(r).evaluate for r in RULES]
    compile_ms = (time.perf_counter() - start) * 1000
    facts = make_facts(args.count, args.seed)
    print(f"{len(RULES)} rules, compiled in {compile_ms:.1f} ms; {len(facts):,} synthetic orders")
    hits = [sum(rule(f) for f in facts) for rule in ours]
    print("matches per rule:", ", ".join(str(h) for h in hits))
    print(f"orderhub.review   {rate(ours, facts, args.runs):>12,.0f} orders/s (20 rules each)")
    print(f"  + rule set      {decide_rate(facts, args.runs):>12,.0f} orders/s (decide_batch: "
          "routing, stages, tags, gifts and the explanation of every matching rule)")  # fmt: skip
    try:
        theirs = rule_engine_rules()
    except ImportError:
        print("rule-engine       not installed (pip install rule-engine)")
        return
    sample = facts[: args.other_count]
    for order in sample[:2000]:
        mine = [rule(order) for rule in ours]
        other = [rule(order) for rule in theirs]
        assert mine == other, (order, mine, other)
    runs = max(1, min(args.runs, 3))
    print(f"rule-engine       {rate(theirs, sample, runs):>12,.0f} orders/s "
          f"({len(sample):,} orders; results agree)")  # fmt: skip


if __name__ == "__main__":
    main()
