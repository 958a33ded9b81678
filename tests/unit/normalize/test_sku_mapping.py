from __future__ import annotations

from decimal import Decimal

import pytest

from orderhub.normalize.sku_mapping import (
    SkuCatalog,
    SkuInfo,
    expand_bundle,
    resolve_line,
    resolve_lines,
    share,
)
from orderhub.orders.domain import LineDraft

D = Decimal


@pytest.fixture
def catalog() -> SkuCatalog:
    skus = [
        SkuInfo("TS-BLK-L", "纯棉T恤 黑 L", D("79.00")),
        SkuInfo("TS-WHT-L", "纯棉T恤 白 L", D("79.00")),
        SkuInfo("CUP-500", "保温杯 500ml", D("129.00")),
        SkuInfo("TEA-GIFT", "茶叶礼盒", D("199.00")),
        SkuInfo(
            "TS-3PACK", "T恤三件装", D("199.00"), components=(("TS-BLK-L", 2), ("TS-WHT-L", 1))
        ),
        SkuInfo(
            "GIFT-SET", "茶叶+保温杯礼盒", D("299.00"), components=(("TEA-GIFT", 1), ("CUP-500", 1))
        ),
    ]
    cat = SkuCatalog(skus={s.code: s for s in skus})
    cat.map("5012345678", "TS-BLK-L", shop="tmall-flagship")
    cat.map("777", "CUP-500")
    return cat


def line(**kw: object) -> LineDraft:
    base: dict[str, object] = {"title": "x", "quantity": 1, "unit_price": D("79.00")}
    return LineDraft(**{**base, **kw})  # type: ignore[arg-type]


def test_the_sellers_own_code_wins_then_the_shops_mapping_then_any_shops(
    catalog: SkuCatalog,
) -> None:
    assert (
        resolve_line(
            line(sku_code="TS-WHT-L", platform_sku_id="5012345678"), "tmall-flagship", catalog
        ).sku_code
        == "TS-WHT-L"
    )
    assert (
        resolve_line(line(platform_sku_id="5012345678"), "tmall-flagship", catalog).sku_code
        == "TS-BLK-L"
    )
    assert resolve_line(line(platform_sku_id="5012345678"), "jd-store", catalog).sku_code is None
    found = resolve_line(line(platform_sku_id="777"), "jd-store", catalog)
    assert found.sku_code == "CUP-500" and "all shops" in found.reason


def test_an_unmapped_line_says_so_and_is_not_guessed(catalog: SkuCatalog) -> None:
    found = resolve_line(
        line(title="神秘商品", sku_code="OUT-9", platform_sku_id="999"), "tmall-flagship", catalog
    )
    assert found.sku_code is None
    assert found.reason == (
        "SKU_UNMAPPED: platform SKU 999 and seller code OUT-9 (神秘商品) is not mapped"
    )


def test_a_bundle_becomes_component_lines_that_add_up_to_the_cent(catalog: SkuCatalog) -> None:
    bundle_line = line(
        title="T恤三件装",
        sku_code="TS-3PACK",
        quantity=2,
        unit_price=D("199.00"),
        discount=D("10.00"),
        spec="L",
    )
    parts = expand_bundle(bundle_line, catalog.skus["TS-3PACK"], catalog)
    assert [(p.sku_code, p.quantity) for p in parts] == [("TS-BLK-L", 4), ("TS-WHT-L", 2)]
    assert sum(p.amount for p in parts) == bundle_line.amount == D("388.00")
    # list value 158 : 79 → gross 398.00 shares 265.33 / 132.67, discount 6.67 / 3.33
    assert [p.unit_price * p.quantity - p.discount for p in parts] == [D("258.66"), D("129.34")]
    assert all(p.discount >= 0 for p in parts)


def test_shares_use_the_largest_remainder_and_always_sum_exactly() -> None:
    assert share(D("100.00"), [D(1), D(1), D(1)]) == [D("33.34"), D("33.33"), D("33.33")]
    assert share(D("0.01"), [D(199), D(129)]) == [D("0.01"), D("0.00")]
    assert share(D("10.00"), [D(0), D(0)]) == [D("5.00"), D("5.00")]
    for amount in (D("299.00"), D("0.07"), D("1234.56")):
        assert sum(share(amount, [D(199), D(129), D("0.5")])) == amount


def test_an_order_resolves_whole_or_reports_every_unmapped_line(catalog: SkuCatalog) -> None:
    lines = [
        line(sku_code="GIFT-SET", unit_price=D("299.00")),
        line(platform_sku_id="5012345678"),
        line(title="赠品", platform_sku_id="404"),
    ]
    resolved, problems = resolve_lines(lines, "tmall-flagship", catalog)
    assert [ln.sku_code for ln in resolved] == ["TEA-GIFT", "CUP-500", "TS-BLK-L"]
    assert sum(ln.amount for ln in resolved[:2]) == D("299.00")
    assert len(problems) == 1 and problems[0].startswith("SKU_UNMAPPED: platform SKU 404")


def test_mapping_to_an_unknown_sku_is_refused(catalog: SkuCatalog) -> None:
    with pytest.raises(KeyError):
        catalog.map("1", "NOPE")
