"""`/api/v1/customers` and `/api/v1/customer-grades` over HTTP against a real server."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from orderhub.bootstrap import Container
from orderhub.db.schema import security_events
from tests.integration.test_customers import HOME, PHONE_KEY, Scenario, load_scenario


@pytest.fixture
def scenario(api: httpx.Client, container: Container) -> Scenario:
    return load_scenario(container.engine)


def test_list_and_show_a_cross_channel_customer(api: httpx.Client, scenario: Scenario) -> None:
    cid = scenario.customer_id
    found = api.get("/api/v1/customers", params={"q": "159 6712 3456"})
    assert found.status_code == 200, found.text
    [ours] = [c for c in found.json()["items"] if c["id"] == cid]
    assert ours["phone"] == "+86159****3456" and ours["grade"] == "B"
    assert ours["order_count"] == 5 and ours["returns"] == 1
    assert ours["total_spent"]["USD"] == "39.90"

    shown = api.get(f"/api/v1/customers/{cid}")
    assert shown.status_code == 200, shown.text
    body = shown.json()
    assert body["phone"] == PHONE_KEY and body["grade"] == "B" and not body["blacklisted"]
    profile = body["profile"]
    assert profile["channels"] == ["jd", "shopify", "tmall"]
    assert profile["shops"] == ["jd-store", "shopify-intl", "tmall-flagship"]
    assert (profile["order_count"], profile["returns"], profile["kept_orders"]) == (5, 1, 4)
    assert profile["total_spent"] == ours["total_spent"]
    assert profile["usual_address"]["street"] == HOME.street
    assert [o["platform_order_id"] for o in body["recent_orders"]] == [
        "S-1",
        "J-2",
        "J-1",
        "T-2",
        "T-1",
    ]
    reasons = {m["platform_order_id"]: m["reason"] for m in body["matches"]}
    assert reasons["J-1"] == f"same phone {PHONE_KEY} as customer {cid}"
    assert {"kind": "buyer:jd", "value": "jd_oyxm_88"} in body["identities"]

    first = api.get("/api/v1/customers", params={"limit": 10})
    second = api.get(
        "/api/v1/customers", params={"limit": 10, "cursor": first.json()["next_cursor"]}
    )
    ids = [c["id"] for c in first.json()["items"] + second.json()["items"]]
    assert len(ids) == 20 and ids == sorted(set(ids), reverse=True)


def test_grade_rules_over_http(api: httpx.Client, scenario: Scenario) -> None:
    defaults = api.get("/api/v1/customer-grades").json()
    assert defaults["is_default"] and [r["grade"] for r in defaults["rules"]] == [
        "A",
        "B",
        "B",
        "C",
    ]
    rules = {
        "rules": [
            {"grade": "VIP", "min_orders": 4, "min_spent": "300", "currency": "CNY"},
            {"grade": "Regular"},
        ]
    }
    put = api.put("/api/v1/customer-grades", json=rules, headers={"X-OrderHub-User": "li"})
    assert put.status_code == 200, put.text
    assert put.json()["rules"][0] == {
        "grade": "VIP",
        "min_orders": 4,
        "min_spent": "300",
        "currency": "CNY",
    }
    assert api.get(f"/api/v1/customers/{scenario.customer_id}").json()["grade"] == "VIP"
    vips = api.get("/api/v1/customers", params={"grade": "VIP", "limit": 200}).json()["items"]
    assert scenario.customer_id in [c["id"] for c in vips]
    assert {c["grade"] for c in vips} == {"VIP"}

    negative = api.put(
        "/api/v1/customer-grades", json={"rules": [{"grade": "VIP", "min_orders": -1}]}
    )
    assert negative.status_code == 422
    error = negative.json()["error"]
    assert error["code"] == "GRADE_RULES_INVALID"
    assert error["message"] == "rule 1: grade VIP: min_orders must be a whole number >= 0"
    currency = api.put(
        "/api/v1/customer-grades", json={"rules": [{"grade": "VIP", "currency": "RMB"}]}
    )
    assert currency.status_code == 422 and "unknown currency" in currency.json()["error"]["message"]
    typo = api.put("/api/v1/customer-grades", json={"rules": [{"grade": "A", "min_order": 3}]})
    assert typo.status_code == 422
    assert typo.json()["error"]["details"]["fields"][0]["field"] == "rules.0.min_order"
    assert api.get("/api/v1/customer-grades").json()["rules"][0]["grade"] == "VIP"  # unchanged


def test_blacklist_round_trip_over_http(
    api: httpx.Client, container: Container, scenario: Scenario
) -> None:
    cid = scenario.customer_id
    who = {"X-OrderHub-User": "li"}
    on = api.post(f"/api/v1/customers/{cid}/blacklist", json={"reason": "chargebacks"}, headers=who)
    assert on.status_code == 200, on.text
    assert on.json() == {
        "customer_id": cid,
        "blacklisted": True,
        "blacklist_reason": "chargebacks",
        "changed": True,
    }
    listed = api.get("/api/v1/customers", params={"blacklisted": "true"}).json()["items"]
    assert [c["id"] for c in listed] == [cid] and listed[0]["blacklisted"]
    shown = api.get(f"/api/v1/customers/{cid}").json()
    assert (shown["blacklisted"], shown["blacklist_reason"]) == (True, "chargebacks")

    off = api.request(
        "DELETE", f"/api/v1/customers/{cid}/blacklist", json={"reason": "paid back"}, headers=who
    )
    assert off.status_code == 200 and off.json()["blacklisted"] is False
    again = api.post(f"/api/v1/customers/{cid}/unblacklist", json={"reason": "paid back"})
    assert again.status_code == 200 and again.json()["changed"] is False
    with container.engine.connect() as conn:
        events = conn.execute(
            select(
                security_events.c.kind, security_events.c.detail, security_events.c.remote_addr
            ).order_by(security_events.c.id)
        ).all()
    assert [(k, d["actor"], d["reason"], a) for k, d, a in events] == [
        ("customer_blacklisted", "user:li", "chargebacks", "127.0.0.1"),
        ("customer_unblacklisted", "user:li", "paid back", "127.0.0.1"),
    ]


def test_unknown_customers_and_bad_input_get_their_codes(api: httpx.Client) -> None:
    missing = api.get("/api/v1/customers/999999")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "CUSTOMER_NOT_FOUND"
    black = api.post("/api/v1/customers/999999/blacklist", json={"reason": "spam"})
    assert black.status_code == 404 and black.json()["error"]["code"] == "CUSTOMER_NOT_FOUND"
    white = api.post("/api/v1/customers/999999/unblacklist", json={"reason": "ok"})
    assert white.status_code == 404
    no_reason = api.post("/api/v1/customers/1/blacklist", json={"reason": "  "})
    assert no_reason.status_code == 422
    assert no_reason.json()["error"]["details"]["fields"][0]["field"] == "reason"
    cursor = api.get("/api/v1/customers", params={"cursor": "not-a-cursor"})
    assert cursor.status_code == 422 and cursor.json()["error"]["code"] == "VALIDATION_ERROR"
    assert api.get("/api/v1/customers").json() == {"items": [], "next_cursor": None}
