"""The demo shop goes in through the real ingest path and the state machine."""

from __future__ import annotations

import itertools

from sqlalchemy import Engine, func, select

from orderhub.db.schema import bundle_components, channel_orders, order_events, orders, stock
from orderhub.demo.generator import generate_demo
from orderhub.demo.load import load_demo, path_to
from orderhub.orders.lifecycle import OrderStatus as S
from orderhub.orders.lifecycle import can_transition


def test_demo_paths_only_take_legal_steps() -> None:
    for target in S:
        if target in (S.MERGED, S.PRESALE):
            continue
        steps = [S.RECEIVED, *path_to(target)]
        assert steps[-1] is target
        assert all(can_transition(a, b) for a, b in itertools.pairwise(steps))


def test_every_demo_order_has_a_history_that_ends_in_its_status(engine: Engine) -> None:
    data = generate_demo(orders=250, seed=3)
    summary = load_demo(engine, data)
    assert summary.orders == 250
    last_event = (
        select(order_events.c.order_id, func.max(order_events.c.id).label("last"))
        .where(order_events.c.to_status.is_not(None), order_events.c.kind != "transition_refused")
        .group_by(order_events.c.order_id)
        .subquery()
    )
    with engine.connect() as conn:
        mismatched = conn.execute(
            select(func.count())
            .select_from(orders)
            .join(last_event, last_event.c.order_id == orders.c.id)
            .join(order_events, order_events.c.id == last_event.c.last)
            .where(order_events.c.to_status != orders.c.status)
        ).scalar_one()
        counts = {
            "orders": conn.execute(select(func.count()).select_from(orders)).scalar_one(),
            "payloads": conn.execute(
                select(func.count())
                .select_from(channel_orders)
                .where(channel_orders.c.order_id.is_not(None))
            ).scalar_one(),
            "bundle parts": conn.execute(
                select(func.count()).select_from(bundle_components)
            ).scalar_one(),
            "stock rows": conn.execute(select(func.count()).select_from(stock)).scalar_one(),
        }
    assert mismatched == 0
    assert counts["orders"] == counts["payloads"] == 250
    assert counts["bundle parts"] > 0 and counts["stock rows"] > 100
