"""Cleaning decisions on the published platform samples (../shared/samples), as they are."""

from __future__ import annotations

import pytest

from orderhub.channels import registry
from orderhub.channels.base import ShopContext
from orderhub.channels.documents import split_document
from orderhub.normalize.cleaning import CleanDecision, OrderFacts, clean_order
from orderhub.normalize.sku_mapping import SkuCatalog
from orderhub.pipeline.clean import normalize_cn
from tests.samples import SAMPLES_DIR


def decide(fmt: str, name: str) -> CleanDecision:
    raw = next(iter(split_document((SAMPLES_DIR / name).read_text(encoding="utf-8"), fmt)))
    draft = registry.adapter_for(fmt).parse(
        raw, ShopContext(code="s", platform=fmt, currency="CNY")
    )
    facts = OrderFacts(order_id=1, shop_code="s", receiver=draft.receiver, lines=draft.lines)
    return clean_order(facts, SkuCatalog(), normalize_cn, min_confidence=0.6)


@pytest.mark.parametrize(
    ("name", "division", "place"),
    [
        (
            "taobao_top/trade_fullinfo_get_response_TRADE_CLOSED_BY_TAOBAO_lenvon2012_tm.json",
            "610113",
            ("陕西省", "西安市", "雁塔区"),
        ),
        (
            "taobao_top/trade_fullinfo_get_response_TRADE_FINISHED_lenvon2012_tm.json",
            "410104",
            ("河南省", "郑州市", "管城回族区"),
        ),
    ],
)
def test_taobao_receivers_resolve_and_their_masked_phones_stay_masked(
    name: str, division: str, place: tuple[str, str, str]
) -> None:
    d = decide("taobao", name)
    assert (d.receiver.province, d.receiver.city, d.receiver.district) == place
    assert d.division_code == division and d.address_confidence == 100
    assert (d.phone_kind, d.phone_key) == ("masked", "")  # 1389289****: masked, not invalid
    assert "**" in d.receiver.street  # masked street text is kept as received
    assert [code for code, _ in d.holds] == ["SKU_UNMAPPED"]  # no catalog in this test


def test_douyin_statistics_filler_is_not_taken_for_a_district() -> None:
    d = decide(
        "douyin",
        "douyin_doudian/order_detail_legacy_official_doc_example_via_handsomegyr_jinritemai.jsonc",
    )
    assert (d.receiver.province, d.receiver.city, d.receiver.district) == (
        "内蒙古自治区",
        "呼和浩特市",
        "",
    )
    assert d.division_code == "150100" and not d.receiver.street.startswith("市辖区")
    assert 0.6 * 100 <= (d.address_confidence or 0) < 100  # city known, district not
    assert d.phone_kind == "mobile"


@pytest.mark.parametrize(
    ("fmt", "name", "region", "phone_kind"),
    [
        ("shopify", "shopify/order_get_single_2024-04_shopify-api-js.json", "US-KY", "landline"),
        (
            "amazon",
            "amazon_sp_api/orders2026-01-01_searchOrders_200_example.json",
            "US-WA",
            "invalid",
        ),  # 555-123-4567 is a fictional number
        ("woocommerce", "woocommerce/wc_v3_retrieve_order_GET_orders_727.json", "US-CA", "invalid"),
    ],
)
def test_international_receivers_are_checked_not_held(
    fmt: str, name: str, region: str, phone_kind: str
) -> None:
    d = decide(fmt, name)
    assert d.receiver.country == "US" and d.receiver.province == region
    assert "ADDRESS_UNRESOLVED" not in [code for code, _ in d.holds]
    assert d.phone_kind == phone_kind
