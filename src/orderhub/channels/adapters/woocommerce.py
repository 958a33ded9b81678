"""WooCommerce: orders from the REST API v3 (`/wp-json/wc/v3/orders`) and from `order.*` webhooks.

Amounts. WooCommerce stores every line, shipping, fee and discount amount *net of tax* and the
tax beside it, whatever `prices_include_tax` says; `total` = Σ line `total` + `shipping_total` +
Σ fee `total` + `total_tax`. So:
- a line's unit price is `subtotal` / `quantity` (before coupons) and its discount is
  `subtotal` − `total`. When `subtotal` does not divide by the quantity, the unit price is
  rounded *up* at the storage scale (4 places) and the few ten-thousandths go into the line
  discount, so the line still comes to exactly `total`.
- `shipping_fee` = `shipping_total` + positive fees; `tax` = `total_tax` (always on top of the
  net amounts). The parts are kept in `extra` (`shipping_total`, `total_tax`, `fees`).
- `order_discount` = `discount_total` − Σ line discounts (0 for a normal order) + negative fees.
- `total` is WooCommerce's `total`, never adjusted: a mismatch is reported by `validate_order`.
Refunds do not lower `total`; a paid order with refunds is partly refunded (or refunded when the
refunds reach the total).

Status: pending / on-hold / checkout-draft → AWAITING_PAYMENT (unpaid); processing → PAID;
completed → COMPLETED; cancelled / failed / trash → CANCELLED; refunded → CANCELLED, refunded.
Custom statuses from plugins are FIELD_INVALID: guessing could ship an order twice.
Times: the `*_gmt` fields (no offset in the string) are UTC. Item names are HTML-unescaped.

Webhooks: `X-WC-Webhook-Signature` = base64(HMAC-SHA256(webhook secret, raw body)). Pulling:
HTTP Basic auth with the consumer key/secret, `modified_after`/`modified_before` with
`dates_are_gmt=true`, 100 per page ordered by id (a unique, stable key: page numbers then do not
skip or repeat orders with equal dates), `X-WP-TotalPages` telling whether a next page exists.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import ROUND_CEILING, Decimal
from typing import Any, ClassVar

from orderhub.channels.adapters.json_payload import (
    JsonObject,
    amount,
    array_elements,
    currency,
    header,
    items,
    join_text,
    load_object,
    mapping,
    optional_timestamp,
    order_id,
    quantity,
    signature_matches,
    text,
    timestamp,
)
from orderhub.channels.base import ParseError, PullPage, PullWindow, ShopContext
from orderhub.channels.http import ChannelAuthError, ChannelHttp, ChannelRequestError
from orderhub.channels.registry import register
from orderhub.money import STORAGE_SCALE
from orderhub.orders.domain import Address, ChannelState, LineDraft, OrderDraft, OrderType
from orderhub.orders.lifecycle import PaymentStatus

C, P = ChannelState, PaymentStatus
ZERO = Decimal(0)
ORDERS_PATH = "/wp-json/wc/v3/orders"
PAGE_SIZE = 100
ORDER_TOPICS = frozenset({"order.created", "order.updated", "order.deleted", "order.restored"})
STATUSES: dict[str, tuple[ChannelState, PaymentStatus]] = {
    "pending": (C.AWAITING_PAYMENT, P.UNPAID),
    "on-hold": (C.AWAITING_PAYMENT, P.UNPAID),
    "checkout-draft": (C.AWAITING_PAYMENT, P.UNPAID),
    "processing": (C.PAID, P.PAID),
    "completed": (C.COMPLETED, P.PAID),
    "cancelled": (C.CANCELLED, P.UNPAID),
    "failed": (C.CANCELLED, P.UNPAID),
    "trash": (C.CANCELLED, P.UNPAID),
    "refunded": (C.CANCELLED, P.REFUNDED),
}
_UNIT_STEP = Decimal(1).scaleb(-STORAGE_SCALE)


class WooCommerceAdapter:
    platforms: ClassVar[tuple[str, ...]] = ("woocommerce",)

    def parse(self, raw: str, shop: ShopContext) -> OrderDraft:
        return parse_order(raw)

    def verify_webhook(self, headers: Mapping[str, str], body: bytes, shop: ShopContext) -> bool:
        secret = shop.credentials.get("webhook_secret")
        return signature_matches(secret, body, header(headers, "X-WC-Webhook-Signature"))

    def webhook_orders(self, headers: Mapping[str, str], body: bytes) -> list[str]:
        topic = (header(headers, "X-WC-Webhook-Topic") or "").strip().lower()
        if topic not in ORDER_TOPICS:
            return []
        raw = body.decode("utf-8", errors="replace")
        try:
            load_object(raw)
        except ParseError:
            return []  # the ping sent when a webhook is created: `webhook_id=123`
        return [raw]

    def pull_page(
        self, http: ChannelHttp, shop: ShopContext, window: PullWindow, page_token: str | None
    ) -> PullPage:
        page = int(page_token) if page_token else 1
        if page < 1:
            raise ValueError(f"bad page token {page_token!r}")
        params: dict[str, str | int] = {
            "modified_after": _gmt(window.start),
            "modified_before": _gmt(window.end),
            "dates_are_gmt": "true",
            "per_page": PAGE_SIZE,
            "page": page,
            "orderby": "id",
            "order": "asc",
        }
        response = http.get(ORDERS_PATH, params=params, headers=_auth_headers(shop))
        try:
            orders = array_elements(response.text)
        except ValueError as exc:
            raise ChannelRequestError(f"{ORDERS_PATH} answered an unexpected body: {exc}") from exc
        total_pages = _int_or_zero(response.headers.get("X-WP-TotalPages"))
        return PullPage(orders, str(page + 1) if total_pages > page else None)


def parse_order(raw: str) -> OrderDraft:
    order = load_object(raw)
    platform_order_id = order_id(order)
    status = text(order, "status")
    if status not in STATUSES:
        raise ParseError("FIELD_INVALID", f"unknown order status {status!r}", field="status")
    state, payment = STATUSES[status]
    lines = tuple(_line(item, f"line_items[{i}]") for i, item in enumerate(_line_items(order)))
    total = amount(order, "total", "total")
    fees, credits = _fees(order)
    shipping = amount(order, "shipping_total", "shipping_total", ZERO)
    tax = amount(order, "total_tax", "total_tax", ZERO)
    discount = amount(order, "discount_total", "discount_total", ZERO)
    return OrderDraft(
        platform_order_id=platform_order_id,
        currency=currency(order.get("currency")),
        lines=lines,
        receiver=_receiver(order),
        placed_at=timestamp(order.get("date_created_gmt"), "date_created_gmt", naive_is_utc=True),
        total=total,
        shipping_fee=shipping + fees,
        tax=tax,
        order_discount=discount
        - sum((_coupon_discount(i) for i in _line_items(order)), ZERO)
        + credits,
        paid_at=optional_timestamp(order.get("date_paid_gmt"), "date_paid_gmt", naive_is_utc=True),
        platform_updated_at=optional_timestamp(
            order.get("date_modified_gmt"), "date_modified_gmt", naive_is_utc=True
        ),
        payment_status=_refunded(payment, _refunds(order), total),
        channel_state=state,
        platform_status=status,
        order_type=OrderType.RETAIL,
        **_buyer(order),
        buyer_note=text(order, "customer_note"),
        raw_payload=raw,
        extra={
            "number": text(order, "number") or platform_order_id,
            "shipping_total": str(shipping),
            "total_tax": str(tax),
            "fees": str(fees - credits),
        },
    )


def _line_items(order: JsonObject) -> list[JsonObject]:
    return items(order, "line_items", "line_items")


def _line(item: JsonObject, where: str) -> LineDraft:
    qty = quantity(item.get("quantity"), f"{where}.quantity")
    subtotal = amount(item, "subtotal", f"{where}.subtotal")
    total = amount(item, "total", f"{where}.total")
    unit = _unit_price(subtotal, qty)
    sku_id = item.get("variation_id") or item.get("product_id")
    return LineDraft(
        title=html.unescape(text(item, "name", f"{where}.name")),
        quantity=qty,
        unit_price=unit,
        discount=unit * qty - total,
        sku_code=text(item, "sku", f"{where}.sku") or None,
        platform_sku_id=str(sku_id) if sku_id else None,
        spec=_spec(items(item, "meta_data", f"{where}.meta_data")),
    )


def _unit_price(subtotal: Decimal, qty: int) -> Decimal:
    if qty <= 0:
        return subtotal  # validate_order reports the quantity
    unit = subtotal / qty
    if unit * qty == subtotal and unit == unit.quantize(_UNIT_STEP):
        return unit
    return unit.quantize(_UNIT_STEP, rounding=ROUND_CEILING)


def _coupon_discount(item: JsonObject) -> Decimal:
    """subtotal − total, without the rounding `_unit_price` may add (that is not a discount)."""
    return amount(item, "subtotal", "subtotal") - amount(item, "total", "total")


def _spec(meta: list[JsonObject]) -> str:
    """Visible attributes ("color: black, size: M Test"); keys starting with "_" are private."""
    parts = []
    for entry in meta:
        key = str(entry.get("display_key") or entry.get("key") or "")
        value = entry.get("display_value", entry.get("value"))
        if not key or key.startswith("_") or not isinstance(value, str | int | Decimal):
            continue
        parts.append(f"{key.removeprefix('pa_')}: {html.unescape(str(value))}")
    return ", ".join(parts)


def _fees(order: JsonObject) -> tuple[Decimal, Decimal]:
    """(sum of positive fee lines, sum of negative fee lines as a positive credit)."""
    fees = credits = ZERO
    for i, fee in enumerate(items(order, "fee_lines", "fee_lines")):
        value = amount(fee, "total", f"fee_lines[{i}].total")
        if value >= 0:
            fees += value
        else:
            credits -= value
    return fees, credits


def _refunds(order: JsonObject) -> Decimal:
    refunds = items(order, "refunds", "refunds")
    return sum(
        (abs(amount(r, "total", f"refunds[{i}].total")) for i, r in enumerate(refunds)), ZERO
    )


def _refunded(payment: PaymentStatus, refunded: Decimal, total: Decimal) -> PaymentStatus:
    if payment is not P.PAID or refunded <= 0:
        return payment
    return P.REFUNDED if refunded >= total else P.PARTLY_REFUNDED


def _receiver(order: JsonObject) -> Address:
    billing = mapping(order, "billing", "billing") or {}
    shipping = mapping(order, "shipping", "shipping") or {}
    has_shipping = any(text(shipping, k) for k in ("address_1", "first_name", "last_name"))
    address = shipping if has_shipping else billing
    name = join_text(text(address, "first_name"), text(address, "last_name"), sep=" ")
    return Address(
        name=name or text(address, "company"),
        phone=text(shipping, "phone") or text(billing, "phone"),
        country=(text(address, "country") or text(billing, "country")).upper(),
        province=text(address, "state"),
        city=text(address, "city"),
        street=join_text(text(address, "address_1"), text(address, "address_2")),
        postcode=text(address, "postcode"),
    )


def _buyer(order: JsonObject) -> dict[str, Any]:
    billing = mapping(order, "billing", "billing") or {}
    customer = order.get("customer_id")
    nick = join_text(text(billing, "first_name"), text(billing, "last_name"), sep=" ")
    return {
        "buyer_id": str(customer) if customer and not isinstance(customer, bool) else None,
        "buyer_nick": nick or None,
        "buyer_email": text(billing, "email") or None,
    }


def _auth_headers(shop: ShopContext) -> dict[str, str]:
    try:
        pair = f"{shop.credential('consumer_key')}:{shop.credential('consumer_secret')}"
    except KeyError as exc:
        raise ChannelAuthError(str(exc)) from None
    token = base64.b64encode(pair.encode("utf-8")).decode("ascii")
    return {"Authorization": f"Basic {token}", "Accept": "application/json"}


def _gmt(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def _int_or_zero(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


register(WooCommerceAdapter())
