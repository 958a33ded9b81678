"""The rule set document sellers write: read, written back, and refused with reasons."""

from __future__ import annotations

import pytest

from orderhub.review.document import parse_document, to_document
from orderhub.review.ruleset import Action, ActionKind, GiftAction, RuleSetError

K = ActionKind

SEED = {
    "note": "seed",
    "rules": [
        {
            "name": "small",
            "when": 'order.amount < 5000 and customer.grade == "A"',
            "then": "approve",
        },
        {"name": "mid", "when": "order.amount >= 5000", "then": [{"review": "sales_manager"}]},
        {
            "name": "all kinds",
            "priority": 5,
            "enabled": False,
            "when": "order.is_cross_border",
            "then": [
                {"hold": "customs/ID check"},
                {"tag": "跨境"},
                {"priority": 9},
                {"gift": "GIFT-BOX", "quantity": 2, "once_per": "customer"},
                {"prefer_carrier": "SF"},
                {"prefer_warehouse": "WH-SH"},
                {"cancel": "fraud"},
                "cancel",
            ],
        },
    ],
}


def test_a_document_reads_into_specs_and_back() -> None:
    note, specs = parse_document(SEED)
    assert note == "seed"
    assert [(s.name, s.priority, s.enabled) for s in specs] == [
        ("small", 10, True),
        ("mid", 20, True),
        ("all kinds", 5, False),
    ]
    assert specs[0].actions == (Action(K.APPROVE),)
    assert specs[2].actions == (
        Action(K.HOLD, "customs/ID check"),
        Action(K.TAG, "跨境"),
        Action(K.PRIORITY, "9"),
        GiftAction("GIFT-BOX", 2, "customer"),
        Action(K.PREFER_CARRIER, "SF"),
        Action(K.PREFER_WAREHOUSE, "WH-SH"),
        Action(K.CANCEL, "fraud"),
        Action(K.CANCEL),
    )
    assert parse_document(to_document(note, specs)) == (note, specs)


@pytest.mark.parametrize(
    ("document", "rule", "words"),
    [
        ([], "(document)", "JSON object"),
        ({"rules": {}}, "(document)", "must be a list"),
        ({"rules": [], "extra": 1}, "(document)", "unknown field 'extra'"),
        ({"rules": ["approve"]}, "#1", "is an object"),
        ({"rules": [{"when": "order.is_presale", "then": "approve"}]}, "#1", "needs a name"),
        ({"rules": [{"name": "x", "then": "approve"}]}, "x", '"when" must be'),
        ({"rules": [{"name": "x", "when": "order.is_presale"}]}, "x", "at least one action"),
        (
            {"rules": [{"name": "x", "when": "order.is_presale", "then": "ship"}]},
            "x",
            "unknown action 'ship'",
        ),
        (
            {"rules": [{"name": "x", "when": "order.is_presale", "then": {"fly": 1}}]},
            "x",
            "unknown action",
        ),
        (
            {"rules": [{"name": "x", "when": "order.is_presale", "then": {"tag": []}}]},
            "x",
            '"tag" needs text',
        ),
        (
            {
                "rules": [
                    {"name": "x", "when": "order.is_presale", "then": {"gift": "G", "quantity": 0}}
                ]
            },
            "x",
            "at least 1",
        ),
        (
            {
                "rules": [
                    {
                        "name": "x",
                        "when": "order.is_presale",
                        "then": {"gift": "G", "once_per": "year"},
                    }
                ]
            },
            "x",
            "once_per",
        ),
        (
            {
                "rules": [
                    {"name": "x", "when": "order.is_presale", "then": "approve", "priority": "1"}
                ]
            },
            "x",
            "whole number",
        ),
        (
            {
                "rules": [
                    {"name": "x", "when": "order.is_presale", "then": "approve", "enabled": "yes"}
                ]
            },
            "x",
            "true or false",
        ),
        (
            {"rules": [{"name": "x", "when": "order.is_presale", "then": "approve", "if": 1}]},
            "x",
            "unknown field 'if'",
        ),
    ],
)
def test_a_malformed_document_is_refused_naming_the_rule(
    document: object, rule: str, words: str
) -> None:
    with pytest.raises(RuleSetError) as info:
        parse_document(document)
    problem = info.value.problems[0]
    assert (problem.rule, problem.code) == (rule, "RULE_FORMAT")
    assert words in problem.message


def test_every_bad_rule_is_reported_at_once() -> None:
    bad = {
        "rules": [
            {"name": "a", "when": "x", "then": "ship"},
            {"name": "b", "when": 1, "then": "approve"},
        ]
    }
    with pytest.raises(RuleSetError) as info:
        parse_document(bad)
    assert [p.rule for p in info.value.problems] == ["a", "b"]
