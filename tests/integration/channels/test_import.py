"""`orderhub import`: every published sample through its adapter, and a 100,000-order export."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from orderhub.channels.importer import ImportRequest, import_file
from orderhub.channels.shops import add_shop
from orderhub.db.schema import orders, quarantine
from orderhub.demo.exports import write_taobao_csv
from orderhub.demo.generator import generate_demo
from tests.samples import SAMPLES_DIR

SAMPLES = SAMPLES_DIR

# (file, format, [(order no, status, payment, total, currency)], quarantined codes)
CASES = [
    (
        "shopify/order_get_single_2024-04_shopify-api-js.json",
        "shopify",
        [("450789469", "received", "partly_refunded", "598.94", "USD")],
        [],
    ),
    (
        "shopify/orders_list_status_any_2024-04_shopify-api-js.json",
        "shopify",
        [("450789469", "received", "partly_refunded", "598.94", "USD")],
        [],
    ),
    (
        "shopify/order_create_post_response_2024-04_shopify-api-js.json",
        "shopify",
        [("1073459969", "received", "unpaid", "199.00", "USD")],
        [],
    ),
    ("shopify/order_shopify_python_api_fixture.json", "shopify", [], ["AMOUNT_MISMATCH"]),
    ("shopify/orders_shopify_python_api_fixture.json", "shopify", [], ["ORDER_NO_LINES"]),
    (
        "woocommerce/wc_v3_list_orders_GET_orders.json",
        "woocommerce",
        [
            ("727", "received", "paid", "29.35", "USD"),
            ("723", "completed", "partly_refunded", "39.00", "USD"),
        ],
        [],
    ),
    (
        "taobao_top/trade_fullinfo_get_response_TRADE_FINISHED_lenvon2012_tm.json",
        "taobao",
        [("518073718172548", "completed", "paid", "76.00", "CNY")],
        [],
    ),
    (
        "taobao_top/trade_fullinfo_get_response_TRADE_CLOSED_BY_TAOBAO_lenvon2012_tm.json",
        "taobao",
        [("452790065331038", "cancelled", None, "13.80", "CNY")],
        [],
    ),
    (
        "taobao_top/trades_sold_get_response_official_doc_example_via_xabaohui_zis.json",
        "taobao",
        [],
        ["FIELD_MISSING"],
    ),
    (
        "douyin_doudian/order_detail_legacy_official_doc_example_via_handsomegyr_jinritemai.jsonc",
        "douyin",
        [("6496679971677798670A", "shipped", "unpaid", "180.00", "CNY")],
        [],
    ),
    (
        "amazon_sp_api/orders2026-01-01_searchOrders_200_example.json",
        "amazon",
        [("123-4567890-1234567", "shipped", "paid", "154.99", "USD")],
        [],
    ),
    ("amazon_sp_api/ordersV0_getOrders_200_example.json", "amazon", [], ["ORDER_ITEMS_MISSING"]),
]


@pytest.fixture
def shop(engine: Engine) -> str:
    with engine.begin() as conn:
        add_shop(conn, code="any-shop", name="any", platform="manual", currency="CNY")
    return "any-shop"


@pytest.mark.parametrize(
    ("name", "fmt", "expected", "refused"), CASES, ids=[c[0].split("/")[1][:40] for c in CASES]
)
def test_each_published_sample_imports_through_its_adapter(
    engine: Engine, shop: str, name: str, fmt: str, expected: list[tuple], refused: list[str]
) -> None:
    request = ImportRequest(shop=shop, format=fmt, path=SAMPLES / name)
    result = import_file(engine, request)
    assert (result.created, result.quarantined) == (len(expected), len(refused))
    with engine.connect() as conn:
        stored = conn.execute(
            select(
                orders.c.platform_order_id,
                orders.c.status,
                orders.c.payment_status,
                orders.c.total_amount,
                orders.c.currency,
            )
        ).all()
        codes = [r[0] for r in conn.execute(select(quarantine.c.error_code))]
    assert sorted((o, s, t, c) for o, s, _, t, c in stored) == sorted(
        (o, s, Decimal(t), c) for o, s, _, t, c in expected
    )
    for (_, _, pay, _, _), row in zip(sorted(expected), sorted(stored), strict=True):
        if pay is not None:
            assert row.payment_status == pay
    assert codes == refused
    again = import_file(engine, request)
    assert (again.created, again.unchanged) == (0, len(expected))


@pytest.mark.slow
def test_a_100000_order_export_imports_exactly_and_a_second_run_changes_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    data = generate_demo(orders=115_000, seed=21)
    drafts = [o.draft for o in data.orders if o.draft.currency == "CNY"][:100_000]
    assert len(drafts) == 100_000
    path = tmp_path / "淘宝订单导出.csv"
    write_taobao_csv(path, drafts)
    with engine.begin() as conn:
        add_shop(conn, code="tmall-flagship", name="天猫旗舰店", platform="tmall")
    request = ImportRequest(shop="tmall-flagship", format="csv", path=path, profile="taobao")
    result = import_file(engine, request)
    assert result.as_counts() == {
        "received": 100_000,
        "created": 100_000,
        "updated": 0,
        "unchanged": 0,
        "quarantined": 0,
    }
    with engine.connect() as conn:
        stored = {
            r[0]: r[1]
            for r in conn.execute(select(orders.c.platform_order_id, orders.c.total_amount))
        }
        assert conn.execute(select(func.count()).select_from(quarantine)).scalar() == 0
    assert stored == {d.platform_order_id: d.total for d in drafts}
    assert import_file(engine, request).unchanged == 100_000
