"""Shopify REST Admin Order (2024-04) → `OrderDraft`. Pure.

Amounts (all in the shop currency: `price`, `total_price`, ...; `presentment_money` is ignored):
- A line is `price` × `quantity` less its discount. The line discount is the sum of the line's
  `discount_allocations` (order-level codes spread "across" lines land there too); only when a
  line has no `discount_allocations` key does the deprecated `total_discount` count.
- `order_discount` = `total_discounts` − the line discounts: what is left is the discount on
  shipping (shipping lines' `discount_allocations`) or any discount not allocated to lines.
- `shipping_fee` = the shipping lines' `price` (before their discounts; `total_shipping_price_set`
  when there are no `shipping_lines`).
- `tax` = `total_tax` when `taxes_included` is false: tax charged on top of the prices. When
  taxes are included in the prices, nothing is added (the figure stays in `extra["tax"]`).
- `total` is always Shopify's `total_price` (the original total; refunds do not lower it).
  Nothing is adjusted to make the figures meet: if they do not, `validate_order` reports
  AMOUNT_MISMATCH and the order is quarantined for a person to look at. Duties and additional
  fees are not mapped (they would show up that way).

Status (`financial_status`, then `cancelled_at`, then `fulfillment_status`/`closed_at`):
pending / authorized / partially_paid / expired → AWAITING_PAYMENT, unpaid; paid → PAID;
partially_refunded → PAID, partly refunded; refunded → CANCELLED, refunded; voided → CANCELLED.
`cancelled_at` set → CANCELLED. Otherwise fulfilled or partial → SHIPPED, and fulfilled with
`closed_at` → COMPLETED. An unknown status is FIELD_INVALID rather than a guess.

Receiver: `shipping_address`, else `billing_address` (neither → FIELD_MISSING); street is
address1 and address2 joined with ", "; province is the name (`province_code` when no name).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from orderhub.channels.adapters.json_payload import (
    JsonObject,
    amount,
    currency,
    items,
    join_text,
    load_object,
    mapping,
    optional_timestamp,
    order_id,
    quantity,
    text,
    timestamp,
)
from orderhub.channels.base import ParseError
from orderhub.orders.domain import Address, ChannelState, LineDraft, OrderDraft, OrderType
from orderhub.orders.lifecycle import PaymentStatus

C, P = ChannelState, PaymentStatus
ZERO = Decimal(0)

FINANCIAL: dict[str, tuple[ChannelState, PaymentStatus]] = {
    "pending": (C.AWAITING_PAYMENT, P.UNPAID),
    "authorized": (C.AWAITING_PAYMENT, P.UNPAID),
    "partially_paid": (C.AWAITING_PAYMENT, P.UNPAID),
    "expired": (C.AWAITING_PAYMENT, P.UNPAID),
    "paid": (C.PAID, P.PAID),
    "partially_refunded": (C.PAID, P.PARTLY_REFUNDED),
    "refunded": (C.CANCELLED, P.REFUNDED),
    "voided": (C.CANCELLED, P.UNPAID),
}
_MONEY_TAKEN = {"paid", "partially_refunded", "refunded"}
FULFILLMENT = {"fulfilled", "partial", "restocked", "unfulfilled"}


def unwrap(raw: str) -> JsonObject:
    """The Order object of a webhook body / list element, or of a `{"order": {...}}` response."""
    obj = load_object(raw)
    inner = obj.get("order")
    if "id" not in obj and isinstance(inner, dict):
        return inner
    return obj


def parse_order(raw: str) -> OrderDraft:
    order = unwrap(raw)
    platform_order_id = order_id(order)
    lines = tuple(_line(item, f"line_items[{i}]") for i, item in enumerate(_line_items(order)))
    line_discounts = sum((line.discount for line in lines), ZERO)
    shipping = _shipping_price(order)
    tax = amount(order, "total_tax", "total_tax", ZERO)
    taxes_included = _flag(order, "taxes_included")
    state, payment, status_text = order_status(order)
    financial = text(order, "financial_status")
    return OrderDraft(
        platform_order_id=platform_order_id,
        currency=currency(order.get("currency")),
        lines=lines,
        receiver=_receiver(order),
        placed_at=timestamp(order.get("created_at"), "created_at", naive_is_utc=False),
        total=amount(order, "total_price", "total_price"),
        shipping_fee=shipping,
        tax=ZERO if taxes_included else tax,
        order_discount=amount(order, "total_discounts", "total_discounts", ZERO) - line_discounts,
        paid_at=_paid_at(order) if financial in _MONEY_TAKEN else None,
        platform_updated_at=optional_timestamp(
            order.get("updated_at"), "updated_at", naive_is_utc=False
        ),
        payment_status=payment,
        channel_state=state,
        platform_status=status_text,
        order_type=OrderType.RETAIL,
        **_buyer(order),
        buyer_note=text(order, "note"),
        raw_payload=raw,
        extra=_extra(order, shipping, tax, taxes_included),
    )


def order_status(order: JsonObject) -> tuple[ChannelState, PaymentStatus, str]:
    """(channel state, payment status, platform status text) of an Order object."""
    financial = text(order, "financial_status")
    if not financial:
        raise ParseError("FIELD_MISSING", "financial_status is missing", field="financial_status")
    if financial not in FINANCIAL:
        raise ParseError(
            "FIELD_INVALID", f"unknown financial_status {financial!r}", field="financial_status"
        )
    fulfillment = text(order, "fulfillment_status")
    if fulfillment and fulfillment not in FULFILLMENT:
        raise ParseError(
            "FIELD_INVALID",
            f"unknown fulfillment_status {fulfillment!r}",
            field="fulfillment_status",
        )
    state, payment = FINANCIAL[financial]
    cancelled = order.get("cancelled_at") is not None
    if cancelled:
        state = C.CANCELLED
    elif state is not C.CANCELLED and fulfillment in ("fulfilled", "partial"):
        closed = order.get("closed_at") is not None
        state = C.COMPLETED if fulfillment == "fulfilled" and closed else C.SHIPPED
    status_text = f"{financial}/{fulfillment or 'unfulfilled'}" + (
        "/cancelled" if cancelled else ""
    )
    return state, payment, status_text


def _line_items(order: JsonObject) -> list[JsonObject]:
    # An order without `line_items` (e.g. fetched with `fields=`) parses with no lines;
    # validate_order then reports ORDER_NO_LINES.
    return items(order, "line_items", "line_items")


def _line(item: JsonObject, where: str) -> LineDraft:
    sku_id = item.get("variant_id") or item.get("product_id")
    return LineDraft(
        title=text(item, "title", f"{where}.title") or text(item, "name", f"{where}.name"),
        quantity=quantity(item.get("quantity"), f"{where}.quantity"),
        unit_price=amount(item, "price", f"{where}.price"),
        discount=_line_discount(item, where),
        sku_code=text(item, "sku", f"{where}.sku") or None,
        platform_sku_id=str(sku_id) if sku_id is not None else None,
        spec=text(item, "variant_title", f"{where}.variant_title"),
    )


def _line_discount(item: JsonObject, where: str) -> Decimal:
    if "discount_allocations" in item:
        allocations = items(item, "discount_allocations", f"{where}.discount_allocations")
        return sum(
            (
                amount(a, "amount", f"{where}.discount_allocations[{i}].amount")
                for i, a in enumerate(allocations)
            ),
            ZERO,
        )
    return amount(item, "total_discount", f"{where}.total_discount", ZERO)


def _shipping_price(order: JsonObject) -> Decimal:
    if "shipping_lines" in order:
        lines = items(order, "shipping_lines", "shipping_lines")
        return sum(
            (amount(s, "price", f"shipping_lines[{i}].price") for i, s in enumerate(lines)), ZERO
        )
    money = mapping(order, "total_shipping_price_set", "total_shipping_price_set") or {}
    shop_money = mapping(money, "shop_money", "total_shipping_price_set.shop_money") or {}
    return amount(shop_money, "amount", "total_shipping_price_set.shop_money.amount", ZERO)


def _receiver(order: JsonObject) -> Address:
    address = mapping(order, "shipping_address", "shipping_address") or mapping(
        order, "billing_address", "billing_address"
    )
    if not address:
        raise ParseError(
            "FIELD_MISSING",
            "the order has no shipping or billing address",
            field="shipping_address",
        )
    return Address(
        name=text(address, "name")
        or join_text(text(address, "first_name"), text(address, "last_name"), sep=" "),
        phone=text(address, "phone") or text(order, "phone"),
        country=text(address, "country_code").upper(),
        province=text(address, "province") or text(address, "province_code"),
        city=text(address, "city"),
        street=join_text(text(address, "address1"), text(address, "address2")),
        postcode=text(address, "zip"),
    )


def _buyer(order: JsonObject) -> dict[str, Any]:
    customer = mapping(order, "customer", "customer") or {}
    nick = join_text(text(customer, "first_name"), text(customer, "last_name"), sep=" ")
    email = text(order, "email") or text(order, "contact_email") or text(customer, "email")
    return {
        "buyer_id": text(customer, "id", "customer.id") or None,
        "buyer_nick": nick or None,
        "buyer_email": email or None,
    }


def _paid_at(order: JsonObject) -> datetime | None:
    return optional_timestamp(order.get("processed_at"), "processed_at", naive_is_utc=False)


def _flag(order: JsonObject, key: str) -> bool:
    value = order.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ParseError("FIELD_INVALID", f"{key} is not true/false", field=key)
    return value


def _extra(order: JsonObject, shipping: Decimal, tax: Decimal, included: bool) -> dict[str, str]:
    extra = {
        "name": text(order, "name"),
        "shipping_price": str(shipping),
        "tax": str(tax),
        "taxes_included": "true" if included else "false",
    }
    return {key: value for key, value in extra.items() if value}
