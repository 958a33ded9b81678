from __future__ import annotations

import json

import pytest

from orderhub.normalize.specs import (
    AliasTable,
    SpecAliases,
    default_aliases,
    match_variant,
    parse_spec,
)

COLOURS = {"BLK": "黑色", "WHT": "白色", "NVY": "藏青"}
SIZES = ("S", "M", "L", "XL", "XXL")
T_SHIRT = {
    f"TS-{code}-{size}": {"colour": colour, "size": size}
    for code, colour in COLOURS.items()
    for size in SIZES
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("颜色分类:黑色;尺码:XL", {"colour": "黑色", "size": "XL"}),
        ("颜色：黑色 尺码：XL", {"colour": "黑色", "size": "XL"}),
        ("颜色:Navy Blue 尺码:XL", {"colour": "Navy Blue", "size": "XL"}),
        ("Color: Black, Size: XL", {"colour": "Black", "size": "XL"}),
        ("colour: black, size: M", {"colour": "black", "size": "M"}),
        ("黑色,XL", {"#1": "黑色", "#2": "XL"}),
        ("黑色/XL", {"#1": "黑色", "#2": "XL"}),
        ("Black / XL", {"#1": "Black", "#2": "XL"}),
        ("黑色 XL", {"#1": "黑色", "#2": "XL"}),
        ("1627207:28341:颜色分类:黑色;20509:28315:尺码:XL", {"colour": "黑色", "size": "XL"}),
        ("颜色:白色;尺码:180/100(XL)", {"colour": "白色", "size": "180/100(XL)"}),
        (
            "颜色分类:黑色;尺码:XL;适用季节:夏季",
            {"colour": "黑色", "size": "XL", "适用季节": "夏季"},
        ),
        ("", {}),
    ],
)
def test_parse_spec_reads_every_platform_style(text: str, expected: dict[str, str]) -> None:
    assert parse_spec(text) == expected


@pytest.mark.parametrize(
    ("spec", "sku"),
    [
        ("颜色分类:黑色;尺码:XL", "TS-BLK-XL"),  # Taobao sku_properties_name
        ("颜色：藏青色 尺码：XXL", "TS-NVY-XXL"),  # JD
        ("白色,L", "TS-WHT-L"),  # Pinduoduo goods_spec
        ("黑色/XL", "TS-BLK-XL"),  # Douyin
        ("Navy / 2XL", "TS-NVY-XXL"),  # Shopify variant_title
        ("Color: Black, Size: X-Large", "TS-BLK-XL"),  # WooCommerce
        ("颜色:白色;尺码:180/100(XL)", "TS-WHT-XL"),  # Chinese body size with letter size
        ("ＢＬＡＣＫ / ｓ", "TS-BLK-S"),  # full-width, any case
        ("黑色/加大码", "TS-BLK-XL"),
    ],
)
def test_each_spec_style_finds_its_variant(spec: str, sku: str) -> None:
    result = match_variant(spec, T_SHIRT, default_aliases())
    assert result.sku_code == sku, result.reason
    assert result.matched


def test_seller_added_alias_takes_effect() -> None:
    aliases = default_aliases()
    before = match_variant("黑色,加大", T_SHIRT, aliases)
    assert before.sku_code is None
    assert "unrecognised: '加大'" in before.reason
    aliases.add("size", "XL", "加大")
    assert match_variant("黑色,加大", T_SHIRT, aliases).sku_code == "TS-BLK-XL"


def test_seller_can_move_an_alias_to_another_canonical_value() -> None:
    table = AliasTable("size")
    table.add("XL", "加大")
    table.add("XXL", "加大")
    assert table.canonical_of("加大") == "XXL"
    assert table.aliases["XL"] == set()


def test_ambiguous_spec_names_the_candidates() -> None:
    result = match_variant("黑色", T_SHIRT, default_aliases())
    assert result.sku_code is None
    assert result.reason.startswith("5 variants match colour=Black: TS-BLK-S")
    assert len(result.candidates) == 5


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        ("Navy / XS", "no variant with size=XS"),
        ("颜色:红色;尺码:M", "no variant with colour=Red"),
        ("Color: Jet Black, Size: M", "no variant with colour=Jet Black"),
        ("", "no attribute value recognised in spec ''"),
    ],
)
def test_no_match_says_which_value_is_missing(spec: str, reason: str) -> None:
    result = match_variant(spec, T_SHIRT, default_aliases())
    assert result.sku_code is None
    assert result.reason == reason


def test_missing_combination_is_named() -> None:
    variants = {sku: v for sku, v in T_SHIRT.items() if sku != "TS-NVY-S"}
    result = match_variant("藏青/S", variants, default_aliases())
    assert result.reason == "no variant with colour=Navy, size=S"


def test_variant_tables_may_use_platform_labels_and_english_values() -> None:
    variants = {
        "SH-38": {"颜色": "Black", "尺码": "38"},
        "SH-39": {"颜色": "Black", "尺码": "39"},
        "SH-W39": {"颜色": "White", "尺码": "39"},
    }
    assert match_variant("黑色,39码", variants, default_aliases()).sku_code == "SH-39"
    assert (
        match_variant("Color: White; Size: EU 39", variants, default_aliases()).sku_code == "SH-W39"
    )


def test_values_no_table_knows_compare_as_text() -> None:
    variants = {"MUG-A": {"style": "绿檀大圆把"}, "MUG-B": {"style": "黑檀小圆把"}}
    aliases = SpecAliases()
    aliases.add_label("款式", "style")
    assert match_variant("款式:绿檀大圆把", variants, aliases).sku_code == "MUG-A"
    assert match_variant("黑檀小圆把", variants, aliases).sku_code == "MUG-B"


@pytest.mark.parametrize(
    ("attribute", "text", "canonical"),
    [
        ("size", "X-Large", "XL"),
        ("size", "x large", "XL"),
        ("size", "ＸＬ", "XL"),
        ("size", "加大码", "XL"),
        ("size", "2XL", "XXL"),
        ("size", "均码", "ONE SIZE"),
        ("size", "38码", "38"),
        ("size", "EU 40", "40"),
        ("colour", "BLK", "Black"),
        ("colour", "gray", "Grey"),
        ("colour", "米白", "Beige"),
        ("colour", "黑色(现货)", "Black"),
        ("colour", "卡其色", "Khaki"),
    ],
)
def test_default_aliases(attribute: str, text: str, canonical: str) -> None:
    assert default_aliases().canonical_of(attribute, text) == canonical


def test_unknown_text_has_no_canonical_value() -> None:
    assert default_aliases().canonical_of("size", "加大") is None
    assert default_aliases().canonical_of("weight", "1kg") is None


def test_alias_tables_round_trip_through_json() -> None:
    aliases = default_aliases()
    aliases.add("size", "XL", "加大")
    aliases.add_label("款式", "style")
    restored = SpecAliases.from_dict(json.loads(json.dumps(aliases.to_dict())))
    assert restored == aliases
    assert restored.canonical_of("size", "加大") == "XL"
    assert restored.attribute_of("款式") == "style"
