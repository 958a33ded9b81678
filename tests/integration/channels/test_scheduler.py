"""Periodic pulls: each pull-enabled shop is pulled on its own interval, and follows changes."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import Engine, func, select

from orderhub.channels.pull import PullSettings
from orderhub.channels.shops import add_shop
from orderhub.channels.simulators.shopify import make_orders, run_shopify
from orderhub.db import shops_repo
from orderhub.db.schema import orders
from orderhub.orders.domain import utc_now
from orderhub.workers.scheduler import PullScheduler


def count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(orders)).scalar_one())


def test_enabled_shops_are_pulled_on_their_interval_and_disabled_ones_dropped(
    engine: Engine,
) -> None:
    data = make_orders(40, seed=6, start=utc_now() - timedelta(hours=5))
    with run_shopify(data, access_token="tok") as url:
        with engine.begin() as conn:
            add_shop(
                conn,
                code="shopify-us",
                name="US",
                platform="shopify",
                currency="USD",
                credentials={"base_url": url, "access_token": "tok"},
                pull_interval_minutes=2,
            )
            add_shop(conn, code="manual-b2b", name="B2B", platform="manual")
        scheduler = PullScheduler(
            engine, settings=PullSettings(base_delay=0.01), seconds_per_minute=0.1
        )
        scheduler.start()
        try:
            assert scheduler.intervals == {"shopify-us": 2}  # a manual shop has nothing to pull
            deadline = time.monotonic() + 10
            while count(engine) < 40 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert count(engine) == 40
            time.sleep(0.5)  # several more intervals: pulls go on, nothing doubles
            assert url.stats.requests >= 2 and count(engine) == 40
            with engine.begin() as conn:
                shop = shops_repo.shop_record(conn, "shopify-us")
                assert shop is not None
                shops_repo.set_pull(conn, shop.ref.id, enabled=False, interval_minutes=2)
            scheduler.reconcile()
            assert scheduler.intervals == {}
        finally:
            scheduler.shutdown()
