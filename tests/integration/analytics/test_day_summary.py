"""The day's summary counts each order of the local day once, in its local hour."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Engine

from orderhub.analytics.day import day_summary
from orderhub.channels.ingest import ingest_orders
from orderhub.db import shops_repo
from orderhub.orders.domain import utc_now
from tests.factories import draft


def test_orders_per_hour_shop_province_and_status(engine: Engine) -> None:
    with engine.begin() as conn:
        shop = shops_repo.create_shop(
            conn, code="tmall", name="天猫", platform="tmall", currency="CNY", now=utc_now()
        )
        # BASE_TIME is 2026-11-11 00:05 UTC = 08:05 in Shanghai; -540 min is the day before there.
        ingest_orders(
            conn,
            shop,
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
