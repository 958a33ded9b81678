from __future__ import annotations

from decimal import Decimal

import pytest

from orderhub.money import Money, MoneyError, check_currency, round_to_currency, to_decimal


def test_amounts_add_exactly_where_floats_would_not() -> None:
    total = Money.of("0.1", "CNY") + Money.of("0.2", "CNY")
    assert total == Money(Decimal("0.3"), "CNY")


def test_floats_are_read_through_their_text_form() -> None:
    assert to_decimal(19.99) == Decimal("19.99")
    assert to_decimal("1,299.00") == Decimal("1299.00")


@pytest.mark.parametrize("bad", ["abc", "", "NaN", "Infinity", True, None, [1]])
def test_malformed_amounts_are_refused(bad: object) -> None:
    with pytest.raises(MoneyError) as caught:
        to_decimal(bad)
    assert caught.value.code == "AMOUNT_INVALID"


def test_currencies_never_mix() -> None:
    with pytest.raises(MoneyError) as caught:
        _ = Money.of(1, "CNY") + Money.of(1, "USD")
    assert caught.value.code == "CURRENCY_MISMATCH"
    with pytest.raises(MoneyError):
        _ = Money.of(1, "CNY") < Money.of(2, "USD")


def test_unknown_currency_is_refused_and_codes_are_normalised() -> None:
    assert check_currency(" usd ") == "USD"
    with pytest.raises(MoneyError) as caught:
        Money.of(1, "RMB")
    assert caught.value.code == "CURRENCY_UNKNOWN"


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("10.005", "CNY", "10.01"),  # half up, as receipts do
        ("10.004", "CNY", "10.00"),
        ("1500.5", "JPY", "1501"),  # yen has no minor unit
        ("1.2345", "KWD", "1.235"),  # dinar has three
    ],
)
def test_rounding_follows_the_currency(amount: str, currency: str, expected: str) -> None:
    assert round_to_currency(Decimal(amount), currency) == Decimal(expected)
    assert str(round_to_currency(Decimal(amount), currency)) == expected


def test_line_arithmetic_and_display() -> None:
    line = Money.of("79.00", "CNY") * 3 - Money.of("10", "CNY")
    assert line == Money(Decimal("227.00"), "CNY")
    assert str(Money.of("227", "CNY")) == "227.00 CNY"
    assert Money.zero("CNY") <= line
