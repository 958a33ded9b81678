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
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

import httpx

from orderhub.channels.adapters.json_payload import array_elements, header, signature_matches
from orderhub.channels.adapters.shopify_mapping import parse_order
from orderhub.channels.base import PullPage, PullWindow, ShopContext
from orderhub.channels.http import ChannelAuthError, ChannelHttp, ChannelRequestError
from orderhub.channels.registry import register
from orderhub.orders.domain import OrderDraft

API_VERSION = "2024-04"
ORDERS_PATH = f"/admin/api/{API_VERSION}/orders.json"
MAX_PAGE_SIZE = 250
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
