"""SQL of pull cursors: the per-shop lock and where the incremental pull stands."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, or_, select, update

from orderhub.db.ingest_repo import insert_ignore_conflicts
from orderhub.db.schema import pull_cursors


def claim(conn: Connection, shop_id: int, *, holder: str, now: datetime, until: datetime) -> bool:
    """Take the shop's pull lock unless someone else holds an unexpired one."""
    conn.execute(insert_ignore_conflicts(conn, pull_cursors).values(shop_id=shop_id, pages=0))
    result = conn.execute(
        update(pull_cursors)
        .where(
            pull_cursors.c.shop_id == shop_id,
            or_(
                pull_cursors.c.locked_by.is_(None),
                pull_cursors.c.locked_until < now,
                pull_cursors.c.locked_by == holder,
            ),
        )
        .values(locked_by=holder, locked_until=until)
        .returning(pull_cursors.c.shop_id)
    )
    return result.first() is not None


def holder_of(conn: Connection, shop_id: int) -> str | None:
    query = select(pull_cursors.c.locked_by).where(pull_cursors.c.shop_id == shop_id)
    return conn.execute(query).scalar()


def release(
    conn: Connection, shop_id: int, *, holder: str, now: datetime, error: str | None
) -> None:
    conn.execute(
        update(pull_cursors)
        .where(pull_cursors.c.shop_id == shop_id, pull_cursors.c.locked_by == holder)
        .values(locked_by=None, locked_until=None, last_run_at=now, last_error=error)
    )


def load(conn: Connection, shop_id: int) -> Any:
    return conn.execute(select(pull_cursors).where(pull_cursors.c.shop_id == shop_id)).first()


def save(conn: Connection, shop_id: int, **values: Any) -> None:
    conn.execute(update(pull_cursors).where(pull_cursors.c.shop_id == shop_id).values(**values))
