"""Per shop, stock can be reserved as soon as an order is cleaned (before review); an unpaid
order gives it back after the shop's timeout; merging or splitting re-reserves."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, update

from orderhub.channels.ingest import ingest_orders
from orderhub.db.schema import orders
from orderhub.orders.domain import ChannelState, utc_now
from orderhub.orders.lifecycle import PaymentStatus
from orderhub.pipeline.allocate import run_allocation
from orderhub.pipeline.clean import run_cleaning
from orderhub.pipeline.review import run_review
from tests.integration.inventory.test_allocation_stage import levels
from tests.integration.inventory.world import by_no, order, setup, shops_repo_settings

EARLY = {"reserve_at": "ingest", "unpaid_reservation_minutes": 30}


def test_reserved_at_ingest_then_allocated_when_approved(engine: Engine) -> None:
    shop = setup(engine, {("WH-SH", "TEE"): 5})
    with engine.begin() as conn:
        shops_repo_settings(conn, shop.id, EARLY)
        ingest_orders(conn, shop, [order("EARLY", {"TEE": 2})])
    run_cleaning(engine)
    result = run_allocation(engine)
    assert result.outcomes == {by_no(engine)["EARLY"][0]: "reserved"}
    assert by_no(engine)["EARLY"][1] == "received"  # not reviewed yet, but its stock is held
    assert levels(engine)[("WH-SH", "TEE")] == (5, 2)
    run_review(engine)
    run_allocation(engine)
    assert by_no(engine)["EARLY"][1] == "allocated"
    assert levels(engine)[("WH-SH", "TEE")] == (5, 2)  # reserved once, not twice


def test_an_unpaid_order_gives_its_stock_back_after_the_timeout(engine: Engine) -> None:
    shop = setup(engine, {("WH-SH", "TEE"): 5})
    unpaid = order(
        "UNPAID",
        {"TEE": 3},
        payment_status=PaymentStatus.UNPAID,
        channel_state=ChannelState.AWAITING_PAYMENT,
        paid_at=None,
    )
    with engine.begin() as conn:
        shops_repo_settings(conn, shop.id, EARLY)
        ingest_orders(conn, shop, [unpaid])
        conn.execute(
            update(orders).values(status="received", placed_at=utc_now() - timedelta(minutes=5))
        )
    run_cleaning(engine)
    run_allocation(engine)
    assert levels(engine)[("WH-SH", "TEE")] == (5, 3)
    with engine.begin() as conn:  # 40 minutes later, still unpaid
        conn.execute(update(orders).values(placed_at=utc_now() - timedelta(minutes=40)))
    run_allocation(engine)
    assert levels(engine)[("WH-SH", "TEE")] == (5, 0)


def test_a_split_gives_back_and_both_parts_reserve_again(engine: Engine) -> None:
    from orderhub.db.engine import writer
    from orderhub.orders.merge_actions import split_order

    shop = setup(engine, {("WH-SH", "TEE"): 5, ("WH-SH", "MUG"): 5})
    with engine.begin() as conn:
        shops_repo_settings(conn, shop.id, EARLY)
        ingest_orders(conn, shop, [order("WHOLE", {"TEE": 2, "MUG": 1})])
    run_cleaning(engine)
    run_allocation(engine)
    assert levels(engine)[("WH-SH", "TEE")] == (5, 2)
    with writer(engine).begin() as conn:
        split_order(conn, by_no(engine)["WHOLE"][0], {1: 1}, actor="test", reason="ship part now")
    assert levels(engine)[("WH-SH", "TEE")] == (5, 0)
    assert levels(engine)[("WH-SH", "MUG")] == (5, 0)
    run_cleaning(engine)
    run_allocation(engine)
    assert levels(engine)[("WH-SH", "TEE")] == (5, 2)
    assert levels(engine)[("WH-SH", "MUG")] == (5, 1)
