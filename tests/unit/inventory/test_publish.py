from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from orderhub.inventory.errors import StockError, StockErrorCode
from orderhub.inventory.publish import (
    PublishRule,
    PublishRuleError,
    PushPlanner,
    quantity_to_publish,
)

D = Decimal
SH, GZ = "SH-01", "GZ-01"
TMALL, JD = "tmall-flagship", "jd-self"
TEA, CUP = "TEA-LJ-250G", "CUP-GLASS"
T0 = datetime(2024, 5, 1, 10, 0, tzinfo=timezone(timedelta(hours=8)))


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


STOCK = {SH: 50, GZ: 13}


def test_percentage_and_fixed_reserve() -> None:
    rule = PublishRule(percentage=D(80), fixed_reserve=2)
    assert quantity_to_publish(rule, STOCK) == 48  # floor(63 x 0.8 = 50.4) - 2


def test_only_the_chosen_warehouses_count() -> None:
    rule = PublishRule(percentage=D(80), fixed_reserve=2, warehouses=frozenset({SH}))
    assert quantity_to_publish(rule, STOCK) == 38  # 50 x 0.8 - 2


def test_fractions_are_rounded_down() -> None:
    assert quantity_to_publish(PublishRule(percentage=D("33.3")), {SH: 10}) == 3


def test_minimum_and_maximum() -> None:
    assert (
        quantity_to_publish(PublishRule(percentage=D(80), fixed_reserve=2, minimum=5), {SH: 3}) == 5
    )
    assert (
        quantity_to_publish(PublishRule(percentage=D(80), fixed_reserve=2, maximum=30), STOCK) == 30
    )


def test_never_negative() -> None:
    assert quantity_to_publish(PublishRule(fixed_reserve=5), {SH: 3}) == 0
    assert quantity_to_publish(PublishRule(percentage=D(0)), STOCK) == 0


def test_nothing_available_is_published_as_zero_whatever_the_minimum() -> None:
    rule = PublishRule(minimum=5)
    assert quantity_to_publish(rule, {SH: 0, GZ: 0}) == 0
    assert quantity_to_publish(rule, {SH: -3, GZ: 0}) == 0  # oversold warehouse lends nothing
    assert quantity_to_publish(rule, {}) == 0
    only_gz = PublishRule(minimum=5, warehouses=frozenset({GZ}))
    assert quantity_to_publish(only_gz, {SH: 40, GZ: 0}) == 0


def test_rule_dict_round_trip() -> None:
    data = {
        "percentage": "80",
        "fixed_reserve": 2,
        "minimum": None,
        "maximum": 30,
        "warehouses": [GZ, SH],
    }
    rule = PublishRule.from_dict(data)
    assert rule == PublishRule(D(80), 2, None, 30, frozenset({SH, GZ}))
    assert rule.to_dict() == data
    assert PublishRule.from_dict({}) == PublishRule()
    assert PublishRule.from_dict({"percentage": "62.5%"}).percentage == D("62.5")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"percentage": "101"}, "percentage"),
        ({"percentage": "-1"}, "percentage"),
        ({"percentage": "eighty"}, "percentage"),
        ({"percentage": "NaN"}, "percentage"),
        ({"percentage": True}, "percentage"),
        ({"fixed_reserve": -1}, "fixed_reserve"),
        ({"fixed_reserve": 1.5}, "fixed_reserve"),
        ({"minimum": 10, "maximum": 5}, "minimum"),
        ({"maximum": "5"}, "maximum"),
        ({"warehouses": SH}, "warehouses"),
        ({"warehouses": [""]}, "warehouses"),
        ({"reserve": 2}, "reserve"),
    ],
)
def test_invalid_rules_name_the_field(data: dict[str, Any], field: str) -> None:
    with pytest.raises(PublishRuleError) as caught:
        PublishRule.from_dict(data)
    assert caught.value.field == field
    assert caught.value.code is StockErrorCode.STOCK_PUBLISH_RULE_INVALID


def planner() -> PushPlanner:
    return PushPlanner(last_full_push=T0)  # debounce 30 s, at most 5 min, full push hourly


def test_a_burst_of_changes_becomes_one_push_after_the_debounce() -> None:
    plan = planner()
    for second in (0, 10, 20):
        plan.note_change(TMALL, TEA, at(second))
    computed, pushed = {(TMALL, TEA): 12}, {(TMALL, TEA): 20}
    assert plan.due(at(21), pushed, computed) == []
    assert plan.due(at(49), pushed, computed) == []
    assert plan.due(at(50), pushed, computed) == [(TMALL, TEA, 12)]
    assert plan.due(at(51), pushed, computed) == []
    assert plan.pending() == []


def test_a_stream_of_changes_is_pushed_at_most_five_minutes_after_the_first() -> None:
    plan = planner()
    computed, pushed = {(TMALL, TEA): 12}, {(TMALL, TEA): 20}
    for second in range(0, 300, 20):
        plan.note_change(TMALL, TEA, at(second))
        assert plan.due(at(second), pushed, computed) == []
    assert plan.next_due_at(at(299)) == at(300)
    assert plan.due(at(300), pushed, computed) == [(TMALL, TEA, 12)]


def test_a_drop_to_zero_is_pushed_at_once() -> None:
    plan = planner()
    plan.note_change(TMALL, TEA, at(1))
    pushed = {(TMALL, TEA): 8, (JD, TEA): 3, (JD, CUP): 0}
    computed = {(TMALL, TEA): 0, (JD, TEA): 0, (JD, CUP): 0}
    # JD's TEA was not noted as changed, but a zero never waits; CUP was already 0 on JD.
    assert plan.due(at(1), pushed, computed) == [(JD, TEA, 0), (TMALL, TEA, 0)]


def test_a_value_equal_to_the_last_pushed_is_not_pushed_again() -> None:
    plan = planner()
    plan.note_change(TMALL, TEA, at(0))
    assert plan.due(at(30), {(TMALL, TEA): 12}, {(TMALL, TEA): 12}) == []
    assert plan.pending() == []


def test_an_item_not_computed_yet_stays_pending() -> None:
    plan = planner()
    plan.note_change(TMALL, CUP, at(0))
    assert plan.due(at(40), {}, {}) == []
    assert plan.pending() == [(TMALL, CUP)]
    assert plan.due(at(41), {}, {(TMALL, CUP): 9}) == [(TMALL, CUP, 9)]


def test_the_hourly_full_push_sends_every_item_that_differs() -> None:
    plan = planner()
    pushed = {(TMALL, TEA): 5, (TMALL, CUP): 6, (JD, TEA): 0}
    computed = {(TMALL, TEA): 5, (TMALL, CUP): 7, (JD, TEA): 0}
    assert not plan.full_push_due(at(3599))
    assert plan.due(at(3599), pushed, computed) == []
    assert plan.full_push_due(at(3600))
    assert plan.due(at(3600), pushed, computed) == [(TMALL, CUP, 7)]
    assert plan.last_full_push == at(3600)
    assert plan.due(at(3601), pushed, computed) == []


def test_a_forced_push_sends_everything() -> None:
    plan = planner()
    pushed = {(TMALL, TEA): 5, (JD, TEA): 0}
    computed = {(TMALL, TEA): 5, (JD, TEA): 0}
    assert plan.due(at(10), pushed, computed, force=True) == [(JD, TEA, 0), (TMALL, TEA, 5)]


def test_a_new_planner_starts_with_a_full_push() -> None:
    plan = PushPlanner()
    assert plan.full_push_due(T0)
    assert plan.due(T0, {}, {(TMALL, TEA): 4}) == [(TMALL, TEA, 4)]
    assert not plan.full_push_due(at(1))


def test_planner_settings_are_checked() -> None:
    with pytest.raises(StockError) as caught:
        PushPlanner(debounce=timedelta(0))
    assert caught.value.code is StockErrorCode.STOCK_SETTING_INVALID
    with pytest.raises(StockError, match="max_delay"):
        PushPlanner(debounce=timedelta(minutes=10), max_delay=timedelta(minutes=5))
