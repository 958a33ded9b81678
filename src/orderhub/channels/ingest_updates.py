"""Newer versions of orders we already hold: what the platform may change, and what it means.

The platform may change payment, notes, its own state (cancel, refund request, completion) and,
until the parcel leaves, the receiver. Lines and amounts stay as first received (changes to
them are after-sales matters). Every applied change is an `updated` event naming each field;
a state change the lifecycle cannot follow becomes a `channel_notice` event for a person.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from orderhub.channels.status_policy import StatusDecision, on_change
from orderhub.db import ingest_repo, orders_repo
from orderhub.orders.actions import status_event, stock_effects
from orderhub.orders.domain import ChannelState, OrderDraft, ShopRef
from orderhub.orders.lifecycle import OrderStatus

RECEIVER_FIELDS = ("name", "phone", "country", "province", "city", "district", "street", "postcode")
_UPDATABLE = (
    "payment_status",
    "paid_at",
    "buyer_note",
    "seller_note",
    "channel_state",
    "platform_status",
)
_SHIPPED_OR_LATER = {
    OrderStatus.SHIPPED,
    OrderStatus.IN_TRANSIT,
    OrderStatus.OUT_FOR_DELIVERY,
    OrderStatus.DELIVERED,
    OrderStatus.COMPLETED,
}


def payload_digest(text: str) -> str:
    """Fingerprint of a raw payload, to tell a re-delivery from a changed order."""
    return hashlib.sha256(text.encode()).hexdigest()


def apply_updates(
    conn: Connection, shop: ShopRef, drafts: Sequence[OrderDraft], *, actor: str, now: datetime
) -> tuple[int, dict[str, int]]:
    """Apply newer versions of known orders; return (how many changed, {platform id: order id})."""
    if not drafts:
        return 0, {}
    ids = [d.platform_order_id for d in drafts]
    channel = ingest_repo.existing_channel_orders(conn, shop.id, ids)
    known = {pid: channel[pid].order_id for pid in ids}
    digests = {d.platform_order_id: payload_digest(d.raw_payload) for d in drafts}
    changed = [
        d
        for d in drafts
        if channel[d.platform_order_id].payload_sha256 != digests[d.platform_order_id]
    ]
    columns = [*_UPDATABLE, "status", *(f"receiver_{n}" for n in RECEIVER_FIELDS)]
    current = ingest_repo.shop_orders(
        conn, shop.id, [d.platform_order_id for d in changed], columns
    )
    updated = 0
    for d in changed:
        stored = channel[d.platform_order_id]
        if ingest_repo.replace_channel_payload_if_newer(
            conn,
            stored.id,
            payload=d.raw_payload,
            sha256=digests[d.platform_order_id],
            version=d.version_time,
            now=now,
        ):
            _update_one(conn, current[d.platform_order_id], d, actor=actor, now=now)
            updated += 1
    return updated, known


def _update_one(conn: Connection, row: Any, d: OrderDraft, *, actor: str, now: datetime) -> None:
    changes = _changes(row, d)
    values = {name: new for name, (_, new) in changes.items()}
    ingest_repo.update_order_fields(
        conn, row.id, {**values, "platform_updated_at": d.version_time, "updated_at": now}
    )
    events: list[dict[str, Any]] = []
    if changes:
        events.append(
            {
                "order_id": row.id,
                "kind": "updated",
                "from_status": row.status,
                "to_status": row.status,
                "actor": actor,
                "reason": "newer version from the platform",
                "data": {"changed": {k: [_plain(o), _plain(n)] for k, (o, n) in changes.items()}},
                "created_at": now,
            }
        )
    decision = on_change(OrderStatus(row.status), ChannelState(row.channel_state), d.channel_state)
    if decision is not None:
        events.append(_follow(conn, row, decision, actor=actor, now=now))
    orders_repo.insert_events(conn, events)


def _follow(
    conn: Connection, row: Any, decision: StatusDecision, *, actor: str, now: datetime
) -> dict[str, Any]:
    """Make the lifecycle move the platform's change calls for, or leave a notice for a person."""
    if decision.target is not None:
        moved = orders_repo.compare_and_set_status(
            conn, [row.id], expected=row.status, target=decision.target.value, now=now
        )
        if moved:
            stock_effects(
                conn,
                moved,
                current=row.status,
                target=decision.target,
                actor=actor,
                reason=decision.reason,
            )
            return status_event(
                row.id,
                current=row.status,
                target=decision.target.value,
                actor=actor,
                reason=decision.reason,
                now=now,
            )
    notice = status_event(
        row.id,
        current=row.status,
        target=row.status,
        actor=actor,
        reason=decision.reason,
        now=now,
        kind="channel_notice",
    )
    notice["data"] = {"code": decision.reason.split(":", 1)[0]}
    return notice


def _changes(row: Any, d: OrderDraft) -> dict[str, tuple[Any, Any]]:
    incoming: dict[str, Any] = {
        "payment_status": d.payment_status.value,
        "paid_at": d.paid_at,
        "buyer_note": d.buyer_note,
        "seller_note": d.seller_note,
        "channel_state": d.channel_state.value,
        "platform_status": d.platform_status[:128],
    }
    if OrderStatus(row.status) not in _SHIPPED_OR_LATER:
        incoming.update({f"receiver_{n}": getattr(d.receiver, n) for n in RECEIVER_FIELDS})
    return {k: (getattr(row, k), v) for k, v in incoming.items() if getattr(row, k) != v}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value
