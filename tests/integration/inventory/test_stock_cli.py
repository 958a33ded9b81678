"""`orderhub stock|allocation|carriers …` as a seller's script uses them: real processes on a
real database. Each call is a process (about a second), so each test walks a whole story."""

from __future__ import annotations

import json
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, update

from orderhub.bootstrap import Container
from orderhub.db import allocation_repo, settings_repo
from orderhub.db.engine import writer
from orderhub.db.schema import skus, stock, warehouses
from orderhub.db.schema_inventory import stock_movements
from orderhub.inventory import actions, queries
from orderhub.orders.domain import utc_now
from orderhub.pipeline.allocate import run_allocation
from tests.integration.inventory.world import GUANGZHOU, approve, by_no, order, setup
from tests.integration.test_cli import run, run_json


def figures(engine: Engine) -> dict[tuple[str, str], tuple[int, int]]:
    with engine.connect() as conn:
        return {
            (r["warehouse"], r["sku"]): (r["on_hand"], r["reserved"]) for r in queries.levels(conn)
        }


def error_of(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert done.returncode == 1, done.stdout
    error: dict[str, Any] = json.loads(done.stdout)["error"]
    return error


def tamper(engine: Engine, warehouse: str, sku: str) -> None:
    """Change a stock row behind the ledger's back, as a bad script or manual SQL would."""
    wid = select(warehouses.c.id).where(warehouses.c.code == warehouse).scalar_subquery()
    sid = select(skus.c.id).where(skus.c.code == sku).scalar_subquery()
    with engine.begin() as conn:
        conn.execute(
            update(stock)
            .where(stock.c.warehouse_id == wid, stock.c.sku_id == sid)
            .values(on_hand=stock.c.on_hand + 1)
        )


def test_movements_change_the_figures_refusals_keep_them_and_verify_finds_tampering(
    container: Container,
) -> None:
    engine = container.engine
    setup(engine, {("WH-SH", "TEE"): 10})
    got = run_json(container, "stock", "receive", "WH-SH", "TEE", "5", "--reference", "PO-1")
    assert got == {
        "warehouse": "WH-SH",
        "sku": "TEE",
        "on_hand": 15,
        "reserved": 0,
        "available": 15,
    }
    got = run_json(container, "stock", "adjust", "WH-SH", "TEE", "-3", "--reason", "water damage")
    assert got["on_hand"] == 12
    assert (
        run_json(container, "stock", "count", "WH-SH", "TEE", "11", "--reason", "cycle")["on_hand"]
        == 11
    )
    moved = run_json(
        container, "stock", "transfer", "WH-SH", "WH-GZ", "TEE", "4", "--reason", "rebalance"
    )
    assert (moved["from"]["on_hand"], moved["to"]["on_hand"]) == (7, 4)
    assert figures(engine) == {("WH-SH", "TEE"): (7, 0), ("WH-GZ", "TEE"): (4, 0)}
    table = run(container, "stock", "list", "--sku", "TEE").stdout
    assert "on hand" in table and "WH-GZ" in table and "available" in table
    assert run_json(container, "stock", "verify") == {"ok": True, "problems": []}

    no_reason = run(container, "stock", "adjust", "WH-SH", "TEE", "-1", "--json", ok=False)
    assert error_of(no_reason)["code"] == "STOCK_REASON_REQUIRED"
    overdraw = run(
        container,
        "stock",
        "transfer",
        "WH-SH",
        "WH-GZ",
        "TEE",
        "8",
        "--reason",
        "x",
        "--json",
        ok=False,
    )
    assert error_of(overdraw)["code"] == "STOCK_INSUFFICIENT"
    assert figures(engine) == {("WH-SH", "TEE"): (7, 0), ("WH-GZ", "TEE"): (4, 0)}

    tamper(engine, "WH-GZ", "TEE")
    found = run(container, "stock", "verify", ok=False)
    assert found.returncode == 1
    assert "WH-GZ TEE" in found.stdout and "differs_from_ledger" in found.stdout
    assert "WH-SH" not in found.stdout


def ship_two_days_ago(engine: Engine, order_nos: list[str]) -> None:
    """Ship allocated orders and date the shipments in the demand window (today is left out)."""
    ids = [by_no(engine)[no][0] for no in order_nos]
    with writer(engine).begin() as conn:
        actions.ship(conn, ids, actor="test")
        conn.execute(
            update(stock_movements)
            .where(stock_movements.c.kind == "shipment")
            .values(created_at=utc_now() - timedelta(days=2))
        )


def test_safety_alerts_suggestions_and_a_purchase_order_on_its_way(container: Container) -> None:
    engine = container.engine
    shop = setup(engine, {("WH-SH", "TEE"): 30, ("WH-GZ", "TEE"): 14, ("WH-SH", "MUG"): 3})
    approve(engine, shop, [order("GZ-1", {"TEE": 14}, to=GUANGZHOU)])
    assert run_allocation(engine).allocated == 1
    ship_two_days_ago(engine, ["GZ-1"])  # 广州 sold 14 in 14 days: 1 a day, none left

    run(container, "stock", "safety", "MUG", "10", "--warehouse", "WH-SH")
    run(container, "stock", "safety", "TEE", "5", "--lead-time", "30")
    [alert] = run_json(container, "stock", "alerts")
    assert (alert["sku"], alert["warehouse"], alert["shortfall"]) == ("MUG", "WH-SH", 7)

    advice = run_json(container, "stock", "suggestions", "--days", "14", "--cover-days", "14")
    [move] = advice["transfers"]
    assert (move["sku"], move["from_warehouse"], move["to_warehouse"]) == ("TEE", "WH-SH", "WH-GZ")
    assert move["quantity"] == 14 and "1/day" in move["reason"]
    [buy] = advice["replenishment"]  # MUG has no lead time: no purchase advice for it
    # 30 available <= reorder point 1/day x 30 days + 5; order up to 1 x 60 + 5 = 65
    assert (buy["sku"], buy["reorder_point"], buy["suggested_quantity"]) == ("TEE", 35, 35)

    run(
        container,
        "stock",
        "expect",
        "WH-GZ",
        "TEE",
        "20",
        "--arrival",
        "2030-01-05",
        "--reference",
        "PO-7",
    )
    atp = run_json(container, "stock", "atp", "TEE")
    assert (atp["available_now"], atp["incoming_total"], atp["incoming"]) == (
        30,
        20,
        [["2030-01-05", 50]],
    )
    assert run_json(container, "stock", "arrive", "PO-7")["received"] == 20
    assert figures(engine)[("WH-GZ", "TEE")] == (20, 0)
    with engine.connect() as conn:
        assert actions.verify(conn) == []


def test_carriers_strategy_allocation_and_its_explanation(
    container: Container, tmp_path: Path
) -> None:
    engine = container.engine
    shop = setup(engine, {("WH-SH", "TEE"): 10, ("WH-GZ", "TEE"): 10})
    approve(engine, shop, [order("GZ-1", {"TEE": 2}, to=GUANGZHOU)])
    with engine.connect() as conn:
        rates_before = settings_repo.get_setting(conn, "carrier_rates")

    bad_csv = tmp_path / "rates.csv"
    bad_csv.write_text(
        "carrier,destination,first_weight_g,first_price,additional_weight_g,additional_price,currency\n"
        "SF,*,1000,12.00,1000,2.00,CNY\n"
        "ZTO,广东省,1000,five,1000,1.00,CNY\n",
        encoding="utf-8",
    )
    refused = run(container, "carriers", "rates", str(bad_csv), ok=False)
    assert refused.returncode == 1
    assert "CARRIER_RATES_INVALID" in refused.stderr and "line 3" in refused.stderr
    assert "first_price" in refused.stderr

    bad_strategy = tmp_path / "bad.json"
    bad_strategy.write_text('{"strategy": "region_map", "region_map": {"火星": ["WH-SH"]}}')
    error = error_of(
        run(container, "allocation", "strategy", "tmall", str(bad_strategy), "--json", ok=False)
    )
    assert error["code"] == "ALLOCATION_CONFIG_INVALID"
    assert error["details"] == {"field": "region_map.火星", "problem": "ALLOCATION_CONFIG_INVALID"}

    # 华南 is served from 上海 in this shop; only SF may carry.
    strategy = tmp_path / "strategy.json"
    strategy.write_text('{"strategy": "region_map", "region_map": {"华南": ["WH-SH"]}}')
    stored = run_json(container, "allocation", "strategy", "tmall", str(strategy))
    assert stored["region_map"] == {"华南": ["WH-SH"]}
    only_sf = tmp_path / "carriers.json"
    only_sf.write_text('[{"code": "SF", "name": "顺丰速运", "services": ["standard", "express"]}]')
    assert [
        c["code"] for c in run_json(container, "carriers", "set", str(only_sf))["carriers"]
    ] == ["SF"]

    assert run_json(container, "allocation", "run")["allocated"] == 1
    order_id = by_no(engine)["GZ-1"][0]
    shown = run(container, "allocation", "show", str(order_id)).stdout
    assert "parcel from WH-SH: TEE x2; carrier SF" in shown
    assert "(region_map)" in shown and "region 华南 → WH-SH first" in shown  # why WH-SH
    assert "considered WH-GZ" in shown and "considered SF" in shown
    with engine.connect() as conn:
        current = allocation_repo.current_allocation(conn, order_id)
        assert settings_repo.get_setting(conn, "carrier_rates") == rates_before
    assert current is not None and current.shipments[0]["carrier"] == "SF"
