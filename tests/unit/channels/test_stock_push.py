"""The stock-push capability, and ShopifyAdapter.push_stock against a scripted store
(httpx.MockTransport): request shape, variant lookups, per-item refusals, errors that raise."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from orderhub.channels.adapters.shopify import INVENTORY_SET_PATH, ShopifyAdapter, shopify_errors
from orderhub.channels.base import ShopContext
from orderhub.channels.http import (
    ChannelAuthError,
    ChannelHttp,
    ChannelRequestError,
    TransientChannelError,
)
from orderhub.channels.stock_push import (
    PushErrorCode,
    PushResult,
    StockLevel,
    StockPushInterrupted,
    StockPushNotConfigured,
    StockPushUnsupported,
    push_each,
    stock_pusher_for,
    supports_stock_push,
)

SHOP = ShopContext("s1", "shopify", "USD", {"access_token": "shpat_x", "location_id": "655441491"})
ADAPTER = ShopifyAdapter()
VARIANT_PATH = "/admin/api/2024-04/variants/{}.json"
Handler = Callable[[httpx.Request], httpx.Response]


def http_with(handler: Handler) -> ChannelHttp:
    client = httpx.Client(base_url="https://shop.example", transport=httpx.MockTransport(handler))
    return ChannelHttp("https://shop.example", client=client)


def store(
    sent: list[httpx.Request], *, variants: dict[int, int] | None = None, status: int = 200
) -> Handler:
    """A store that knows `variants` (variant id -> inventory item id) and answers pushes with
    `status` (the Shopify body of each status)."""

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        for variant, item in (variants or {}).items():
            if request.url.path == VARIANT_PATH.format(variant):
                return httpx.Response(
                    200, json={"variant": {"id": variant, "inventory_item_id": item}}
                )
        if request.url.path != INVENTORY_SET_PATH:
            return httpx.Response(404, json={"errors": "Not Found"})
        if status == 422:
            errors = ["Inventory item does not have inventory tracking enabled"]
            return httpx.Response(422, json={"errors": errors})
        if status != 200:
            return httpx.Response(status, json={"errors": "x"}, headers={"Retry-After": "2.0"})
        body = json.loads(request.content)
        level = {k: body[k] for k in ("inventory_item_id", "location_id", "available")}
        return httpx.Response(200, json={"inventory_level": level})

    return handle


def push(handler: Handler, *levels: StockLevel, shop: ShopContext = SHOP) -> list[PushResult]:
    return ADAPTER.push_stock(http_with(handler), shop, levels)


# --- the capability -------------------------------------------------------------------------


def test_stock_levels_refuse_negative_and_non_integer_quantities() -> None:
    assert StockLevel("A", "1", 0).quantity == 0
    with pytest.raises(ValueError, match="negative"):
        StockLevel("A", "1", -1)
    bad: Any = 1.5
    with pytest.raises(TypeError):
        StockLevel("A", "1", bad)
    with pytest.raises(TypeError):
        StockLevel("A", "1", True)


@pytest.mark.parametrize("platform", ["shopify", "taobao", "tmall"])
def test_shopify_and_taobao_push_stock(platform: str) -> None:
    pusher = stock_pusher_for(platform)
    assert supports_stock_push(pusher) and platform in pusher.platforms


@pytest.mark.parametrize("platform", ["manual", "pos", "b2b", "woocommerce", "jd", "nowhere"])
def test_other_platforms_are_refused_with_a_stable_code(platform: str) -> None:
    with pytest.raises(StockPushUnsupported) as caught:
        stock_pusher_for(platform)
    assert caught.value.code == PushErrorCode.UNSUPPORTED == "STOCK_PUSH_UNSUPPORTED"
    assert caught.value.platform == platform and platform in str(caught.value)


def test_supports_stock_push_looks_for_the_method() -> None:
    assert not supports_stock_push(object())
    assert supports_stock_push(ADAPTER)


def test_a_transient_failure_mid_batch_keeps_the_results_before_it() -> None:
    levels = [StockLevel(code, code, 1) for code in "ABC"]

    def one(level: StockLevel) -> PushResult:
        if level.sku_code == "B":
            raise TransientChannelError("slow down", retry_after=4.0)
        return PushResult.pushed(level.sku_code)

    with pytest.raises(StockPushInterrupted) as caught:
        push_each(levels, one)
    assert caught.value.results == [PushResult("A", True)]
    assert caught.value.retry_after == 4.0 and "slow down" in str(caught.value)
    assert isinstance(caught.value, TransientChannelError)
    assert push_each(levels[2:], one) == [PushResult("C", True)]


def test_a_shopify_push_interrupted_by_a_429_resumes_where_it_stopped() -> None:
    sent: list[httpx.Request] = []
    ok, limited = store(sent), store(sent, status=429)
    answers = iter([ok, limited])
    levels = [StockLevel(c, f"gid://shopify/InventoryItem/{n}", n) for n, c in enumerate("AB")]
    with pytest.raises(StockPushInterrupted) as caught:
        push(lambda request: next(answers)(request), *levels)
    assert caught.value.results == [PushResult("A", True)] and len(sent) == 2


# --- Shopify requests -------------------------------------------------------------------------


def test_an_inventory_item_gid_is_set_directly_with_a_json_body() -> None:
    sent: list[httpx.Request] = []
    level = StockLevel("TEE-S", "gid://shopify/InventoryItem/808950810", 42)
    assert push(store(sent), level) == [PushResult("TEE-S", True)]
    (request,) = sent
    assert request.method == "POST" and request.url.path == INVENTORY_SET_PATH
    assert request.headers["X-Shopify-Access-Token"] == "shpat_x"
    assert request.headers["Content-Type"] == "application/json"
    body = {"location_id": 655441491, "inventory_item_id": 808950810, "available": 42}
    assert json.loads(request.content) == body


def test_a_variant_id_is_looked_up_once_per_call_and_zero_is_sent_as_zero() -> None:
    sent: list[httpx.Request] = []
    levels = [
        StockLevel("A", "39072856", 0),
        StockLevel("A2", "gid://shopify/ProductVariant/39072856", 3),
    ]
    results = push(store(sent, variants={39072856: 49148385}), *levels)
    assert [r.ok for r in results] == [True, True]
    assert [r.url.path for r in sent] == [VARIANT_PATH.format(39072856)] + [INVENTORY_SET_PATH] * 2
    assert [json.loads(r.content)["available"] for r in sent[1:]] == [0, 3]
    assert {json.loads(r.content)["inventory_item_id"] for r in sent[1:]} == {49148385}


def test_unmapped_skus_fail_without_a_request() -> None:
    sent: list[httpx.Request] = []
    results = push(store(sent), StockLevel("A", None, 1), StockLevel("B", "SKU-B", 1))
    assert [r.error_code for r in results] == [PushErrorCode.UNMAPPED] * 2
    assert "no Shopify listing id" in results[0].message and "'SKU-B'" in results[1].message
    assert sent == []


def test_an_unknown_variant_is_a_failed_result_and_the_rest_go_on() -> None:
    sent: list[httpx.Request] = []
    results = push(
        store(sent), StockLevel("A", "111", 1), StockLevel("B", "gid://shopify/InventoryItem/7", 2)
    )
    assert results[0] == PushResult(
        "A", False, "STOCK_PUSH_ITEM_NOT_FOUND", "Shopify refused 111 (HTTP 404): Not Found"
    )
    assert results[1].ok


def test_a_422_carries_shopifys_message() -> None:
    sent: list[httpx.Request] = []
    (result,) = push(
        store(sent, status=422), StockLevel("GIFT", "gid://shopify/InventoryItem/9", 5)
    )
    assert result.error_code == PushErrorCode.REFUSED
    assert result.message.endswith(
        "(HTTP 422): Inventory item does not have inventory tracking enabled"
    )


@pytest.mark.parametrize(
    ("status", "error"),
    [(429, TransientChannelError), (503, TransientChannelError), (401, ChannelAuthError)],
)
def test_rate_limits_server_errors_and_auth_errors_raise(
    status: int, error: type[Exception]
) -> None:
    sent: list[httpx.Request] = []
    with pytest.raises(error) as caught:
        push(store(sent, status=status), StockLevel("A", "gid://shopify/InventoryItem/9", 5))
    if status == 429:
        assert isinstance(caught.value, TransientChannelError) and caught.value.retry_after == 2.0


def test_an_answer_that_does_not_confirm_the_quantity_is_transient() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        level = {"inventory_item_id": 9, "location_id": 655441491, "available": 4}
        return httpx.Response(200, json={"inventory_level": level})

    with pytest.raises(TransientChannelError, match="does not confirm 5"):
        push(handle, StockLevel("A", "gid://shopify/InventoryItem/9", 5))


@pytest.mark.parametrize("location", ["", None, "main", "gid://shopify/Product/1"])
def test_a_shop_without_a_location_is_not_configured(location: str | None) -> None:
    shop = ShopContext("s1", "shopify", "USD", {"access_token": "t", "location_id": location})
    with pytest.raises(StockPushNotConfigured, match="location_id") as caught:
        push(store([]), StockLevel("A", "1", 1), shop=shop)
    assert caught.value.code == "STOCK_PUSH_NOT_CONFIGURED"


def test_a_location_gid_and_an_empty_batch() -> None:
    sent: list[httpx.Request] = []
    shop = ShopContext(
        "s1", "shopify", "USD", {"access_token": "t", "location_id": "gid://shopify/Location/12"}
    )
    assert push(store(sent), shop=shop) == []
    push(store(sent), StockLevel("A", "gid://shopify/InventoryItem/9", 1), shop=shop)
    assert json.loads(sent[0].content)["location_id"] == 12


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ('{"errors":"Not Found"}', "Not Found"),
        ('{"errors":["a","b"]}', "a; b"),
        (
            '{"errors":{"available":"Required parameter missing or invalid"}}',
            "available: Required parameter missing or invalid",
        ),
        ('{"errors":{"base":["x","y"]}}', "base: x; y"),
        ("<html>", ""),
        ("[1]", ""),
        ("", ""),
    ],
)
def test_shopify_error_bodies_become_text(body: str, text: str) -> None:
    assert shopify_errors(body) == text


def test_request_errors_keep_the_status_and_body() -> None:
    http = http_with(lambda request: httpx.Response(422, text='{"errors":["no"]}'))
    with pytest.raises(ChannelRequestError) as caught:
        http.post("/x", json={"a": 1})
    assert caught.value.status == 422 and caught.value.body == '{"errors":["no"]}'
