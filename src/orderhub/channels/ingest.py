"""The one ingest path every order takes (demo, manual, platform adapters): idempotent, batched.

An order is keyed by (shop, platform order id). A re-delivery changes nothing; an older version
arriving after a newer one changes nothing; a newer one updates what the platform may change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from orderhub.channels.ingest_updates import RECEIVER_FIELDS, apply_updates, payload_digest
from orderhub.channels.status_policy import on_arrival
from orderhub.db import ingest_repo, orders_repo
from orderhub.orders.actions import status_event
from orderhub.orders.domain import OrderDraft, Problem, ShopRef, utc_now, validate_order


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
    # Keys inserted in one order everywhere: two processes receiving overlapping batches wait
    # for each other on PostgreSQL instead of deadlocking.
    latest = dict(sorted(latest.items()))
    new_ids = ingest_repo.insert_new_channel_orders(
        conn, [_channel_row(shop, d, now) for d in latest.values()]
    )
    fresh = [d for pid, d in latest.items() if pid in new_ids]
    created = _create_orders(conn, shop, fresh, new_ids, actor=actor, now=now)
    result.created = len(created)
    result.order_ids.update(created)
    seen = [d for pid, d in latest.items() if pid not in new_ids]
    updated, known = apply_updates(conn, shop, seen, actor=actor, now=now)
    result.order_ids.update(known)
    result.updated = updated
    result.unchanged = result.received - len(result.invalid) - result.created - result.updated
    return result


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
        status, why = on_arrival(d.channel_state)
        events.append(
            status_event(
                oid,
                current=None,
                target=status.value,
                actor=actor,
                reason=f"received from {shop.platform}: {why}",
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
        "status": on_arrival(d.channel_state)[0].value,
        "payment_status": d.payment_status.value,
        "channel_state": d.channel_state.value,
        "platform_status": d.platform_status[:128],
        "currency": d.currency.upper(),
        "goods_amount": d.goods_amount,
        "discount_amount": d.order_discount,
        "shipping_fee": d.shipping_fee,
        "tax_amount": d.tax,
        "total_amount": d.total,
        "buyer_id": d.buyer_id,
        "buyer_nick": d.buyer_nick,
        "buyer_email": d.buyer_email,
        "buyer_note": d.buyer_note,
        "seller_note": d.seller_note,
        **{f"receiver_{name}": getattr(r, name) for name in RECEIVER_FIELDS},
        "customer_id": None,
        # Taobao step (deposit) trades are presales; other platforms flag them in extra too.
        "is_presale": bool(d.extra.get("step_trade_status") or d.extra.get("presale")),
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
