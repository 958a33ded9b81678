from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from orderhub.review.exceptions import (
    ExceptionFacts,
    ExceptionThresholds,
    Finding,
    LineFacts,
    ThresholdsError,
    check_exceptions,
)

D = Decimal
DEFAULT = ExceptionThresholds()


def line(**overrides: Any) -> LineFacts:
    base = LineFacts(
        sku_code="TEA-LJ-250G",  # 西湖龙井 250g
        quantity=2,
        unit_price=D("128.00"),
        discount=D("0.00"),
        usual_price=D("138.00"),
        cost=D("60.00"),
    )
    return replace(base, **overrides)


def facts(*lines: LineFacts, **overrides: Any) -> ExceptionFacts:
    lines = lines or (line(),)
    goods = sum((ln.unit_price * ln.quantity - ln.discount for ln in lines), D(0))
    shipping = overrides.pop("shipping_fee", D("0.00"))
    discount = overrides.pop("order_discount", D("10.00"))  # 店铺满减
    tax = overrides.pop("tax", D("0.00"))
    base = ExceptionFacts(
        lines=lines,
        goods_amount=goods,
        order_discount=discount,
        shipping_fee=shipping,
        tax=tax,
        total=goods - discount + shipping + tax,
        currency="CNY",
        address_confidence=D("0.95"),
        address_resolved=True,
        customer_type="retail",
        credit_limit=None,
        open_balance=D("0.00"),
        blacklisted=False,
        blacklist_reason="",
        buyer_note="",
        refund_requested=False,
    )
    return replace(base, **overrides)


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def test_clean_order_has_no_findings() -> None:
    clean = facts(
        line(),
        line(sku_code="CUP-GLASS", quantity=1, unit_price=D("0"), usual_price=None, is_gift=True),
        shipping_fee=D("8.00"),
        buyer_note="请周末送货，谢谢",
    )
    assert check_exceptions(clean, DEFAULT) == []


# --- PRICE_ANOMALY ---------------------------------------------------------------------------


def test_price_under_half_of_usual_price() -> None:
    # 茅台 sold at 499 instead of 1499: a mistyped price or a 薅羊毛 listing.
    f = facts(
        line(
            sku_code="MT-53-500ML",
            quantity=1,
            unit_price=D("499"),
            usual_price=D("1499"),
            cost=None,
        )
    )
    [finding] = check_exceptions(f, DEFAULT)
    assert finding.code == "PRICE_ANOMALY"
    assert "MT-53-500ML" in finding.message
    assert "499.00 CNY" in finding.message
    assert "1499.00 CNY" in finding.message
    assert "50%" in finding.message
    assert finding.details["reason"] == "below_usual_price"


def test_min_price_ratio_changes_the_outcome() -> None:
    f = facts(line(unit_price=D("80.00"), usual_price=D("138.00"), cost=None))  # 58 %
    assert check_exceptions(f, DEFAULT) == []
    strict = ExceptionThresholds(min_price_ratio=D("0.7"))
    assert codes(check_exceptions(f, strict)) == ["PRICE_ANOMALY"]
    assert "70%" in check_exceptions(f, strict)[0].message


def test_line_discount_counts_towards_the_price() -> None:
    # Listed at 128 but a 100 line coupon (单品券) on one unit brings it to 28.
    f = facts(line(quantity=1, discount=D("100.00"), cost=None))
    [finding] = check_exceptions(f, DEFAULT)
    assert finding.code == "PRICE_ANOMALY"
    assert "28.00 CNY" in finding.message


def test_price_under_cost() -> None:
    f = facts(line(unit_price=D("55.00"), usual_price=D("69.00"), cost=D("60.00")))
    [finding] = check_exceptions(f, DEFAULT)
    assert finding.code == "PRICE_ANOMALY"
    assert finding.details["reason"] == "below_cost"
    assert "55.00 CNY" in finding.message and "60.00 CNY" in finding.message


def test_below_cost_can_be_switched_off() -> None:
    f = facts(line(unit_price=D("55.00"), usual_price=D("69.00"), cost=D("60.00")))
    assert check_exceptions(f, ExceptionThresholds(below_cost=False)) == []


def test_unknown_usual_price_and_cost_are_not_anomalies() -> None:
    f = facts(line(unit_price=D("1.00"), usual_price=None, cost=None))
    assert check_exceptions(f, DEFAULT) == []


def test_line_without_sku_is_named_by_position() -> None:
    f = facts(line(), line(sku_code=None, unit_price=D("10.00"), cost=None))
    [finding] = check_exceptions(f, DEFAULT)
    assert "line 2" in finding.message


# --- ZERO_PRICE_LINE -------------------------------------------------------------------------


def test_zero_price_line() -> None:
    f = facts(
        line(), line(sku_code="MASK-3D", quantity=1, unit_price=D("0.00"), usual_price=D("19.90"))
    )
    [finding] = check_exceptions(f, DEFAULT)
    assert finding.code == "ZERO_PRICE_LINE"
    assert "MASK-3D" in finding.message and "0.00 CNY" in finding.message


def test_gift_lines_are_exempt_from_zero_price() -> None:
    gift = line(
        sku_code="GIFT-BAG",
        quantity=1,
        unit_price=D("0"),
        usual_price=D("5"),
        cost=D("2"),
        is_gift=True,
    )
    assert check_exceptions(facts(line(), gift), DEFAULT) == []


def test_allow_zero_price_changes_the_outcome() -> None:
    f = facts(
        line(), line(sku_code="SAMPLE-5ML", quantity=1, unit_price=D("0"), usual_price=D("29"))
    )
    assert codes(check_exceptions(f, DEFAULT)) == ["ZERO_PRICE_LINE"]
    assert check_exceptions(f, ExceptionThresholds(allow_zero_price=True)) == []


# --- AMOUNT_ANOMALY --------------------------------------------------------------------------


def test_total_off_shows_the_arithmetic() -> None:
    f = facts(shipping_fee=D("8.00"), total=D("240.00"))  # 256 - 10 + 8 = 254
    [finding] = check_exceptions(f, DEFAULT)
    assert finding.code == "AMOUNT_ANOMALY"
    assert finding.details["check"] == "total"
    assert (
        "total 240.00 CNY does not equal lines 256.00 CNY - discount 10.00 CNY "
        "+ shipping 8.00 CNY + tax 0.00 CNY = 254.00 CNY" in finding.message
    )
    assert finding.details["difference"] == "14.00"


def test_amount_tolerance_changes_the_outcome() -> None:
    f = facts(total=D("245.99"))  # 1 fen off: a platform rounding a coupon split
    assert codes(check_exceptions(f, DEFAULT)) == ["AMOUNT_ANOMALY"]
    assert check_exceptions(f, ExceptionThresholds(amount_tolerance=D("0.01"))) == []


def test_goods_amount_not_matching_the_lines() -> None:
    f = facts(goods_amount=D("300.00"), total=D("290.00"))
    [finding] = check_exceptions(f, DEFAULT)
    assert finding.details["check"] == "goods_amount"
    assert "300.00 CNY" in finding.message and "256.00 CNY" in finding.message


def test_amounts_use_the_currency_minor_unit() -> None:
    f = facts(
        line(unit_price=D("1280"), usual_price=None, cost=None),
        currency="JPY",
        order_discount=D("0"),
        total=D("2500"),
    )
    [finding] = check_exceptions(f, DEFAULT)
    assert "total 2500 JPY" in finding.message and "= 2560 JPY" in finding.message


# --- ADDRESS_ANOMALY -------------------------------------------------------------------------


def test_unresolved_address() -> None:
    f = facts(address_resolved=False, address_confidence=D("0.2"))
    [finding] = check_exceptions(f, DEFAULT)
    assert finding.code == "ADDRESS_ANOMALY"
    assert finding.details["reason"] == "unresolved"


def test_low_confidence_address_and_threshold() -> None:
    # "浙江杭州西湖区文三路" matched only to district level.
    f = facts(address_confidence=D("0.55"))
    [finding] = check_exceptions(f, DEFAULT)
    assert finding.code == "ADDRESS_ANOMALY"
    assert "0.55" in finding.message and "0.6" in finding.message
    assert check_exceptions(f, ExceptionThresholds(min_address_confidence=D("0.5"))) == []


def test_unchecked_address_has_no_confidence_finding() -> None:
    assert check_exceptions(facts(address_confidence=None), DEFAULT) == []


# --- CREDIT_ANOMALY --------------------------------------------------------------------------


def test_wholesale_over_credit_limit() -> None:
    f = facts(customer_type="wholesale", credit_limit=D("10000"), open_balance=D("9800.00"))
    [finding] = check_exceptions(f, DEFAULT)
    assert finding.code == "CREDIT_ANOMALY"
    assert (
        "open balance 9800.00 CNY + this order 246.00 CNY = 10046.00 CNY exceeds the credit "
        "limit 10000.00 CNY" in finding.message
    )


def test_credit_within_limit_retail_or_no_limit() -> None:
    within = facts(customer_type="wholesale", credit_limit=D("10046"), open_balance=D("9800"))
    retail = facts(credit_limit=D("100"), open_balance=D("9800"))
    unlimited = facts(customer_type="wholesale", open_balance=D("9800"))
    for f in (within, retail, unlimited):
        assert check_exceptions(f, DEFAULT) == []


# --- BLACKLISTED / REFUND_REQUESTED ----------------------------------------------------------


def test_blacklisted_with_reason() -> None:
    f = facts(blacklisted=True, blacklist_reason="多次恶意退货")
    [finding] = check_exceptions(f, DEFAULT)
    assert finding.code == "BLACKLISTED"
    assert "多次恶意退货" in finding.message
    assert finding.details == {"reason": "多次恶意退货"}


def test_refund_requested() -> None:
    assert codes(check_exceptions(facts(refund_requested=True), DEFAULT)) == ["REFUND_REQUESTED"]


# --- NOTE_KEYWORD ----------------------------------------------------------------------------


def test_note_keywords_found() -> None:
    f = facts(buyer_note="麻烦加急发货，需要开发票，抬头：杭州某某科技有限公司")
    [finding] = check_exceptions(f, DEFAULT)
    assert finding.code == "NOTE_KEYWORD"
    assert finding.details["keywords"] == "加急,发票"
    assert "加急" in finding.message and "发票" in finding.message


def test_note_keywords_case_insensitive_and_full_width() -> None:
    t = ExceptionThresholds(note_keywords=("VIP", "SF"))
    f = facts(buyer_note="我是ｖｉｐ老客户，请发ｓｆ顺丰")
    [finding] = check_exceptions(f, t)
    assert finding.details["keywords"] == "VIP,SF"
    assert check_exceptions(facts(buyer_note="麻烦加急"), t) == []


def test_no_keywords_disables_the_check() -> None:
    f = facts(buyer_note="收到差评我就投诉")
    assert codes(check_exceptions(f, DEFAULT)) == ["NOTE_KEYWORD"]
    assert check_exceptions(f, ExceptionThresholds(note_keywords=())) == []


def test_findings_come_in_a_fixed_order() -> None:
    f = facts(
        line(unit_price=D("0"), usual_price=D("138")),
        total=D("1"),
        address_resolved=False,
        customer_type="wholesale",
        credit_limit=D("0"),
        blacklisted=True,
        buyer_note="退款",
        refund_requested=True,
    )
    assert codes(check_exceptions(f, DEFAULT)) == [
        "ZERO_PRICE_LINE",
        "AMOUNT_ANOMALY",
        "ADDRESS_ANOMALY",
        "CREDIT_ANOMALY",
        "BLACKLISTED",
        "NOTE_KEYWORD",
        "REFUND_REQUESTED",
    ]


# --- thresholds settings ---------------------------------------------------------------------


def test_thresholds_round_trip() -> None:
    t = ExceptionThresholds(
        min_price_ratio=D("0.3"),
        allow_zero_price=True,
        below_cost=False,
        amount_tolerance=D("0.05"),
        min_address_confidence=D("0.8"),
        note_keywords=("加急", "VIP"),
    )
    assert ExceptionThresholds.from_dict(t.to_dict()) == t
    assert ExceptionThresholds.from_dict({}) == DEFAULT
    assert ExceptionThresholds.from_dict({"min_price_ratio": 0.4}).min_price_ratio == D("0.4")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"min_price_ratio": "abc"}, "min_price_ratio"),
        ({"min_price_ratio": "1.5"}, "min_price_ratio"),
        ({"min_price_ratio": "-0.1"}, "min_price_ratio"),
        ({"min_price_ratio": True}, "min_price_ratio"),
        ({"allow_zero_price": "yes"}, "allow_zero_price"),
        ({"below_cost": 1}, "below_cost"),
        ({"amount_tolerance": "-0.01"}, "amount_tolerance"),
        ({"amount_tolerance": "NaN"}, "amount_tolerance"),
        ({"min_address_confidence": "2"}, "min_address_confidence"),
        ({"note_keywords": "加急"}, "note_keywords"),
        ({"note_keywords": ["加急", ""]}, "note_keywords"),
        ({"note_keywords": ["加急", 3]}, "note_keywords"),
        ({"min_price_ration": "0.5"}, "min_price_ration"),
    ],
)
def test_thresholds_from_dict_refuses_bad_values(data: dict[str, Any], field: str) -> None:
    with pytest.raises(ThresholdsError) as excinfo:
        ExceptionThresholds.from_dict(data)
    assert excinfo.value.field == field
    assert field in str(excinfo.value)
