from __future__ import annotations

from decimal import Decimal

import pytest

from orderhub.allocation import Rate, RateTable, RateTableError, demo_rate_table, load_rate_table
from orderhub.allocation.data.places import PROVINCES
from orderhub.money import Money

D = Decimal
HEADER = (
    "carrier,destination,first_weight_g,first_price,additional_weight_g,additional_price,currency"
)


def rate(first_g: int, first: str, step_g: int, step: str) -> Rate:
    return Rate("ZTO", "广东省", first_g, D(first), step_g, D(step), "CNY")


@pytest.mark.parametrize(
    ("weight_g", "expected"),
    [
        (0, "12.00"),
        (999, "12.00"),
        (1000, "12.00"),  # exactly the first weight
        (1001, "14.00"),  # one gram over starts a new kilogram
        (2000, "14.00"),
        (2500, "16.00"),  # 12 + ceil(1.5) x 2 = 12 + 4
        (3000, "16.00"),
        (3001, "18.00"),
    ],
)
def test_first_weight_plus_each_started_additional_unit(weight_g: int, expected: str) -> None:
    assert rate(1000, "12.00", 1000, "2.00").price_for(weight_g) == Money(D(expected), "CNY")


def test_price_with_half_kilogram_steps_is_exact_decimal() -> None:
    # 2.5 kg, first 1 kg ¥5.50, then ¥1.10 per started 500 g: 1500/500 = 3 -> 5.50 + 3.30
    price = rate(1000, "5.50", 500, "1.10").price_for(2500)
    assert price.amount == D("8.80")
    assert str(price.amount) == "8.80"  # a float sum would give 8.800000000000001
    assert rate(1000, "5.50", 500, "1.10").price_for(2501).amount == D("9.90")


def test_negative_weight_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        rate(1000, "12.00", 1000, "2.00").price_for(-1)


TABLE = f"""\ufeff# ZTO contract 2024
{HEADER},origin
ZTO,广东省,1000,5.00,1000,1.00,CNY,WH-GZ
ZTO,广东,1000,7.00,1000,2.00,CNY,*

ZTO,*,1000,8.00,1000,3.00,CNY,
ZTO,*,1000,6.00,1000,1.50,CNY,WH-GZ
"""


def test_load_skips_comments_blank_lines_and_bom_and_accepts_short_provinces() -> None:
    rates = load_rate_table(TABLE)
    assert [(r.origin, r.destination, r.first_price) for r in rates] == [
        ("WH-GZ", "广东省", D("5.00")),
        ("*", "广东省", D("7.00")),
        ("*", "*", D("8.00")),
        ("WH-GZ", "*", D("6.00")),
    ]


def test_lookup_prefers_the_origin_then_the_exact_province() -> None:
    table = RateTable.from_csv(TABLE)
    assert table.price_for("ZTO", "广东省", 1000, origin="WH-GZ") == Money(D("5.00"), "CNY")
    assert table.price_for("ZTO", "浙江省", 1000, origin="WH-GZ") == Money(D("6.00"), "CNY")
    assert table.price_for("ZTO", "广东省", 1000, origin="WH-SH") == Money(D("7.00"), "CNY")
    assert table.price_for("ZTO", "浙江省", 1000, origin="WH-SH") == Money(D("8.00"), "CNY")
    assert table.price_for("ZTO", "浙江省", 1000) == Money(D("8.00"), "CNY")
    assert table.price_for("SF", "浙江省", 1000) is None
    assert table.carriers == {"ZTO"}


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ("ZTO,广东省,1kg,5.00,1000,1.00,CNY", "first_weight_g", "whole number of grams"),
        ("ZTO,广东省,1000,5.00,0,1.00,CNY", "additional_weight_g", "must be positive"),
        ("ZTO,广东省,1000,五元,1000,1.00,CNY", "first_price", "not a price"),
        ("ZTO,广东省,1000,-5.00,1000,1.00,CNY", "first_price", "zero or more"),
        ("ZTO,广东省,1000,5.00,1000,1.005,CNY", "additional_price", "more than 2 decimals"),
        ("ZTO,广东省,1000,5.00,1000,NaN,CNY", "additional_price", "zero or more"),
        ("ZTO,广东省,1000,5.00,1000,1.00,RMB", "currency", "unknown currency"),
        ("ZTO,火星,1000,5.00,1000,1.00,CNY", "destination", "unknown province"),
        (",广东省,1000,5.00,1000,1.00,CNY", "carrier", "is empty"),
        ("ZTO,广东省,1000,5.00,1000,1.00", None, "expected 7 values, found 6"),
    ],
)
def test_a_bad_row_names_its_line_and_column(row: str, column: str | None, words: str) -> None:
    text = f"{HEADER}\nZTO,*,1000,8.00,1000,3.00,CNY\n{row}\n"
    with pytest.raises(RateTableError) as error:
        load_rate_table(text)
    assert (error.value.line, error.value.column) == (3, column)
    assert words in error.value.message
    assert str(error.value).startswith("line 3")


def test_duplicate_rates_name_both_lines() -> None:
    text = f"{HEADER}\nZTO,广东省,1000,5,1000,1,CNY\nSF,广东省,1000,12,1000,2,CNY\nZTO,广东,1000,6,1000,1,CNY\n"
    with pytest.raises(RateTableError) as error:
        load_rate_table(text)
    assert error.value.line == 4
    assert "already priced on line 2" in error.value.message


def test_one_currency_per_table() -> None:
    text = f"{HEADER}\nZTO,广东省,1000,5,1000,1,CNY\nSF,广东省,1000,2,1000,1,USD\n"
    with pytest.raises(RateTableError) as error:
        load_rate_table(text)
    assert (error.value.line, error.value.column) == (3, "currency")


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("", 1, None, "empty"),
        (f"{HEADER}\n", 1, None, "no rates"),
        (HEADER.replace(",currency", "") + "\n", 1, "currency", "missing column"),
        (HEADER + ",zone\n", 1, "zone", "unknown column"),
        ("# comment\n" + HEADER.replace("carrier", "express") + "\n", 2, "express", "unknown"),
    ],
)
def test_header_problems(text: str, line: int, column: str | None, words: str) -> None:
    with pytest.raises(RateTableError) as error:
        load_rate_table(text)
    assert (error.value.line, error.value.column) == (line, column)
    assert words in error.value.message


def test_demo_rates_price_every_province_for_every_carrier_realistically() -> None:
    table = demo_rate_table()
    assert table.carriers == {"SF", "ZTO", "YTO", "YUNDA", "JD", "DEBANG"}
    assert table.currency == "CNY"
    for province, *_ in PROVINCES:
        for origin in ("WH-SH", "WH-GZ", "WH-BJ", "WH-CD"):
            zto = table.find("ZTO", province, origin=origin)
            sf = table.find("SF", province, origin=origin)
            assert zto is not None and sf is not None
            assert D(5) <= zto.first_price <= D(12) and D(1) <= zto.additional_price <= D(8)
            assert sf.first_price > zto.first_price
    # ZTO from 上海仓: same city ¥5, 华东 ¥6 + ¥1.5/kg, nationwide ¥8 + ¥3/kg, 新疆 ¥12 + ¥8/kg
    assert table.price_for("ZTO", "上海市", 2500, origin="WH-SH") == Money(D("7.00"), "CNY")
    assert table.price_for("ZTO", "江苏省", 2500, origin="WH-SH") == Money(D("9.00"), "CNY")
    assert table.price_for("ZTO", "广东省", 2500, origin="WH-SH") == Money(D("14.00"), "CNY")
    assert table.price_for("ZTO", "新疆", 2500, origin="WH-SH") == Money(D("28.00"), "CNY")
