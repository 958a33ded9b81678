"""Seller settings stored as JSON documents by key (spec aliases, grade rules, merge policy …)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from orderhub.db.ingest_repo import insert_ignore_conflicts
from orderhub.db.schema import settings


def get_setting(conn: Connection, key: str) -> Any | None:
    """The stored document, or None when the seller never set it (callers use their defaults)."""
    return conn.execute(select(settings.c.value).where(settings.c.key == key)).scalar()


def put_setting(conn: Connection, key: str, value: Any, *, actor: str, now: datetime) -> None:
    conn.execute(
        insert_ignore_conflicts(conn, settings).values(
            key=key, value=value, updated_at=now, updated_by=actor
        )
    )
    conn.execute(
        update(settings)
        .where(settings.c.key == key)
        .values(value=value, updated_at=now, updated_by=actor)
    )
