"""ShopifyAdapter.pull_page against the Shopify simulator over real HTTP: cursor paging,
transient failures, duplicates, auth."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from orderhub.channels.adapters.shopify import ORDERS_PATH, ShopifyAdapter
from orderhub.channels.base import PullWindow, ShopContext
from orderhub.channels.http import ChannelAuthError, ChannelHttp, TransientChannelError
from orderhub.channels.simulators.base import Failure, FailurePlan
from orderhub.channels.simulators.shopify import make_orders, run_shopify, sign_webhook
from orderhub.orders.domain import ChannelState, validate_order

START = datetime(2024, 4, 1, tzinfo=UTC)
WINDOW = PullWindow(START - timedelta(days=1), START + timedelta(days=30))
SHOP = ShopContext("s1", "shopify", "USD", {"access_token": "shpat_good", "webhook_secret": "k"})
ORDERS = make_orders(1000, seed=11, start=START)
ALL_IDS = {o["id"] for o in ORDERS}


@pytest.fixture
def http_for() -> Iterator[Any]:
    clients: list[ChannelHttp] = []

    def make(base_url: str, timeout: float = 5.0) -> ChannelHttp:
        clients.append(ChannelHttp(base_url, timeout=timeout))
        return clients[-1]

    yield make
    for client in clients:
        client.close()


def pull_all(adapter: ShopifyAdapter, http: ChannelHttp, shop: ShopContext = SHOP) -> list[int]:
    ids, token = [], None
    while True:
        page = adapter.pull_page(http, shop, WINDOW, token)
        ids += [json.loads(raw)["id"] for raw in page.orders]
        token = page.next_page_token
        if token is None:
            return ids


def test_generated_orders_are_realistic_and_reconcile() -> None:
    adapter = ShopifyAdapter()
    drafts = [adapter.parse(json.dumps(order), SHOP) for order in ORDERS]
    assert all(validate_order(d) == [] for d in drafts)
    assert len(ALL_IDS) == 1000
    # Every state Shopify can express (it has no "refund requested" order state).
    assert {d.channel_state for d in drafts} == set(ChannelState) - {ChannelState.REFUND_REQUESTED}
    assert len({d.platform_status for d in drafts}) >= 8
    assert {d.extra["taxes_included"] for d in drafts} == {"true", "false"}
    assert any(d.order_discount > 0 for d in drafts)  # free-shipping discounts
    assert any(line.discount > 0 for d in drafts for line in d.lines)
    updated = [d.platform_updated_at for d in drafts]
    assert updated == sorted(updated)  # type: ignore[type-var]
    assert make_orders(5, seed=11, start=START) == ORDERS[:5]


def test_pages_through_1000_orders(http_for: Any) -> None:
    with run_shopify(ORDERS, access_token="shpat_good") as base_url:
        ids = pull_all(ShopifyAdapter(), http_for(base_url))
        assert base_url.stats.requests == 4  # 250 + 250 + 250 + 250
    assert len(ids) == 1000
    assert set(ids) == ALL_IDS


def test_small_pages_and_a_narrow_window(http_for: Any) -> None:
    low, high = ORDERS[100]["updated_at"], ORDERS[399]["updated_at"]
    expected = {o["id"] for o in ORDERS if low <= o["updated_at"] <= high}
    window = PullWindow(datetime.fromisoformat(low), datetime.fromisoformat(high))
    adapter, token, ids = ShopifyAdapter(page_size=37), None, []
    with run_shopify(ORDERS, access_token="shpat_good") as base_url:
        http = http_for(base_url)
        while True:
            page = adapter.pull_page(http, SHOP, window, token)
            ids += [json.loads(raw)["id"] for raw in page.orders]
            if (token := page.next_page_token) is None:
                break
    assert sorted(ids) == sorted(expected)  # each once, ties on updated_at included


def test_transient_failures_are_retried_until_every_order_arrives(http_for: Any) -> None:
    plan = FailurePlan(rate=0.2, seed=7, timeout_seconds=0.3, retry_after=1)
    adapter = ShopifyAdapter(page_size=20)  # ~70 requests: every kind of failure
    errors: list[TransientChannelError] = []
    seen: Counter[int] = Counter()
    with run_shopify(ORDERS, access_token="shpat_good", failures=plan) as base_url:
        http = http_for(base_url, timeout=0.1)  # shorter than the simulated hang
        token: str | None = None
        while True:
            try:
                page = adapter.pull_page(http, SHOP, WINDOW, token)
            except TransientChannelError as exc:
                errors.append(exc)
                assert len(errors) < 200
                continue  # a real caller would wait `retry_after`; the test need not
            seen.update(json.loads(raw)["id"] for raw in page.orders)
            if (token := page.next_page_token) is None:
                break
    assert set(seen) == ALL_IDS
    injected = plan.injected
    assert set(injected) == {f.value for f in Failure}, injected
    failures = injected["timeout"] + injected["rate_limit"] + injected["server_error"]
    assert len(errors) >= failures
    assert any(e.retry_after == 1.0 for e in errors)  # the 429s
    assert any("timeout" in str(e) for e in errors)
    assert sum(seen.values()) > 1000  # REPEAT_PAGE served duplicates, deduplicated by id


def test_wrong_token_is_an_auth_error(http_for: Any) -> None:
    wrong = ShopContext("s1", "shopify", "USD", {"access_token": "shpat_bad"})
    with run_shopify(ORDERS[:10], access_token="shpat_good") as base_url:
        with pytest.raises(ChannelAuthError):
            ShopifyAdapter().pull_page(http_for(base_url), wrong, WINDOW, None)
        assert base_url.stats.by_status == {401: 1}


def test_cursor_with_other_filters_is_refused_like_shopify() -> None:
    with run_shopify(ORDERS[:60], access_token="shpat_good") as base_url:
        headers = {"X-Shopify-Access-Token": "shpat_good"}
        with httpx.Client(base_url=base_url, headers=headers) as client:
            first = client.get(ORDERS_PATH, params={"status": "any", "limit": 50})
            assert 'rel="next"' in first.headers["Link"]
            token = first.links["next"]["url"].split("page_info=")[1]
            refused = client.get(ORDERS_PATH, params={"page_info": token, "status": "any"})
            assert refused.status_code == 400
            second = client.get(ORDERS_PATH, params={"page_info": token, "limit": 50})
            assert len(second.json()["orders"]) == 10
            assert set(second.links) == {"previous"}
            back = client.get(second.links["previous"]["url"])
            assert back.json()["orders"] == first.json()["orders"]


def test_default_status_is_open_only() -> None:
    open_ids = {o["id"] for o in ORDERS[:100] if o["closed_at"] is None}
    with run_shopify(ORDERS[:100], access_token="shpat_good") as base_url:
        headers = {"X-Shopify-Access-Token": "shpat_good"}
        with httpx.Client(base_url=base_url, headers=headers) as client:
            orders = client.get(ORDERS_PATH, params={"limit": 250}).json()["orders"]
    assert {o["id"] for o in orders} == open_ids
    assert len(open_ids) < 100


def test_sign_webhook_matches_the_adapter() -> None:
    body = json.dumps(ORDERS[0]).encode()
    headers = {"X-Shopify-Hmac-Sha256": sign_webhook(body, "k"), "X-Shopify-Topic": "orders/paid"}
    adapter = ShopifyAdapter()
    assert adapter.verify_webhook(headers, body, SHOP)
    (raw,) = adapter.webhook_orders(headers, body)
    assert adapter.parse(raw, SHOP).platform_order_id == str(ORDERS[0]["id"])
