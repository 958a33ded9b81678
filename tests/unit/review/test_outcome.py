"""What review does with an order: cancel, hold, stages in the seller's order, approve."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orderhub.review.exceptions import Finding, ThresholdsError
from orderhub.review.facts import OrderFacts
from orderhub.review.outcome import ReviewSettings, decide_outcome
from orderhub.review.ruleset import Action, ActionKind, RuleSet, RuleSpec

K = ActionKind
RULES = RuleSet.compile(
    [
        RuleSpec("fraud", "customer.blacklisted", (Action(K.CANCEL, "blacklisted buyer"),), 1),
        RuleSpec("abroad", "order.is_cross_border", (Action(K.HOLD, "customs/ID check"),), 2),
        RuleSpec("finance", "order.amount >= 20000", (Action(K.REVIEW_STAGE, "finance"),), 3),
        RuleSpec("service", "order.amount >= 5000", (Action(K.REVIEW_STAGE, "客审"),), 4),
        RuleSpec("small", "order.amount < 5000", (Action(K.APPROVE), Action(K.TAG, "small")), 5),
    ],
    version=3,
)
PRICE = Finding("PRICE_ANOMALY", "SKU A is sold at 1.00 CNY, under its cost 5.00 CNY", {})
NOTE = Finding("NOTE_KEYWORD", "the buyer note mentions 投诉", {})


def outcome(
    settings: ReviewSettings = ReviewSettings(), findings: tuple[Finding, ...] = (), **facts: object
):  # type: ignore[no-untyped-def]
    base = {"order_amount": Decimal("100")} | facts
    return decide_outcome(RULES.decide(OrderFacts(**base)), findings, settings)  # type: ignore[arg-type]


def test_a_small_order_is_approved_and_the_explanation_names_the_rule_and_facts() -> None:
    o = outcome()
    assert (o.kind, o.reason) == ("approve", "approved by rule small")
    assert o.explanation["matched"] == [
        {"rule": "small", "facts": {"order.amount": "100.00"}, "actions": ["approve", "tag small"]}
    ]
    assert o.explanation["rule_set_version"] == 3


def test_cancel_wins_over_holds_and_stages() -> None:
    o = outcome(findings=(PRICE,), order_amount=Decimal(30000), customer_blacklisted=True)
    assert o.kind == "cancel"
    assert "fraud" in o.reason and "blacklisted buyer" in o.reason


def test_a_hold_keeps_the_stages_for_after_its_release() -> None:
    o = outcome(findings=(PRICE,), order_amount=Decimal(30000))
    assert o.kind == "hold"
    assert o.holds == (("PRICE_ANOMALY", PRICE.message),)
    assert [s for s, _ in o.stages] == ["finance", "客审"]
    rule_hold = outcome(order_is_cross_border=True)
    assert rule_hold.holds == (("RULE_HOLD", "customs/ID check (rule abroad)"),)


def test_stages_follow_the_sellers_stage_order() -> None:
    settings = ReviewSettings(stage_order=("客审", "finance"))
    o = outcome(settings, order_amount=Decimal(30000))
    assert o.kind == "review"
    assert o.stages == (("客审", "service"), ("finance", "finance"))
    assert o.reason == "review: 客审 → finance"


def test_each_check_action_hold_review_or_ignore() -> None:
    to_finance = ReviewSettings(
        check_actions={"PRICE_ANOMALY": "review:finance", "NOTE_KEYWORD": "ignore"}
    )
    o = outcome(to_finance, findings=(PRICE, NOTE))
    assert (o.kind, o.stages) == ("review", (("finance", "PRICE_ANOMALY"),))
    assert [(c["code"], c["action"]) for c in o.explanation["checks"]] == [
        ("PRICE_ANOMALY", "review:finance"),
        ("NOTE_KEYWORD", "ignore"),
    ]
    ignored = outcome(ReviewSettings(check_actions={"NOTE_KEYWORD": "ignore"}), findings=(NOTE,))
    assert ignored.kind == "approve"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"stage_order": "finance"}, "stage_order"),
        ({"check_actions": {"NOPE": "hold"}}, "check_actions.NOPE"),
        ({"check_actions": {"BLACKLISTED": "review:"}}, "check_actions.BLACKLISTED"),
        ({"thresholds": {"min_price_ratio": "2"}}, "min_price_ratio"),
        ({"colour": 1}, "colour"),
    ],
)
def test_bad_settings_are_refused_naming_the_field(data: dict[str, object], field: str) -> None:
    with pytest.raises(ThresholdsError) as info:
        ReviewSettings.from_dict(data)
    assert info.value.field == field


def test_settings_round_trip() -> None:
    s = ReviewSettings(("客审", "财审"), {"BLACKLISTED": "review:财审"})
    assert ReviewSettings.from_dict(s.to_dict()) == s
