"""Shops, webhooks and the quarantine over HTTP (real uvicorn server, both databases)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import Engine, func, select

from orderhub.channels.simulators.shopify import make_orders, sign_webhook
from orderhub.db.schema import orders, security_events

SECRET = "whsec_test"
SHOP = {
    "code": "shopify-us",
    "name": "US store",
    "platform": "shopify",
    "currency": "USD",
    "credentials": {
        "webhook_secret": SECRET,
        "access_token": "shpat_x",
        "base_url": "https://example.myshopify.com",
    },
}


def order_body(**changes: Any) -> bytes:
    order = make_orders(1, seed=11, start=datetime(2026, 11, 11, tzinfo=UTC))[0]
    order.update(changes)
    return json.dumps(order).encode()


def deliver(
    api: httpx.Client, body: bytes, *, secret: str = SECRET, topic: str = "orders/create"
) -> httpx.Response:
    headers = {
        "X-Shopify-Hmac-Sha256": sign_webhook(body, secret),
        "X-Shopify-Topic": topic,
        "X-Shopify-Shop-Domain": "example.myshopify.com",
        "Content-Type": "application/json",
    }
    return api.post("/api/v1/shops/shopify-us/webhooks", content=body, headers=headers)


def test_a_shop_is_added_and_its_credentials_are_never_returned(api: httpx.Client) -> None:
    created = api.post("/api/v1/shops", json=SHOP)
    assert created.status_code == 201, created.text
    assert "credentials" not in created.json() and SECRET not in created.text
    listed = api.get("/api/v1/shops")
    assert "shopify-us" in {s["code"] for s in listed.json()} and SECRET not in listed.text
    again = api.post("/api/v1/shops", json=SHOP)
    assert again.status_code == 409 and again.json()["error"]["code"] == "SHOP_EXISTS"
    odd = api.post("/api/v1/shops", json={**SHOP, "code": "x2", "platform": "ebay"})
    assert odd.status_code == 422 and odd.json()["error"]["code"] == "PLATFORM_UNSUPPORTED"


def test_a_signed_webhook_becomes_one_order_however_often_it_comes(
    api: httpx.Client, engine: Engine
) -> None:
    api.post("/api/v1/shops", json=SHOP)
    body = order_body()
    first = deliver(api, body)
    assert first.status_code == 200, first.text
    assert first.json() == {
        "received": 1,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "quarantined": 0,
    }
    for _ in range(3):
        assert deliver(api, body).json()["unchanged"] == 1
    found = api.get("/api/v1/orders", params={"shop": "shopify-us"}).json()["items"]
    assert [o["platform_order_id"] for o in found] == [str(json.loads(body)["id"])]


def test_a_bad_signature_is_refused_recorded_and_stores_no_order(
    api: httpx.Client, engine: Engine
) -> None:
    api.post("/api/v1/shops", json=SHOP)
    response = deliver(api, order_body(), secret="guessed")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "WEBHOOK_SIGNATURE_INVALID"
    unsigned = api.post("/api/v1/shops/shopify-us/webhooks", content=order_body())
    assert unsigned.status_code == 401
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(orders)).scalar() == 0
        events = conn.execute(select(security_events)).all()
    assert [e.kind for e in events] == ["webhook_signature_invalid"] * 2
    assert events[0].remote_addr == "127.0.0.1" and events[0].detail["bytes"] > 100


def test_a_payload_that_cannot_be_an_order_is_quarantined_shown_and_discarded(
    api: httpx.Client,
) -> None:
    api.post("/api/v1/shops", json=SHOP)
    broken = b'{"id": 5, "line_items": [ oops'
    response = deliver(api, broken)
    assert response.status_code == 200 and response.json()["quarantined"] == 1
    [item] = api.get("/api/v1/quarantine").json()
    assert (item["shop"], item["source"], item["error_code"]) == (
        "shopify-us",
        "webhook",
        "PAYLOAD_NOT_JSON",
    )
    shown = api.get(f"/api/v1/quarantine/{item['id']}").json()
    assert shown["raw_text"] == broken.decode()
    replay = api.post(f"/api/v1/quarantine/{item['id']}/replay").json()
    assert replay["replayed"] is False and replay["error_code"] == "PAYLOAD_NOT_JSON"
    assert api.get(f"/api/v1/quarantine/{item['id']}").json()["attempts"] == 2
    discarded = api.post(
        f"/api/v1/quarantine/{item['id']}/discard",
        json={"reason": "test delivery from the Shopify admin"},
        headers={"X-OrderHub-User": "ops.li"},
    )
    assert discarded.status_code == 204
    assert api.get("/api/v1/quarantine").json() == []
    closed = api.get("/api/v1/quarantine", params={"status": "discarded"}).json()[0]
    assert closed["resolved_by"] == "user:ops.li"
    assert closed["resolution_note"] == "test delivery from the Shopify admin"
    again = api.post(f"/api/v1/quarantine/{item['id']}/discard", json={"reason": "x"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "QUARANTINE_NOT_OPEN"
    assert api.get("/api/v1/quarantine/999999").status_code == 404


def test_an_order_that_does_not_add_up_is_quarantined_with_the_arithmetic(
    api: httpx.Client,
) -> None:
    api.post("/api/v1/shops", json=SHOP)
    response = deliver(api, order_body(total_price="1.00"))
    assert response.json()["quarantined"] == 1
    [item] = api.get("/api/v1/quarantine").json()
    assert item["error_code"] == "AMOUNT_MISMATCH" and item["platform_order_id"]
    assert "does not equal" in item["error_message"]


def test_a_pull_can_be_asked_for_over_http(api: httpx.Client) -> None:
    from datetime import timedelta

    from orderhub.channels.simulators.shopify import run_shopify
    from orderhub.orders.domain import utc_now

    data = make_orders(30, seed=12, start=utc_now() - timedelta(hours=3))
    with run_shopify(data, access_token="tok") as url:
        shop = {**SHOP, "credentials": {"base_url": url, "access_token": "tok"}}
        assert api.post("/api/v1/shops", json=shop).status_code == 201
        pulled = api.post("/api/v1/shops/shopify-us/sync")
    assert pulled.status_code == 200, pulled.text
    assert (pulled.json()["created"], pulled.json()["quarantined"]) == (30, 0)
    assert pulled.json()["synced_until"]
    assert api.post("/api/v1/shops/nope/sync").status_code == 404
    manual = api.post("/api/v1/shops/manual/sync")
    assert manual.status_code == 422 and manual.json()["error"]["code"] == "PLATFORM_UNSUPPORTED"
