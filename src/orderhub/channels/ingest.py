"""The one ingest path every order takes (demo, manual, platform adapters): idempotent, batched.

An order is keyed by (shop, platform order id). A re-delivery changes nothing; an older version
arriving after a newer one changes nothing; a newer one updates what the platform may change.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from orderhub.db import ingest_repo, orders_repo
from orderhub.orders.actions import status_event
from orderhub.orders.domain import OrderDraft, Problem, ShopRef, utc_now, validate_order
from orderhub.orders.lifecycle import OrderStatus

# What a platform may still change on an order it already sent us, and until when.
_UPDATABLE = ("payment_status", "paid_at", "buyer_note", "seller_note")
_RECEIVER_FIELDS = (
    "name",
    "phone",
    "country",
    "province",
    "city",
    "district",
    "street",
    "postcode",
)
_SHIPPED_OR_LATER = {
    OrderStatus.SHIPPED,
    OrderStatus.IN_TRANSIT,
    OrderStatus.OUT_FOR_DELIVERY,
    OrderStatus.DELIVERED,
    OrderStatus.COMPLETED,
}


@dataclass(slots=True)
class IngestResult:
    received: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: list[tuple[str, list[Problem]]] = field(default_factory=list)
    order_ids: dict[str, int] = field(default_factory=dict)

    def as_counts(self) -> dict[str, int]:
        return {
            "received": self.received,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "invalid": len(self.invalid),
        }


def ingest_orders(
    conn: Connection,
    shop: ShopRef,
    drafts: Sequence[OrderDraft],
    *,
    actor: str | None = None,
    now: datetime | None = None,
) -> IngestResult:
    """Store a batch of one shop's orders in the caller's transaction."""
    now = now or utc_now()
    actor = actor or f"channel:{shop.code}"
    result = IngestResult(received=len(drafts))
    latest: dict[str, OrderDraft] = {}
    for draft in drafts:
        problems = validate_order(draft)
        if problems:
            result.invalid.append((draft.platform_order_id, problems))
            continue
        kept = latest.get(draft.platform_order_id)
        if kept is None or draft.version_time > kept.version_time:
            latest[draft.platform_order_id] = draft
    new_ids = ingest_repo.insert_new_channel_orders(
        conn, [_channel_row(shop, d, now) for d in latest.values()]
    )
    fresh = [d for pid, d in latest.items() if pid in new_ids]
    created = _create_orders(conn, shop, fresh, new_ids, actor=actor, now=now)
    result.created = len(created)
    result.order_ids.update(created)
    seen = [d for pid, d in latest.items() if pid not in new_ids]
    updated, known = _apply_updates(conn, shop, seen, actor=actor, now=now)
    result.order_ids.update(known)
    result.updated = updated
    result.unchanged = result.received - len(result.invalid) - result.created - result.updated
    return result


def payload_digest(text: str) -> str:
    """Fingerprint of a raw payload, to tell a re-delivery from a changed order."""
    return hashlib.sha256(text.encode()).hexdigest()


def _channel_row(shop: ShopRef, draft: OrderDraft, now: datetime) -> dict[str, Any]:
    return {
        "shop_id": shop.id,
        "platform_order_id": draft.platform_order_id,
        "payload": draft.raw_payload,
        "payload_sha256": payload_digest(draft.raw_payload),
        "platform_updated_at": draft.version_time,
        "received_at": now,
        "order_id": None,
    }


def _create_orders(
    conn: Connection,
    shop: ShopRef,
    drafts: Sequence[OrderDraft],
    channel_ids: dict[str, int],
    *,
    actor: str,
    now: datetime,
) -> dict[str, int]:
    if not drafts:
        return {}
    keys = ingest_repo.insert_orders(conn, [_order_row(shop, d, now) for d in drafts])
    order_id = {pid: oid for (_, pid), oid in keys.items()}
    sku_id = ingest_repo.sku_ids(
        conn, {ln.sku_code for d in drafts for ln in d.lines if ln.sku_code}
    )
    lines, events = [], []
    for d in drafts:
        oid = order_id[d.platform_order_id]
        lines += [_line_row(oid, no, ln, sku_id) for no, ln in enumerate(d.lines, start=1)]
        events.append(
            status_event(
                oid,
                current=None,
                target=d.status.value,
                actor=actor,
                reason=f"received from {shop.platform}",
                now=now,
                kind="received",
            )
        )
    ingest_repo.insert_lines(conn, lines)
    orders_repo.insert_events(conn, events)
    ingest_repo.link_channel_orders(
        conn, [(channel_ids[pid], oid) for pid, oid in order_id.items()]
    )
    return order_id


def _order_row(shop: ShopRef, d: OrderDraft, now: datetime) -> dict[str, Any]:
    r = d.receiver
    return {
        "shop_id": shop.id,
        "platform_order_id": d.platform_order_id,
        "channel": shop.platform,
        "order_type": d.order_type.value,
        "status": d.status.value,
        "payment_status": d.payment_status.value,
        "currency": d.currency.upper(),
        "goods_amount": d.goods_amount,
        "discount_amount": d.order_discount,
        "shipping_fee": d.shipping_fee,
        "total_amount": d.total,
        "buyer_id": d.buyer_id,
        "buyer_nick": d.buyer_nick,
        "buyer_email": d.buyer_email,
        "buyer_note": d.buyer_note,
        "seller_note": d.seller_note,
        **{f"receiver_{name}": getattr(r, name) for name in _RECEIVER_FIELDS},
        "customer_id": None,
        "placed_at": d.placed_at,
        "paid_at": d.paid_at,
        "platform_updated_at": d.version_time,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }


def _line_row(order_id: int, line_no: int, line: Any, sku_id: dict[str, int]) -> dict[str, Any]:
    return {
        "order_id": order_id,
        "line_no": line_no,
        "sku_id": sku_id.get(line.sku_code or ""),
        "sku_code": line.sku_code,
        "platform_sku_id": line.platform_sku_id,
        "title": line.title,
        "spec": line.spec,
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "discount": line.discount,
    }


def _apply_updates(
    conn: Connection, shop: ShopRef, drafts: Sequence[OrderDraft], *, actor: str, now: datetime
) -> tuple[int, dict[str, int]]:
    """Apply newer versions of known orders; return (how many changed, {platform id: order id})."""
    if not drafts:
        return 0, {}
    existing = ingest_repo.existing_channel_orders(
        conn, shop.id, [d.platform_order_id for d in drafts]
    )
    columns = [*_UPDATABLE, "status", *(f"receiver_{n}" for n in _RECEIVER_FIELDS)]
    current = ingest_repo.orders_by_key(
        conn, [(shop.id, d.platform_order_id) for d in drafts], columns
    )
    updated, known = 0, {}
    for d in drafts:
        row = current[(shop.id, d.platform_order_id)]
        known[d.platform_order_id] = row.id
        channel = existing[d.platform_order_id]
        if channel.payload_sha256 == payload_digest(
            d.raw_payload
        ) or not ingest_repo.replace_channel_payload_if_newer(
            conn,
            channel.id,
            payload=d.raw_payload,
            sha256=payload_digest(d.raw_payload),
            version=d.version_time,
            now=now,
        ):
            continue
        changes = _changes(row, d)
        values = {name: new for name, (_, new) in changes.items()}
        ingest_repo.update_order_fields(
            conn, row.id, {**values, "platform_updated_at": d.version_time, "updated_at": now}
        )
        orders_repo.insert_events(
            conn,
            [
                {
                    "order_id": row.id,
                    "kind": "updated",
                    "from_status": row.status,
                    "to_status": row.status,
                    "actor": actor,
                    "reason": "newer version from the platform",
                    "data": {
                        "changed": {k: [_plain(o), _plain(n)] for k, (o, n) in changes.items()}
                    },
                    "created_at": now,
                }
            ],
        )
        updated += 1
    return updated, known


def _changes(row: Any, d: OrderDraft) -> dict[str, tuple[Any, Any]]:
    incoming: dict[str, Any] = {
        "payment_status": d.payment_status.value,
        "paid_at": d.paid_at,
        "buyer_note": d.buyer_note,
        "seller_note": d.seller_note,
    }
    if OrderStatus(row.status) not in _SHIPPED_OR_LATER:
        incoming.update({f"receiver_{n}": getattr(d.receiver, n) for n in _RECEIVER_FIELDS})
    return {k: (getattr(row, k), v) for k, v in incoming.items() if getattr(row, k) != v}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value
