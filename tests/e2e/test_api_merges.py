"""Merging, undoing and splitting over the real API server, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import httpx

from orderhub.bootstrap import Container
from tests.factories import draft
from tests.integration.test_merges import add_orders, make_shop, second, set_columns

USER = {"X-OrderHub-User": "ops.li"}


def error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()["error"]
    return body


def test_merge_undo_and_suggestions(api: httpx.Client, container: Container) -> None:
    engine = container.engine
    a, b = add_orders(engine, make_shop(engine), draft("A-1"), second("B-2"))
    suggestions = api.get("/api/v1/merge-suggestions").json()
    assert suggestions["policy"] == {"enabled_auto": False, "window_hours": 48, "shop_groups": []}
    [group] = suggestions["suggestions"]
    assert group["target_id"] == a and group["order_ids"] == [a, b]

    merged = api.post(
        "/api/v1/orders/merge", json={"order_ids": [b, a], "reason": "one parcel"}, headers=USER
    )
    assert merged.status_code == 200, merged.text
    assert merged.json() == {"target_id": a, "merged": [b]}
    target = api.get(f"/api/v1/orders/{a}").json()
    assert target["total_amount"] == "237.90" and len(target["lines"]) == 3
    assert target["events"][-1]["kind"] == "merged"
    assert target["events"][-1]["actor"] == "user:ops.li"
    assert api.get(f"/api/v1/orders/{b}").json()["status"] == "merged"
    assert api.get("/api/v1/merge-suggestions").json()["suggestions"] == []

    again = api.post("/api/v1/orders/merge", json={"order_ids": [a, b], "reason": "again"})
    assert error(again, 409)["code"] == "ORDER_MERGE_REFUSED"

    undone = api.post(f"/api/v1/orders/{a}/unmerge", json={"reason": "two parcels"})
    assert undone.status_code == 200, undone.text
    assert undone.json() == {"order_id": a, "released": [b]}
    assert api.get(f"/api/v1/orders/{a}").json()["total_amount"] == "202.90"
    twice = api.post(f"/api/v1/orders/{a}/unmerge", json={"reason": "again"})
    assert error(twice, 409)["code"] == "ORDER_MERGE_UNDO_REFUSED"


def test_merge_errors(api: httpx.Client, container: Container) -> None:
    engine = container.engine
    a, b = add_orders(engine, make_shop(engine), draft("A-1"), second("B-2"))
    set_columns(engine, b, do_not_merge=True)
    refused = error(
        api.post("/api/v1/orders/merge", json={"order_ids": [a, b], "reason": "r"}), 409
    )
    assert refused["code"] == "ORDER_MERGE_REFUSED"
    assert refused["details"]["rule"] == "do_not_merge"
    assert "do-not-merge" in refused["message"]
    unknown = api.post("/api/v1/orders/merge", json={"order_ids": [a, 999999], "reason": "r"})
    assert error(unknown, 404)["code"] == "ORDER_NOT_FOUND"
    one = error(api.post("/api/v1/orders/merge", json={"order_ids": [a], "reason": "r"}), 422)
    assert one["code"] == "VALIDATION_ERROR"
    assert one["details"]["fields"][0]["field"] == "order_ids"
    no_reason = api.post("/api/v1/orders/merge", json={"order_ids": [a, b]})
    assert error(no_reason, 422)["details"]["fields"][0]["field"] == "reason"
    assert error(api.post("/api/v1/orders/999999/unmerge", json={"reason": "r"}), 404)


def test_split(api: httpx.Client, container: Container) -> None:
    engine = container.engine
    [a] = add_orders(engine, make_shop(engine), second("B-2"))
    split = api.post(f"/api/v1/orders/{a}/split", json={"take": {"1": 1}, "reason": "ship one now"})
    assert split.status_code == 201, split.text
    body = split.json()
    assert body["order_id"] == a and body["new_order_no"] == "B-2-S1"
    new = api.get(f"/api/v1/orders/{body['new_order_id']}").json()
    assert new["status"] == "received" and new["total_amount"] == "9.67"
    assert new["lines"][0]["discount"] == "0.33"
    assert api.get(f"/api/v1/orders/{a}").json()["total_amount"] == "25.33"

    too_many = api.post(f"/api/v1/orders/{a}/split", json={"take": {"1": 5}, "reason": "r"})
    assert error(too_many, 422)["code"] == "ORDER_SPLIT_INVALID"
    zero = api.post(f"/api/v1/orders/{a}/split", json={"take": {"1": 0}, "reason": "r"})
    assert error(zero, 422)["code"] == "VALIDATION_ERROR"
    unknown = api.post("/api/v1/orders/999999/split", json={"take": {"1": 1}, "reason": "r"})
    assert error(unknown, 404)["code"] == "ORDER_NOT_FOUND"
    cancelled = api.post(
        f"/api/v1/orders/{a}/transitions", json={"status": "cancelled", "reason": "buyer"}
    )
    assert cancelled.status_code == 200
    late = api.post(f"/api/v1/orders/{a}/split", json={"take": {"1": 1}, "reason": "r"})
    assert error(late, 409)["code"] == "ORDER_SPLIT_REFUSED"
