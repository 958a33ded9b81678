"""The allocation stage on real databases: warehouse and carrier with reasons, reservation,
OUT_OF_STOCK and its retry (oldest paid first), presale against purchase orders, releases."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Engine, select

from orderhub.db import allocation_repo
from orderhub.db.engine import writer
from orderhub.db.schema import stock
from orderhub.inventory import queries
from orderhub.inventory.actions import verify
from orderhub.orders.actions import transition_many
from orderhub.orders.lifecycle import OrderStatus
from orderhub.pipeline.allocate import run_allocation
from tests.integration.inventory.world import (
    GUANGZHOU,
    approve,
    by_no,
    holds,
    order,
    receive,
    setup,
)


def levels(engine: Engine) -> dict[tuple[str, str], tuple[int, int]]:
    with engine.connect() as conn:
        return {
            (r["warehouse"], r["sku"]): (r["on_hand"], r["reserved"]) for r in queries.levels(conn)
        }


def test_region_first_then_reserve_with_reasons(engine: Engine) -> None:
    stock_in = {
        ("WH-SH", "TEE"): 10,
        ("WH-GZ", "TEE"): 10,
        ("WH-SH", "MUG"): 5,
        ("WH-GZ", "MUG"): 5,
    }
    shop = setup(
        engine,
        stock_in,
        allocation={"strategy": "region_map", "region_map": {"华东": ["WH-SH"], "华南": ["WH-GZ"]}},
    )
    approve(
        engine,
        shop,
        [order("SH-1", {"TEE": 2, "MUG": 1}), order("GZ-1", {"TEE": 3}, to=GUANGZHOU, minutes=1)],
    )
    result = run_allocation(engine)
    assert (result.allocated, result.out_of_stock, result.presale) == (2, 0, 0)
    assert levels(engine) == {
        ("WH-SH", "TEE"): (10, 2),
        ("WH-SH", "MUG"): (5, 1),
        ("WH-GZ", "TEE"): (10, 3),
        ("WH-GZ", "MUG"): (5, 0),
    }
    ids = by_no(engine)
    assert ids["SH-1"][1] == ids["GZ-1"][1] == "allocated"
    with engine.connect() as conn:
        sh = allocation_repo.current_allocation(conn, ids["SH-1"][0])
        gz = allocation_repo.current_allocation(conn, ids["GZ-1"][0])
        assert verify(conn) == []
    assert sh is not None and gz is not None
    assert [s["warehouse"] for s in sh.shipments] == ["WH-SH"]
    assert [s["warehouse"] for s in gz.shipments] == ["WH-GZ"]
    assert "WH-SH" in sh.reason and sh.explanation["warehouses"]  # the warehouses considered
    parcel = sh.shipments[0]
    # The mug is fragile: only SF, JD or DEBANG may carry it; the cheapest of them wins.
    considered = {c["code"]: c for c in sh.explanation["carriers"][0]}
    eligible = {code for code, c in considered.items() if c["eligible"]}
    assert eligible == {"SF", "JD", "DEBANG"}
    assert considered["ZTO"]["eligible"] is False and "fragile" in considered["ZTO"]["why_not"]
    cheapest = min(eligible, key=lambda code: (Decimal(considered[code]["cost"]), code))
    assert parcel["carrier"] == cheapest
    assert parcel["cost"].endswith("CNY")


def test_cold_chain_goes_with_a_cold_chain_carrier(engine: Engine) -> None:
    shop = setup(engine, {("WH-SH", "ICE"): 5})
    approve(engine, shop, [order("ICE-1", {"ICE": 2})])
    run_allocation(engine)
    with engine.connect() as conn:
        found = allocation_repo.current_allocation(conn, by_no(engine)["ICE-1"][0])
    assert found is not None and found.shipments[0]["carrier"] == "SF"


def test_split_when_no_warehouse_can_fill_the_order(engine: Engine) -> None:
    shop = setup(engine, {("WH-SH", "TEE"): 2, ("WH-GZ", "MUG"): 2})
    approve(engine, shop, [order("SPLIT", {"TEE": 2, "MUG": 2})])
    run_allocation(engine)
    with engine.connect() as conn:
        found = allocation_repo.current_allocation(conn, by_no(engine)["SPLIT"][0])
    assert found is not None
    assert sorted(s["warehouse"] for s in found.shipments) == ["WH-GZ", "WH-SH"]
    assert "split" in found.reason.lower()


def test_out_of_stock_waits_and_is_retried_oldest_paid_first(engine: Engine) -> None:
    shop = setup(engine, {("WH-SH", "TEE"): 1})
    approve(
        engine,
        shop,
        [
            order("FIRST", {"TEE": 2}, minutes=1),
            order("SECOND", {"TEE": 2}, minutes=2),
            order("THIRD", {"TEE": 1}, minutes=3),
        ],
    )
    run_allocation(engine)
    ids = by_no(engine)
    assert (ids["FIRST"][1], ids["SECOND"][1], ids["THIRD"][1]) == (
        "on_hold",
        "on_hold",
        "allocated",
    )
    assert holds(engine, ids["FIRST"][0]) == ["OUT_OF_STOCK"]
    receive(engine, {("WH-GZ", "TEE"): 3})
    again = run_allocation(engine)
    ids = by_no(engine)
    # 3 units arrive: FIRST (paid first) takes 2; SECOND needs 2 and waits.
    assert (ids["FIRST"][1], ids["SECOND"][1]) == ("allocated", "on_hold")
    assert again.allocated == 1
    assert holds(engine, ids["FIRST"][0]) == []
    with engine.connect() as conn:
        assert verify(conn) == []


def test_presale_waits_for_the_purchase_order_and_is_served_in_payment_order(
    engine: Engine,
) -> None:
    shop = setup(engine, {("WH-SH", "MUG"): 1})
    with engine.begin() as conn:
        queries.expect(conn, "WH-SH", "TEE", 3, arrival=date(2026, 12, 10), reference="PO-1001")
    approve(
        engine,
        shop,
        [
            order("P1", {"TEE": 2}, minutes=1),
            order("P2", {"TEE": 1}, minutes=2),
            order("P3", {"TEE": 1}, minutes=3),
        ],
    )
    run_allocation(engine)
    ids = by_no(engine)
    # 3 units are coming: P1 and P2 are promised them; P3 cannot be and waits for stock.
    assert [ids[n][1] for n in ("P1", "P2", "P3")] == ["presale", "presale", "on_hold"]
    with writer(engine).begin() as conn:
        assert queries.arrive(conn, "PO-1001", actor="test") == 3
    run_allocation(engine)
    ids = by_no(engine)
    assert [ids[n][1] for n in ("P1", "P2", "P3")] == ["allocated", "allocated", "on_hold"]


def test_cancel_releases_and_shipping_takes_the_goods(engine: Engine) -> None:
    shop = setup(engine, {("WH-SH", "TEE"): 10})
    approve(engine, shop, [order("KEEP", {"TEE": 2}), order("DROP", {"TEE": 3}, minutes=1)])
    run_allocation(engine)
    ids = by_no(engine)
    assert levels(engine)[("WH-SH", "TEE")] == (10, 5)
    with writer(engine).begin() as conn:
        transition_many(
            conn, [ids["DROP"][0]], OrderStatus.CANCELLED, actor="test", reason="buyer cancelled"
        )
        for target in (OrderStatus.PICKING, OrderStatus.PACKED, OrderStatus.SHIPPED):
            transition_many(conn, [ids["KEEP"][0]], target, actor="test", reason="warehouse")
    assert levels(engine)[("WH-SH", "TEE")] == (8, 0)
    with engine.connect() as conn:
        assert verify(conn) == []
        assert conn.execute(select(stock.c.on_hand)).scalar_one() == 8


def test_a_platform_cancellation_after_a_refund_releases_the_stock(engine: Engine) -> None:
    from dataclasses import replace

    from orderhub.channels.ingest import ingest_orders
    from orderhub.orders.domain import ChannelState
    from orderhub.orders.lifecycle import PaymentStatus

    shop = setup(engine, {("WH-SH", "TEE"): 10})
    paid = order("REFUND", {"TEE": 4})
    approve(engine, shop, [paid])
    run_allocation(engine)
    assert levels(engine)[("WH-SH", "TEE")] == (10, 4)
    refunded = replace(  # the platform's newer version: refunded in full, trade closed
        paid,
        channel_state=ChannelState.CANCELLED,
        payment_status=PaymentStatus.REFUNDED,
        platform_updated_at=paid.version_time + timedelta(hours=1),
        raw_payload=paid.raw_payload + " ",
    )
    with writer(engine).begin() as conn:
        ingest_orders(conn, shop, [refunded])
    assert by_no(engine)["REFUND"][1] == "cancelled"
    assert levels(engine)[("WH-SH", "TEE")] == (10, 0)
