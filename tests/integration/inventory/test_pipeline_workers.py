"""`orderhub pipeline run --workers 2`: on PostgreSQL two processes claim different batches
(FOR UPDATE SKIP LOCKED) and every order is processed exactly once; SQLite runs one writer."""

from __future__ import annotations

from sqlalchemy import func, select

from orderhub.bootstrap import Container
from orderhub.channels.ingest import ingest_orders
from orderhub.db.schema import order_events
from orderhub.db.schema_inventory import stock_reservations
from orderhub.inventory.actions import verify
from tests.integration.inventory.world import by_no, order, setup
from tests.integration.test_cli import run_json


def test_two_workers_process_every_order_once(container: Container) -> None:
    engine = container.engine
    shop = setup(engine, {("WH-SH", "TEE"): 300, ("WH-GZ", "MUG"): 300})
    drafts = [order(f"W{i:03}", {"TEE": 1, "MUG": 1}, minutes=i) for i in range(120)]
    with engine.begin() as conn:
        ingest_orders(conn, shop, drafts)
    out = run_json(container, "pipeline", "run", "--workers", "2", "--batch", "10")
    assert (out["cleaned"], out["reviewed"], out["allocated"]) == (120, 120, 120)
    assert {status for _, status in by_no(engine).values()} == {"allocated"}
    with engine.connect() as conn:
        reserved = conn.execute(select(func.count()).select_from(stock_reservations)).scalar_one()
        allocated_events = conn.execute(
            select(func.count()).where(order_events.c.to_status == "allocated")
        ).scalar_one()
        assert verify(conn) == []
    assert reserved == 240  # two lines per order, reserved once
    assert allocated_events == 120
