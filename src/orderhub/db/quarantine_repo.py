"""SQL for quarantined payloads and security events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select, update

from orderhub.db.schema import quarantine, security_events, shops


@dataclass(frozen=True, slots=True)
class QuarantineView:
    id: int
    shop_code: str | None
    source: str
    source_ref: str
    platform_order_id: str | None
    error_code: str
    error_field: str
    error_message: str
    status: str
    attempts: int
    received_at: datetime
    resolved_at: datetime | None
    resolved_by: str | None
    resolution_note: str
    order_id: int | None
    size: int


def insert_quarantined(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        conn.execute(quarantine.insert(), list(rows))


_COLUMNS = (
    quarantine.c.id,
    shops.c.code.label("shop_code"),
    quarantine.c.source,
    quarantine.c.source_ref,
    quarantine.c.platform_order_id,
    quarantine.c.error_code,
    quarantine.c.error_field,
    quarantine.c.error_message,
    quarantine.c.status,
    quarantine.c.attempts,
    quarantine.c.received_at,
    quarantine.c.resolved_at,
    quarantine.c.resolved_by,
    quarantine.c.resolution_note,
    quarantine.c.order_id,
    func.length(quarantine.c.raw).label("size"),
)


def list_quarantined(
    conn: Connection,
    *,
    status: str | None = "open",
    shop_id: int | None = None,
    code: str | None = None,
    limit: int = 100,
) -> list[QuarantineView]:
    query = select(*_COLUMNS).outerjoin(shops, shops.c.id == quarantine.c.shop_id)
    if status:
        query = query.where(quarantine.c.status == status)
    if shop_id is not None:
        query = query.where(quarantine.c.shop_id == shop_id)
    if code:
        query = query.where(quarantine.c.error_code == code)
    query = query.order_by(quarantine.c.id.desc()).limit(limit)
    return [QuarantineView(**row._mapping) for row in conn.execute(query)]


def get_quarantined(
    conn: Connection, item_id: int
) -> tuple[QuarantineView, bytes, int | None] | None:
    """The item, its raw bytes and its shop id."""
    query = (
        select(*_COLUMNS, quarantine.c.raw, quarantine.c.shop_id)
        .outerjoin(shops, shops.c.id == quarantine.c.shop_id)
        .where(quarantine.c.id == item_id)
    )
    row = conn.execute(query).first()
    if row is None:
        return None
    m = dict(row._mapping)
    raw, shop_id = m.pop("raw"), m.pop("shop_id")
    return QuarantineView(**m), bytes(raw), shop_id


def resolve(
    conn: Connection,
    item_id: int,
    *,
    status: str,
    actor: str,
    now: datetime,
    order_id: int | None = None,
    note: str = "",
) -> bool:
    """Close an open item (replayed or discarded); False when it was no longer open."""
    result = conn.execute(
        update(quarantine)
        .where(quarantine.c.id == item_id, quarantine.c.status == "open")
        .values(
            status=status,
            resolved_at=now,
            resolved_by=actor,
            order_id=order_id,
            resolution_note=note,
        )
        .returning(quarantine.c.id)
    )
    return result.first() is not None


def record_failed_replay(
    conn: Connection, item_id: int, *, code: str, field: str, message: str
) -> None:
    conn.execute(
        update(quarantine)
        .where(quarantine.c.id == item_id)
        .values(
            error_code=code,
            error_field=field,
            error_message=message,
            attempts=quarantine.c.attempts + 1,
        )
    )


def count_open(conn: Connection) -> int:
    query = select(func.count()).select_from(quarantine).where(quarantine.c.status == "open")
    return int(conn.execute(query).scalar_one())


def record_security_event(
    conn: Connection,
    *,
    kind: str,
    shop_id: int | None,
    remote_addr: str,
    detail: dict[str, Any],
    now: datetime,
) -> None:
    conn.execute(
        security_events.insert(),
        {
            "kind": kind,
            "shop_id": shop_id,
            "remote_addr": remote_addr,
            "detail": detail,
            "created_at": now,
        },
    )
