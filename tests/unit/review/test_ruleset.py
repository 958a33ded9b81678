"""Rule sets: priority order, routing and stages, accumulating actions, gifts, versions."""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from decimal import Decimal

import pytest

from orderhub.review.facts import OrderFacts
from orderhub.review.ruleset import (
    DEFAULT_ROUTE,
    Action,
    ActionKind,
    Decision,
    GiftAction,
    GiftSkipReason,
    RuleSet,
    RuleSetError,
    RuleSpec,
)

K = ActionKind
BASE = OrderFacts(
    order_amount=Decimal("3280.00"),
    order_skus=frozenset({"TEA-001"}),
    customer_grade="A",
    customer_credit="B",
)

ISSUE_RULES = (
    RuleSpec(
        "small_a_customer",
        'order.amount < 5000 and customer.grade == "A"',
        (Action(K.APPROVE),),
        priority=30,
    ),
    RuleSpec(
        "mid_amount",
        "order.amount >= 5000 and order.amount < 20000",
        (Action(K.REVIEW_STAGE, "sales_manager"),),
        priority=20,
    ),
    RuleSpec(
        "big_or_bad_credit",
        'order.amount >= 20000 or customer.credit == "C"',
        (Action(K.REVIEW_STAGE, "finance"),),
        priority=25,
    ),
    RuleSpec(
        "cross_border", "order.is_cross_border", (Action(K.HOLD, "customs/ID check"),), priority=10
    ),
)
ISSUE = RuleSet.compile(ISSUE_RULES, version=1)


def facts(**changes: object) -> OrderFacts:
    return replace(BASE, **changes)  # type: ignore[arg-type]


def test_issue_example_small_a_customer_is_approved() -> None:
    decision = ISSUE.decide(BASE)
    assert decision.route == Action(K.APPROVE)
    assert decision.stages == ()
    assert decision.version == 1
    assert [m.rule for m in decision.matched] == ["small_a_customer"]


def test_issue_example_mid_amount_goes_to_sales_manager() -> None:
    decision = ISSUE.decide(facts(order_amount=Decimal("8000")))
    assert decision.route == Action(K.REVIEW_STAGE, "sales_manager")
    assert decision.stages == ("sales_manager",)


def test_issue_example_big_amount_goes_to_finance() -> None:
    decision = ISSUE.decide(facts(order_amount=Decimal("25000")))
    assert decision.route == Action(K.REVIEW_STAGE, "finance")
    assert decision.stages == ("finance",)


def test_issue_example_cross_border_is_held_first() -> None:
    decision = ISSUE.decide(facts(order_is_cross_border=True))
    assert decision.route == Action(K.HOLD, "customs/ID check")
    assert decision.stages == ()  # small A customer also matched, but the hold came first
    assert [m.rule for m in decision.matched] == ["cross_border", "small_a_customer"]
    assert decision.matched[1].actions == ()  # its approve lost


def test_all_matching_review_stages_are_collected_in_priority_order() -> None:
    decision = ISSUE.decide(facts(order_amount=Decimal("8000"), customer_credit="C"))
    assert decision.route == Action(K.REVIEW_STAGE, "sales_manager")
    assert decision.stages == ("sales_manager", "finance")


def test_no_rule_routes_means_default_route() -> None:
    decision = ISSUE.decide(facts(customer_grade="B"))
    assert decision.route is None
    assert decision.effective_route == DEFAULT_ROUTE == Action(K.APPROVE)
    assert decision.matched == ()


def test_priority_order_lower_first_ties_by_name() -> None:
    specs = [
        RuleSpec("b", "order.amount > 0", (Action(K.HOLD, "b"),), priority=5),
        RuleSpec("a", "order.amount > 0", (Action(K.CANCEL, "a"),), priority=5),
        RuleSpec("z", "order.amount > 0", (Action(K.APPROVE),), priority=1, enabled=False),
    ]
    compiled = RuleSet.compile(specs, version=3)
    assert compiled.rule_names == ("a", "b")
    assert compiled.decide(BASE).route == Action(K.CANCEL, "a")


def test_tags_priority_gifts_and_preferences_accumulate() -> None:
    specs = [
        RuleSpec(
            "vip",
            'customer.grade == "A"',
            (
                Action(K.TAG, "VIP"),
                Action(K.PRIORITY, "5"),
                GiftAction("CUP-1", 1),
                Action(K.PREFER_CARRIER, "SF"),
            ),
            priority=1,
        ),
        RuleSpec(
            "tea",
            'any_sku(["TEA-001"])',
            (
                Action(K.TAG, "tea"),
                Action(K.TAG, "VIP"),
                Action(K.PRIORITY, "9"),
                GiftAction("SAMPLE", 2),
                Action(K.PREFER_CARRIER, "ZTO"),
                Action(K.PREFER_WAREHOUSE, "HZ"),
            ),
            priority=2,
        ),
    ]
    decision = RuleSet.compile(specs, 1).decide(BASE)
    assert decision.route is None
    assert decision.tags == ("VIP", "tea")
    assert decision.priority == 9
    assert decision.gifts == (GiftAction("CUP-1", 1), GiftAction("SAMPLE", 2))
    assert dict(decision.preferences) == {"carrier": "SF", "warehouse": "HZ"}
    assert Action(K.PREFER_CARRIER, "ZTO") not in decision.matched[1].actions
    assert Action(K.PREFER_WAREHOUSE, "HZ") in decision.matched[1].actions


def test_explanation_lists_facts_read_with_values() -> None:
    decision = ISSUE.decide(BASE)
    assert dict(decision.matched[0].facts) == {
        "order.amount": Decimal("3280.00"),
        "customer.grade": "A",
    }
    assert decision.matched[0].actions == (Action(K.APPROVE),)


def test_bad_rules_are_refused_with_name_and_position() -> None:
    specs = [
        ISSUE_RULES[0],
        RuleSpec("typo", "order.amout > 5", (Action(K.APPROVE),), priority=1),
        RuleSpec("syntax", "order.amount = 5", (Action(K.APPROVE),), priority=2),
        RuleSpec("bad_prio", "order.amount > 5", (Action(K.PRIORITY, "high"),), priority=3),
        RuleSpec("typo", "order.amount > 5", (), priority=4),
        RuleSpec("gift", "order.amount > 5", (GiftAction("X", 0), Action(K.TAG)), priority=5),
    ]
    with pytest.raises(RuleSetError) as info:
        RuleSet.compile(specs, version=2)
    problems = [(p.rule, p.code, p.line, p.column) for p in info.value.problems]
    assert problems == [
        ("typo", "RULE_UNKNOWN_FACT", 1, 1),
        ("syntax", "RULE_SYNTAX", 1, 14),
        ("bad_prio", "ACTION_INVALID", None, None),
        ("typo", "RULE_DUPLICATE_NAME", None, None),
        ("typo", "RULE_NO_ACTION", None, None),
        ("gift", "ACTION_INVALID", None, None),
        ("gift", "ACTION_INVALID", None, None),
    ]
    assert "rule 'typo': RULE_UNKNOWN_FACT" in str(info.value)
    assert "(line 1, column 1)" in str(info.value)


def test_gift_action_kind_must_use_gift_action() -> None:
    with pytest.raises(RuleSetError, match="GiftAction"):
        RuleSet.compile([RuleSpec("g", "order.amount > 0", (Action(K.GIFT, "X"),), 1)], 1)


def test_once_per_customer_gift_is_skipped_when_already_given() -> None:
    spec = RuleSpec("g", "order.amount > 0", (GiftAction("MUG", 1, "customer"),), 1)
    compiled = RuleSet.compile([spec], 1)
    assert compiled.decide(BASE).gifts == (GiftAction("MUG", 1, "customer"),)
    decision = compiled.decide(BASE, gifts_given_to_customer=frozenset({"MUG"}))
    assert decision.gifts == ()
    assert decision.skipped_gifts[0].reason is GiftSkipReason.ALREADY_GIVEN_TO_CUSTOMER
    assert decision.matched[0].actions == ()


def test_same_gift_sku_is_granted_once_per_order() -> None:
    specs = [
        RuleSpec("g1", "order.amount > 0", (GiftAction("MUG", 1),), 1),
        RuleSpec("g2", "order.amount > 0", (GiftAction("MUG", 1),), 2),
    ]
    decision = RuleSet.compile(specs, 1).decide(BASE)
    assert decision.gifts == (GiftAction("MUG", 1),)
    assert decision.skipped_gifts[0].rule == "g2"
    assert decision.skipped_gifts[0].reason is GiftSkipReason.ALREADY_IN_ORDER


def test_gift_only_while_stock_lasts_and_batch_draws_it_down() -> None:
    spec = RuleSpec("g", "order.amount > 0", (GiftAction("MUG", 2),), 1)
    compiled = RuleSet.compile([spec], 1)
    stock = {"MUG": 5}
    single = compiled.decide(BASE, gift_stock={"MUG": 1})
    assert single.gifts == ()
    assert single.skipped_gifts[0].reason is GiftSkipReason.OUT_OF_STOCK
    decisions = compiled.decide_batch([BASE] * 3, gift_stock=stock)
    assert [len(d.gifts) for d in decisions] == [1, 1, 0]
    assert decisions[2].skipped_gifts[0].reason is GiftSkipReason.OUT_OF_STOCK
    assert stock == {"MUG": 5}  # the caller's mapping is untouched
    assert compiled.decide(BASE, gift_stock={}).gifts == ()  # unlisted SKU: no stock


def test_batch_remembers_once_per_customer_gifts() -> None:
    spec = RuleSpec("g", "order.amount > 0", (GiftAction("MUG", 1, "customer"),), 1)
    compiled = RuleSet.compile([spec], 1)
    decisions = compiled.decide_batch(
        [BASE] * 4,
        customer_ids=["c1", "c1", "c2", "c3"],
        gifts_given={"c3": frozenset({"MUG"})},
    )
    assert [len(d.gifts) for d in decisions] == [1, 0, 1, 0]
    with pytest.raises(ValueError, match="one entry per order"):
        compiled.decide_batch([BASE], customer_ids=[])


def test_decisions_are_immutable_and_keep_their_version() -> None:
    decision = ISSUE.decide(BASE)
    newer = RuleSet(2, (replace(ISSUE_RULES[0], actions=(Action(K.HOLD, "x"),)),)).build()
    assert newer.version == 2
    assert newer.decide(BASE).route == Action(K.HOLD, "x")
    assert decision.version == 1
    assert decision.route == Action(K.APPROVE)
    with pytest.raises(dataclasses.FrozenInstanceError):
        decision.route = None  # type: ignore[misc]
    with pytest.raises(TypeError):
        decision.preferences["carrier"] = "SF"  # type: ignore[index]
    assert isinstance(decision, Decision)


def test_batch_matches_single_decisions_with_twenty_rules() -> None:
    specs = [
        RuleSpec(
            f"r{i:02}",
            f'order.amount >= {i * 1000} and customer.grade != "Z" or order.quantity > {i}',
            (Action(K.TAG, f"t{i % 5}"), Action(K.PRIORITY, str(i))),
            priority=i,
        )
        for i in range(19)
    ] + [RuleSpec("route", "order.amount > 10000", (Action(K.REVIEW_STAGE, "finance"),), 99)]
    compiled = RuleSet.compile(specs, 7)
    orders = [
        facts(order_amount=Decimal(n * 37 % 30000), order_quantity=n % 7) for n in range(20_000)
    ]
    decisions = compiled.decide_batch(orders)  # speed smoke test: 20,000 orders, 20 rules
    assert len(decisions) == len(orders)
    for order, decision in list(zip(orders, decisions, strict=True))[::997]:
        assert decision == compiled.decide(order)
