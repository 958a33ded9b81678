from __future__ import annotations

import copy

import pytest

from orderhub.allocation import (
    AllocationConfig,
    AllocationConfigError,
    Availability,
    OrderToAllocate,
    RateTable,
    ShipmentLine,
    Unfillable,
    Warehouse,
    WarehouseChoice,
    choose_warehouse,
    choose_warehouses,
)
from tests.unit.allocation.world import BJ, CD, GZ, WAREHOUSES, order, stock_everywhere

REGIONS = AllocationConfig(
    strategy="region_map",
    region_map={"华东": ("WH-SH",), "华南": ("WH-GZ",), "华北": ("WH-BJ",), "西南": ("WH-CD",)},
)
NEAREST = AllocationConfig(strategy="nearest")
SINGLE_FIRST = AllocationConfig(strategy="single_first", tiebreak="nearest")


def choose(
    o: OrderToAllocate,
    availability: Availability,
    config: AllocationConfig,
    rates: RateTable | None = None,
) -> WarehouseChoice | Unfillable:
    return choose_warehouse(o, availability, config, warehouses=WAREHOUSES, rates=rates)


def chosen(result: object) -> list[str]:
    assert isinstance(result, WarehouseChoice), result
    return [s.warehouse_code for s in result.shipments]


# --- each strategy picks what a seller expects -------------------------------------------


def test_region_map_sends_east_china_to_shanghai_and_south_china_to_guangzhou() -> None:
    stock = stock_everywhere("TEA-LJ-250G")
    east = choose(order("浙江省", "杭州市"), stock, REGIONS)
    south = choose(order("广西壮族自治区", "南宁市"), stock, REGIONS)
    assert chosen(east) == ["WH-SH"]
    assert chosen(south) == ["WH-GZ"]
    assert isinstance(east, WarehouseChoice)
    assert east.reason.startswith("WH-SH (region 华东 → WH-SH first) fills all 1 line")


def test_region_map_province_key_beats_region_and_star_beats_distance() -> None:
    config = AllocationConfig.from_dict(
        {
            "strategy": "region_map",
            "region_map": {"华东": ["WH-SH"], "福建": ["WH-GZ"], "*": ["WH-BJ"]},
        }
    )
    stock = stock_everywhere("TEA-LJ-250G")
    assert chosen(choose(order("福建省", "厦门市"), stock, config)) == ["WH-GZ"]
    assert chosen(choose(order("江西省", "南昌市"), stock, config)) == ["WH-SH"]
    # 乌鲁木齐 is nearer to 成都 than to 北京, but the seller's default says 北京.
    assert chosen(choose(order("新疆维吾尔自治区", "乌鲁木齐市"), stock, config)) == ["WH-BJ"]


def test_region_map_accepts_short_province_names_on_orders() -> None:
    stock = stock_everywhere("TEA-LJ-250G")
    assert chosen(choose(order("浙江", ""), stock, REGIONS)) == ["WH-SH"]


def test_region_map_falls_back_to_the_nearest_unmapped_warehouse() -> None:
    config = AllocationConfig(strategy="region_map", region_map={"华东": ("WH-SH",)})
    stock = {"WH-GZ": {"TEA-LJ-250G": 5}, "WH-BJ": {"TEA-LJ-250G": 5}}
    result = choose(order("江苏省", "南京市"), stock, config)
    assert chosen(result) == ["WH-BJ"]  # 南京→北京 ~900 km, 南京→广州 ~1,130 km
    assert isinstance(result, WarehouseChoice)
    assert "WH-SH (region 华东 → WH-SH first) lacks TEA-LJ-250G×1" in result.reason


@pytest.mark.parametrize(
    ("province", "city", "expected"),
    [
        ("四川省", "成都市", "WH-CD"),
        ("广东省", "深圳市", "WH-GZ"),
        ("天津市", "天津市", "WH-BJ"),
        ("江苏省", "苏州市", "WH-SH"),
        ("湖北省", "武汉市", "WH-SH"),  # 武汉: 上海 ~690 km, 广州 ~840 km, 成都 ~980 km
        ("湖北省", "宜昌市", "WH-CD"),  # 宜昌 is in the same province but nearer 成都
        ("湖北省", "某某市", "WH-SH"),  # unknown city: the province capital 武汉
        ("黑龙江", "", "WH-BJ"),
    ],
)
def test_nearest_uses_the_city_or_the_province_capital(
    province: str, city: str, expected: str
) -> None:
    result = choose(order(province, city), stock_everywhere("TEA-LJ-250G"), NEAREST)
    assert chosen(result) == [expected]


def test_nearest_reason_names_every_warehouse_with_its_distance() -> None:
    result = choose(order("浙江省", "杭州市"), stock_everywhere("TEA-LJ-250G"), NEAREST)
    assert isinstance(result, WarehouseChoice)
    assert result.reason.startswith("WH-SH (165 km) fills all 1 line; also considered WH-GZ (")
    for code in ("WH-GZ", "WH-BJ", "WH-CD"):
        assert code in result.reason
    assert [c.code for c in result.considered] == ["WH-SH", "WH-GZ", "WH-BJ", "WH-CD"]
    assert [c.rank for c in result.considered] == [1, 2, 3, 4]
    assert result.considered[0].distance_km == pytest.approx(165, abs=5)


def test_single_first_beats_a_nearer_warehouse_that_would_split() -> None:
    o = order("浙江省", "杭州市", ("TEA-LJ-250G", 2), ("CUP-GLASS", 1))
    stock = {"WH-SH": {"TEA-LJ-250G": 9}, "WH-GZ": {"TEA-LJ-250G": 9, "CUP-GLASS": 9}}
    single = choose(o, stock, SINGLE_FIRST)
    assert chosen(single) == ["WH-GZ"]
    assert isinstance(single, WarehouseChoice)
    assert "better-ranked WH-SH (165 km) lacks CUP-GLASS×1" in single.reason
    # The same order under "nearest" ships what Shanghai has and the cup from Guangzhou.
    near = choose(o, stock, NEAREST)
    assert chosen(near) == ["WH-SH", "WH-GZ"]
    assert isinstance(near, WarehouseChoice)
    assert near.reason.startswith("WH-SH (165 km) lacks CUP-GLASS×1; split WH-SH (1 line) + WH-GZ")


def test_single_first_tiebreak_by_region_map() -> None:
    config = AllocationConfig(
        strategy="single_first", tiebreak="region_map", region_map={"华东": ("WH-BJ", "WH-SH")}
    )
    result = choose(order(), stock_everywhere("TEA-LJ-250G"), config)
    assert chosen(result) == ["WH-BJ"]
    assert isinstance(result, WarehouseChoice)
    assert result.strategy == "single_first"


CHEAP_FROM_GZ = RateTable.from_csv(
    "carrier,origin,destination,first_weight_g,first_price,additional_weight_g,additional_price,currency\n"
    "ZTO,WH-SH,浙江省,1000,9.00,1000,3.00,CNY\n"
    "ZTO,WH-GZ,浙江省,1000,6.00,1000,2.00,CNY\n"
    "ZTO,*,*,1000,12.00,1000,5.00,CNY\n"
)


def test_cheapest_picks_the_warehouse_with_the_lowest_rate() -> None:
    config = AllocationConfig(strategy="cheapest")
    result = choose(
        order(weight_g=2500), stock_everywhere("TEA-LJ-250G"), config, rates=CHEAP_FROM_GZ
    )
    assert chosen(result) == ["WH-GZ"]  # ¥6 + 2×¥2 = ¥10 beats ¥9 + 2×¥3 = ¥15 from 上海
    assert isinstance(result, WarehouseChoice)
    assert result.reason.startswith("WH-GZ (¥10.00 via ZTO) fills all 1 line")
    costs = {c.code: c.cost.amount for c in result.considered if c.cost}
    assert costs == {"WH-GZ": 10, "WH-SH": 15, "WH-BJ": 22, "WH-CD": 22}
    # 北京 and 成都 cost the same; 北京 is nearer to 杭州, so it ranks first.
    assert [c.code for c in result.considered] == ["WH-GZ", "WH-SH", "WH-BJ", "WH-CD"]


def test_cheapest_needs_a_rate_table() -> None:
    with pytest.raises(AllocationConfigError) as error:
        choose(order(), {}, AllocationConfig(strategy="cheapest"))
    assert error.value.field == "strategy"


# --- splitting and shortages -------------------------------------------------------------


def test_split_uses_few_shipments_and_never_more_than_available() -> None:
    o = order("浙江省", "杭州市", ("TEA", 2), ("CUP", 1), ("BOX", 3))
    stock = {
        "WH-SH": {"TEA": 2},
        "WH-GZ": {"TEA": 2, "BOX": 3},
        "WH-BJ": {"CUP": 1, "BOX": 1},
        "WH-CD": {"CUP": 5},
    }
    result = choose(o, stock, SINGLE_FIRST)
    assert isinstance(result, WarehouseChoice)
    assert result.shipments[0].warehouse_code == "WH-GZ"  # covers 5 of 6 units
    assert result.shipments[0].lines == (ShipmentLine(1, "TEA", 2), ShipmentLine(3, "BOX", 3))
    assert result.shipments[1].warehouse_code == "WH-BJ"  # nearer than 成都, same units
    assert result.shipments[1].lines == (ShipmentLine(2, "CUP", 1),)
    assert result.reason.startswith(
        "no warehouse fills all lines (WH-SH (165 km) lacks CUP×1, BOX×3;"
    )
    assert result.reason.endswith("split WH-GZ (2 lines) + WH-BJ (1 line)")


def test_a_line_is_split_across_warehouses_when_no_one_has_enough() -> None:
    o = order("浙江省", "杭州市", ("TEA", 5))
    result = choose(o, {"WH-SH": {"TEA": 3}, "WH-BJ": {"TEA": 4}}, SINGLE_FIRST)
    assert isinstance(result, WarehouseChoice)
    assert [(s.warehouse_code, s.lines) for s in result.shipments] == [
        ("WH-BJ", (ShipmentLine(1, "TEA", 4),)),
        ("WH-SH", (ShipmentLine(1, "TEA", 1),)),
    ]


def test_unfillable_reports_missing_units_per_sku_and_takes_nothing() -> None:
    first = order("浙江省", "杭州市", ("TEA", 5), ("CUP", 1), order_id="A")
    second = order("浙江省", "杭州市", ("TEA", 3), order_id="B")
    stock = {"WH-SH": {"TEA": 2, "CUP": 1}, "WH-GZ": {"TEA": 1}}
    results = choose_warehouses([first, second], stock, SINGLE_FIRST, warehouses=WAREHOUSES)
    assert isinstance(results[0], Unfillable)
    assert results[0].missing == {"TEA": 2}
    assert results[0].reason == "stock short across WH-SH, WH-GZ, WH-BJ, WH-CD: TEA×2"
    assert chosen(results[1]) == ["WH-SH", "WH-GZ"]  # the short order left the stock alone


def test_no_split_setting_refuses_to_split() -> None:
    config = AllocationConfig(strategy="nearest", split=False)
    o = order("浙江省", "杭州市", ("TEA", 1), ("CUP", 1))
    result = choose(o, {"WH-SH": {"TEA": 1}, "WH-GZ": {"CUP": 1}}, config)
    assert isinstance(result, Unfillable)
    assert result.missing == {"CUP": 1}  # what the best-ranked warehouse lacks
    assert result.reason.startswith("splitting is off and no warehouse fills all lines")
    filled = choose(o, {"WH-SH": {"TEA": 1}, "WH-CD": {"TEA": 1, "CUP": 1}}, config)
    assert chosen(filled) == ["WH-CD"]


def test_inactive_warehouses_are_never_used() -> None:
    closed = Warehouse("WH-SH", "上海仓", "华东", "上海市", "上海市", "青浦区", active=False)
    result = choose_warehouse(
        order(), stock_everywhere("TEA-LJ-250G"), NEAREST, warehouses=(closed, GZ, BJ, CD)
    )
    assert chosen(result) == ["WH-GZ"]
    assert isinstance(result, WarehouseChoice)
    assert "WH-SH" not in [c.code for c in result.considered]


def test_no_active_warehouse_is_unfillable() -> None:
    result = choose_warehouse(order(), {}, NEAREST, warehouses=())
    assert isinstance(result, Unfillable)
    assert result.reason == "no active warehouse"
    assert result.missing == {"TEA-LJ-250G": 1}


# --- preferred warehouse from review rules -------------------------------------------------


def test_preferred_warehouse_is_honoured_when_it_can_fill() -> None:
    o = order(preferred_warehouse="WH-CD")
    result = choose(o, stock_everywhere("TEA-LJ-250G"), NEAREST)
    assert chosen(result) == ["WH-CD"]
    assert isinstance(result, WarehouseChoice)
    assert result.reason.startswith("WH-CD: preferred by review rule; fills all 1 line")
    assert "also considered WH-SH (165 km)" in result.reason


def test_preferred_warehouse_is_ignored_with_a_reason_when_it_cannot_fill() -> None:
    o = order("浙江省", "杭州市", ("TEA", 3), preferred_warehouse="WH-CD")
    result = choose(o, {"WH-CD": {"TEA": 2}, "WH-SH": {"TEA": 3}}, NEAREST)
    assert chosen(result) == ["WH-SH"]
    assert isinstance(result, WarehouseChoice)
    assert result.reason.startswith("preferred WH-CD ignored: lacks TEA×1; WH-SH (165 km) fills")


def test_unknown_preferred_warehouse_is_ignored_with_a_reason() -> None:
    result = choose(order(preferred_warehouse="WH-XX"), stock_everywhere("TEA-LJ-250G"), NEAREST)
    assert isinstance(result, WarehouseChoice)
    assert result.reason.startswith("preferred WH-XX ignored: not an active warehouse; WH-SH")


# --- batches draw stock down --------------------------------------------------------------


def test_batch_gives_stock_to_earlier_orders_and_never_touches_the_callers_mapping() -> None:
    stock = {"WH-SH": {"TEA": 4}, "WH-GZ": {"TEA": 10}}
    before = copy.deepcopy(stock)
    orders = [order("上海市", "上海市", ("TEA", 3), order_id=str(n)) for n in range(5)]
    results = choose_warehouses(orders, stock, SINGLE_FIRST, warehouses=WAREHOUSES)
    assert [chosen(r) for r in results[:4]] == [["WH-SH"], ["WH-GZ"], ["WH-GZ"], ["WH-GZ"]]
    assert isinstance(results[4], Unfillable)
    assert results[4].missing == {"TEA": 1}  # 1 left in 上海 + 1 in 广州
    assert stock == before


def test_region_map_naming_an_unknown_warehouse_is_a_config_error() -> None:
    config = AllocationConfig(strategy="region_map", region_map={"华东": ("WH-HZ",)})
    with pytest.raises(AllocationConfigError) as error:
        choose(order(), {}, config)
    assert error.value.field == "region_map.华东"
    assert "WH-HZ" in error.value.message
