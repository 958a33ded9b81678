from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from orderhub.orders.domain import LineDraft, validate_order
from tests.factories import draft


def codes(problems: list[tuple[str, str, str]]) -> set[str]:
    return {code for code, _, _ in problems}


def test_a_consistent_order_is_valid_and_its_totals_add_up() -> None:
    order = draft()
    assert validate_order(order) == []
    assert order.goods_amount == Decimal("207.90")  # 2 × 79 − 10 + 59.90
    assert order.expected_total == Decimal("202.90")  # − 5.00 coupon


def test_total_that_does_not_add_up_is_reported_with_the_arithmetic() -> None:
    problems = validate_order(replace(draft(), total=Decimal("199.00")))
    assert codes(problems) == {"AMOUNT_MISMATCH"}
    assert "207.90" in problems[0][2] and "202.90" in problems[0][2]


def test_each_kind_of_bad_input_gets_its_own_code_and_field() -> None:
    bad_line = LineDraft(title="T恤", quantity=-1, unit_price=Decimal("-1"))
    order = replace(
        draft(),
        platform_order_id=" ",
        currency="XYZ",
        lines=(bad_line,),
        buyer_note="x" * 2001,
        placed_at=datetime(2026, 11, 11),  # naive time
    )
    problems = validate_order(order)
    assert codes(problems) >= {
        "ORDER_ID_MISSING",
        "CURRENCY_UNKNOWN",
        "LINE_QUANTITY_INVALID",
        "AMOUNT_NEGATIVE",
        "FIELD_TOO_LONG",
        "TIME_NAIVE",
    }
    fields = {field for _, field, _ in problems}
    assert {"lines[0].quantity", "buyer_note", "placed_at", "currency"} <= fields


def test_an_order_needs_lines_and_a_two_letter_country() -> None:
    order = replace(draft(), lines=(), receiver=replace(draft().receiver, country="CHN"))
    assert codes(validate_order(order)) == {"ORDER_NO_LINES", "COUNTRY_INVALID"}


def test_a_discount_larger_than_the_line_is_refused() -> None:
    line = LineDraft(title="T恤", quantity=1, unit_price=Decimal("10"), discount=Decimal("11"))
    order = replace(draft(), lines=(line,), total=Decimal("-1"), order_discount=Decimal(0))
    assert "LINE_DISCOUNT_INVALID" in codes(validate_order(order))
