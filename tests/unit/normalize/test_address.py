"""Chinese address completion on real examples.

Expectations are written "province/city/district code band": band is high (>= 0.9),
medium (0.5 to 0.9) or low (< 0.5); an empty part is an empty field.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping

import pytest

from orderhub.normalize.address import NormalizedAddress, normalize_address, normalize_many
from orderhub.normalize.address_index import INDEX
from orderhub.normalize.address_tables import TRAD_TO_SIMP


def band(confidence: float) -> str:
    if confidence >= 0.9:
        return "high"
    return "medium" if confidence >= 0.5 else "low"


def check(found: NormalizedAddress, expected: str, *notes: str, street: str | None = None) -> None:
    """expected: "广东省/深圳市/南山区 440305 high"."""
    divisions, code, level = expected.split(" ")
    got = f"{found.province}/{found.city}/{found.district} {found.code} {band(found.confidence)}"
    assert got == f"{divisions} {code if code != '-' else ''} {level}", found
    for note in notes:
        assert note in found.notes, found.notes
    if street is not None:
        assert found.street == street, found


NOTHING = "// - low"


# --------------------------------------------------------------- missing levels
def test_missing_province_is_inferred_from_the_city() -> None:
    found = normalize_address("深圳市南山区科技园")
    check(found, "广东省/深圳市/南山区 440305 high", street="科技园")
    assert found.notes == ("province 广东省 inferred from city 深圳市",)


def test_district_alone_in_two_cities_is_not_guessed() -> None:
    found = normalize_address("南山区科技园南区")  # 深圳市 and 鹤岗市 both have one
    check(found, NOTHING, "district 南山区 is ambiguous (鹤岗市, 深圳市); none chosen")
    assert found.confidence < 0.5
    assert found.street == "南山区科技园南区"  # nothing recognised: the text stays whole


def test_a_unique_county_gives_city_and_province() -> None:
    found = normalize_address("昆山市玉山镇")
    notes = (
        "province 江苏省 inferred from district 昆山市",
        "city 苏州市 inferred from district 昆山市",
    )
    check(found, "江苏省/苏州市/昆山市 320583100 high", *notes, street="玉山镇")


# --------------------------------------------------------------- short province forms
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("广西南宁市青秀区民族大道100号", "广西壮族自治区/南宁市/青秀区 450103 high"),
        ("内蒙古呼和浩特市新城区", "内蒙古自治区/呼和浩特市/新城区 150102 high"),
        ("新疆乌鲁木齐市天山区", "新疆维吾尔自治区/乌鲁木齐市/天山区 650102 high"),
        ("宁夏银川市兴庆区", "宁夏回族自治区/银川市/兴庆区 640104 high"),
        ("西藏拉萨市城关区", "西藏自治区/拉萨市/城关区 540102 high"),
        ("黑龙江哈尔滨市南岗区", "黑龙江省/哈尔滨市/南岗区 230103 high"),
        ("北京海淀区中关村大街1号", "北京市/北京市/海淀区 110108 high"),
        ("广东深圳市福田区", "广东省/深圳市/福田区 440304 high"),
        ("广东深圳南山", "广东省/深圳市/南山区 440305 high"),
    ],
)
def test_short_province_forms(text: str, expected: str) -> None:
    check(normalize_address(text), expected)


def test_a_short_name_that_is_a_street_is_left_alone() -> None:
    check(normalize_address("北京东路"), NOTHING, "no division found")
    check(normalize_address("中山公园"), NOTHING)
    found = normalize_address("上海市南京西路1号")  # 南京 is not a division here
    check(found, "上海市/上海市/ 310000 medium", "district not found", street="南京西路1号")


# --------------------------------------------------------------- municipalities
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("北京朝阳区建国路88号", "北京市/北京市/朝阳区 110105 high"),
        ("上海市浦东新区世纪大道", "上海市/上海市/浦东新区 310115 high"),
        ("天津市和平区", "天津市/天津市/和平区 120101 high"),
        ("重庆万州区", "重庆市/重庆市/万州区 500101 high"),
        ("北京市市辖区东城区", "北京市/北京市/东城区 110101 high"),
    ],
)
def test_municipalities_are_province_and_city(text: str, expected: str) -> None:
    found = normalize_address(text)
    check(found, expected)
    assert found.notes == ()


def test_municipality_street_is_the_remainder() -> None:
    assert normalize_address("北京朝阳区建国路88号").street == "建国路88号"


# --------------------------------------------------------------- county-level cities, no districts
def test_county_level_cities_keep_their_prefecture() -> None:
    check(normalize_address("江苏省苏州市昆山市花桥镇"), "江苏省/苏州市/昆山市 320583108 high")
    found = normalize_address("浙江省义乌市稠城街道")
    check(found, "浙江省/金华市/义乌市 330782001 high", "city 金华市 inferred from district 义乌市")


@pytest.mark.parametrize(
    ("text", "expected", "street"),
    [
        ("广东省东莞市长安镇振安路", "广东省/东莞市/长安镇 441900 high", "振安路"),
        ("东莞市xx路", "广东省/东莞市/ 441900 high", "xx路"),
        ("中山市小榄镇", "广东省/中山市/小榄镇 442000 high", ""),
        ("海南省儋州市那大镇", "海南省/儋州市/那大镇 460400 high", ""),
        ("甘肃省嘉峪关市新城镇", "甘肃省/嘉峪关市/新城镇 620200 high", ""),
    ],
)
def test_cities_without_districts_put_the_town_in_district(
    text: str, expected: str, street: str
) -> None:
    check(normalize_address(text), expected, street=street)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("湖北省仙桃市沙嘴街道", "湖北省/仙桃市/沙嘴街道 429004001 high"),
        ("潜江市园林街道", "湖北省/潜江市/园林街道 429005001 high"),
        ("天门市竟陵街道", "湖北省/天门市/竟陵街道 429006001 high"),
        ("河南省济源市沁园街道", "河南省/济源市/沁园街道 419001001 high"),
    ],
)
def test_directly_administered_county_level_cities(text: str, expected: str) -> None:
    check(normalize_address(text), expected)


def test_platform_style_filler_city_for_directly_administered_units() -> None:
    found = normalize_address(
        "沙嘴街道xx路", province="湖北省", city="省直辖县级行政区划", district="仙桃市"
    )
    check(found, "湖北省/仙桃市/沙嘴街道 429004001 high", street="xx路")


# --------------------------------------------------------------- same district name, several cities
@pytest.mark.parametrize(
    ("text", "hints", "expected"),
    [
        ("长春市朝阳区", {}, "吉林省/长春市/朝阳区 220104 high"),
        ("朝阳区建国路", {"province": "北京"}, "北京市/北京市/朝阳区 110105 high"),
        ("朝阳区建国路", {"province": "吉林省"}, "吉林省/长春市/朝阳区 220104 high"),
        ("南京市鼓楼区", {}, "江苏省/南京市/鼓楼区 320106 high"),
        ("徐州鼓楼区", {}, "江苏省/徐州市/鼓楼区 320302 high"),
        ("开封市鼓楼区", {}, "河南省/开封市/鼓楼区 410204 high"),
        ("鼓楼区中山路", {"province": "福建"}, "福建省/福州市/鼓楼区 350102 high"),
        ("杭州市西湖区文三路", {}, "浙江省/杭州市/西湖区 330106 high"),
        ("西湖区", {"city": "南昌市"}, "江西省/南昌市/西湖区 360103 high"),
        ("上海市普陀区", {}, "上海市/上海市/普陀区 310107 high"),
        ("浙江普陀区", {}, "浙江省/舟山市/普陀区 330903 high"),
        ("南山区科技园南区", {"city": "深圳"}, "广东省/深圳市/南山区 440305 high"),
    ],
)
def test_city_or_province_decides_a_shared_district_name(
    text: str, hints: dict[str, str], expected: str
) -> None:
    check(normalize_address(text, **hints), expected)


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("朝阳区建国路", "district 朝阳区 is ambiguous (北京市, 长春市); none chosen"),
        (
            "鼓楼区中山路",
            "district 鼓楼区 is ambiguous (南京市, 徐州市, 福州市, 开封市); none chosen",
        ),
        ("西湖区", "district 西湖区 is ambiguous (杭州市, 南昌市); none chosen"),
        ("普陀区", "district 普陀区 is ambiguous (上海市, 舟山市); none chosen"),
    ],
)
def test_undecided_shared_names_are_low_confidence_with_the_candidates(
    text: str, note: str
) -> None:
    check(normalize_address(text), NOTHING, note)


def test_partly_decided_keeps_the_common_part() -> None:
    found = normalize_address("江苏鼓楼区")
    note = "district 鼓楼区 is ambiguous (南京市, 徐州市); none chosen"
    check(found, "江苏省// 320000 low", note, street="鼓楼区")


# --------------------------------------------------------------- district from town
def test_district_inferred_from_a_street_name() -> None:
    found = normalize_address("深圳市粤海街道科技园")
    note = "district 南山区 inferred from street 粤海街道"
    check(found, "广东省/深圳市/南山区 440305007 medium", note, street="粤海街道科技园")
    check(normalize_address("广州市天河区"), "广东省/广州市/天河区 440106 high")


def test_a_unique_town_alone_gives_everything_at_lower_confidence() -> None:
    found = normalize_address("粤海街道科技园")
    check(
        found, "广东省/深圳市/南山区 440305007 medium", "city 深圳市 inferred from street 粤海街道"
    )


def test_hangzhou_linping_street() -> None:
    found = normalize_address("杭州市临平街道")
    note = "district 临平区 inferred from street 临平街道"
    check(found, "浙江省/杭州市/临平区 330113001 medium", note)


def test_town_in_another_district_corrects_the_district() -> None:
    found = normalize_address("深圳市福田区南山街道")
    note = "street 南山街道 is in 南山区, not 福田区; district corrected"
    check(found, "广东省/深圳市/南山区 440305002 medium", note, street="南山街道")


def test_a_common_town_name_alone_is_not_guessed() -> None:
    found = normalize_address("城关镇")
    assert found.code == "" and found.confidence < 0.5
    assert any(note.startswith("street 城关镇 is ambiguous") for note in found.notes)


# --------------------------------------------------------------- renamed / abolished
@pytest.mark.parametrize(
    ("text", "expected", "note"),
    [
        ("天津市塘沽区", "天津市/天津市/滨海新区 120116 high", "renamed: 塘沽区 → 滨海新区 (2009)"),
        ("塘沽区", "天津市/天津市/滨海新区 120116 high", "renamed: 塘沽区 → 滨海新区 (2009)"),
        ("上海市闸北区", "上海市/上海市/静安区 310106 high", "renamed: 闸北区 → 静安区 (2015)"),
        (
            "山东省莱芜市钢城区",
            "山东省/济南市/钢城区 370117 high",
            "renamed: 莱芜市 → 济南市 (2019; now 莱芜区/钢城区)",
        ),
        ("莱芜市莱城区", "山东省/济南市/莱芜区 370116 medium", "renamed: 莱城区 → 莱芜区 (2019)"),
        (
            "湖北省襄樊市樊城区",
            "湖北省/襄阳市/樊城区 420606 high",
            "renamed: 襄樊市 → 襄阳市 (2010)",
        ),
        (
            "四川省资阳市简阳市",
            "四川省/成都市/简阳市 510185 medium",
            "moved: 简阳市 from 资阳市 to 成都市 (2016)",
        ),
        (
            "简阳市",
            "四川省/成都市/简阳市 510185 high",
            "moved: 简阳市 from 资阳市 to 成都市 (2016)",
        ),
        (
            "安徽省巢湖市",
            "安徽省/合肥市/巢湖市 340181 high",
            "moved: prefecture-level 巢湖市 abolished; 巢湖市 is a county-level city of 合肥市 (2011)",
        ),
        ("北京市密云县", "北京市/北京市/密云区 110118 high", "renamed: 密云县 → 密云区"),
    ],
)
def test_old_names_map_to_current_divisions(text: str, expected: str, note: str) -> None:
    check(normalize_address(text), expected, note)


def test_yuhang_linping_street_is_now_linping_district() -> None:
    for text in ("余杭区临平街道", "浙江省杭州市余杭区临平街道"):
        found = normalize_address(text)
        check(found, "浙江省/杭州市/临平区 330113001 medium", "split: 临平区 from 余杭区 (2021)")


def test_old_prefecture_alone_lacks_a_district() -> None:
    found = normalize_address("山东省莱芜市")
    note = "renamed: 莱芜市 → 济南市 (2019; now 莱芜区/钢城区)"
    check(found, "山东省/济南市/ 370100 medium", note, "district not found")
    check(normalize_address("襄樊市"), "湖北省/襄阳市/ 420600 medium")


def test_a_split_district_is_decided_by_its_street() -> None:
    found = normalize_address("杭州市江干区")
    note = "district 江干区 is ambiguous (上城区, 钱塘区); none chosen"
    check(found, "浙江省/杭州市/ 330100 low", note)
    check(normalize_address("杭州市江干区下沙街道"), "浙江省/杭州市/钱塘区 330114001 high")


# --------------------------------------------------------------- characters, spacing, postcodes
def test_traditional_characters() -> None:
    found = normalize_address("廣東省深圳市南山區")
    note = "traditional characters converted to simplified"
    check(found, "广东省/深圳市/南山区 440305 high", note)
    check(normalize_address("臺灣省"), "台湾省// 710000 low")
    check(normalize_address("遼寧省瀋陽市"), "辽宁省/沈阳市/ 210100 medium")


def test_traditional_table_never_rewrites_a_current_name() -> None:
    names = {ch for n, k in zip(INDEX.name, INDEX.kind, strict=True) if k != "T" for ch in n}
    assert not names & set(TRAD_TO_SIMP)


def test_full_width_spaces_punctuation_and_postcode() -> None:
    found = normalize_address("广东省　深圳市，南山区　科技园（518057）")
    check(found, "广东省/深圳市/南山区 440305 high", "postcode 518057 removed", street="科技园")
    found = normalize_address("ＸＸ路１号", province="广东省", city="深圳市", district="南山区")
    assert found.street == "XX路1号"


@pytest.mark.parametrize("text", ["延边州延吉市", "吉林省延边朝鲜族自治州延吉市", "延边延吉市"])
def test_autonomous_prefecture_short_forms(text: str) -> None:
    check(normalize_address(text), "吉林省/延边朝鲜族自治州/延吉市 222401 high")


def test_repeated_divisions_in_the_street_field_are_dropped() -> None:
    text = "广东省深圳市南山区广东省深圳市南山区科技园"
    found = normalize_address(text, province="广东省", city="深圳市", district="南山区")
    check(found, "广东省/深圳市/南山区 440305 high", street="科技园")


def test_text_before_the_address_is_kept() -> None:
    found = normalize_address("收货地址:广东省深圳市南山区科技园")
    check(found, "广东省/深圳市/南山区 440305 high", street="收货地址 科技园")


# --------------------------------------------------------------- hints
def test_hints_alone_resolve_a_street_only_text() -> None:
    found = normalize_address("科技园南区88号", province="广东省", city="深圳市", district="南山区")
    check(found, "广东省/深圳市/南山区 440305 high", street="科技园南区88号")
    assert found.notes == ()


def test_text_beats_a_conflicting_hint() -> None:
    found = normalize_address("上海市普陀区长寿路1号", province="浙江省")
    note = "hint province 浙江省 ignored: does not match 上海市普陀区"
    check(found, "上海市/上海市/普陀区 310107 medium", note)


def test_placeholder_hints_are_ignored() -> None:
    found = normalize_address("东城区xx", province="北京市", city="市辖区", district="东城区")
    check(found, "北京市/北京市/东城区 110101 high")


def test_nothing_found() -> None:
    check(normalize_address(""), NOTHING, "no division found")
    found = normalize_address("人民路123号")
    assert (found.street, found.confidence) == ("人民路123号", 0.0)


# --------------------------------------------------------------- API and data
def test_normalize_many_takes_text_or_mappings() -> None:
    items: list[str | Mapping[str, str]] = [
        "北京朝阳区",
        {"text": "科技园", "city": "深圳", "district": "南山区"},
        {"address": "塘沽区"},
    ]
    assert [f.code for f in normalize_many(items)] == ["110105", "440305", "120116"]


def test_result_is_frozen() -> None:
    found = normalize_address("北京朝阳区")
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.city = "x"  # type: ignore[misc]


def test_data_codes_are_well_formed() -> None:
    kinds = {k: INDEX.kind.count(k) for k in "PMCXDT"}
    assert kinds["M"] == 4 and kinds["P"] == 30
    assert kinds["D"] > 2800 and kinds["T"] > 38000
    for node, code in enumerate(INDEX.code):
        if INDEX.kind[node] == "T":
            parent_code = INDEX.code[INDEX.parent[node]]
            assert code == "" or (len(code) == 9 and code.startswith(parent_code))
        else:
            assert len(code) == 6 and code.isdigit()


def test_speed_smoke() -> None:
    texts = ["深圳市南山区科技园", "北京朝阳区建国路88号", "杭州市临平街道", "鼓楼区中山路"] * 1250
    started = time.perf_counter()
    normalize_many(texts)
    rate = len(texts) / (time.perf_counter() - started)
    assert rate > 5_000, f"{rate:.0f} addresses/s"
