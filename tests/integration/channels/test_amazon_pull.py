"""AmazonAdapter.pull_page against a small SP-API-like server (Orders v0) on a real socket."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from orderhub.channels.adapters.amazon import AmazonAdapter
from orderhub.channels.base import PullWindow, ShopContext
from orderhub.channels.http import ChannelAuthError, ChannelHttp, TransientChannelError
from orderhub.channels.simulators.base import Reply, serve
from orderhub.orders.domain import ChannelState, validate_order

TOKEN = "Atza|test-access-token"
MARKETPLACE = "ATVPDKIKX0DER"
WINDOW = PullWindow(datetime(2024, 3, 1, tzinfo=UTC), datetime(2024, 3, 1, 6, tzinfo=UTC))
SHOP = ShopContext(
    code="amz-us",
    platform="amazon",
    currency="USD",
    credentials={"access_token": TOKEN, "marketplace_ids": [MARKETPLACE]},
)


RAW_LATITUDE = "<37.42678610>"  # written into the JSON as the bare number 37.42678610


def money(amount: str) -> dict[str, str]:
    return {"CurrencyCode": "USD", "Amount": amount}


def order(number: int, total: str) -> dict[str, Any]:
    return {
        "AmazonOrderId": f"111-000000{number}-0000001",
        "PurchaseDate": "2024-03-01T01:00:00Z",
        "LastUpdateDate": f"2024-03-01T0{number}:30:00Z",
        "OrderStatus": "Unshipped",
        "FulfillmentChannel": "MFN",
        "MarketplaceId": MARKETPLACE,
        "OrderTotal": money(total),
        "ShippingAddress": {
            "Name": "Ada Lovelace",
            "AddressLine1": "1 Main St",
            "City": "Seattle",
            "StateOrRegion": "WA",
            "PostalCode": "98101",
            "CountryCode": "US",
            "ExtendedFields": {"GeoCoordinates": {"Latitude": RAW_LATITUDE, "Longitude": 1.5}},
        },
    }


def item(sku: str, price: str, qty: int = 1, tax: str = "0.00") -> dict[str, Any]:
    return {
        "ASIN": f"B0{sku}",
        "OrderItemId": f"OI-{sku}",
        "SellerSKU": sku,
        "Title": f"Item {sku}",
        "QuantityOrdered": qty,
        "ItemPrice": money(price),
        "ItemTax": money(tax),
    }


ORDERS = [order(1, "30.00"), order(2, "5.00"), order(3, "8.10")]
ITEM_PAGES: dict[str, list[list[dict[str, Any]]]] = {
    ORDERS[0]["AmazonOrderId"]: [[item("A", "20.00", 2)], [item("B", "10.00")]],
    ORDERS[1]["AmazonOrderId"]: [[item("C", "5.00")]],
    ORDERS[2]["AmazonOrderId"]: [[item("D", "7.50", 3, tax="0.60")]],
}


@dataclass
class FakeSpApi:
    """Orders v0 with NextToken paging of orders and of each order's items."""

    requests: list[tuple[str, dict[str, list[str]], dict[str, str]]] = field(default_factory=list)
    throttle: bool = False

    def __call__(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Reply:
        url = urlsplit(target)
        query = parse_qs(url.query)
        self.requests.append((url.path, query, headers))
        if self.throttle:
            return Reply(429, b'{"errors":[{"code":"QuotaExceeded"}]}', {"Retry-After": "7"})
        if headers.get("x-amz-access-token") != TOKEN:
            return Reply(403, b'{"errors":[{"code":"Unauthorized","message":"Access denied"}]}')
        if url.path == "/orders/v0/orders":
            return self.orders(query)
        return self.items(url.path.split("/")[4], query)

    def orders(self, query: dict[str, list[str]]) -> Reply:
        if query.get("NextToken") == ["orders-2"]:
            return reply({"Orders": ORDERS[2:]})
        return reply({"Orders": ORDERS[:2], "NextToken": "orders-2"})

    def items(self, order_id: str, query: dict[str, list[str]]) -> Reply:
        pages = ITEM_PAGES[order_id]
        index = int(query["NextToken"][0].split("-")[1]) if "NextToken" in query else 0
        payload: dict[str, Any] = {"AmazonOrderId": order_id, "OrderItems": pages[index]}
        if index + 1 < len(pages):
            payload["NextToken"] = f"items-{index + 1}"
        return reply(payload)


def reply(payload: dict[str, Any]) -> Reply:
    text = json.dumps({"payload": payload}).replace(f'"{RAW_LATITUDE}"', RAW_LATITUDE[1:-1])
    return Reply(200, text.encode())


@pytest.fixture
def api() -> FakeSpApi:
    return FakeSpApi()


@pytest.fixture
def http(api: FakeSpApi) -> Iterator[ChannelHttp]:
    with serve(api) as base_url:
        client = ChannelHttp(base_url, timeout=5)
        yield client
        client.close()


def test_pull_follows_next_tokens_of_orders_and_of_items(api: FakeSpApi, http: ChannelHttp) -> None:
    adapter = AmazonAdapter()
    first = adapter.pull_page(http, SHOP, WINDOW, None)
    assert first.next_page_token == "orders-2" and len(first.orders) == 2
    second = adapter.pull_page(http, SHOP, WINDOW, first.next_page_token)
    assert second.next_page_token is None and len(second.orders) == 1

    drafts = [adapter.parse(raw, SHOP) for raw in first.orders + second.orders]
    assert [d.platform_order_id for d in drafts] == [o["AmazonOrderId"] for o in ORDERS]
    assert [[(ln.sku_code, ln.quantity, ln.unit_price) for ln in d.lines] for d in drafts] == [
        [("A", 2, Decimal("10.00")), ("B", 1, Decimal("10.00"))],
        [("C", 1, Decimal("5.00"))],
        [("D", 3, Decimal("2.50"))],
    ]
    # US marketplace: ItemTax is charged on top and OrderTotal includes it.
    assert [(d.tax, d.total) for d in drafts] == [
        (Decimal("0.00"), Decimal("30.00")),
        (Decimal("0.00"), Decimal("5.00")),
        (Decimal("0.60"), Decimal("8.10")),
    ]
    assert all(validate_order(d) == [] for d in drafts)
    assert all(d.channel_state is ChannelState.PAID for d in drafts)

    envelope = json.loads(first.orders[0])
    assert envelope["api"] == "orders/v0"
    assert envelope["order"]["AmazonOrderId"] == ORDERS[0]["AmazonOrderId"]
    assert [i["SellerSKU"] for i in envelope["items"]] == ["A", "B"]
    # Numbers are re-written exactly as Amazon wrote them (no float round trip).
    assert '"Latitude":37.42678610' in first.orders[0] and '"Longitude":1.5' in first.orders[0]


def test_first_page_sends_the_window_and_next_pages_only_the_token(
    api: FakeSpApi, http: ChannelHttp
) -> None:
    adapter = AmazonAdapter()
    token = adapter.pull_page(http, SHOP, WINDOW, None).next_page_token
    adapter.pull_page(http, SHOP, WINDOW, token)
    order_calls = [(q, h) for path, q, h in api.requests if path == "/orders/v0/orders"]
    first, second = (query for query, _ in order_calls)
    assert first == {
        "MarketplaceIds": [MARKETPLACE],
        "LastUpdatedAfter": ["2024-03-01T00:00:00Z"],
        "LastUpdatedBefore": ["2024-03-01T06:00:00Z"],
        "MaxResultsPerPage": ["100"],
    }
    assert second == {"MarketplaceIds": [MARKETPLACE], "NextToken": ["orders-2"]}
    item_calls = [(path, q) for path, q, _ in api.requests if path.endswith("/orderItems")]
    assert item_calls[:2] == [
        ("/orders/v0/orders/111-0000001-0000001/orderItems", {}),
        ("/orders/v0/orders/111-0000001-0000001/orderItems", {"NextToken": ["items-1"]}),
    ]
    assert all(h["x-amz-access-token"] == TOKEN for _, _, h in api.requests)


def test_a_refused_access_token_is_an_auth_error(api: FakeSpApi, http: ChannelHttp) -> None:
    shop = ShopContext(
        code="amz-us",
        platform="amazon",
        currency="USD",
        credentials={"access_token": "expired", "marketplace_ids": MARKETPLACE},
    )
    with pytest.raises(ChannelAuthError):
        AmazonAdapter().pull_page(http, shop, WINDOW, None)


def test_throttling_surfaces_as_transient_with_retry_after(
    api: FakeSpApi, http: ChannelHttp
) -> None:
    api.throttle = True
    with pytest.raises(TransientChannelError) as caught:
        AmazonAdapter().pull_page(http, SHOP, WINDOW, None)
    assert caught.value.retry_after == 7.0
