from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from orderhub.customers.profile import (
    DEFAULT_GRADE_RULES,
    GradeRule,
    OrderSummaryForProfile,
    Profile,
    build_profile,
    grade_of,
    rules_from_dict,
    rules_to_dict,
)

CST = timezone(timedelta(hours=8))
HOME = "浙江省|杭州市|西湖区|文三路90号 3幢1201"
OFFICE = "浙江省|杭州市|滨江区|网商路699号"


def order(
    order_id: int,
    day: str,
    total: str,
    channel: str = "tmall",
    address: str = HOME,
    *,
    currency: str = "CNY",
    returned: bool = False,
) -> OrderSummaryForProfile:
    placed = datetime.fromisoformat(day).replace(tzinfo=CST)
    return OrderSummaryForProfile(
        order_id, placed, Decimal(total), currency, channel, address, returned
    )


LOYAL = [
    order(1, "2024-03-08 20:15", "399.00", "tmall"),
    order(2, "2024-06-18 00:05", "1299.00", "jd", OFFICE),
    order(3, "2024-09-02 12:40", "89.90", "douyin"),
    order(4, "2024-11-11 00:01", "459.00", "tmall"),
    order(5, "2024-12-12 21:30", "218.50", "tmall", OFFICE, returned=True),
    order(6, "2025-01-20 09:00", "35.00", "pos", ""),
    order(7, "2025-02-14 19:45", "520.00", "wechat"),
]


def test_profile_of_a_loyal_customer() -> None:
    p = build_profile(LOYAL)
    assert p.first_order_at == datetime(2024, 3, 8, 20, 15, tzinfo=CST)
    assert p.last_order_at == datetime(2025, 2, 14, 19, 45, tzinfo=CST)
    assert p.order_count == 7
    assert p.returns == 1
    assert p.kept_orders == 6
    assert p.total_spent == {"CNY": Decimal("2801.90")}
    assert p.average_spent == {"CNY": Decimal("466.98")}  # 2801.90 / 6 = 466.983...
    assert p.channels == ("douyin", "jd", "pos", "tmall", "wechat")
    assert p.usual_address_key == HOME
    assert grade_of(p, DEFAULT_GRADE_RULES) == "A"


def test_spending_is_kept_per_currency() -> None:
    p = build_profile(
        [
            order(1, "2024-05-01 10:00", "59.99", "shopify", currency="USD"),
            order(2, "2024-07-04 10:00", "20.00", "shopify", currency="usd"),
            order(3, "2024-08-01 10:00", "3980", "rakuten", currency="JPY"),
            order(4, "2024-08-09 10:00", "1990", "rakuten", currency="JPY"),
            order(5, "2024-09-01 10:00", "128.00", "tmall"),
        ]
    )
    assert p.total_spent == {"USD": Decimal("79.99"), "JPY": Decimal(5970), "CNY": Decimal(128)}
    assert p.average_spent == {"USD": Decimal("40.00"), "JPY": Decimal(2985), "CNY": Decimal(128)}
    assert str(p.average_spent["USD"]) == "40.00"  # 39.995 rounded half up to cents


def test_usual_address_ties_go_to_the_most_recent() -> None:
    orders = [
        order(1, "2024-01-05 10:00", "100", address=HOME),
        order(2, "2024-02-05 10:00", "100", address=OFFICE),
        order(3, "2024-03-05 10:00", "100", address=OFFICE),
        order(4, "2024-04-05 10:00", "100", address=HOME),
    ]
    assert build_profile(orders).usual_address_key == HOME
    assert build_profile(orders[:3]).usual_address_key == OFFICE
    assert build_profile(list(reversed(orders))).usual_address_key == HOME
    no_address = [order(1, "2024-01-05 10:00", "100", "pos", "")]
    assert build_profile(no_address).usual_address_key == ""


def test_empty_profile() -> None:
    p = build_profile([])
    assert p == Profile(None, None, 0, {}, {}, (), "", 0)
    assert grade_of(p, DEFAULT_GRADE_RULES) == "C"


@pytest.mark.parametrize(
    ("orders", "grade"),
    [
        # five orders but only 1 245 CNY: not A; two or more orders: B
        ([order(i, f"2024-0{i}-01 10:00", "249.00") for i in range(1, 6)], "B"),
        ([order(1, "2024-06-18 10:00", "688.00")], "B"),  # one order, >= 500 CNY
        ([order(1, "2024-06-18 10:00", "499.99")], "C"),
        ([order(1, "2024-06-18 10:00", "88.00"), order(2, "2024-07-01 10:00", "66.00")], "B"),
        # returned orders neither count nor spend
        (
            [
                order(1, "2024-06-18 10:00", "88.00"),
                order(2, "2024-07-01 10:00", "1666.00", returned=True),
            ],
            "C",
        ),
        # money in other currencies does not meet CNY thresholds
        ([order(1, "2024-06-18 10:00", "900.00", "shopify", currency="USD")], "C"),
    ],
)
def test_default_grades(orders: list[OrderSummaryForProfile], grade: str) -> None:
    assert grade_of(build_profile(orders), DEFAULT_GRADE_RULES) == grade


def test_custom_rules_from_settings() -> None:
    settings = {
        "rules": [
            {"grade": "VIP", "min_orders": 3, "min_spent": "300", "currency": "USD"},
            {"grade": "regular", "min_orders": 1},
        ]
    }
    rules = rules_from_dict(settings)
    assert rules[0] == GradeRule("VIP", 3, Decimal(300), "USD")
    assert rules_to_dict(rules) == {
        "rules": [
            {"grade": "VIP", "min_orders": 3, "min_spent": "300", "currency": "USD"},
            {"grade": "regular", "min_orders": 1, "min_spent": "0", "currency": "CNY"},
        ]
    }
    us = [order(i, f"2024-0{i}-01 10:00", "120.00", "amazon", currency="USD") for i in (1, 2, 3)]
    assert grade_of(build_profile(us), rules) == "VIP"
    assert grade_of(build_profile(us[:2]), rules) == "regular"
    assert grade_of(build_profile([]), rules) == ""  # no catch-all rule: ungraded


def test_default_rules_round_trip_and_fallback() -> None:
    assert rules_from_dict(rules_to_dict(DEFAULT_GRADE_RULES)) == DEFAULT_GRADE_RULES
    assert rules_from_dict({}) == DEFAULT_GRADE_RULES


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"min_orders": 1}, "no grade"),
        ({"grade": "A", "min_orders": -1}, "min_orders"),
        ({"grade": "A", "min_orders": True}, "min_orders"),
        ({"grade": "A", "min_spent": "lots"}, "not an amount"),
        ({"grade": "A", "min_spent": "-5"}, "negative"),
        ({"grade": "A", "currency": "RMB"}, "unknown currency"),
    ],
)
def test_bad_rules_are_refused(rule: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        GradeRule.from_dict(rule)


def test_profile_times_compare_across_zones() -> None:
    utc_late = OrderSummaryForProfile(
        9, datetime(2025, 3, 1, 0, 0, tzinfo=UTC), Decimal(10), "CNY", "shopify", "", False
    )
    p = build_profile([*LOYAL, utc_late])
    assert p.last_order_at == utc_late.placed_at
