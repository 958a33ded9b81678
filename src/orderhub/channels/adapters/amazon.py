"""Amazon (SP-API Orders): parsing stored orders, and pulling them through Orders v0.

Sources: GitHub amzn/selling-partner-api-models, `models/orders-api-model/ordersV0.json`
(getOrders, getOrder, getOrderItems, getOrderAddress, getOrderBuyerInfo; NextToken paging) and
`models/orders-api-model/orders_2026-01-01.json` (getOrder / searchOrders, whose orders carry
their `orderItems`; mapped in `amazon_v2026`). The mapping's judgement calls are in
`amazon_mapping`'s docstring.

One raw text is one order. What `parse` accepts:
- our envelope, written by `pull_page`: `{"order": <v0 Order verbatim>, "items": [<v0 OrderItem
  verbatim>...], "api": "orders/v0"}`; it may also carry `"address"` / `"buyer_info"` (the
  payloads of getOrderAddress / getOrderBuyerInfo), which then win over the Order's own fields;
- a 2026-01-01 Order object, bare or as a getOrder response (`{"order": ...}`) or a searchOrders
  response holding exactly one order;
- Amazon's published examples as they are: a body wrapped in `{"application/json": ...}` (the
  Swagger example wrapper) is unwrapped first.
A v0 Order without its items (a getOrder / getOrders response, a bare Order) cannot make lines:
ORDER_ITEMS_MISSING. Items, an address or buyer info without their order: ORDER_MISSING. Several
orders in one text: MULTIPLE_ORDERS.

Pulling: GET /orders/v0/orders with the LWA token in `x-amz-access-token` (no SigV4 is needed
any more), `MarketplaceIds`, `LastUpdatedAfter`/`LastUpdatedBefore` (ISO 8601 UTC) and
`MaxResultsPerPage=100`; a next page sends only `NextToken` (+ `MarketplaceIds`). Each order's
items come from GET /orders/v0/orders/{id}/orderItems, following its own NextToken. Numbers are
re-written exactly (`Decimal`), never through float. Rate limits (429 + Retry-After) surface as
`TransientChannelError` from `ChannelHttp`; retrying is the caller's job.

Webhooks: Amazon sends order notifications through SQS / EventBridge, not signed HTTP posts, so
`verify_webhook` is always False and `webhook_orders` finds nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar
from urllib.parse import quote

import httpx

from orderhub.channels.adapters.amazon_mapping import parse_v0
from orderhub.channels.adapters.amazon_v2026 import parse_2026
from orderhub.channels.adapters.json_payload import (
    JsonObject,
    items,
    load_object,
    mapping,
    order_id,
    text,
)
from orderhub.channels.base import NoHttpWebhooks, ParseError, PullPage, PullWindow, ShopContext
from orderhub.channels.http import ChannelHttp, ChannelRequestError
from orderhub.channels.registry import register
from orderhub.orders.domain import OrderDraft

ORDERS_PATH = "/orders/v0/orders"
ENVELOPE_API = "orders/v0"
PAGE_SIZE = 100
SWAGGER_WRAPPER = "application/json"


class AmazonAdapter(NoHttpWebhooks):
    """Amazon marketplaces. Credentials: `access_token` (LWA) and `marketplace_ids`."""

    platforms: ClassVar[tuple[str, ...]] = ("amazon",)

    def parse(self, raw: str, shop: ShopContext) -> OrderDraft:
        doc = load_object(raw)
        if set(doc) == {SWAGGER_WRAPPER} and isinstance(doc[SWAGGER_WRAPPER], dict):
            doc = doc[SWAGGER_WRAPPER]
        return replace(_parse_document(doc, shop), raw_payload=raw)

    def pull_page(
        self, http: ChannelHttp, shop: ShopContext, window: PullWindow, page_token: str | None
    ) -> PullPage:
        auth = {"x-amz-access-token": shop.credential("access_token")}
        params: dict[str, str | int] = {"MarketplaceIds": _marketplace_ids(shop)}
        if page_token:
            params["NextToken"] = page_token
        else:
            params["LastUpdatedAfter"] = _iso(window.start)
            params["LastUpdatedBefore"] = _iso(window.end)
            params["MaxResultsPerPage"] = PAGE_SIZE
        payload = _payload(http.get(ORDERS_PATH, params=params, headers=auth))
        orders = _object_list(payload, "Orders")
        raws = [dumps_exact(_envelope(http, auth, order)) for order in orders]
        return PullPage(orders=raws, next_page_token=_next_token(payload))


# ----------------------------------------------------------------------------- payload shapes


def _parse_document(doc: JsonObject, shop: ShopContext) -> OrderDraft:
    if "api" in doc or "items" in doc:
        return _parse_envelope(doc, shop)
    if isinstance(doc.get("order"), dict):
        return parse_2026(doc["order"], shop)
    if "orders" in doc:
        return parse_2026(_only_one(items(doc, "orders", "orders")), shop)
    if "orderId" in doc:
        return parse_2026(doc, shop)
    payload = mapping(doc, "payload", "payload")
    if payload is not None:
        return _refuse_v0_response(payload)
    if "AmazonOrderId" in doc:
        return _refuse_v0_response(doc)
    raise ParseError("PAYLOAD_SHAPE_UNKNOWN", "not an Amazon order payload")


def _parse_envelope(doc: JsonObject, shop: ShopContext) -> OrderDraft:
    if doc.get("api") != ENVELOPE_API:
        raise ParseError("API_UNSUPPORTED", f"envelope api {doc.get('api')!r}", field="api")
    order = mapping(doc, "order", "order")
    if order is None:
        raise ParseError("ORDER_MISSING", "the envelope has no order", field="order")
    order_items = items(doc, "items", "items")
    if not order_items:
        raise ParseError("ORDER_ITEMS_MISSING", "the envelope has no items", field="items")
    pid = order_id(order, "AmazonOrderId")
    found = _companion(doc, "address", pid)
    buyer = _companion(doc, "buyer_info", pid)
    return parse_v0(
        order,
        order_items,
        shop,
        shipping_address=mapping(found, "ShippingAddress", "address.ShippingAddress"),
        buyer_info=buyer or None,
    )


def _companion(doc: JsonObject, key: str, pid: str) -> JsonObject:
    """An optional getOrderAddress / getOrderBuyerInfo payload, checked to be this order's."""
    found = mapping(doc, key, key) or {}
    other = text(found, "AmazonOrderId", f"{key}.AmazonOrderId")
    if other and other != pid:
        raise ParseError("ORDER_ID_MISMATCH", f"{key} is for order {other}, not {pid}", field=key)
    return found


def _refuse_v0_response(payload: JsonObject) -> OrderDraft:
    """Every v0 shape without an envelope lacks either the items or the order."""
    if "Orders" in payload:
        _only_one(items(payload, "Orders", "payload.Orders"))
    elif "OrderStatus" not in payload:
        raise ParseError(
            "ORDER_MISSING",
            "order items, an address or buyer info without their order",
            field="payload",
        )
    raise ParseError(
        "ORDER_ITEMS_MISSING",
        "a v0 Order without its OrderItems: fetch getOrderItems and send our envelope",
        field="items",
    )


def _only_one(orders: list[JsonObject]) -> JsonObject:
    if len(orders) != 1:
        code = "MULTIPLE_ORDERS" if orders else "ORDER_MISSING"
        raise ParseError(code, f"one order per payload, got {len(orders)}", field="orders")
    return orders[0]


# ----------------------------------------------------------------------------------- pulling


def _envelope(http: ChannelHttp, auth: Mapping[str, str], order: Any) -> JsonObject:
    if not isinstance(order, dict) or not order.get("AmazonOrderId"):
        raise ChannelRequestError("getOrders returned an order without AmazonOrderId")
    path = f"{ORDERS_PATH}/{quote(str(order['AmazonOrderId']), safe='')}/orderItems"
    found: list[Any] = []
    token: str | None = None
    while True:
        params = {"NextToken": token} if token else None
        payload = _payload(http.get(path, params=params, headers=auth))
        found += _object_list(payload, "OrderItems")
        token = _next_token(payload)
        if token is None:
            return {"order": order, "items": found, "api": ENVELOPE_API}


def _payload(response: httpx.Response) -> JsonObject:
    try:
        doc = json.loads(response.text, parse_float=Decimal)
    except ValueError as exc:
        raise ChannelRequestError(f"SP-API answered with non-JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise ChannelRequestError("SP-API answered with a non-object")
    if doc.get("errors"):
        raise ChannelRequestError(f"SP-API errors: {str(doc['errors'])[:300]}")
    payload = doc.get("payload")
    if not isinstance(payload, dict):
        raise ChannelRequestError("SP-API answer has no payload object")
    return payload


def _object_list(payload: JsonObject, key: str) -> list[Any]:
    value = payload.get(key) or []
    if not isinstance(value, list):
        raise ChannelRequestError(f"SP-API payload.{key} is not a list")
    return value


def _next_token(payload: JsonObject) -> str | None:
    token = payload.get("NextToken")
    return str(token) if token else None


def _marketplace_ids(shop: ShopContext) -> str:
    value = shop.credentials.get("marketplace_ids")
    if isinstance(value, list | tuple):
        value = ",".join(str(v) for v in value)
    if not value:
        raise KeyError(f"shop {shop.code} has no credential 'marketplace_ids'")
    return str(value)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def dumps_exact(value: Any) -> str:
    """JSON text of parsed JSON with `Decimal` numbers written exactly as read."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        members = (
            json.dumps(str(k), ensure_ascii=False) + ":" + dumps_exact(v) for k, v in value.items()
        )
        return "{" + ",".join(members) + "}"
    if isinstance(value, list):
        return "[" + ",".join(dumps_exact(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


register(AmazonAdapter())
