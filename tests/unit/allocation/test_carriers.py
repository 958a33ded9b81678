from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from orderhub.allocation import (
    Carrier,
    CarrierChoice,
    CarrierConfigError,
    NoCarrier,
    RateTable,
    choose_carrier,
    demo_carriers,
    demo_rate_table,
    parse_carrier_rules,
)
from orderhub.allocation.carrier_rules import CarrierRule
from orderhub.money import Money
from tests.unit.allocation.world import GZ, SH, order

D = Decimal
CARRIERS = demo_carriers()
RATES = demo_rate_table()


def pick(o: Any, *, warehouse: Any = SH, rules: Any = (), carriers: Any = CARRIERS) -> Any:
    return choose_carrier(o, warehouse, carriers, rates=RATES, rules=rules)


def eligible(result: CarrierChoice | NoCarrier) -> set[str]:
    return {c.code for c in result.considered if c.eligible}


def why_not(result: CarrierChoice | NoCarrier, code: str) -> str:
    return next(c.why_not for c in result.considered if c.code == code)


def test_cheapest_eligible_carrier_wins_and_the_reason_lists_the_others() -> None:
    # 上海仓 → 杭州 2.5 kg: YUNDA 5.50 + 2×1.50 = 8.50; ZTO 6.00 + 3.00 = 9.00; YTO 6.50 + 3.00
    result = pick(order("浙江省", "杭州市", weight_g=2500))
    assert isinstance(result, CarrierChoice)
    assert (result.carrier_code, result.cost) == ("YUNDA", Money(D("8.50"), "CNY"))
    assert result.reason.startswith("YUNDA: cheapest eligible at ¥8.50 (ZTO ¥9.00, YTO ¥9.50,")
    assert "JD" in eligible(result)  # express-only carriers may take standard parcels too


def test_equal_prices_break_by_carrier_code() -> None:
    table = RateTable.from_csv(
        "carrier,destination,first_weight_g,first_price,additional_weight_g,additional_price,currency\n"
        "ZTO,*,1000,8.00,1000,2.00,CNY\nYTO,*,1000,8.00,1000,2.00,CNY\n"
    )
    result = choose_carrier(order(), SH, CARRIERS, rates=table)
    assert isinstance(result, CarrierChoice)
    assert result.carrier_code == "YTO"
    assert why_not(result, "SF") == "has no rate to 浙江省 from WH-SH"


def test_cold_chain_needs_a_cold_chain_carrier() -> None:
    result = pick(order(sku_attributes=frozenset({"cold_chain"})))
    assert isinstance(result, CarrierChoice)
    assert result.carrier_code == "SF"
    assert eligible(result) == {"SF"}
    assert why_not(result, "ZTO") == "does not handle cold_chain"
    assert "ruled out: ZTO does not handle cold_chain; YTO" in result.reason


def test_bulky_goods_go_with_a_bulky_carrier() -> None:
    result = pick(order(weight_g=18_000, volume_cm3=400_000, sku_attributes=frozenset({"bulky"})))
    assert isinstance(result, CarrierChoice)
    assert result.carrier_code == "DEBANG"
    assert why_not(result, "SF") == "does not handle bulky"


def test_fragile_goods_only_with_carriers_that_handle_them() -> None:
    result = pick(order(sku_attributes=frozenset({"fragile", "gift_wrap"})))
    assert eligible(result) == {"SF", "JD", "DEBANG"}
    assert isinstance(result, CarrierChoice)
    assert result.carrier_code == "JD"  # 上海仓 → 浙江 1.2 kg: JD 12 + 4 = ¥16, SF 14 + 4 = ¥18


def test_express_orders_need_an_express_service() -> None:
    result = pick(order(weight_g=2500, service_level="express"))
    assert eligible(result) == {"SF", "JD"}
    assert why_not(result, "ZTO") == "has no express service"
    assert isinstance(result, CarrierChoice)
    # 上海仓 → 浙江 2.5 kg: JD 12 + 2×4 = 20; SF 14 + 2×4 = 22
    assert (result.carrier_code, result.cost.amount) == ("JD", D("20.00"))


def test_coverage_limits_where_a_carrier_delivers() -> None:
    local = Carrier("SHUNXIN", "顺心同城", coverage=frozenset({"上海市"}))
    table = RateTable.from_csv(
        "carrier,destination,first_weight_g,first_price,additional_weight_g,additional_price,currency\n"
        "SHUNXIN,*,1000,3.00,1000,1.00,CNY\n"
    )
    inside = choose_carrier(order("上海市", "上海市"), SH, [local], rates=table)
    outside = choose_carrier(order("浙江省", "杭州市"), SH, [local], rates=table)
    assert isinstance(inside, CarrierChoice)
    assert isinstance(outside, NoCarrier)
    assert outside.reason == "no carrier can take this parcel: SHUNXIN does not cover 浙江省"


def test_remote_areas_are_excluded_or_surcharged() -> None:
    o = order("西藏自治区", "拉萨市", weight_g=5000, sku_attributes=frozenset({"bulky"}))
    result = pick(o)
    assert why_not(result, "YUNDA") == "does not handle bulky, does not ship to remote 西藏自治区"
    assert isinstance(result, CarrierChoice)
    # 德邦 to a remote province: 40 + 2×6 = 52, plus its ¥20 remote surcharge
    assert (result.carrier_code, result.cost.amount) == ("DEBANG", D("72.00"))


def test_weight_and_volume_limits() -> None:
    heavy = pick(order(weight_g=35_000))
    assert why_not(heavy, "ZTO") == "35000 g is over its 30000 g limit"
    assert isinstance(heavy, CarrierChoice)
    assert heavy.carrier_code == "DEBANG"  # SF takes up to 50 kg but costs more
    big = pick(order(weight_g=5000, volume_cm3=200_000))
    assert why_not(big, "YTO") == "200000 cm³ is over its 150000 cm³ limit"
    assert eligible(big) == {"SF", "JD", "DEBANG"}


def test_preferred_carrier_wins_when_eligible_even_if_dearer() -> None:
    result = pick(order(weight_g=2500, preferred_carrier="SF"))
    assert isinstance(result, CarrierChoice)
    assert result.carrier_code == "SF"
    assert result.reason.startswith("SF: preferred by review rule, eligible at ¥22.00")


def test_preferred_carrier_is_ignored_with_a_reason_when_not_eligible() -> None:
    o = order("新疆维吾尔自治区", "", weight_g=800, preferred_carrier="YUNDA")
    result = pick(o)
    assert isinstance(result, CarrierChoice)
    assert result.carrier_code == "ZTO"
    assert result.reason.startswith(
        "preferred YUNDA not used (does not ship to remote 新疆维吾尔自治区); ZTO: cheapest"
    )


def test_no_carrier_lists_why_each_was_ruled_out() -> None:
    o = order(weight_g=60_000, sku_attributes=frozenset({"cold_chain", "bulky"}))
    result = pick(o)
    assert isinstance(result, NoCarrier)
    assert result.reason.startswith("no carrier can take this parcel: SF does not handle bulky, ")
    for code in ("SF", "ZTO", "YTO", "YUNDA", "JD", "DEBANG"):
        assert f"{code} does not handle" in result.reason
    assert "60000 g is over its 50000 g limit" in result.reason
    assert not eligible(result)


RULES = parse_carrier_rules(
    [
        {"when": {"attribute": "cold_chain"}, "only": ["SF"], "name": "冷链只走顺丰"},
        {"when": {"province_in": ["新疆", "西藏自治区"]}, "exclude": ["YTO"]},
        {"when": {"min_weight_g": 20000}, "only": ["DEBANG"]},
    ]
)


def test_seller_rules_restrict_carriers() -> None:
    remote = pick(order("新疆维吾尔自治区", "", weight_g=800), rules=RULES)
    assert (
        why_not(remote, "YTO")
        == "excluded by rule 2 (province_in=['新疆维吾尔自治区', '西藏自治区'] → excludes YTO)"
    )
    heavy = pick(order(weight_g=25_000), rules=RULES)
    assert eligible(heavy) == {"DEBANG"}
    assert "excluded by rule 3 (min_weight_g=20000 → only DEBANG)" in why_not(heavy, "SF")
    plain = pick(order(weight_g=800), rules=RULES)
    assert eligible(plain) == {"SF", "ZTO", "YTO", "YUNDA", "JD", "DEBANG"}


def test_a_rule_can_leave_no_carrier() -> None:
    o = order(weight_g=25_000, sku_attributes=frozenset({"cold_chain"}))
    result = pick(o, rules=RULES)
    assert isinstance(result, NoCarrier)
    assert "SF excluded by rule 3" in result.reason
    assert "rule 1 '冷链只走顺丰'" in why_not(result, "ZTO")


def test_rules_round_trip_as_json() -> None:
    assert RULES[0].to_dict() == {
        "when": {"attribute": "cold_chain"},
        "only": ["SF"],
        "name": "冷链只走顺丰",
    }
    assert parse_carrier_rules([r.to_dict() for r in RULES]) == RULES


@pytest.mark.parametrize(
    ("rules", "field", "words"),
    [
        ("SF only", "rules", "list of rules"),
        (["SF"], "rules[0]", "must be an object"),
        ([{"when": {}}], "rules[0]", "exactly one of only or exclude"),
        ([{"only": ["SF"], "exclude": ["YTO"]}], "rules[0]", "exactly one"),
        ([{"only": "SF"}], "rules[0].only", "non-empty list"),
        ([{"only": []}], "rules[0].only", "non-empty list"),
        ([{"only": ["SF"], "then": 1}], "rules[0].then", "unknown key"),
        ([{"only": ["SF"], "when": []}], "rules[0].when", "must be an object"),
        ([{"only": ["SF"], "when": {"weight": 1}}], "rules[0].when.weight", "unknown condition"),
        (
            [{"only": ["SF"], "when": {"min_weight_g": "20kg"}}],
            "rules[0].when.min_weight_g",
            "grams",
        ),
        ([{"only": ["SF"], "when": {"min_weight_g": True}}], "rules[0].when.min_weight_g", "grams"),
        (
            [{"only": ["SF"], "when": {"province_in": ["火星"]}}],
            "rules[0].when.province_in",
            "火星",
        ),
        (
            [{"only": ["SF"], "when": {"service_level": "vip"}}],
            "rules[0].when.service_level",
            "express",
        ),
        ([{"only": ["SF"], "when": {"attribute": ""}}], "rules[0].when.attribute", "non-empty"),
    ],
)
def test_bad_rules_name_the_rule_and_key(rules: Any, field: str, words: str) -> None:
    with pytest.raises(ValueError) as error:
        parse_carrier_rules(rules)
    assert getattr(error.value, "field", None) == field
    assert words in str(error.value)


def test_rule_conditions_all_have_to_hold() -> None:
    rule = CarrierRule.from_dict(
        {"when": {"service_level": "express", "warehouse_in": ["WH-GZ"]}, "only": ["SF"]}
    )
    express = order(service_level="express", weight_g=800)
    assert eligible(pick(express, warehouse=GZ, rules=[rule])) == {"SF"}
    assert eligible(pick(express, warehouse=SH, rules=[rule])) == {"SF", "JD"}


def test_carriers_round_trip_and_bad_settings_name_the_field() -> None:
    for carrier in CARRIERS:
        assert Carrier.from_dict(carrier.to_dict()) == carrier
    with pytest.raises(CarrierConfigError) as error:
        Carrier.from_dict({"code": "SF", "handles": ["frozen"]})
    assert error.value.field == "carriers[SF].handles"
    with pytest.raises(CarrierConfigError) as error:
        Carrier.from_dict({"code": "SF", "max_weight_g": -1})
    assert error.value.field == "carriers[SF].max_weight_g"
    with pytest.raises(CarrierConfigError) as error:
        Carrier.from_dict({"code": "SF", "coverage": ["火星"]})
    assert error.value.field == "carriers[SF].coverage"
