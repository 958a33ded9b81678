"""Amazon SP-API orders → `OrderDraft`: the Orders v0 mapping (Order + OrderItems) and what it
shares with the Orders 2026-01-01 mapping (which lives in `amazon_v2026`).

Sources: the SP-API models in GitHub amzn/selling-partner-api-models,
`models/orders-api-model/ordersV0.json` (Order, OrderItem, Money; "ItemPrice is equal to the
selling price of the item multiplied by the quantity ordered") and
`models/orders-api-model/orders_2026-01-01.json` (Order, OrderItem, FulfillmentStatus,
OrderProceedsBreakdown / ItemProceedsBreakdown types ITEM, SHIPPING, GIFT_WRAP, COD_FEE, TAX,
DISCOUNT, DELIVERY_TIP, OTHER).

Judgement calls:
- Money is exact (`Decimal` from the Amount strings). Every amount of one order must be in one
  currency (OrderTotal's, else the first item price's, else the marketplace's, else the shop's);
  anything else is refused with CURRENCY_MISMATCH: we never convert.
- v0 ItemPrice is the line total: unit_price = ItemPrice / QuantityOrdered. When that is not
  exact at 4 decimals (the storage scale) the unit price is rounded *up* to 4 decimals and the
  excess goes into the line discount, so the line amount stays exactly ItemPrice − discount.
  PromotionDiscount is the line discount. Items with QuantityOrdered 0 (cancelled parts) are
  left out and listed in `extra["zero_quantity_items"]`.
- Charges beyond goods (shipping − shipping discount, gift wrap, COD fee − COD discount, and in
  2026 OTHER and order-level DELIVERY_TIP) go into `shipping_fee`: our order has no other bucket.
- Tax: `total` is what the buyer pays, the platform's own total (v0 OrderTotal, 2026
  grandTotal; also kept in `extra["order_total"]`), and `tax` is the tax in it charged on top of
  the prices, so total = goods − order discount + shipping_fee + tax. v0: tax is on top only in
  the US and CA marketplaces, whose prices exclude it (tax = ItemTax + ShippingTax + GiftWrapTax
  − PromotionDiscountTax − ShippingDiscountTax); elsewhere prices include VAT/GST and tax = 0.
  2026: TAX breakdowns are always stated apart from ITEM and the charges, so tax = TAX in every
  marketplace. Any tax Amazon states is also kept in `extra["tax"]`. Nothing else is adjusted: a
  total that does not add up is left for `validate_order` to report (AMOUNT_MISMATCH).
- No OrderTotal / grandTotal (Pending orders): the total is derived from the lines, charges
  and tax on top, and `extra["total_derived"] = "true"` says so.
- Status (v0 OrderStatus / 2026 fulfillmentStatus): Pending(Availability) → awaiting payment,
  unpaid; Unshipped, InvoiceUnconfirmed → paid; PartiallyShipped, Shipped → shipped;
  Canceled, Unfulfillable → cancelled, unpaid (Amazon charges the buyer at shipment).
- Receiver: empty strings where Amazon withholds PII; the country falls back to the
  marketplace's country; with neither the order is refused (COUNTRY_MISSING). Amazon gives no
  stable buyer id, so `buyer_id` stays None; no payment time is given, so `paid_at` stays None.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_CEILING, Decimal
from typing import Any

from orderhub.channels.adapters.json_payload import (
    JsonObject,
    amount,
    currency,
    join_text,
    mapping,
    order_id,
    quantity,
    text,
    timestamp,
)
from orderhub.channels.base import ParseError, ShopContext
from orderhub.orders.domain import Address, ChannelState, LineDraft, OrderDraft
from orderhub.orders.lifecycle import PaymentStatus

ZERO = Decimal(0)
UNIT_PRICE_STEP = Decimal("0.0001")

# MarketplaceId → (country, currency, prices exclude tax).
MARKETPLACES: dict[str, tuple[str, str, bool]] = {
    "ATVPDKIKX0DER": ("US", "USD", True),
    "A2EUQ1WTGCTBG2": ("CA", "CAD", True),
    "A1AM78C64UM0Y8": ("MX", "MXN", False),
    "A2Q3Y263D00KWC": ("BR", "BRL", False),
    "A1F83G8C2ARO7P": ("GB", "GBP", False),
    "A28R8C7NBKEWEA": ("IE", "EUR", False),
    "A1PA6795UKMFR9": ("DE", "EUR", False),
    "A13V1IB3VIYZZH": ("FR", "EUR", False),
    "APJ6JRA9NG5V4": ("IT", "EUR", False),
    "A1RKKUPIHCS9HS": ("ES", "EUR", False),
    "A1805IZSGTT6HS": ("NL", "EUR", False),
    "AMEN7PMS3EDWL": ("BE", "EUR", False),
    "A2NODRKZP88ZB9": ("SE", "SEK", False),
    "A1C3SOZRARQ6R3": ("PL", "PLN", False),
    "A33AVAJ2PDY3EV": ("TR", "TRY", False),
    "A17E79C6D8DWNP": ("SA", "SAR", False),
    "A2VIGQ35RCS4UG": ("AE", "AED", False),
    "ARBP9OOSHTCHU": ("EG", "EGP", False),
    "A21TJRUUN4KGV": ("IN", "INR", False),
    "A19VAU5U5O7RUS": ("SG", "SGD", False),
    "A39IBJ37TRP1C6": ("AU", "AUD", False),
    "A1VC38T7YXB528": ("JP", "JPY", False),
}

PENDING = (ChannelState.AWAITING_PAYMENT, PaymentStatus.UNPAID)
PAID = (ChannelState.PAID, PaymentStatus.PAID)
SHIPPED = (ChannelState.SHIPPED, PaymentStatus.PAID)
CANCELLED = (ChannelState.CANCELLED, PaymentStatus.UNPAID)
V0_STATES: dict[str, tuple[ChannelState, PaymentStatus]] = {
    "PendingAvailability": PENDING,
    "Pending": PENDING,
    "Unshipped": PAID,
    "InvoiceUnconfirmed": PAID,
    "PartiallyShipped": SHIPPED,
    "Shipped": SHIPPED,
    "Canceled": CANCELLED,
    "Unfulfillable": CANCELLED,
}


class MoneyReader:
    """Reads Money objects of one order, insisting they all share the order's currency."""

    def __init__(self, code: str, amount_key: str, currency_key: str) -> None:
        self.currency = code
        self.amount_key = amount_key
        self.currency_key = currency_key

    def read(self, obj: Mapping[str, Any] | None, key: str, field: str) -> Decimal:
        """The amount of `obj[key]` (0 when absent)."""
        money = mapping(obj or {}, key, field)
        if money is None:
            return ZERO
        return self.value(money, field)

    def value(self, money: Mapping[str, Any], field: str) -> Decimal:
        code = currency(money.get(self.currency_key), f"{field}.{self.currency_key}")
        if code != self.currency:
            raise ParseError(
                "CURRENCY_MISMATCH",
                f"{field} is in {code} but the order is in {self.currency}",
                field=field,
            )
        return amount(money, self.amount_key, f"{field}.{self.amount_key}")


@dataclass(slots=True)
class Totals:
    """What an Amazon order adds up to, before it becomes a draft."""

    lines: list[LineDraft] = field(default_factory=list)
    charges: Decimal = ZERO
    order_discount: Decimal = ZERO
    tax: Decimal = ZERO
    platform_total: Decimal | None = None
    tax_on_top: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def tax_charged(self) -> Decimal:
        """Tax the buyer pays on top of the prices (0 where prices include VAT/GST)."""
        return self.tax if self.tax_on_top else ZERO

    def total(self) -> Decimal:
        if self.platform_total is None:
            self.extra["total_derived"] = "true"
            goods = sum((line.amount for line in self.lines), ZERO)
            return goods - self.order_discount + self.charges + self.tax_charged
        self.extra["order_total"] = str(self.platform_total)
        return self.platform_total


def unit_price(line_total: Decimal, qty: int) -> tuple[Decimal, Decimal]:
    """(unit price, rounding excess) for a line total spread over `qty` units."""
    if qty <= 0:
        return line_total, ZERO
    exact = line_total / qty
    unit = exact.quantize(UNIT_PRICE_STEP, rounding=ROUND_CEILING)
    if unit == exact:
        return exact, ZERO
    return unit, unit * qty - line_total


def marketplace(market_id: str) -> tuple[str, str, bool] | None:
    return MARKETPLACES.get(market_id)


def order_currency(candidates: Sequence[Any], market_id: str, shop: ShopContext) -> str:
    """The first currency code among `candidates`, else the marketplace's, else the shop's."""
    for value in candidates:
        if value:
            return currency(value)
    known = marketplace(market_id)
    return currency(known[1] if known else shop.currency, "currency")


def address(
    raw: Mapping[str, Any] | None, keys: Mapping[str, str], market_id: str, where: str
) -> Address:
    """An Address from an Amazon address object; `keys` names its fields (v0 vs 2026)."""
    obj = raw or {}

    def get(name: str) -> str:
        return text(obj, keys[name], f"{where}.{keys[name]}")

    country = get("country").upper()
    if not country:
        known = marketplace(market_id)
        if known is None:
            raise ParseError(
                "COUNTRY_MISSING",
                "no shipping country and an unknown marketplace",
                field=f"{where}.{keys['country']}",
            )
        country = known[0]
    return Address(
        name=get("name"),
        phone=get("phone"),
        country=country,
        province=get("state"),
        city=get("city"),
        district=join_text(*(get(k) for k in ("county", "district") if k in keys)),
        street=join_text(get("line1"), get("line2"), get("line3")),
        postcode=get("postcode"),
    )


V0_ADDRESS = {
    "name": "Name",
    "phone": "Phone",
    "country": "CountryCode",
    "state": "StateOrRegion",
    "city": "City",
    "county": "County",
    "district": "District",
    "line1": "AddressLine1",
    "line2": "AddressLine2",
    "line3": "AddressLine3",
    "postcode": "PostalCode",
}


def state(
    table: Mapping[str, tuple[ChannelState, PaymentStatus]], value: str, field: str
) -> tuple[ChannelState, PaymentStatus]:
    if not value:
        raise ParseError("FIELD_MISSING", f"{field} is missing", field=field)
    try:
        return table[value]
    except KeyError:
        raise ParseError("STATUS_UNKNOWN", f"unknown order status {value!r}", field=field) from None


# ---------------------------------------------------------------- Orders v0 (Order + OrderItems)


def parse_v0(
    order: JsonObject,
    order_items: list[JsonObject],
    shop: ShopContext,
    *,
    shipping_address: JsonObject | None = None,
    buyer_info: JsonObject | None = None,
) -> OrderDraft:
    """A draft from a v0 Order object and its OrderItem objects (address/buyer info may come from
    getOrderAddress / getOrderBuyerInfo, which then take precedence over the Order's)."""
    pid = order_id(order, "AmazonOrderId")
    market_id = text(order, "MarketplaceId")
    first_price = (
        mapping(order_items[0], "ItemPrice", "items[0].ItemPrice") if order_items else None
    )
    order_total = mapping(order, "OrderTotal", "OrderTotal")
    code = order_currency(
        [(order_total or {}).get("CurrencyCode"), (first_price or {}).get("CurrencyCode")],
        market_id,
        shop,
    )
    money = MoneyReader(code, "Amount", "CurrencyCode")
    totals = _v0_totals(order_items, money)
    totals.tax_on_top = bool(marketplace(market_id) and MARKETPLACES[market_id][2])
    if order_total is not None:
        totals.platform_total = money.value(order_total, "OrderTotal")
    channel_state, payment = state(V0_STATES, text(order, "OrderStatus"), "OrderStatus")
    buyer = buyer_info or mapping(order, "BuyerInfo", "BuyerInfo") or {}
    receiver = shipping_address or mapping(order, "ShippingAddress", "ShippingAddress")
    total = totals.total()
    return OrderDraft(
        platform_order_id=pid,
        currency=code,
        lines=tuple(totals.lines),
        receiver=address(receiver, V0_ADDRESS, market_id, "ShippingAddress"),
        placed_at=timestamp(order.get("PurchaseDate"), "PurchaseDate", naive_is_utc=False),
        platform_updated_at=optional_time(order, "LastUpdateDate"),
        total=total,
        shipping_fee=totals.charges,
        tax=totals.tax_charged,
        payment_status=payment,
        channel_state=channel_state,
        platform_status=text(order, "OrderStatus"),
        buyer_nick=text(buyer, "BuyerName") or None,
        buyer_email=text(buyer, "BuyerEmail") or None,
        extra=_v0_extra(order, totals),
    )


def _v0_totals(order_items: list[JsonObject], money: MoneyReader) -> Totals:
    totals = Totals()
    zero_quantity: list[str] = []
    for i, item in enumerate(order_items):
        where = f"items[{i}]"
        qty = quantity(item.get("QuantityOrdered"), f"{where}.QuantityOrdered")
        if qty == 0:
            zero_quantity.append(text(item, "OrderItemId"))
            continue
        totals.lines.append(_v0_line(item, qty, money, where))
        gift = mapping(item, "BuyerInfo", f"{where}.BuyerInfo")
        totals.charges += (
            money.read(item, "ShippingPrice", f"{where}.ShippingPrice")
            - money.read(item, "ShippingDiscount", f"{where}.ShippingDiscount")
            + money.read(gift, "GiftWrapPrice", f"{where}.BuyerInfo.GiftWrapPrice")
            + money.read(item, "CODFee", f"{where}.CODFee")
            - money.read(item, "CODFeeDiscount", f"{where}.CODFeeDiscount")
        )
        totals.tax += (
            money.read(item, "ItemTax", f"{where}.ItemTax")
            + money.read(item, "ShippingTax", f"{where}.ShippingTax")
            + money.read(gift, "GiftWrapTax", f"{where}.BuyerInfo.GiftWrapTax")
            - money.read(item, "PromotionDiscountTax", f"{where}.PromotionDiscountTax")
            - money.read(item, "ShippingDiscountTax", f"{where}.ShippingDiscountTax")
        )
    if not totals.lines:
        raise ParseError(
            "ORDER_ITEMS_MISSING", "the order has no item with a quantity", field="items"
        )
    if zero_quantity:
        totals.extra["zero_quantity_items"] = ",".join(zero_quantity)
    return totals


def _v0_line(item: JsonObject, qty: int, money: MoneyReader, where: str) -> LineDraft:
    price = money.read(item, "ItemPrice", f"{where}.ItemPrice")
    unit, rounding = unit_price(price, qty)
    return LineDraft(
        title=text(item, "Title", f"{where}.Title"),
        quantity=qty,
        unit_price=unit,
        discount=money.read(item, "PromotionDiscount", f"{where}.PromotionDiscount") + rounding,
        sku_code=text(item, "SellerSKU", f"{where}.SellerSKU") or None,
        platform_sku_id=text(item, "ASIN", f"{where}.ASIN") or None,
    )


def _v0_extra(order: JsonObject, totals: Totals) -> dict[str, str]:
    extra = {"api": "orders/v0", **totals.extra}
    for key, name in (
        ("fulfillment_channel", "FulfillmentChannel"),
        ("marketplace_id", "MarketplaceId"),
        ("sales_channel", "SalesChannel"),
        ("amazon_order_type", "OrderType"),
    ):
        if value := text(order, name):
            extra[key] = value
    if totals.tax:
        extra["tax"] = str(totals.tax)
    return extra


def optional_time(obj: JsonObject, key: str) -> datetime | None:
    value = obj.get(key)
    return timestamp(value, key, naive_is_utc=False) if value else None
