"""Amazon SP-API Orders 2026-01-01 → `OrderDraft`: an Order object with its `orderItems` and
their proceeds breakdowns (ITEM, SHIPPING, GIFT_WRAP, COD_FEE, TAX, DISCOUNT, DELIVERY_TIP,
OTHER). The judgement calls, shared with Orders v0, are in `amazon_mapping`'s docstring.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from orderhub.channels.adapters.amazon_mapping import (
    CANCELLED,
    PAID,
    PENDING,
    SHIPPED,
    ZERO,
    MoneyReader,
    Totals,
    address,
    optional_time,
    order_currency,
    state,
    unit_price,
)
from orderhub.channels.adapters.json_payload import (
    JsonObject,
    items,
    mapping,
    order_id,
    quantity,
    text,
    timestamp,
)
from orderhub.channels.base import ParseError, ShopContext
from orderhub.orders.domain import ChannelState, LineDraft, OrderDraft
from orderhub.orders.lifecycle import PaymentStatus

V2026_STATES: dict[str, tuple[ChannelState, PaymentStatus]] = {
    "PENDING_AVAILABILITY": PENDING,
    "PENDING": PENDING,
    "UNSHIPPED": PAID,
    "PARTIALLY_SHIPPED": SHIPPED,
    "SHIPPED": SHIPPED,
    "CANCELLED": CANCELLED,
    "UNFULFILLABLE": CANCELLED,
}


V2026_ADDRESS = {
    "name": "name",
    "phone": "phone",
    "country": "countryCode",
    "state": "stateOrRegion",
    "city": "city",
    "county": "districtOrCounty",
    "line1": "addressLine1",
    "line2": "addressLine2",
    "line3": "addressLine3",
    "postcode": "postalCode",
}


def parse_2026(order: JsonObject, shop: ShopContext) -> OrderDraft:
    """A draft from a 2026-01-01 Order object, which carries its `orderItems`."""
    pid = order_id(order, "orderId")
    order_items = items(order, "orderItems", "orderItems")
    if not order_items:
        raise ParseError(
            "ORDER_ITEMS_MISSING", "the order carries no orderItems", field="orderItems"
        )
    sales = mapping(order, "salesChannel", "salesChannel") or {}
    market_id = text(sales, "marketplaceId")
    proceeds = mapping(order, "proceeds", "proceeds") or {}
    grand = mapping(proceeds, "grandTotal", "proceeds.grandTotal")
    code = order_currency(
        [(grand or {}).get("currencyCode"), _first_unit_currency(order_items)], market_id, shop
    )
    money = MoneyReader(code, "amount", "currencyCode")
    totals = _2026_totals(order_items, items(proceeds, "breakdowns", "proceeds.breakdowns"), money)
    # TAX is stated apart from ITEM and the charges in every marketplace and grandTotal includes
    # it: the draft's tax is TAX and its total is grandTotal, what the buyer pays.
    totals.tax_on_top = True
    if grand is not None:
        totals.platform_total = money.value(grand, "proceeds.grandTotal")
    fulfillment = mapping(order, "fulfillment", "fulfillment") or {}
    status = text(fulfillment, "fulfillmentStatus", "fulfillment.fulfillmentStatus")
    channel_state, payment = state(V2026_STATES, status, "fulfillment.fulfillmentStatus")
    buyer = mapping(order, "buyer", "buyer") or {}
    recipient = mapping(order, "recipient", "recipient") or {}
    delivery = mapping(recipient, "deliveryAddress", "recipient.deliveryAddress")
    total = totals.total()
    return OrderDraft(
        platform_order_id=pid,
        currency=code,
        lines=tuple(totals.lines),
        receiver=address(delivery, V2026_ADDRESS, market_id, "recipient.deliveryAddress"),
        placed_at=timestamp(order.get("createdTime"), "createdTime", naive_is_utc=False),
        platform_updated_at=optional_time(order, "lastUpdatedTime"),
        total=total,
        shipping_fee=totals.charges,
        tax=totals.tax_charged,
        order_discount=totals.order_discount,
        payment_status=payment,
        channel_state=channel_state,
        platform_status=status,
        buyer_nick=text(buyer, "buyerName") or None,
        buyer_email=text(buyer, "buyerEmail") or None,
        extra=_2026_extra(order, fulfillment, market_id, totals),
    )


def _first_unit_currency(order_items: list[JsonObject]) -> Any:
    value: Any = order_items[0]
    for key in ("product", "price", "unitPrice", "currencyCode"):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _2026_totals(
    order_items: list[JsonObject], order_breakdowns: list[JsonObject], money: MoneyReader
) -> Totals:
    totals = Totals()
    item_level = False
    for i, item in enumerate(order_items):
        where = f"orderItems[{i}]"
        proceeds = mapping(item, "proceeds", f"{where}.proceeds") or {}
        breakdowns = items(proceeds, "breakdowns", f"{where}.proceeds.breakdowns")
        item_level = item_level or bool(breakdowns)
        sums = breakdown_sums(breakdowns, money, f"{where}.proceeds.breakdowns")
        totals.lines.append(_2026_line(item, sums, money, where))
        totals.charges += sums.charges - sums.charge_discount
        totals.tax += sums.tax
    order_sums = breakdown_sums(order_breakdowns, money, "proceeds.breakdowns")
    if item_level:
        totals.charges += order_sums.tip
    else:
        totals.charges += order_sums.charges - order_sums.charge_discount
        totals.order_discount = order_sums.item_discount
        totals.tax = order_sums.tax
    if totals.tax:
        totals.extra["tax"] = str(totals.tax)
    return totals


def _2026_line(item: JsonObject, sums: ProceedsSums, money: MoneyReader, where: str) -> LineDraft:
    qty = quantity(item.get("quantityOrdered"), f"{where}.quantityOrdered")
    product = mapping(item, "product", f"{where}.product") or {}
    price = mapping(product, "price", f"{where}.product.price") or {}
    rounding = ZERO
    if price.get("unitPrice") is not None:
        unit = money.read(price, "unitPrice", f"{where}.product.price.unitPrice")
    else:
        unit, rounding = unit_price(sums.item or ZERO, qty)
    return LineDraft(
        title=text(product, "title", f"{where}.product.title"),
        quantity=qty,
        unit_price=unit,
        discount=sums.item_discount + rounding,
        sku_code=text(product, "sellerSku", f"{where}.product.sellerSku") or None,
        platform_sku_id=text(product, "asin", f"{where}.product.asin") or None,
    )


def _2026_extra(
    order: JsonObject, fulfillment: JsonObject, market_id: str, totals: Totals
) -> dict[str, str]:
    extra = {"api": "orders/2026-01-01", **totals.extra}
    fulfilled_by = text(fulfillment, "fulfilledBy")
    if fulfilled_by:
        extra["fulfillment_channel"] = "AFN" if fulfilled_by == "AMAZON" else "MFN"
    if market_id:
        extra["marketplace_id"] = market_id
    programs = order.get("programs")
    if isinstance(programs, list) and programs:
        extra["programs"] = ",".join(str(p) for p in programs)
    return extra


# ---------------------------------------------------------------- proceeds breakdowns

_CHARGE_TYPES = frozenset({"SHIPPING", "GIFT_WRAP", "COD_FEE", "OTHER", "DELIVERY_TIP"})


@dataclass(slots=True)
class ProceedsSums:
    item: Decimal | None = None
    item_discount: Decimal = ZERO
    charges: Decimal = ZERO
    charge_discount: Decimal = ZERO
    tax: Decimal = ZERO
    tip: Decimal = ZERO


def breakdown_sums(breakdowns: list[JsonObject], money: MoneyReader, where: str) -> ProceedsSums:
    """Sums of proceeds breakdowns by kind. Discounts are taken by magnitude (proceeds add up to
    the total, so Amazon states them as negative amounts); a DISCOUNT's detailed breakdowns
    say which part reduces the item and which the charges."""
    sums = ProceedsSums()
    for i, entry in enumerate(breakdowns):
        kind = text(entry, "type", f"{where}[{i}].type")
        value = money.read(entry, "subtotal", f"{where}[{i}].subtotal")
        if kind == "ITEM":
            sums.item = (sums.item or ZERO) + value
        elif kind == "TAX":
            sums.tax += value
        elif kind == "DISCOUNT":
            split_discount(sums, entry, abs(value), money, f"{where}[{i}]")
        elif kind in _CHARGE_TYPES:
            sums.charges += value
            if kind == "DELIVERY_TIP":
                sums.tip += value
        else:
            raise ParseError(
                "FIELD_INVALID", f"unknown proceeds type {kind!r}", field=f"{where}[{i}].type"
            )
    return sums


def split_discount(
    sums: ProceedsSums, entry: JsonObject, total: Decimal, money: MoneyReader, where: str
) -> None:
    details = items(entry, "detailedBreakdowns", f"{where}.detailedBreakdowns")
    on_charges = ZERO
    for j, detail in enumerate(details):
        if text(detail, "subtype") != "ITEM":
            on_charges += abs(money.read(detail, "value", f"{where}.detailedBreakdowns[{j}]"))
    sums.charge_discount += on_charges
    sums.item_discount += total - on_charges
