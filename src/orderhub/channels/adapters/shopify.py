"""Shopify: orders from the REST Admin API 2024-04 and from `orders/*` webhooks.

- `parse` takes one Order object (webhook body, element of a list) or the `{"order": {...}}`
  response of GET /orders/{id}.json; the mapping and its judgement calls (tax not included in
  prices is carried in `shipping_fee`, status precedence, ...) are described in
  `shopify_mapping`.
- Webhooks are signed with base64(HMAC-SHA256(webhook secret, raw body)) in
  `X-Shopify-Hmac-Sha256`.
- Pulling pages through GET /admin/api/2024-04/orders.json by `updated_at` with cursor paging:
  the first page carries the filters; the next ones only `limit` and `page_info` (Shopify refuses
  anything else with a cursor), the cursor being read from the `Link` header's rel="next".
  Each order's raw text is cut verbatim out of the page, so no number is ever re-encoded.
- Stock is pushed with POST /admin/api/2024-04/inventory_levels/set.json (absolute `available`
  at the location in the shop's `location_id` credential); see `push_stock`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import httpx

from orderhub.channels.adapters.json_payload import array_elements, header, signature_matches
from orderhub.channels.adapters.shopify_mapping import parse_order
from orderhub.channels.base import PullPage, PullWindow, ShopContext
from orderhub.channels.http import (
    ChannelAuthError,
    ChannelHttp,
    ChannelRequestError,
    TransientChannelError,
)
from orderhub.channels.registry import register
from orderhub.channels.stock_push import (
    PushErrorCode,
    PushResult,
    StockLevel,
    StockPushNotConfigured,
    push_each,
    unmapped,
)
from orderhub.orders.domain import OrderDraft

API_VERSION = "2024-04"
ORDERS_PATH = f"/admin/api/{API_VERSION}/orders.json"
INVENTORY_SET_PATH = f"/admin/api/{API_VERSION}/inventory_levels/set.json"
MAX_PAGE_SIZE = 250
LISTING_IDS = "a variant id or gid://shopify/InventoryItem/<id>"
_INVENTORY_ITEM = re.compile(r"^gid://shopify/InventoryItem/(\d+)$")
_VARIANT = re.compile(r"^(?:gid://shopify/ProductVariant/)?(\d+)$")
_LOCATION = re.compile(r"^(?:gid://shopify/Location/)?(\d+)$")
ORDER_TOPICS = frozenset(
    {"orders/create", "orders/updated", "orders/cancelled", "orders/paid", "orders/fulfilled"}
)


class ShopifyAdapter:
    """Shopify stores; `page_size` is the `limit` of a pull (Shopify allows at most 250)."""

    platforms: ClassVar[tuple[str, ...]] = ("shopify",)

    def __init__(self, page_size: int = MAX_PAGE_SIZE) -> None:
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be 1..{MAX_PAGE_SIZE}")
        self.page_size = page_size

    def parse(self, raw: str, shop: ShopContext) -> OrderDraft:
        return parse_order(raw)

    def verify_webhook(self, headers: Mapping[str, str], body: bytes, shop: ShopContext) -> bool:
        secret = shop.credentials.get("webhook_secret")
        return signature_matches(secret, body, header(headers, "X-Shopify-Hmac-Sha256"))

    def webhook_orders(self, headers: Mapping[str, str], body: bytes) -> list[str]:
        topic = (header(headers, "X-Shopify-Topic") or "").strip().lower()
        if topic not in ORDER_TOPICS:
            return []
        # A body that is not UTF-8 still goes on, so that parsing quarantines it visibly.
        return [body.decode("utf-8", errors="replace")]

    def pull_page(
        self, http: ChannelHttp, shop: ShopContext, window: PullWindow, page_token: str | None
    ) -> PullPage:
        params: dict[str, str | int]
        if page_token is None:
            params = {
                "status": "any",
                "updated_at_min": _iso(window.start),
                "updated_at_max": _iso(window.end),
                "limit": self.page_size,
                "order": "updated_at asc",
            }
        else:
            params = {"limit": self.page_size, "page_info": page_token}
        response = http.get(ORDERS_PATH, params=params, headers=_auth_headers(shop))
        try:
            orders = array_elements(response.text, "orders")
        except ValueError as exc:
            raise ChannelRequestError(f"{ORDERS_PATH} answered an unexpected body: {exc}") from exc
        return PullPage(orders=orders, next_page_token=next_page_info(response))

    def push_stock(
        self, http: ChannelHttp, shop: ShopContext, items: Sequence[StockLevel]
    ) -> list[PushResult]:
        """Set each item's `available` at the shop's location. A listing id is the variant id
        our orders carry (looked up to its inventory item) or gid://shopify/InventoryItem/<id>."""
        if not items:
            return []
        push = InventoryPush(http, _auth_headers(shop), location_id(shop))
        return push_each(items, push.one)


class InventoryPush:
    """One `push_stock` call to one store; variant lookups are remembered for the call."""

    def __init__(self, http: ChannelHttp, headers: Mapping[str, str], location: int) -> None:
        self.http = http
        self.headers = dict(headers)
        self.location = location
        self._items: dict[int, int] = {}  # variant id -> inventory item id

    def one(self, level: StockLevel) -> PushResult:
        try:
            item = self.inventory_item(level.platform_sku_id or "")
            if item is None:
                return unmapped(level, "Shopify", LISTING_IDS)
            self.set_available(item, level.quantity)
        except ChannelRequestError as exc:
            return refusal(level, exc)
        return PushResult.pushed(level.sku_code)

    def inventory_item(self, listing: str) -> int | None:
        if found := _INVENTORY_ITEM.match(listing.strip()):
            return int(found[1])
        if not (found := _VARIANT.match(listing.strip())):
            return None
        variant = int(found[1])
        if variant not in self._items:
            path = f"/admin/api/{API_VERSION}/variants/{variant}.json"
            answer = _object(self.http.get(path, headers=self.headers), path).get("variant")
            item = answer.get("inventory_item_id") if isinstance(answer, dict) else None
            if not isinstance(item, int):
                raise ChannelRequestError(f"variant {variant} has no inventory item")
            self._items[variant] = item
        return self._items[variant]

    def set_available(self, item: int, quantity: int) -> None:
        body = {"location_id": self.location, "inventory_item_id": item, "available": quantity}
        response = self.http.post(INVENTORY_SET_PATH, json=body, headers=self.headers)
        level = _object(response, INVENTORY_SET_PATH).get("inventory_level")
        if not isinstance(level, dict):
            level = {}
        if (level.get("inventory_item_id"), level.get("available")) != (item, quantity):
            raise TransientChannelError(
                f"{INVENTORY_SET_PATH}: the answer does not confirm {quantity} for item {item}"
            )


def location_id(shop: ShopContext) -> int:
    """The numeric id of the location whose stock we manage (credential `location_id`)."""
    found = _LOCATION.match(str(shop.credentials.get("location_id") or "").strip())
    if found is None:
        raise StockPushNotConfigured(
            shop.code,
            "location_id",
            "set it to the Shopify location (Settings > Locations) whose stock OrderHub manages",
        )
    return int(found[1])


def refusal(level: StockLevel, exc: ChannelRequestError) -> PushResult:
    """The failed result for an item Shopify refused (404: it does not know the listing)."""
    code = PushErrorCode.ITEM_NOT_FOUND if exc.status == 404 else PushErrorCode.REFUSED
    reason = shopify_errors(exc.body) or str(exc)
    status = f" (HTTP {exc.status})" if exc.status else ""
    message = f"Shopify refused {level.platform_sku_id}{status}: {reason}"
    return PushResult.failed(level.sku_code, code, message)


def shopify_errors(body: str) -> str:
    """The `errors` of a Shopify error body (a string, a list, or field -> messages) as text."""
    try:
        errors = json.loads(body).get("errors") if body else None
    except (ValueError, AttributeError):
        return ""
    if isinstance(errors, dict):
        return "; ".join(f"{field}: {_joined(value)}" for field, value in errors.items())
    return _joined(errors) if errors else ""


def _joined(value: Any) -> str:
    return "; ".join(map(str, value)) if isinstance(value, list) else str(value)


def _object(response: httpx.Response, path: str) -> dict[str, Any]:
    try:
        doc = json.loads(response.text)
    except ValueError:
        raise TransientChannelError(f"{path} answered no JSON: {response.text[:200]!r}") from None
    if not isinstance(doc, dict):
        raise TransientChannelError(f"{path} answered {response.text[:200]!r}")
    return doc


def next_page_info(response: httpx.Response) -> str | None:
    """The `page_info` of the Link header's rel="next" URL, or None on the last page."""
    link = response.links.get("next")
    if not link or not link.get("url"):
        return None
    values = parse_qs(urlsplit(link["url"]).query).get("page_info")
    return values[0] if values else None


def _auth_headers(shop: ShopContext) -> dict[str, str]:
    try:
        token = shop.credential("access_token")
    except KeyError as exc:
        raise ChannelAuthError(str(exc)) from None
    return {"X-Shopify-Access-Token": token, "Accept": "application/json"}


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


register(ShopifyAdapter())
