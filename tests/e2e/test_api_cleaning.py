"""SKU mappings and spec aliases over HTTP: the seller's fixes that release waiting orders."""

from __future__ import annotations

from decimal import Decimal

import httpx
from sqlalchemy import Engine

from orderhub.channels.ingest import ingest_orders
from orderhub.orders.domain import LineDraft
from orderhub.pipeline.clean import run_cleaning
from tests.factories import draft
from tests.integration.test_cleaning import setup_shop


def test_mapping_a_platform_sku_over_http_releases_the_waiting_order(
    api: httpx.Client, engine: Engine
) -> None:
    shop = setup_shop(engine)
    line = LineDraft(title="黑T", quantity=1, unit_price=Decimal("79.00"), platform_sku_id="55")
    with engine.begin() as conn:
        ingest_orders(conn, shop, [draft("H-1", lines=(line,), total=Decimal("74.00"))])
    run_cleaning(engine)
    [held] = api.get("/api/v1/orders", params={"status": "on_hold"}).json()["items"]
    both = api.post(
        "/api/v1/sku-mappings",
        json={"platform_sku_id": "55", "sku_code": "TS-BLK-XL", "product_code": "TS"},
    )
    assert both.status_code == 422 and both.json()["error"]["code"] == "MAPPING_INVALID"
    unknown = api.post("/api/v1/sku-mappings", json={"platform_sku_id": "55", "sku_code": "NOPE"})
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "SKU_NOT_FOUND"
    mapped = api.post(
        "/api/v1/sku-mappings",
        json={"platform_sku_id": "55", "sku_code": "TS-BLK-XL"},
        headers={"X-OrderHub-User": "ops.li"},
    )
    assert mapped.status_code == 200 and mapped.json() == {
        "waiting": 1,
        "released": 1,
        "still_held": 0,
    }
    order = api.get(f"/api/v1/orders/{held['id']}").json()
    assert order["status"] == "received" and order["lines"][0]["sku_code"] == "TS-BLK-XL"
    assert any(e["actor"] == "user:ops.li" for e in order["events"])
    alias = api.post(
        "/api/v1/spec-aliases", json={"attribute": "size", "canonical": "XL", "aliases": ["加大"]}
    )
    assert alias.status_code == 200 and alias.json()["waiting"] == 0
