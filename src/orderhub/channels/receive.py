"""From raw platform payloads to stored orders; whatever cannot become an order is quarantined.

Nothing is lost: every raw payload ends as an order (new, updated or unchanged) or as a
quarantine row holding its bytes, shop, time and a stable error code with a message.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from orderhub.channels.base import ChannelAdapter, ParseError, ShopContext
from orderhub.channels.ingest import IngestResult, ingest_orders
from orderhub.db import quarantine_repo
from orderhub.orders.domain import OrderDraft, ShopRef, utc_now

MAX_PAYLOAD_BYTES = 2_000_000


@dataclass(frozen=True, slots=True)
class Rejected:
    """A payload refused before it became a draft."""

    raw: bytes
    code: str
    message: str
    field: str = ""
    platform_order_id: str | None = None
    source_ref: str = ""


Parsed = OrderDraft | Rejected


@dataclass(slots=True)
class ReceiveResult:
    received: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    order_ids: dict[str, int] = field(default_factory=dict)

    def add(self, other: ReceiveResult) -> None:
        for name in ("received", "created", "updated", "unchanged", "quarantined"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.order_ids.update(other.order_ids)

    def as_counts(self) -> dict[str, int]:
        return {
            "received": self.received,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "quarantined": self.quarantined,
        }


def parse_raw(
    adapter: ChannelAdapter, shop: ShopContext, raw: str | bytes, *, source_ref: str = ""
) -> Parsed:
    """Parse one raw payload; any failure becomes a `Rejected` with a stable code."""
    data = raw.encode() if isinstance(raw, str) else raw
    if len(data) > MAX_PAYLOAD_BYTES:
        return Rejected(
            data,
            "PAYLOAD_TOO_LARGE",
            f"payload of {len(data)} bytes exceeds {MAX_PAYLOAD_BYTES}",
            source_ref=source_ref,
        )
    try:
        text = data.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        return Rejected(
            data, "PAYLOAD_NOT_UTF8", f"payload is not UTF-8: {exc}", source_ref=source_ref
        )
    try:
        return adapter.parse(text, shop)
    except ParseError as exc:
        return Rejected(data, exc.code, exc.message, exc.field, source_ref=source_ref)


def receive(
    conn: Connection,
    shop: ShopRef,
    items: Iterable[Parsed],
    *,
    source: str,
    actor: str | None = None,
    now: datetime | None = None,
) -> ReceiveResult:
    """Store a batch of parsed payloads of one shop in the caller's transaction."""
    now = now or utc_now()
    drafts: list[OrderDraft] = []
    rejected: list[Rejected] = []
    for item in items:
        if isinstance(item, OrderDraft):
            drafts.append(item)
        else:
            rejected.append(item)
    ingested = ingest_orders(conn, shop, drafts, actor=actor, now=now)
    rejected += _invalid_drafts(drafts, ingested)
    quarantine_repo.insert_quarantined(conn, [_row(shop, r, source, now) for r in rejected])
    return _result(drafts, rejected, ingested)


def _result(
    drafts: Sequence[OrderDraft], rejected: Sequence[Rejected], ingested: IngestResult
) -> ReceiveResult:
    return ReceiveResult(
        received=len(drafts) - len(ingested.invalid) + len(rejected),
        created=ingested.created,
        updated=ingested.updated,
        unchanged=ingested.unchanged,
        quarantined=len(rejected),
        order_ids=ingested.order_ids,
    )


def _invalid_drafts(drafts: Sequence[OrderDraft], ingested: IngestResult) -> list[Rejected]:
    """Drafts that parsed but failed validation go to quarantine with their first problem."""
    if not ingested.invalid:
        return []
    by_id = {d.platform_order_id: d for d in drafts}
    rejected = []
    for platform_order_id, problems in ingested.invalid:
        code, where, message = problems[0]
        detail = "; ".join(f"{f}: {m}" for _, f, m in problems)
        raw = by_id[platform_order_id].raw_payload.encode()
        rejected.append(
            Rejected(
                raw,
                code,
                detail if len(problems) > 1 else message,
                where,
                platform_order_id or None,
            )
        )
    return rejected


def _row(shop: ShopRef, r: Rejected, source: str, now: datetime) -> dict[str, Any]:
    return {
        "shop_id": shop.id,
        "source": source,
        "source_ref": r.source_ref[:255],
        "platform_order_id": (r.platform_order_id or None) and r.platform_order_id[:64],
        "raw": r.raw,
        "error_code": r.code[:64],
        "error_field": r.field[:128],
        "error_message": r.message,
        "status": "open",
        "attempts": 1,
        "received_at": now,
        "resolved_at": None,
        "resolved_by": None,
        "order_id": None,
    }
