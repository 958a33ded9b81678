"""The REST API over a real uvicorn server, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import httpx

ORDER: dict[str, Any] = {
    "order_no": "PO-2026-0042",
    "order_type": "wholesale",
    "lines": [
        {
            "sku_code": "TS-BLK-XL",
            "title": "纯棉短袖T恤",
            "spec": "黑色 XL",
            "quantity": 100,
            "unit_price": "35.50",
            "discount": "50",
        },
        {"sku_code": "BAG-CNV", "title": "帆布托特包", "quantity": 20, "unit_price": "22.00"},
    ],
    "receiver": {
        "name": "陈静",
        "phone": "13800138000",
        "province": "浙江省",
        "city": "杭州市",
        "district": "西湖区",
        "street": "文三路90号 3楼",
    },
    "shipping_fee": "80",
    "order_discount": "100.00",
    "buyer_note": "开增值税专票",
}


def create(api: httpx.Client, **changes: Any) -> httpx.Response:
    return api.post(
        "/api/v1/orders", json={**ORDER, **changes}, headers={"X-OrderHub-User": "sales.chen"}
    )


def error(response: httpx.Response) -> dict[str, Any]:
    body: dict[str, Any] = response.json()["error"]
    return body


def test_health_reports_the_database(api: httpx.Client) -> None:
    response = api.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_openapi_docs_are_served(api: httpx.Client) -> None:
    assert api.get("/docs").status_code == 200
    paths = api.get("/openapi.json").json()["paths"]
    assert {
        "/api/v1/orders",
        "/api/v1/orders/{order_id}",
        "/api/v1/orders/{order_id}/transitions",
    } <= set(paths)


def test_a_wholesale_order_keyed_in_by_sales_is_created_with_exact_amounts(
    api: httpx.Client,
) -> None:
    response = create(api)
    assert response.status_code == 201, response.text
    order = response.json()
    assert (order["shop"], order["channel"], order["order_type"]) == (
        "manual",
        "manual",
        "wholesale",
    )
    assert order["platform_order_id"] == "PO-2026-0042" and order["status"] == "received"
    # 100 × 35.50 − 50 + 20 × 22.00 = 3,940.00; − 100 discount + 80 shipping = 3,920.00
    assert (order["goods_amount"], order["total_amount"]) == ("3940.00", "3920.00")
    assert [line["amount"] for line in order["lines"]] == ["3500.00", "440.00"]
    assert order["receiver"]["district"] == "西湖区"
    assert order["events"][0]["kind"] == "received"
    assert order["events"][0]["actor"] == "user:sales.chen"


def test_sending_the_same_order_again_returns_it_instead_of_doubling_it(
    api: httpx.Client,
) -> None:
    first = create(api).json()
    again = create(api)
    assert again.status_code == 200 and again.json()["id"] == first["id"]
    changed = create(api, buyer_note="不开票")
    assert changed.status_code == 409
    assert error(changed)["code"] == "ORDER_DUPLICATE_CONFLICT"
    listed = api.get("/api/v1/orders", params={"q": "PO-2026-0042"}).json()["items"]
    assert len(listed) == 1


def test_an_order_without_a_reference_gets_a_readable_one(api: httpx.Client) -> None:
    body = {k: v for k, v in ORDER.items() if k != "order_no"}
    numbers = {api.post("/api/v1/orders", json=body).json()["platform_order_id"] for _ in range(2)}
    assert len(numbers) == 2
    assert all(n.startswith("M") and len(n) == 16 for n in numbers)


def test_validation_errors_name_the_field(api: httpx.Client) -> None:
    bad_line = {**ORDER["lines"][0], "quantity": -3}
    response = create(api, lines=[bad_line])
    assert response.status_code == 422
    assert error(response)["code"] == "VALIDATION_ERROR"
    assert [f["field"] for f in error(response)["details"]["fields"]] == ["lines.0.quantity"]

    missing = api.post("/api/v1/orders", json={"lines": ORDER["lines"]})
    assert missing.status_code == 422
    assert "receiver" in {f["field"] for f in error(missing)["details"]["fields"]}


def test_an_unknown_currency_is_refused_with_the_field(api: httpx.Client) -> None:
    response = create(api, currency="RMB")
    assert response.status_code == 422
    problems = error(response)["details"]["problems"]
    assert problems == [
        {"code": "CURRENCY_UNKNOWN", "field": "currency", "message": "unknown currency 'RMB'"}
    ]


def test_unknown_ids_and_shops_are_404(api: httpx.Client) -> None:
    response = api.get("/api/v1/orders/987654")
    assert response.status_code == 404 and error(response)["code"] == "ORDER_NOT_FOUND"
    response = create(api, shop="no-such-shop")
    assert response.status_code == 404 and error(response)["code"] == "SHOP_NOT_FOUND"


def test_moving_an_order_through_its_lifecycle(api: httpx.Client) -> None:
    order_id = create(api).json()["id"]
    for target in ("pending_review", "approved", "allocated"):
        response = api.post(
            f"/api/v1/orders/{order_id}/transitions",
            json={"status": target, "reason": "step"},
            headers={"X-OrderHub-User": "ops.wang"},
        )
        assert response.status_code == 200, response.text
    order = api.get(f"/api/v1/orders/{order_id}").json()
    assert order["status"] == "allocated"
    changes = [(e["from_status"], e["to_status"], e["actor"]) for e in order["events"][1:]]
    assert changes == [
        ("received", "pending_review", "user:ops.wang"),
        ("pending_review", "approved", "user:ops.wang"),
        ("approved", "allocated", "user:ops.wang"),
    ]


def test_an_illegal_change_is_409_with_the_code_and_is_kept_in_history(
    api: httpx.Client,
) -> None:
    order_id = create(api).json()["id"]
    response = api.post(
        f"/api/v1/orders/{order_id}/transitions",
        json={"status": "delivered", "reason": "buyer says so"},
    )
    assert response.status_code == 409
    body = error(response)
    assert body["code"] == "ORDER_ILLEGAL_TRANSITION"
    assert body["details"]["current"] == "received" and "approved" in body["details"]["allowed"]
    order = api.get(f"/api/v1/orders/{order_id}").json()
    assert order["status"] == "received"
    assert order["events"][-1]["kind"] == "transition_refused"


def test_a_transition_needs_a_known_status_and_a_reason(api: httpx.Client) -> None:
    order_id = create(api).json()["id"]
    response = api.post(
        f"/api/v1/orders/{order_id}/transitions", json={"status": "teleported", "reason": ""}
    )
    assert response.status_code == 422
    assert {f["field"] for f in error(response)["details"]["fields"]} == {"status", "reason"}


def test_listing_filters_searches_and_pages(api: httpx.Client) -> None:
    ids = [
        create(
            api,
            order_no=f"PO-{i}",
            placed_at=f"2026-11-1{i}T08:00:00+08:00",
            receiver={**ORDER["receiver"], "phone": f"1380013800{i}"},
        ).json()["id"]
        for i in range(5)
    ]
    api.post(f"/api/v1/orders/{ids[0]}/transitions", json={"status": "cancelled", "reason": "x"})
    first = api.get("/api/v1/orders", params={"limit": 2}).json()
    second = api.get("/api/v1/orders", params={"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [o["platform_order_id"] for o in first["items"] + second["items"]] == [
        "PO-4",
        "PO-3",
        "PO-2",
        "PO-1",
    ]
    cancelled = api.get("/api/v1/orders", params={"status": "cancelled"}).json()["items"]
    assert [o["id"] for o in cancelled] == [ids[0]]
    by_phone = api.get("/api/v1/orders", params={"q": "13800138003"}).json()["items"]
    assert [o["platform_order_id"] for o in by_phone] == ["PO-3"]
    window = api.get(
        "/api/v1/orders",
        params={"placed_from": "2026-11-12T00:00:00Z", "placed_to": "2026-11-14T00:00:00Z"},
    ).json()
    assert [o["platform_order_id"] for o in window["items"]] == ["PO-3", "PO-2"]
    assert api.get("/api/v1/orders", params={"shop": "manual"}).json()["items"]
    assert api.get("/api/v1/orders", params={"cursor": "garbage"}).status_code == 422
    assert api.get("/api/v1/orders", params={"status": "nope"}).status_code == 422
