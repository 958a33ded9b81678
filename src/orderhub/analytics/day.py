"""The day's summary: orders per hour, shop, province and status, with money per currency.

One pass over the day's orders grouped in SQL by (hour, shop, province, status, currency);
the four views are folded from those groups in Python, so the database reads each order once
(through the covering index on `placed_at`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Integer, cast, func, select

from orderhub.db.schema import orders, shops


def _hour(conn: Connection, tz: str) -> Any:
    """PostgreSQL: the local hour. SQLite: the UTC hour, read straight from the stored text
    (`YYYY-MM-DD HH:…`, far cheaper than `strftime` on a million rows); shifted in Python."""
    if conn.dialect.name == "postgresql":
        return cast(func.extract("hour", func.timezone(tz, orders.c.placed_at)), Integer)
    return cast(func.substr(orders.c.placed_at, 12, 2), Integer)


def day_summary(conn: Connection, day: date, *, tz: str = "Asia/Shanghai") -> dict[str, Any]:
    zone = ZoneInfo(tz)
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = start + timedelta(days=1)
    offset = start.utcoffset()
    hours = int(offset.total_seconds() // 3600) if offset is not None else 0
    hour = _hour(conn, tz).label("hour")
    shift = hours if conn.dialect.name != "postgresql" else 0
    query = (
        select(
            hour,
            orders.c.shop_id,
            orders.c.receiver_province,
            orders.c.status,
            orders.c.currency,
            func.count().label("n"),
            func.sum(orders.c.total_amount).label("amount"),
        )
        .where(orders.c.placed_at >= start, orders.c.placed_at < end)
        .group_by(
            hour, orders.c.shop_id, orders.c.receiver_province, orders.c.status, orders.c.currency
        )
    )
    codes = {r[0]: r[1] for r in conn.execute(select(shops.c.id, shops.c.code))}
    per_hour, per_shop, per_province, per_status = (
        Counter[int](),
        Counter[str](),
        Counter[str](),
        Counter[str](),
    )
    money: dict[str, Decimal] = defaultdict(Decimal)
    total = 0
    for r in conn.execute(query):
        n = int(r.n)
        total += n
        per_hour[(int(r.hour) + shift) % 24] += n
        per_shop[codes.get(r.shop_id, str(r.shop_id))] += n
        per_province[r.receiver_province or "(unknown)"] += n
        per_status[r.status] += n
        money[r.currency] += r.amount or Decimal(0)
    return {
        "day": day.isoformat(),
        "time_zone": tz,
        "orders": total,
        "amount": {c: str(a) for c, a in sorted(money.items())},
        "per_hour": [per_hour.get(h, 0) for h in range(24)],
        "per_shop": dict(per_shop.most_common()),
        "per_province": dict(per_province.most_common()),
        "per_status": dict(per_status.most_common()),
    }
