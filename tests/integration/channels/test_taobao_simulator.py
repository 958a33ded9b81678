"""TaobaoAdapter.pull_page against the TOP simulator over real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from orderhub.channels.adapters.taobao import TaobaoAdapter
from orderhub.channels.adapters.taobao_sign import sign_top, top_timestamp
from orderhub.channels.base import PullWindow, ShopContext
from orderhub.channels.http import ChannelAuthError, ChannelHttp, TransientChannelError
from orderhub.channels.simulators.base import Failure, FailurePlan
from orderhub.channels.simulators.taobao import TopStats, make_trades, run_top
from orderhub.orders.domain import validate_order

START = datetime(2024, 3, 1, tzinfo=UTC)
WINDOW = PullWindow(START, START + timedelta(days=3))
CREDS = {"app_key": "23456789", "app_secret": "top-secret", "session": "sess-9"}
SHOP = ShopContext("tb1", "taobao", "CNY", CREDS)
ADAPTER = TaobaoAdapter()


@pytest.fixture(scope="module")
def trades() -> list[dict[str, Any]]:
    return make_trades(1000, seed=11, start=START)


def serve(trades: list[dict[str, Any]], **kwargs: Any) -> Any:
    return run_top(trades, app_key="23456789", app_secret="top-secret", session="sess-9", **kwargs)


def http_for(base_url: str) -> ChannelHttp:
    # No keep-alive: the base test server writes headers and body separately without
    # TCP_NODELAY, so a kept-alive connection waits ~40 ms per request on delayed ACKs.
    limits = httpx.Limits(max_keepalive_connections=0)
    return ChannelHttp(base_url, client=httpx.Client(base_url=base_url, timeout=5.0, limits=limits))


def pull_all(
    http: ChannelHttp, shop: ShopContext = SHOP, max_failures: int = 500
) -> tuple[list[str], int, int]:
    """Every raw order of WINDOW, retrying transient failures like the sync loop does."""
    token: str | None = None
    orders: list[str] = []
    pages = failures = 0
    while True:
        try:
            page = ADAPTER.pull_page(http, shop, WINDOW, token)
        except TransientChannelError:
            failures += 1
            assert failures <= max_failures
            continue
        pages += 1
        orders += page.orders
        token = page.next_page_token
        if token is None:
            return orders, pages, failures


def tid_of(raw: str) -> str:
    return ADAPTER.parse(raw, SHOP).platform_order_id


def test_generated_trades_are_realistic_and_reconcile(trades: list[dict[str, Any]]) -> None:
    statuses = Counter(trade["status"] for trade in trades)
    assert len(statuses) == 8 and statuses["WAIT_SELLER_SEND_GOODS"] > 250
    assert Counter(len(t["orders"]["order"]) for t in trades).keys() == {1, 2, 3}
    modified = [t["modified"] for t in trades]
    assert modified == sorted(modified) and len(set(modified)) == len(modified)
    for trade in trades:
        assert trade["receiver_name"].endswith("**") and trade["receiver_mobile"].endswith("****")
        raw = json.dumps({"trade_fullinfo_get_response": {"trade": trade}}, ensure_ascii=False)
        draft = ADAPTER.parse(raw, SHOP)
        assert validate_order(draft) == [], trade["tid"]
        assert draft.receiver.name == trade["receiver_name"]
        assert draft.extra["oaid"] == trade["oaid"]
    assert any(t["orders"]["order"][0]["part_mjz_discount"] != "0.00" for t in trades)


def test_a_three_day_window_is_pulled_completely_once(trades: list[dict[str, Any]]) -> None:
    stats = TopStats()
    with serve(trades, stats=stats) as base_url:
        orders, pages, failures = pull_all(http_for(base_url))
    tids = Counter(tid_of(raw) for raw in orders)
    assert set(tids) == {str(t["tid"]) for t in trades}
    assert max(tids.values()) == 1 and len(orders) == 1000
    assert failures == 0
    listed = stats.by_method["taobao.trades.sold.increment.get"]
    assert stats.by_method["taobao.trade.fullinfo.get"] == 1000
    assert listed == pages  # one list call per page: 3 one-day windows, each counted then paged
    assert 3 * 2 <= listed <= 3 * 6
    assert all(raw.startswith('{"trade_fullinfo_get_response":') for raw in orders)


@pytest.mark.slow
def test_failures_surface_as_transient_and_retrying_still_gets_each_trade_once(
    trades: list[dict[str, Any]],
) -> None:
    plan = FailurePlan(rate=0.2, seed=5, timeout_seconds=0.05, retry_after=1)
    stats = TopStats()
    with serve(trades, failures=plan, stats=stats) as base_url:
        orders, _, failures = pull_all(http_for(base_url))
    tids = Counter(tid_of(raw) for raw in orders)
    assert len(tids) == 1000 and max(tids.values()) == 1
    assert failures > 0
    assert set(plan.injected) == {"timeout", "rate_limit", "server_error", "repeat_page"}
    assert stats.failures == sum(plan.injected.values())


def test_a_wrong_app_secret_is_an_auth_error(trades: list[dict[str, Any]]) -> None:
    shop = ShopContext("tb1", "taobao", "CNY", {**CREDS, "app_secret": "wrong"})
    with serve(trades[:5]) as base_url, pytest.raises(ChannelAuthError, match="25"):
        ADAPTER.pull_page(http_for(base_url), shop, WINDOW, None)


def test_a_wrong_session_is_an_auth_error(trades: list[dict[str, Any]]) -> None:
    shop = ShopContext("tb1", "taobao", "CNY", {**CREDS, "session": "expired"})
    with serve(trades[:5]) as base_url, pytest.raises(ChannelAuthError, match="27"):
        ADAPTER.pull_page(http_for(base_url), shop, WINDOW, None)


@pytest.mark.parametrize("method", ["md5", "hmac", "hmac-sha256"])
def test_every_sign_method_is_verified(trades: list[dict[str, Any]], method: str) -> None:
    shop = ShopContext("tb1", "taobao", "CNY", {**CREDS, "sign_method": method})
    with serve(trades[:30]) as base_url:
        orders, _, _ = pull_all(http_for(base_url), shop)
    assert len(orders) == 30


def raw_call(base_url: str, **business: str) -> dict[str, Any]:
    params = {
        "method": "taobao.trades.sold.increment.get",
        "app_key": "23456789",
        "session": "sess-9",
        "timestamp": top_timestamp(datetime.now(UTC)),
        "format": "json",
        "v": "2.0",
        "sign_method": "md5",
        **business,
    }
    params["sign"] = sign_top(params, "top-secret", "md5")
    answer = httpx.get(f"{base_url}/router/rest?{urlencode(params)}", timeout=5)
    assert answer.status_code == 200
    doc: dict[str, Any] = answer.json()
    return doc


def test_simulator_answers_get_requests_and_top_errors(trades: list[dict[str, Any]]) -> None:
    day = {"start_modified": "2024-03-01 08:00:00", "end_modified": "2024-03-02 08:00:00"}
    with serve(trades) as base_url:
        page = raw_call(base_url, **day, page_no="1", page_size="5", use_has_next="true")
        body = page["trades_sold_increment_get_response"]
        assert body["has_next"] is True and "total_results" not in body
        modified = [t["modified"] for t in body["trades"]["trade"]]
        assert modified == sorted(modified, reverse=True)  # newest first, as TOP documents
        counted = raw_call(base_url, **day, page_no="1", page_size="5")
        assert counted["trades_sold_increment_get_response"]["total_results"] == 360
        too_long = {**day, "end_modified": "2024-03-02 08:00:01"}
        assert raw_call(base_url, **too_long)["error_response"]["code"] == 41
        missing = raw_call(base_url, method="taobao.trade.fullinfo.get", tid="1", fields="tid")
        assert missing["error_response"]["sub_code"] == "isv.trade-not-exist"
        unknown = raw_call(base_url, method="taobao.items.onsale.get")
        assert unknown["error_response"]["code"] == 22


def test_rate_limit_comes_as_top_error_7(trades: list[dict[str, Any]]) -> None:
    plan = FailurePlan(rate=1.0, kinds=(Failure.RATE_LIMIT,), retry_after=2)
    with serve(trades[:5], failures=plan) as base_url:
        with pytest.raises(TransientChannelError) as caught:
            ADAPTER.pull_page(http_for(base_url), SHOP, WINDOW, None)
        doc = raw_call(base_url)
    assert caught.value.retry_after == 2.0
    assert doc["error_response"]["code"] == 7
    assert doc["error_response"]["sub_code"] == "accesscontrol.limited-by-app-access-count"


def test_a_trade_on_a_window_boundary_second_comes_twice() -> None:
    """Documented: both ends of a TOP window are inclusive, so the boundary second is read by
    both sub-windows; ingest recognises the second copy as unchanged."""
    (trade,) = make_trades(1, seed=1, start=START)
    trade["modified"] = top_timestamp(START + timedelta(days=1))
    with serve([trade]) as base_url:
        orders, _, _ = pull_all(http_for(base_url))
    assert [tid_of(raw) for raw in orders] == [str(trade["tid"])] * 2
