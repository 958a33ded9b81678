"""ShopifyAdapter.push_stock against the Shopify simulator over real HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime
from typing import Any

import pytest

from orderhub.channels.base import ShopContext
from orderhub.channels.http import ChannelAuthError, ChannelHttp, TransientChannelError
from orderhub.channels.simulators.base import Failure, FailurePlan
from orderhub.channels.simulators.shopify import make_orders
from orderhub.channels.simulators.shopify_inventory import (
    DEFAULT_LOCATION_ID,
    ShopifyStoreUrl,
    run_shopify_store,
    variants_of,
)
from orderhub.channels.stock_push import (
    PushErrorCode,
    PushResult,
    StockLevel,
    StockPushInterrupted,
    StockPushNotConfigured,
    stock_pusher_for,
)

ORDERS = make_orders(60, seed=3, start=datetime(2024, 4, 1, tzinfo=UTC))
VARIANTS = variants_of(ORDERS)
TRACKED = [v for v in VARIANTS if v.tracked]
GIFT_CARD = next(v for v in VARIANTS if not v.tracked)
CREDS = {"access_token": "shpat_good", "location_id": str(DEFAULT_LOCATION_ID)}
SHOP = ShopContext("s1", "shopify", "USD", CREDS)
PUSHER = stock_pusher_for("shopify")


@pytest.fixture
def store() -> Iterator[ShopifyStoreUrl]:
    with run_shopify_store(ORDERS, access_token="shpat_good") as url:
        yield url


@pytest.fixture
def http(store: ShopifyStoreUrl) -> Iterator[ChannelHttp]:
    client = ChannelHttp(store, timeout=5.0)
    yield client
    client.close()


def level(variant: Any, quantity: int) -> StockLevel:
    return StockLevel(variant.sku, str(variant.id), quantity)


def test_pushes_arrive_with_the_quantities_asked(store: ShopifyStoreUrl, http: ChannelHttp) -> None:
    assert len(TRACKED) >= 4
    levels = [level(v, 10 * n) for n, v in enumerate(TRACKED)]  # the first one is a zero
    results = PUSHER.push_stock(http, SHOP, levels)
    assert [(r.sku_code, r.ok) for r in results] == [(v.sku, True) for v in TRACKED]
    inventory = store.inventory
    expected = {str(v.inventory_item_id): 10 * n for n, v in enumerate(TRACKED)}
    assert inventory.log.last_quantity() == expected
    assert inventory.available[TRACKED[0].inventory_item_id] == 0
    assert inventory.log.calls == len(TRACKED)


def test_a_zero_replaces_a_previous_quantity(store: ShopifyStoreUrl, http: ChannelHttp) -> None:
    variant = TRACKED[1]
    PUSHER.push_stock(http, SHOP, [level(variant, 7)])
    (result,) = PUSHER.push_stock(http, SHOP, [level(variant, 0)])
    assert result.ok
    item = str(variant.inventory_item_id)
    assert [(p.item, p.quantity) for p in store.inventory.log.received] == [(item, 7), (item, 0)]
    assert store.inventory.log.last_quantity() == {item: 0}


def test_refused_items_are_failed_results_and_the_rest_are_pushed(
    store: ShopifyStoreUrl, http: ChannelHttp
) -> None:
    levels = [
        StockLevel("GONE", "999999", 3),  # no such variant
        StockLevel("GONE-ITEM", "gid://shopify/InventoryItem/12345", 3),
        level(GIFT_CARD, 3),  # inventory not tracked
        level(TRACKED[0], 5),
    ]
    gone, gone_item, gift, ok = PUSHER.push_stock(http, SHOP, levels)
    assert gone.error_code == gone_item.error_code == PushErrorCode.ITEM_NOT_FOUND
    assert gone.message == "Shopify refused 999999 (HTTP 404): Not Found"
    assert gift.error_code == PushErrorCode.REFUSED
    assert "Inventory item does not have inventory tracking enabled" in gift.message
    assert ok.ok
    accepted = store.inventory.log.accepted()
    assert [(p.item, p.quantity) for p in accepted] == [(str(TRACKED[0].inventory_item_id), 5)]
    assert [p.error[:3] for p in store.inventory.log.received] == ["404", "422", ""]


def test_a_wrong_location_refuses_every_item(http: ChannelHttp) -> None:
    shop = ShopContext("s1", "shopify", "USD", {**CREDS, "location_id": "1"})
    results = PUSHER.push_stock(http, shop, [level(v, 1) for v in TRACKED[:2]])
    assert {r.error_code for r in results} == {PushErrorCode.ITEM_NOT_FOUND.value}


def test_bad_credentials_are_refused(store: ShopifyStoreUrl, http: ChannelHttp) -> None:
    shop = ShopContext("s1", "shopify", "USD", {**CREDS, "access_token": "shpat_bad"})
    gid = f"gid://shopify/InventoryItem/{TRACKED[0].inventory_item_id}"
    with pytest.raises(ChannelAuthError):
        PUSHER.push_stock(http, shop, [StockLevel("A", gid, 1)])
    with pytest.raises(ChannelAuthError):
        PUSHER.push_stock(http, shop, [level(TRACKED[0], 1)])  # refused at the variant lookup
    assert store.inventory.log.calls == 1 and store.inventory.log.received == []


def test_a_shop_without_location_is_refused_before_any_request(store: ShopifyStoreUrl) -> None:
    shop = ShopContext("s1", "shopify", "USD", {"access_token": "shpat_good"})
    with closing(ChannelHttp(store)) as http, pytest.raises(StockPushNotConfigured):
        PUSHER.push_stock(http, shop, [level(TRACKED[0], 1)])
    assert store.inventory.log.calls == 0


def test_429_surfaces_as_retryable() -> None:
    plan = FailurePlan(rate=1.0, kinds=(Failure.RATE_LIMIT,), retry_after=2)
    gid = f"gid://shopify/InventoryItem/{TRACKED[0].inventory_item_id}"
    with run_shopify_store(ORDERS, access_token="shpat_good", failures=plan) as url:
        with closing(ChannelHttp(url)) as http, pytest.raises(TransientChannelError) as caught:
            PUSHER.push_stock(http, SHOP, [StockLevel("A", gid, 4)])
        assert url.inventory.log.calls == 1 and url.inventory.log.received == []
    assert caught.value.retry_after == 2.0
    assert isinstance(caught.value, StockPushInterrupted) and caught.value.results == []


def test_resuming_after_interruptions_ends_with_every_quantity() -> None:
    plan = FailurePlan(rate=0.3, seed=4, kinds=(Failure.RATE_LIMIT, Failure.SERVER_ERROR))
    levels = [level(v, 3 + n) for n, v in enumerate(TRACKED)]
    results: list[PushResult] = []
    interruptions = 0
    with (
        run_shopify_store(ORDERS, access_token="shpat_good", failures=plan) as url,
        closing(ChannelHttp(url, timeout=5.0)) as http,
    ):
        while len(results) < len(levels):
            try:
                results += PUSHER.push_stock(http, SHOP, levels[len(results) :])
            except StockPushInterrupted as exc:
                results += exc.results
                interruptions += 1
                assert interruptions < 100
        available = dict(url.inventory.available)
    assert [r.sku_code for r in results] == [v.sku for v in TRACKED]
    assert all(r.ok for r in results)
    assert available == {v.inventory_item_id: 3 + n for n, v in enumerate(TRACKED)}
    assert interruptions == plan.injected["rate_limit"] + plan.injected["server_error"] > 0
