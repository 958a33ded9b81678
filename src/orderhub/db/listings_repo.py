"""Channel listings: which shop sells which of our SKUs under which platform id, and what
quantity was last published there."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, Row, func, select, text, update

from orderhub.db.ingest_repo import insert_ignore_conflicts
from orderhub.db.schema import shops, skus
from orderhub.db.schema_inventory import channel_listings
from orderhub.db.settings_repo import get_setting, put_setting

_c = channel_listings.c


def mark_changed(conn: Connection, sku_ids: Sequence[int], *, now: datetime) -> None:
    """Stock of these SKUs changed: their listings wait for a (debounced) push."""
    ids = sorted(set(sku_ids))
    if ids:
        conn.execute(
            update(channel_listings)
            .where(_c.sku_id.in_(ids))
            .values(changed_at=now, first_changed_at=func.coalesce(_c.first_changed_at, now))
        )


def mark_shop_changed(conn: Connection, shop_id: int, *, now: datetime) -> None:
    """Every listing of the shop must be recomputed (its publish rule changed)."""
    conn.execute(
        update(channel_listings)
        .where(_c.shop_id == shop_id)
        .values(changed_at=now, first_changed_at=func.coalesce(_c.first_changed_at, now))
    )


def upsert(conn: Connection, shop_id: int, sku_id: int, listing_id: str, *, now: datetime) -> None:
    """Create or re-point a listing; a new platform id has never received our quantity."""
    conn.execute(
        insert_ignore_conflicts(conn, channel_listings).values(
            shop_id=shop_id,
            sku_id=sku_id,
            listing_id=listing_id,
            first_changed_at=now,
            changed_at=now,
        )
    )
    same_listing = (_c.shop_id == shop_id, _c.sku_id == sku_id)
    conn.execute(
        update(channel_listings)
        .where(*same_listing, _c.listing_id != listing_id)
        .values(listing_id=listing_id, last_pushed=None, last_pushed_at=None, last_error="")
    )
    conn.execute(
        update(channel_listings)
        .where(*same_listing)
        .values(changed_at=now, first_changed_at=func.coalesce(_c.first_changed_at, now))
    )


def listings(
    conn: Connection, *, shop_id: int | None = None, changed_only: bool = False
) -> list[Row[Any]]:
    """Listings with their shop and SKU codes, by shop then SKU; `changed_only`: those marked."""
    query = (
        select(channel_listings, shops.c.code.label("shop"), skus.c.code.label("sku"))
        .join(shops, shops.c.id == _c.shop_id)
        .join(skus, skus.c.id == _c.sku_id)
        .order_by(shops.c.code, skus.c.code)
    )
    if shop_id is not None:
        query = query.where(_c.shop_id == shop_id)
    if changed_only:
        query = query.where(_c.changed_at.is_not(None))
    return list(conn.execute(query))


def shop_ids_with_listings(conn: Connection) -> list[int]:
    return list(conn.scalars(select(_c.shop_id).distinct().order_by(_c.shop_id)))


def record_push(
    conn: Connection,
    listing_id: int,
    *,
    quantity: int | None,
    error: str,
    now: datetime,
    seen_change: datetime | None,
    clear_change: bool | None = None,
) -> None:
    """Store the result of a push (`quantity` None: nothing was taken, keep the last pushed).

    The change mark is cleared (by default when a quantity was taken) only if no newer change
    arrived than `seen_change`, the mark read before the push; None: the row was not marked, and
    a mark set since then stays."""
    values: dict[str, Any] = {"last_error": error[:2000]}
    if quantity is not None:
        values |= {"last_pushed": quantity, "last_pushed_at": now}
    conn.execute(update(channel_listings).where(_c.id == listing_id).values(**values))
    if clear_change is None:
        clear_change = quantity is not None
    if clear_change:
        clear_mark(conn, listing_id, seen_change=seen_change)


def clear_mark(conn: Connection, listing_id: int, *, seen_change: datetime | None) -> None:
    """Clear the change mark read as `seen_change`, unless a newer change arrived since."""
    if seen_change is not None:
        conn.execute(
            update(channel_listings)
            .where(_c.id == listing_id, _c.changed_at <= seen_change)
            .values(changed_at=None, first_changed_at=None)
        )


def shop_settings(conn: Connection, shop_id: int) -> dict[str, Any]:
    """The shop's settings document (publish rule, allocation …); {} when never set."""
    value = conn.execute(select(shops.c.settings).where(shops.c.id == shop_id)).scalar()
    return dict(value) if isinstance(value, Mapping) else {}


def update_shop_settings(conn: Connection, shop_id: int, changes: Mapping[str, Any]) -> None:
    """Replace these keys of the shop's settings, keeping the others (the shop row is locked)."""
    query = select(shops.c.settings).where(shops.c.id == shop_id)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    current = conn.execute(query).scalar()
    merged = {**(current if isinstance(current, Mapping) else {}), **changes}
    conn.execute(update(shops).where(shops.c.id == shop_id).values(settings=merged))


_FULL_PUSHES = "stock_push_state"  # {"last_full_push": {shop code: ISO time}}
_ADVISORY_CLASS = 0x5054  # pg_try_advisory_lock(class, shop id): one stock push per shop


def full_push_times(conn: Connection) -> dict[str, datetime]:
    """When each shop last had a full stock push; an unreadable time counts as never."""
    state = get_setting(conn, _FULL_PUSHES)
    found: dict[str, datetime] = {}
    if isinstance(state, Mapping) and isinstance(state.get("last_full_push"), Mapping):
        for shop, value in state["last_full_push"].items():
            try:
                found[shop] = datetime.fromisoformat(value)
            except (TypeError, ValueError):
                continue
    return found


def save_full_push_times(conn: Connection, shop_codes: Sequence[str], *, now: datetime) -> None:
    times = {k: v.isoformat() for k, v in full_push_times(conn).items()}
    times |= {code: now.isoformat() for code in shop_codes}
    put_setting(conn, _FULL_PUSHES, {"last_full_push": times}, actor="stock-push", now=now)


_push_locks: dict[int, threading.Lock] = {}
_push_locks_guard = threading.Lock()


@contextmanager
def push_turn(engine: Engine, shop_id: int, *, wait: float = 30.0) -> Iterator[bool]:
    """Whether the caller got the shop's stock push turn within `wait` seconds: one push per
    shop at a time in this process, and across processes on PostgreSQL (advisory lock)."""
    with _push_locks_guard:
        lock = _push_locks.setdefault(shop_id, threading.Lock())
    deadline = time.monotonic() + wait
    if not lock.acquire(timeout=wait):
        yield False
        return
    try:
        if engine.dialect.name != "postgresql":
            yield True
            return
        with engine.connect() as conn:
            got = _advisory_lock(conn, shop_id, deadline)
            try:
                yield got
            finally:
                if got:
                    conn.execute(text("SELECT pg_advisory_unlock(:c, :s)"), _key(shop_id))
                    conn.commit()
    finally:
        lock.release()


def _advisory_lock(conn: Connection, shop_id: int, deadline: float) -> bool:
    while True:
        query = text("SELECT pg_try_advisory_lock(:c, :s)")
        got = bool(conn.execute(query, _key(shop_id)).scalar())
        conn.commit()
        if got or time.monotonic() >= deadline:
            return got
        time.sleep(0.1)


def _key(shop_id: int) -> dict[str, int]:
    return {"c": _ADVISORY_CLASS, "s": shop_id}
