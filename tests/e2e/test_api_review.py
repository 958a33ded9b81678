"""Review over HTTP: rule sets saved, refused and activated; backtest; queues; decisions; why."""

from __future__ import annotations

import httpx

from orderhub.bootstrap import Container
from tests.integration.review.world import SEED_RULES, ids, ingest, order, setup, status


def test_a_bad_rule_is_refused_with_its_position(api: httpx.Client, container: Container) -> None:
    setup(container.engine)
    bad = {
        "rules": [
            {
                "name": "typo",
                "when": "order.amount >= 5000 and customer.grdae == 'A'",
                "then": "approve",
            }
        ]
    }
    response = api.post("/api/v1/rule-sets", json=bad)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "RULE_SET_INVALID"
    problem = error["details"]["problems"][0]
    assert (problem["rule"], problem["code"], problem["line"], problem["column"]) == (
        "typo",
        "RULE_UNKNOWN_FACT",
        1,
        26,
    )
    assert "customer.grade" in problem["message"]  # the suggestion a seller needs
    assert api.get("/api/v1/rule-sets").json() == []


def test_save_backtest_activate_review_and_decide(api: httpx.Client, container: Container) -> None:
    engine = container.engine
    shop = setup(engine)
    ingest(
        engine,
        shop,
        [order("MID", "8000.00", buyer="m"), order("SMALL", "100.00", buyer="s", minutes=1)],
    )
    trial = api.post("/api/v1/rule-sets/backtest", json={**SEED_RULES, "last": 10}).json()
    assert (trial["orders"], trial["outcomes"]) == (2, {"review": 1, "approve": 1})
    assert status(engine) == {"MID": "received", "SMALL": "received"}

    saved = api.post("/api/v1/rule-sets", json=SEED_RULES, headers={"X-OrderHub-User": "wang"})
    assert saved.status_code == 201
    version = saved.json()["version"]
    assert (saved.json()["status"], saved.json()["created_by"]) == ("draft", "user:wang")
    assert api.post(f"/api/v1/rule-sets/{version}/activate").json()["status"] == "active"
    assert api.post("/api/v1/rule-sets/99/activate").status_code == 404

    run = api.post("/api/v1/review/run").json()
    assert run == {
        "reviewed": 2,
        "outcomes": {"review": 1, "approve": 1},
        "rule_set_version": version,
    }
    assert api.get("/api/v1/review-queues").json() == {"sales_manager": 1}
    queue = api.get("/api/v1/review-queues/sales_manager").json()["items"]
    mid = ids(engine)["MID"]
    assert [(q["order_id"], q["why"], q["amount"]) for q in queue] == [
        (mid, "sales manager", "8000.00")
    ]

    detail = api.get(f"/api/v1/orders/{mid}").json()
    assert detail["review"]["matched"][0]["rule"] == "sales manager"
    assert detail["review"]["matched"][0]["facts"] == {"order.amount": "8000.00"}

    refused = api.post(
        "/api/v1/review-queues/sales_manager/decisions",
        json={"order_ids": [mid], "decision": "reject"},
    )
    assert refused.status_code == 409  # a rejection needs a reason
    decided = api.post(
        "/api/v1/review-queues/sales_manager/decisions",
        json={"order_ids": [mid, 424242], "decision": "approve", "reason": "known buyer"},
        headers={"X-OrderHub-User": "boss"},
    ).json()
    assert (decided["done"], decided["approved"]) == ([mid], [mid])
    assert "424242" in decided["refused"]
    why = api.get(f"/api/v1/orders/{mid}/review").json()
    assert [(s["stage"], s["status"], s["decided_by"], s["reason"]) for s in why["stages"]] == [
        ("sales_manager", "approved", "user:boss", "known buyer")
    ]
    assert api.get("/api/v1/orders/424242/review").status_code == 404


def test_review_settings_are_validated(api: httpx.Client, container: Container) -> None:
    bad = api.put("/api/v1/review-settings", json={"check_actions": {"PRICE_ANOMALY": "shout"}})
    assert bad.status_code == 422
    assert bad.json()["error"]["details"]["field"] == "check_actions.PRICE_ANOMALY"
    good = api.put("/api/v1/review-settings", json={"stage_order": ["客审", "财审"]}).json()
    assert good["stage_order"] == ["客审", "财审"]
    assert api.get("/api/v1/review-settings").json()["stage_order"] == ["客审", "财审"]
