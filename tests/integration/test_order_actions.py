"""Status changes: state machine enforced, every change an event in the same transaction."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine, select

from orderhub.channels.ingest import ingest_orders
from orderhub.db import orders_repo
from orderhub.db.schema import order_events, orders
from orderhub.orders.actions import transition_audited, transition_many, transition_order
from orderhub.orders.domain import utc_now
from orderhub.orders.errors import (
    ConcurrentChange,
    ErrorCode,
    IllegalTransition,
    OrderNotFound,
)
from orderhub.orders.lifecycle import OrderStatus as S
from tests.factories import draft
from tests.integration.test_ingest import make_shop


def new_orders(engine: Engine, n: int = 1) -> list[int]:
    shop = make_shop(engine)
    with engine.begin() as conn:
        result = ingest_orders(conn, shop, [draft(f"T{i}") for i in range(n)])
    return [result.order_ids[f"T{i}"] for i in range(n)]


def history(engine: Engine, order_id: int) -> list[tuple[str, str | None, str | None, str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(order_events)
            .where(order_events.c.order_id == order_id)
            .order_by(order_events.c.id)
        ).all()
    return [(r.kind, r.from_status, r.to_status, r.actor, r.reason) for r in rows]


def status(engine: Engine, order_id: int) -> str:
    with engine.connect() as conn:
        return str(conn.execute(select(orders.c.status).where(orders.c.id == order_id)).scalar())


def test_a_transition_changes_the_status_and_records_who_why_and_when(engine: Engine) -> None:
    [order_id] = new_orders(engine)
    with engine.begin() as conn:
        previous = transition_order(conn, order_id, S.APPROVED, actor="user:li", reason="checked")
    assert previous == "received" and status(engine, order_id) == "approved"
    assert history(engine, order_id)[-1] == (
        "status_changed",
        "received",
        "approved",
        "user:li",
        "checked",
    )


def test_status_and_event_commit_or_roll_back_together(engine: Engine) -> None:
    [order_id] = new_orders(engine)
    with pytest.raises(RuntimeError), engine.begin() as conn:
        transition_order(conn, order_id, S.APPROVED, actor="user:li", reason="checked")
        raise RuntimeError("crash before commit")
    assert status(engine, order_id) == "received"
    assert [h[0] for h in history(engine, order_id)] == ["received"]


def test_an_illegal_change_is_refused_nothing_changes_and_the_refusal_is_kept(
    engine: Engine,
) -> None:
    [order_id] = new_orders(engine)
    with pytest.raises(IllegalTransition) as caught:
        transition_audited(engine, order_id, S.SHIPPED, actor="user:li", reason="hurry")
    assert caught.value.code == ErrorCode.ORDER_ILLEGAL_TRANSITION
    assert status(engine, order_id) == "received"
    kind, from_status, to_status, actor, _ = history(engine, order_id)[-1]
    assert (kind, from_status, to_status, actor) == (
        "transition_refused",
        "received",
        "shipped",
        "user:li",
    )


def test_unknown_order_is_reported_as_such(engine: Engine) -> None:
    with pytest.raises(OrderNotFound), engine.begin() as conn:
        transition_order(conn, 999_999, S.APPROVED, actor="t", reason="r")


def test_a_stale_decision_loses_cleanly_to_a_concurrent_one(engine: Engine) -> None:
    """Two operators act on the same order at once: exactly one change wins, one event is written."""
    [order_id] = new_orders(engine)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(target: S) -> None:
        try:
            with engine.begin() as conn:
                barrier.wait(timeout=5)
                transition_order(conn, order_id, target, actor="user:approver", reason="race")
            outcomes.append("ok")
        except (ConcurrentChange, IllegalTransition) as exc:
            outcomes.append(exc.code.value)
        except Exception as exc:  # SQLite serialises writers; a lock timeout is also a loss
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=act, args=(S.APPROVED,)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1, outcomes
    changes = [h for h in history(engine, order_id) if h[0] == "status_changed"]
    assert len(changes) == 1 and changes[0][2] == status(engine, order_id)


def test_batch_transition_moves_the_legal_ones_and_explains_the_rest(engine: Engine) -> None:
    ids = new_orders(engine, 5)
    with engine.begin() as conn:
        transition_order(conn, ids[0], S.CANCELLED, actor="t", reason="buyer asked")
        batch = transition_many(conn, [*ids, 424242], S.APPROVED, actor="rule:auto", reason="ok")
    assert sorted(batch.moved) == sorted(ids[1:])
    assert batch.refused[ids[0]].code == ErrorCode.ORDER_ILLEGAL_TRANSITION
    assert batch.refused[424242].code == ErrorCode.ORDER_NOT_FOUND
    assert all(status(engine, i) == "approved" for i in ids[1:])
    assert history(engine, ids[1])[-1][:4] == (
        "status_changed",
        "received",
        "approved",
        "rule:auto",
    )


def test_a_batch_transition_writes_each_orders_values_with_its_status(engine: Engine) -> None:
    ids = new_orders(engine, 3)
    with engine.begin() as conn:
        transition_order(conn, ids[0], S.CANCELLED, actor="t", reason="buyer asked")
        batch = transition_many(
            conn,
            ids,
            S.APPROVED,
            actor="rule:auto",
            reason="ok",
            values={i: {"priority": n, "tags": [f"t{n}"]} for n, i in enumerate(ids)},
        )
    assert sorted(batch.moved) == sorted(ids[1:])
    with engine.connect() as conn:
        rows = {r.id: r for r in conn.execute(select(orders).where(orders.c.id.in_(ids)))}
    assert [(rows[i].status, rows[i].priority, rows[i].tags) for i in ids] == [
        ("cancelled", 0, None),  # refused: its values are not written either
        ("approved", 1, ["t1"]),
        ("approved", 2, ["t2"]),
    ]
    assert rows[ids[1]].version == rows[ids[2]].version == 2


def test_a_status_compare_and_set_with_values_moves_only_orders_still_as_expected(
    engine: Engine,
) -> None:
    """Another process changed one order after this batch read it: only the others move."""
    ids = new_orders(engine, 3)
    with engine.begin() as conn:
        transition_order(conn, ids[1], S.ON_HOLD, actor="user:li", reason="meanwhile")
        moved = orders_repo.compare_and_set_status(
            conn,
            ids,
            expected="received",
            target="approved",
            now=utc_now(),
            values=[{"id": i, "priority": 7} for i in ids],
        )
    assert sorted(moved) == [ids[0], ids[2]]
    with engine.connect() as conn:
        found = {
            r.id: (r.status, r.priority)
            for r in conn.execute(select(orders).where(orders.c.id.in_(ids)))
        }
    assert found == {ids[0]: ("approved", 7), ids[1]: ("on_hold", 0), ids[2]: ("approved", 7)}
