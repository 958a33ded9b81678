"""Use-cases that change orders' status: load, decide with the state machine, write, record."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine

from orderhub.db import orders_repo
from orderhub.orders.domain import utc_now
from orderhub.orders.errors import ConcurrentChange, IllegalTransition, OrderError, OrderNotFound
from orderhub.orders.lifecycle import OrderStatus, check_transition

log = logging.getLogger(__name__)


def status_event(
    order_id: int,
    *,
    current: str | None,
    target: str,
    actor: str,
    reason: str,
    now: datetime,
    kind: str = "status_changed",
) -> dict[str, object]:
    return {
        "order_id": order_id,
        "kind": kind,
        "from_status": current,
        "to_status": target,
        "actor": actor,
        "reason": reason,
        "data": None,
        "created_at": now,
    }


def transition_order(
    conn: Connection,
    order_id: int,
    target: OrderStatus,
    *,
    actor: str,
    reason: str,
    now: datetime | None = None,
) -> str:
    """Move one order to `target` and record the event in the same transaction; return the old status."""
    now = now or utc_now()
    current = orders_repo.get_status(conn, order_id)
    if current is None:
        raise OrderNotFound(order_id)
    check_transition(OrderStatus(current), target)
    moved = orders_repo.compare_and_set_status(
        conn, [order_id], expected=current, target=target.value, now=now
    )
    if not moved:
        raise ConcurrentChange(order_id, current)
    stock_effects(conn, [order_id], current=current, target=target, actor=actor, reason=reason)
    orders_repo.insert_events(
        conn,
        [
            status_event(
                order_id, current=current, target=target.value, actor=actor, reason=reason, now=now
            )
        ],
    )
    return current


_RELEASE_ON = frozenset({OrderStatus.CANCELLED, OrderStatus.MERGED})


def stock_effects(
    conn: Connection,
    order_ids: Sequence[int],
    *,
    current: str,
    target: OrderStatus,
    actor: str,
    reason: str,
) -> None:
    """What a status change means for stock: cancelled, merged away or de-allocated orders give
    their reservations back; a shipped order takes its reserved goods out of the warehouse."""
    if not order_ids:
        return
    from orderhub.inventory import actions as stock

    deallocated = current == OrderStatus.ALLOCATED.value and target is OrderStatus.APPROVED
    if target in _RELEASE_ON or deallocated:
        if stock.release(conn, order_ids, actor=actor, reason=f"order {target.value}: {reason}"):
            from orderhub.db import allocation_repo

            allocation_repo.undo_allocations(conn, order_ids)
    elif target is OrderStatus.SHIPPED:
        stock.ship(conn, order_ids, actor=actor)


def transition_audited(
    engine: Engine, order_id: int, target: OrderStatus, *, actor: str, reason: str
) -> str:
    """`transition_order` in its own transaction; a refused change is logged and kept as an event."""
    try:
        with engine.begin() as conn:
            return transition_order(conn, order_id, target, actor=actor, reason=reason)
    except (IllegalTransition, ConcurrentChange) as exc:
        record_refusal(engine, order_id, exc, target=target, actor=actor, reason=reason)
        raise


def record_refusal(
    engine: Engine,
    order_id: int,
    error: OrderError,
    *,
    target: OrderStatus,
    actor: str,
    reason: str,
) -> None:
    log.warning(
        "refused status change of order %s to %s by %s: %s",
        order_id,
        target.value,
        actor,
        error.message,
    )
    now = utc_now()
    with engine.begin() as conn:
        event = status_event(
            order_id,
            current=orders_repo.get_status(conn, order_id),
            target=target.value,
            actor=actor,
            reason=reason,
            now=now,
            kind="transition_refused",
        )
        event["data"] = {"code": error.code.value, "message": error.message}
        orders_repo.insert_events(conn, [event])


@dataclass(slots=True)
class BatchTransition:
    moved: list[int] = field(default_factory=list)
    refused: dict[int, OrderError] = field(default_factory=dict)


def transition_many(
    conn: Connection,
    order_ids: Sequence[int],
    target: OrderStatus,
    *,
    actor: str,
    reason: str,
    now: datetime | None = None,
    values: Mapping[int, dict[str, Any]] | None = None,
) -> BatchTransition:
    """Batch form for pipeline stages: one status read, one update per current status, bulk
    events. `values` ({order_id: {column: value}}, the same columns for each) are written in
    the same UPDATE as the status."""
    now = now or utc_now()
    result = BatchTransition()
    current_of = orders_repo.statuses_of(conn, order_ids)
    by_status: dict[str, list[int]] = defaultdict(list)
    for order_id in order_ids:
        current = current_of.get(order_id)
        if current is None:
            result.refused[order_id] = OrderNotFound(order_id)
            continue
        try:
            check_transition(OrderStatus(current), target)
        except IllegalTransition as exc:
            result.refused[order_id] = exc
            continue
        by_status[current].append(order_id)
    events = []
    for current, ids in by_status.items():
        moved = orders_repo.compare_and_set_status(
            conn,
            ids,
            expected=current,
            target=target.value,
            now=now,
            values=[{"id": i, **values[i]} for i in ids] if values is not None else None,
        )
        for order_id in set(ids) - set(moved):
            result.refused[order_id] = ConcurrentChange(order_id, current)
        result.moved += moved
        stock_effects(conn, moved, current=current, target=target, actor=actor, reason=reason)
        events += [
            status_event(
                i, current=current, target=target.value, actor=actor, reason=reason, now=now
            )
            for i in moved
        ]
    orders_repo.insert_events(conn, events)
    return result
