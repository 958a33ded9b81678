"""Shops (channel accounts). Credentials are written here and read only by adapters, never listed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from orderhub.db.schema import orders, shops
from orderhub.orders.domain import ShopRef


@dataclass(frozen=True, slots=True)
class ShopView:
    id: int
    code: str
    name: str
    platform: str
    currency: str
    home_province: str
    order_count: int

    def __repr__(self) -> str:
        return f"ShopView(code={self.code!r}, platform={self.platform!r})"


def create_shop(
    conn: Connection,
    *,
    code: str,
    name: str,
    platform: str,
    currency: str,
    home_province: str = "",
    credentials: dict[str, Any] | None = None,
    now: datetime,
) -> ShopRef:
    shop_id = conn.execute(
        shops.insert().returning(shops.c.id),
        {
            "code": code,
            "name": name,
            "platform": platform,
            "currency": currency,
            "home_province": home_province,
            "credentials": credentials,
            "settings": None,
            "created_at": now,
        },
    ).scalar_one()
    return ShopRef(id=shop_id, code=code, platform=platform)


def shop_refs(conn: Connection) -> dict[str, ShopRef]:
    """Every shop by code."""
    query = select(shops.c.id, shops.c.code, shops.c.platform)
    return {r.code: ShopRef(id=r.id, code=r.code, platform=r.platform) for r in conn.execute(query)}


def shop_by_code(conn: Connection, code: str) -> ShopRef | None:
    row = conn.execute(
        select(shops.c.id, shops.c.code, shops.c.platform).where(shops.c.code == code)
    ).first()
    return ShopRef(id=row.id, code=row.code, platform=row.platform) if row else None


def list_shops(conn: Connection) -> list[ShopView]:
    counts = select(orders.c.shop_id, func.count().label("n")).group_by(orders.c.shop_id).subquery()
    query = (
        select(
            shops.c.id,
            shops.c.code,
            shops.c.name,
            shops.c.platform,
            shops.c.currency,
            shops.c.home_province,
            func.coalesce(counts.c.n, 0).label("order_count"),
        )
        .outerjoin(counts, counts.c.shop_id == shops.c.id)
        .order_by(shops.c.id)
    )
    return [ShopView(**row._mapping) for row in conn.execute(query)]


def count_shops(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(shops)).scalar_one())


@dataclass(frozen=True, slots=True)
class ShopRecord:
    """A shop with what adapters need; `credentials` stays out of repr and logs."""

    ref: ShopRef
    name: str
    currency: str
    credentials: dict[str, Any] = field(repr=False)
    pull_enabled: bool
    pull_interval_minutes: int


_RECORD_COLUMNS = (
    shops.c.id,
    shops.c.code,
    shops.c.platform,
    shops.c.name,
    shops.c.currency,
    shops.c.credentials,
    shops.c.pull_enabled,
    shops.c.pull_interval_minutes,
)


def _record(row: Any) -> ShopRecord:
    return ShopRecord(
        ref=ShopRef(id=row.id, code=row.code, platform=row.platform),
        name=row.name,
        currency=row.currency,
        credentials=dict(row.credentials or {}),
        pull_enabled=bool(row.pull_enabled),
        pull_interval_minutes=row.pull_interval_minutes,
    )


def shop_record(conn: Connection, code: str) -> ShopRecord | None:
    row = conn.execute(select(*_RECORD_COLUMNS).where(shops.c.code == code)).first()
    return _record(row) if row else None


def shop_record_by_id(conn: Connection, shop_id: int) -> ShopRecord | None:
    row = conn.execute(select(*_RECORD_COLUMNS).where(shops.c.id == shop_id)).first()
    return _record(row) if row else None


def pull_enabled_shops(conn: Connection) -> list[ShopRecord]:
    rows = conn.execute(select(*_RECORD_COLUMNS).where(shops.c.pull_enabled.is_(True)))
    return [_record(row) for row in rows]


def set_pull(conn: Connection, shop_id: int, *, enabled: bool, interval_minutes: int) -> None:
    conn.execute(
        shops.update()
        .where(shops.c.id == shop_id)
        .values(pull_enabled=enabled, pull_interval_minutes=interval_minutes)
    )
