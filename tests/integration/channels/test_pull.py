"""Incremental pulls against the Shopify simulator on 127.0.0.1: complete, resumable, exclusive."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from orderhub.channels import registry
from orderhub.channels.adapters.shopify import ShopifyAdapter
from orderhub.channels.errors import PlatformUnsupported, SyncFailed, SyncInProgress
from orderhub.channels.pull import PullSettings, sync_shop
from orderhub.channels.shops import add_shop
from orderhub.channels.simulators.base import Failure, FailurePlan
from orderhub.channels.simulators.shopify import make_orders, run_shopify
from orderhub.db import cursors_repo
from orderhub.db.schema import channel_orders, orders, pull_cursors, shops
from orderhub.orders.domain import utc_now

TOKEN = "shpat_test_token"
FAST = PullSettings(
    base_delay=0.001, max_delay=0.01, http_timeout=0.25, first_lookback=timedelta(days=30)
)


def recent_orders(n: int, seed: int = 1) -> list[dict[str, Any]]:
    return make_orders(n, seed=seed, start=utc_now() - timedelta(days=20))


def add_shopify(engine: Engine, base_url: str, token: str = TOKEN) -> None:
    with engine.begin() as conn:
        add_shop(
            conn,
            code="shopify-us",
            name="US store",
            platform="shopify",
            currency="USD",
            credentials={"base_url": base_url, "access_token": token, "webhook_secret": "whsec"},
        )


def stored_ids(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(select(orders.c.platform_order_id))]


def no_sleep(delays: list[float]) -> Any:
    return delays.append


@contextmanager
def shop_on_simulator(
    engine: Engine, data: list[dict[str, Any]], failures: FailurePlan | None = None
) -> Iterator[Any]:
    with run_shopify(data, access_token=TOKEN, failures=failures) as url:
        add_shopify(engine, url)
        yield url


def test_a_first_pull_brings_every_order_once_and_a_second_finds_nothing_new(
    engine: Engine,
) -> None:
    data = recent_orders(600)
    with shop_on_simulator(engine, data):
        first = sync_shop(engine, "shopify-us", settings=FAST)
        second = sync_shop(engine, "shopify-us", settings=FAST)
    ids = stored_ids(engine)
    assert sorted(ids) == sorted(str(o["id"]) for o in data)
    assert first.created + first.quarantined == 600 and first.pages >= 3
    assert second.created == 0
    with engine.connect() as conn:
        cursor = conn.execute(select(pull_cursors)).one()
    assert cursor.window_start is None and cursor.page_token is None
    assert cursor.synced_until is not None and cursor.locked_by is None


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages of 100 instead of Shopify's 250, so a pull makes many requests."""
    registry.adapter_for("shopify")
    monkeypatch.setitem(registry._ADAPTERS, "shopify", ShopifyAdapter(page_size=100))


@pytest.mark.slow
def test_20000_orders_with_one_request_in_ten_failing_arrive_exactly_once(
    engine: Engine, small_pages: None
) -> None:
    data = recent_orders(20_000, seed=9)
    plan = FailurePlan(rate=0.1, seed=3, timeout_seconds=0.5, retry_after=2)
    delays: list[float] = []
    with shop_on_simulator(engine, data, plan) as url:
        result = sync_shop(engine, "shopify-us", settings=FAST, sleep=no_sleep(delays))
    assert sorted(stored_ids(engine)) == sorted(str(o["id"]) for o in data)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(channel_orders)).scalar() == 20_000
    assert result.retries == sum(
        plan.injected.get(k.value, 0)
        for k in (Failure.TIMEOUT, Failure.RATE_LIMIT, Failure.SERVER_ERROR)
    )
    assert result.retries > 0 and url.stats.by_status.get(429, 0) > 0
    assert any(d >= 2 for d in delays)  # Retry-After was honoured


def test_a_crash_mid_pull_resumes_at_the_first_uncommitted_page(
    engine: Engine, small_pages: None
) -> None:
    data = recent_orders(1000, seed=4)

    def crash_after_third_page(progress: Any) -> None:
        if progress.pages == 3:
            raise RuntimeError("power cut")

    with shop_on_simulator(engine, data):
        with pytest.raises(RuntimeError):
            sync_shop(engine, "shopify-us", settings=FAST, on_page=crash_after_third_page)
        with engine.connect() as conn:
            cursor = conn.execute(select(pull_cursors)).one()
        assert cursor.page_token and cursor.window_start is not None
        assert len(stored_ids(engine)) == 300  # three pages of 100 are in, nothing else
        resumed = sync_shop(engine, "shopify-us", settings=FAST)
    assert resumed.created == 700 and resumed.unchanged == 0
    assert sorted(stored_ids(engine)) == sorted(str(o["id"]) for o in data)


def test_only_one_pull_per_shop_runs_at_a_time(engine: Engine) -> None:
    with shop_on_simulator(engine, recent_orders(10)):
        with engine.begin() as conn:
            shop_id = conn.execute(select(shops.c.id).where(shops.c.code == "shopify-us")).scalar()
            now = utc_now()
            assert cursors_repo.claim(
                conn, shop_id, holder="other-host:1", now=now, until=now + timedelta(minutes=5)
            )
        with pytest.raises(SyncInProgress) as caught:
            sync_shop(engine, "shopify-us", settings=FAST)
        assert "other-host:1" in caught.value.message
        with engine.begin() as conn:  # the other worker died; its lease runs out
            cursors_repo.save(conn, shop_id, locked_until=utc_now() - timedelta(seconds=1))
        assert sync_shop(engine, "shopify-us", settings=FAST).created == 10


def test_refused_credentials_stop_the_pull_and_say_why(engine: Engine) -> None:
    with run_shopify(recent_orders(5), access_token=TOKEN) as url:
        add_shopify(engine, url, token="wrong")
        with pytest.raises(SyncFailed) as caught:
            sync_shop(engine, "shopify-us", settings=FAST)
    assert "401" in caught.value.message
    with engine.connect() as conn:
        cursor = conn.execute(select(pull_cursors)).one()
    assert cursor.locked_by is None and "ChannelAuthError" in cursor.last_error
    assert stored_ids(engine) == []


def test_changes_after_the_last_pull_update_known_orders(engine: Engine) -> None:
    data = recent_orders(50, seed=5)
    with shop_on_simulator(engine, data):
        sync_shop(engine, "shopify-us", settings=FAST)
    changed = dict(data[0])
    changed["note"] = "Please leave at the back door"
    changed["updated_at"] = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
    with run_shopify([*data[1:], changed], access_token=TOKEN) as url:
        with engine.begin() as conn:
            conn.execute(
                shops.update().values(
                    credentials={"base_url": url, "access_token": TOKEN, "webhook_secret": "whsec"}
                )
            )
        result = sync_shop(engine, "shopify-us", settings=FAST)
    assert result.updated == 1 and result.created == 0
    with engine.connect() as conn:
        note = conn.execute(
            select(orders.c.buyer_note).where(orders.c.platform_order_id == str(changed["id"]))
        ).scalar()
    assert note == "Please leave at the back door"


def test_a_shop_that_cannot_be_pulled_is_refused_without_holding_its_lock(engine: Engine) -> None:
    with engine.begin() as conn:
        add_shop(conn, code="pos-sh", name="POS", platform="pos")
        add_shop(
            conn,
            code="shopify-x",
            name="X",
            platform="shopify",
            currency="USD",
            credentials={"access_token": TOKEN},
        )  # no base_url
    with pytest.raises(PlatformUnsupported):
        sync_shop(engine, "pos-sh", settings=FAST)
    with pytest.raises(SyncFailed) as caught:
        sync_shop(engine, "shopify-x", settings=FAST)
    assert "base_url" in caught.value.message
    with engine.connect() as conn:
        assert (
            conn.execute(
                select(func.count())
                .select_from(pull_cursors)
                .where(pull_cursors.c.locked_by.is_not(None))
            ).scalar()
            == 0
        )
