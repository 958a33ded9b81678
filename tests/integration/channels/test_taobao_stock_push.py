"""TaobaoAdapter.push_stock against the TOP simulator over real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from orderhub.channels.adapters.taobao_stock import QUANTITY_UPDATE, listing_id
from orderhub.channels.base import ShopContext
from orderhub.channels.http import ChannelAuthError, ChannelHttp, TransientChannelError
from orderhub.channels.simulators.base import Failure, FailurePlan
from orderhub.channels.simulators.taobao import TopStats, make_trades, run_top
from orderhub.channels.simulators.taobao_stock import TopItems, items_of
from orderhub.channels.stock_push import (
    PushErrorCode,
    PushResult,
    StockLevel,
    StockPushInterrupted,
    stock_pusher_for,
)

CREDS = {"app_key": "23456789", "app_secret": "top-secret", "session": "sess-9"}
SHOP = ShopContext("tb1", "tmall", "CNY", CREDS)
PUSHER = stock_pusher_for("tmall")
TRADES = make_trades(20, seed=5, start=datetime(2024, 3, 1, tzinfo=UTC))
SOAP = "600000000000001"  # an item without SKUs
TEE, TEE_SKUS = "600000000000002", ["5000000000000021", "5000000000000022"]


@contextmanager
def gateway(
    failures: FailurePlan | None = None, stats: TopStats | None = None
) -> Iterator[tuple[ChannelHttp, TopItems]]:
    items = TopItems({SOAP: [], TEE: TEE_SKUS, **items_of(TRADES)})
    with run_top(TRADES, **CREDS, items=items, failures=failures, stats=stats) as base_url:
        limits = httpx.Limits(max_keepalive_connections=0)  # see test_taobao_simulator
        client = httpx.Client(base_url=base_url, timeout=5.0, limits=limits)
        http = ChannelHttp(base_url, client=client)
        try:
            yield http, items
        finally:
            http.close()


def push(http: ChannelHttp, *levels: StockLevel, shop: ShopContext = SHOP) -> list[PushResult]:
    return PUSHER.push_stock(http, shop, levels)


def sold_listings() -> list[str]:
    return [listing_id(num_iid, skus[0]) for num_iid, skus in items_of(TRADES).items()]


@pytest.mark.parametrize("method", ["md5", "hmac", "hmac-sha256"])
def test_pushes_arrive_with_the_quantities_asked(method: str) -> None:
    shop = ShopContext("tb1", "taobao", "CNY", {**CREDS, "sign_method": method})
    listings = [SOAP, f"{TEE}:{TEE_SKUS[0]}", f"{TEE}:{TEE_SKUS[1]}", *sold_listings()]
    levels = [StockLevel(f"SKU-{n}", key, n * 3) for n, key in enumerate(listings)]
    with gateway() as (http, items):
        results = push(http, *levels, shop=shop)
    assert [r.ok for r in results] == [True] * len(levels)
    assert items.log.last_quantity() == {key: n * 3 for n, key in enumerate(listings)}
    assert items.quantities[SOAP] == 0  # the first one was a zero
    assert items.log.calls == len(levels)


def test_a_zero_replaces_a_previous_quantity() -> None:
    tee = f"{TEE}:{TEE_SKUS[1]}"
    with gateway() as (http, items):
        push(http, StockLevel("TEE", tee, 9))
        assert push(http, StockLevel("TEE", tee, 0)) == [PushResult("TEE", True)]
    assert [(p.item, p.quantity) for p in items.log.received] == [(tee, 9), (tee, 0)]
    assert items.quantities[tee] == 0


def test_refused_items_are_failed_results_and_the_rest_are_pushed() -> None:
    levels = [
        StockLevel("GONE", "600999999999999", 1),
        StockLevel("BAD-SKU", f"{TEE}:1", 1),
        StockLevel("TEE-WHOLE", TEE, 1),  # an item with SKUs is pushed per SKU
        StockLevel("SOAP", SOAP, 4),
    ]
    with gateway() as (http, items):
        gone, bad_sku, whole, soap = push(http, *levels)
    assert gone == PushResult(
        "GONE",
        False,
        PushErrorCode.ITEM_NOT_FOUND,
        "Taobao refused 600999999999999: 商品id对应的商品不存在 "
        "(isv.item-not-exist:invalid-numIid-or-iid)",
    )
    assert bad_sku.error_code == PushErrorCode.ITEM_NOT_FOUND
    assert whole.error_code == PushErrorCode.REFUSED
    assert "isv.item-quantity-item-update-service-error" in whole.message
    assert soap.ok
    assert items.log.last_quantity() == {SOAP: 4}
    assert len(items.log.received) == 4


@pytest.mark.parametrize(
    ("credential", "value", "code"), [("app_secret", "wrong", "25"), ("session", "old", "27")]
)
def test_bad_credentials_are_refused(credential: str, value: str, code: str) -> None:
    shop = ShopContext("tb1", "taobao", "CNY", {**CREDS, credential: value})
    with gateway() as (http, items), pytest.raises(ChannelAuthError, match=code):
        push(http, StockLevel("SOAP", SOAP, 1), shop=shop)
    assert items.log.calls == 1 and items.log.received == []


def test_a_rate_limit_surfaces_as_retryable() -> None:
    plan = FailurePlan(rate=1.0, kinds=(Failure.RATE_LIMIT,), retry_after=3)
    with gateway(plan) as (http, items), pytest.raises(TransientChannelError) as caught:
        push(http, StockLevel("SOAP", SOAP, 1))
    assert caught.value.retry_after == 3.0
    assert items.log.calls == 1 and items.log.received == []


def test_resuming_after_interruptions_ends_with_every_quantity() -> None:
    plan = FailurePlan(
        rate=0.3, seed=9, kinds=(Failure.RATE_LIMIT, Failure.SERVER_ERROR, Failure.REPEAT_PAGE)
    )
    listings = sold_listings()
    levels = [StockLevel(f"SKU-{n}", key, n) for n, key in enumerate(listings)]
    results: list[PushResult] = []
    stats = TopStats()
    with gateway(plan, stats) as (http, items):
        while len(results) < len(levels):
            try:
                results += push(http, *levels[len(results) :])
            except StockPushInterrupted as exc:
                results += exc.results
    assert all(r.ok for r in results) and len(results) == len(levels)
    assert {key: items.quantities[key] for key in listings} == {
        k: n for n, k in enumerate(listings)
    }
    assert stats.by_method[QUANTITY_UPDATE] > len(levels)
    assert plan.injected.get("repeat_page", 0) > 0  # stale answers were caught and retried


def test_the_simulator_checks_arguments_like_top() -> None:
    items = TopItems({SOAP: []})
    answers: list[dict[str, Any]] = []
    for params in (
        {"quantity": "1"},
        {"num_iid": SOAP, "quantity": "x"},
        {"num_iid": SOAP, "quantity": "-1"},
        {"num_iid": SOAP, "quantity": "5", "type": "2"},
        {"num_iid": SOAP, "quantity": "-2", "type": "2"},
        {"num_iid": SOAP, "quantity": "-9", "type": "2"},
    ):
        answers.append(json.loads(items.quantity_update(params).body))
    assert answers[0]["error_response"]["code"] == 40
    assert answers[1]["error_response"]["code"] == 41
    assert answers[2]["error_response"]["sub_code"] == "isv.invalid-parameter:quantity"
    assert answers[3]["item_quantity_update_response"]["item"]["num"] == 5
    assert answers[4]["item_quantity_update_response"]["item"]["num"] == 3
    assert answers[5]["error_response"]["sub_code"] == "isv.invalid-parameter:quantity"
    assert items.quantities == {SOAP: 3}
