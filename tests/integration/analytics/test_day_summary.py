"""The day's summary counts each order of the local day once, in its local hour."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Engine

from orderhub.analytics.day import day_summary
from orderhub.channels.ingest import ingest_orders
from orderhub.db import shops_repo
from orderhub.orders.domain import OrderDraft, utc_now
from tests.factories import draft


def _receive(engine: Engine, platform: str, currency: str, drafts: list[OrderDraft]) -> None:
    with engine.begin() as conn:
        shop = shops_repo.create_shop(
            conn, code=platform, name=platform, platform=platform, currency=currency, now=utc_now()
        )
        ingest_orders(conn, shop, drafts)


def test_orders_per_hour_shop_province_and_status(engine: Engine) -> None:
    # BASE_TIME is 2026-11-11 00:05 UTC = 08:05 in Shanghai; -540 min is the day before there.
    _receive(
        engine,
        "tmall",
        "CNY",
        [
            draft("A", minutes=0),
            draft("B", minutes=60),
            draft("C", minutes=61),
            draft("OLD", minutes=-540),
        ],
    )
    with engine.connect() as conn:
        found = day_summary(conn, date(2026, 11, 11))
        utc = day_summary(conn, date(2026, 11, 11), tz="UTC")
    assert found["orders"] == 3
    assert found["per_hour"][8] == 1 and found["per_hour"][9] == 2 and sum(found["per_hour"]) == 3
    assert found["per_shop"] == {"tmall": 3}
    assert found["per_province"] == {"上海市": 3}
    assert found["per_status"] == {"received": 3}
    assert Decimal(found["amount"]["CNY"]) == Decimal("202.90") * 3
    assert utc["per_hour"][0] == 1 and utc["per_hour"][1] == 2  # the same orders in UTC hours


def test_local_hours_with_half_hour_offsets_and_a_25_hour_day(engine: Engine) -> None:
    # BASE_TIME is 2026-11-11 00:05 UTC. -14075 / -14015 minutes: 2026-11-01 05:30 and
    # 06:30 UTC — 01:30 in New York twice (summer time ends at 06:00 UTC that day).
    _receive(
        engine,
        "shopify",
        "USD",
        [
            draft("A", minutes=0),
            draft("B", minutes=60),
            draft("DST-1", minutes=-14075),
            draft("DST-2", minutes=-14015),
        ],
    )
    with engine.connect() as conn:
        india = day_summary(conn, date(2026, 11, 11), tz="Asia/Kolkata")  # UTC+05:30
        new_york = day_summary(conn, date(2026, 11, 1), tz="America/New_York")
    assert india["orders"] == 2 and india["per_hour"][5] == 1 and india["per_hour"][6] == 1
    assert new_york["orders"] == 2 and new_york["per_hour"][1] == 2
    assert sum(new_york["per_hour"]) == 2
