"""Stock and allocation over HTTP against a real server: movements with their new balances,
refusals with their codes, the ledger check, advice, purchase orders, allocation settings,
allocation and each order's explanation."""

from __future__ import annotations

import httpx
from sqlalchemy import select, update

from orderhub.bootstrap import Container
from orderhub.db.schema import skus, stock, warehouses
from tests.integration.inventory.world import GUANGZHOU, approve, by_no, order, setup

HEADER = (
    "carrier,destination,first_weight_g,first_price,additional_weight_g,additional_price,currency"
)


def code_of(response: httpx.Response) -> str:
    return str(response.json()["error"]["code"])


def test_movements_refusals_and_verify(api: httpx.Client, container: Container) -> None:
    setup(container.engine, {("WH-SH", "TEE"): 10})
    row = {"warehouse": "WH-SH", "sku": "TEE"}
    received = api.post("/api/v1/stock/receipts", json={**row, "quantity": 5, "reference": "PO-1"})
    assert received.status_code == 201
    assert received.json() == {**row, "on_hand": 15, "reserved": 0, "available": 15}
    adjusted = api.post("/api/v1/stock/adjustments", json={**row, "delta": -3, "reason": "broken"})
    assert adjusted.json()["on_hand"] == 12
    counted = api.post("/api/v1/stock/counts", json={**row, "counted": 11, "reason": "cycle"})
    assert counted.json()["on_hand"] == 11
    moved = api.post(
        "/api/v1/stock/transfers",
        json={"from": "WH-SH", "to": "WH-GZ", "sku": "TEE", "quantity": 4, "reason": "rebalance"},
        headers={"X-OrderHub-User": "li"},
    )
    assert moved.status_code == 201
    assert (moved.json()["from"]["on_hand"], moved.json()["to"]["on_hand"]) == (7, 4)
    levels = api.get("/api/v1/stock", params={"sku": "TEE"}).json()
    assert [(r["warehouse"], r["available"]) for r in levels] == [("WH-GZ", 4), ("WH-SH", 7)]
    assert api.get("/api/v1/stock", params={"warehouse": "WH-GZ"}).json() == [
        {"warehouse": "WH-GZ", "sku": "TEE", "on_hand": 4, "reserved": 0, "available": 4}
    ]
    assert api.get("/api/v1/stock/verify").json() == {"ok": True, "problems": []}

    blank = api.post("/api/v1/stock/adjustments", json={**row, "delta": -1, "reason": " "})
    assert (blank.status_code, code_of(blank)) == (422, "STOCK_REASON_REQUIRED")
    missing = api.post("/api/v1/stock/adjustments", json={**row, "delta": -1})
    assert (missing.status_code, code_of(missing)) == (422, "VALIDATION_ERROR")
    overdraw = api.post("/api/v1/stock/adjustments", json={**row, "delta": -8, "reason": "lost"})
    assert (overdraw.status_code, code_of(overdraw)) == (409, "STOCK_INSUFFICIENT")
    zero = api.post("/api/v1/stock/receipts", json={**row, "quantity": 0})
    assert zero.status_code == 422
    same = {"from": "WH-SH", "to": "WH-SH", "sku": "TEE", "quantity": 1, "reason": "x"}
    assert api.post("/api/v1/stock/transfers", json=same).status_code == 422
    nowhere = api.post("/api/v1/stock/receipts", json={**row, "warehouse": "WH-XX", "quantity": 1})
    assert (nowhere.status_code, code_of(nowhere)) == (404, "WAREHOUSE_NOT_FOUND")
    assert api.get("/api/v1/stock", params={"sku": "TEE"}).json() == levels  # nothing changed

    with container.engine.begin() as conn:
        conn.execute(
            update(stock)
            .where(
                stock.c.warehouse_id
                == select(warehouses.c.id).where(warehouses.c.code == "WH-SH").scalar_subquery(),
                stock.c.sku_id == select(skus.c.id).where(skus.c.code == "TEE").scalar_subquery(),
            )
            .values(on_hand=stock.c.on_hand + 1)
        )
    checked = api.get("/api/v1/stock/verify").json()
    assert checked["ok"] is False
    assert [(p["warehouse"], p["sku"], p["problem"]) for p in checked["problems"]] == [
        ("WH-SH", "TEE", "differs_from_ledger")
    ]


def test_safety_alerts_suggestions_and_expected_receipts(
    api: httpx.Client, container: Container
) -> None:
    setup(container.engine, {("WH-SH", "MUG"): 3, ("WH-GZ", "TEE"): 4})
    safety = {"sku": "MUG", "minimum": 10, "lead_time_days": 7}
    assert api.put("/api/v1/stock/safety", json=safety).status_code == 200
    negative = api.put("/api/v1/stock/safety", json={**safety, "minimum": -1})
    assert negative.status_code == 422
    unknown = api.put("/api/v1/stock/safety", json={**safety, "sku": "NOPE"})
    assert (unknown.status_code, code_of(unknown)) == (404, "SKU_NOT_FOUND")
    [alert] = api.get("/api/v1/stock/alerts").json()
    assert (alert["sku"], alert["warehouse"], alert["shortfall"]) == ("MUG", None, 7)

    advice = api.get("/api/v1/stock/suggestions", params={"days": 7, "cover_days": 7}).json()
    assert advice["window_days"] == 7 and advice["transfers"] == []  # nothing sold yet
    [buy] = advice["replenishment"]
    assert (buy["sku"], buy["suggested_quantity"]) == ("MUG", 7)  # up to the safety stock
    assert api.get("/api/v1/stock/suggestions", params={"days": 0}).status_code == 422

    po = {"warehouse": "WH-GZ", "sku": "TEE", "quantity": 6, "arrival_date": "2030-03-01"}
    created = api.post("/api/v1/stock/expected-receipts", json={**po, "reference": "PO-8"})
    assert created.status_code == 201 and created.json()["status"] == "open"
    atp = api.get("/api/v1/stock/atp/TEE").json()
    assert (atp["available_now"], atp["incoming"]) == (4, [["2030-03-01", 10]])
    assert api.get("/api/v1/stock/atp/NOPE").status_code == 404
    arrived = api.post("/api/v1/stock/expected-receipts/PO-8/arrive").json()
    assert arrived == {"reference": "PO-8", "received": 6}
    again = api.post("/api/v1/stock/expected-receipts/PO-8/arrive")
    assert again.status_code == 404  # nothing of PO-8 is still on its way
    assert again.json()["error"]["code"] == "PURCHASE_ORDER_NOT_FOUND"
    assert api.get("/api/v1/stock", params={"sku": "TEE"}).json()[0]["on_hand"] == 10
    assert api.get("/api/v1/stock/verify").json()["ok"] is True


def test_allocation_settings_run_and_explanation(api: httpx.Client, container: Container) -> None:
    engine = container.engine
    shop = setup(engine, {("WH-SH", "TEE"): 10, ("WH-GZ", "TEE"): 10})
    approve(engine, shop, [order("GZ-1", {"TEE": 2}, to=GUANGZHOU)])
    order_id = by_no(engine)["GZ-1"][0]

    bad_csv = f"{HEADER}\nSF,*,1000,12.00,1000,2.00,CNY\nZTO,*,1000,5.00,0,1.00,CNY\n"
    refused = api.put(
        "/api/v1/carrier-rates", content=bad_csv.encode(), headers={"content-type": "text/csv"}
    )
    assert (refused.status_code, code_of(refused)) == (422, "CARRIER_RATES_INVALID")
    assert refused.json()["error"]["details"] == {"line": 3, "column": "additional_weight_g"}
    good_csv = f"{HEADER}\nSF,*,1000,12.00,1000,2.00,CNY\nZTO,*,1000,5.00,1000,1.00,CNY\n"
    rates = api.put("/api/v1/carrier-rates", json={"csv": good_csv})
    assert rates.json() == {"rows": 2, "carriers": ["SF", "ZTO"], "currency": "CNY"}

    bad_carrier = [{"code": "SF", "max_weight_g": -5}]
    refused = api.put("/api/v1/carriers", json=bad_carrier)
    assert refused.status_code == 422
    assert refused.json()["error"]["details"]["field"] == "carriers[SF].max_weight_g"
    carriers = [{"code": "SF", "name": "顺丰"}, {"code": "ZTO", "name": "中通"}]
    assert [c["code"] for c in api.put("/api/v1/carriers", json=carriers).json()["carriers"]] == [
        "SF",
        "ZTO",
    ]
    refused = api.put("/api/v1/carrier-rules", json=[{"when": {}, "only": []}])
    assert refused.json()["error"]["details"]["field"] == "rules[0].only"
    rules = [{"when": {"warehouse_in": ["WH-GZ"]}, "only": ["SF"], "name": "GZ uses SF"}]
    assert api.put("/api/v1/carrier-rules", json=rules).status_code == 200
    shown = api.get("/api/v1/carriers").json()
    assert (shown["rates"]["rows"], shown["rules"][0]["only"]) == (2, ["SF"])

    assert api.get("/api/v1/shops/tmall/allocation").json()["strategy"] == "single_first"
    refused = api.put("/api/v1/shops/tmall/allocation", json={"strategy": "fastest"})
    assert (refused.status_code, refused.json()["error"]["details"]["field"]) == (422, "strategy")
    assert api.put("/api/v1/shops/nope/allocation", json={}).status_code == 404
    assert (
        api.put("/api/v1/shops/tmall/allocation", json={"strategy": "nearest"}).status_code == 200
    )

    assert api.get(f"/api/v1/orders/{order_id}/allocation").json() == {"allocation": None}
    assert api.get("/api/v1/orders/999999/allocation").status_code == 404
    result = api.post("/api/v1/allocation/run").json()
    assert result == {"allocated": 1, "presale": 0, "out_of_stock": 0, "lines_reserved": 1}
    found = api.get(f"/api/v1/orders/{order_id}/allocation").json()["allocation"]
    [parcel] = found["shipments"]
    assert (found["strategy"], parcel["warehouse"], parcel["carrier"]) == ("nearest", "WH-GZ", "SF")
    assert parcel["lines"] == [{"line_no": 1, "sku": "TEE", "quantity": 2}]
    assert "GZ uses SF" in parcel["carrier_reason"]  # ZTO is cheaper but the rule excludes it
    assert {w["code"] for w in found["warehouses_considered"]} == {"WH-SH", "WH-GZ"}
    [considered] = found["carriers_considered"]
    assert {c["code"]: c["eligible"] for c in considered} == {"SF": True, "ZTO": False}
    levels = {r["warehouse"]: r["reserved"] for r in api.get("/api/v1/stock").json()}
    assert levels == {"WH-GZ": 2, "WH-SH": 0}
    detail = api.get(f"/api/v1/orders/{order_id}").json()  # the order view explains it too
    assert detail["status"] == "allocated"
    assert detail["allocation"]["shipments"][0]["carrier"] == "SF"
    assert "WH-GZ" in detail["allocation"]["reason"]
