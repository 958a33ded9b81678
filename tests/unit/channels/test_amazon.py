"""AmazonAdapter.parse against every published SP-API sample (held verbatim in /work/shared)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from orderhub.channels.adapters.amazon import AmazonAdapter
from orderhub.channels.base import ParseError, ShopContext
from orderhub.channels.registry import adapter_for
from orderhub.orders.domain import Address, ChannelState, OrderDraft, validate_order
from orderhub.orders.lifecycle import PaymentStatus
from tests.samples import sample_dir

SAMPLES = sample_dir("amazon_sp_api")
SHOP = ShopContext(code="amz-us", platform="amazon", currency="USD")
ADAPTER = AmazonAdapter()
D = Decimal


def sample(name: str) -> Any:
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))


def parse(doc: Any) -> OrderDraft:
    return ADAPTER.parse(json.dumps(doc, ensure_ascii=False), SHOP)


def refused(doc: Any) -> ParseError:
    with pytest.raises(ParseError) as caught:
        parse(doc)
    return caught.value


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def v0_sandbox_order(index: int = 0) -> dict[str, Any]:
    return copy.deepcopy(
        sample("ordersV0_getOrder_200_sandbox_static.json")[index]["response"]["payload"]
    )


def v0_sandbox_items() -> list[dict[str, Any]]:
    return sample("ordersV0_getOrderItems_200_sandbox_static.json")[0]["response"]["payload"][
        "OrderItems"
    ]


def envelope(order: Any, items: Any, **more: Any) -> dict[str, Any]:
    return {"order": order, "items": items, "api": "orders/v0", **more}


# ------------------------------------------------------------------------------- Orders v0


def test_v0_sandbox_order_with_its_items_is_parsed_field_by_field() -> None:
    raw = json.dumps(envelope(v0_sandbox_order(), v0_sandbox_items()))
    draft = ADAPTER.parse(raw, SHOP)
    assert draft.platform_order_id == "902-1845936-5435065"
    assert draft.currency == "USD"
    (line,) = draft.lines
    assert (line.sku_code, line.platform_sku_id, line.title) == (
        "NABetaASINB00551Q3CS",
        "B00551Q3CS",
        "B00551Q3CS [Card Book]",
    )
    assert (line.quantity, line.unit_price, line.discount) == (1, D("10.00"), D("0.00"))
    # US prices exclude tax: OrderTotal 11.01 = 10.00 + ItemTax 1.01, tax charged on top.
    assert (draft.goods_amount, draft.order_discount, draft.shipping_fee) == (D("10.00"), 0, 0)
    assert (draft.tax, draft.total) == (D("1.01"), D("11.01"))
    assert draft.extra["order_total"] == "11.01" and draft.extra["tax"] == "1.01"
    assert draft.payment_status is PaymentStatus.PAID
    assert draft.channel_state is ChannelState.PAID
    assert draft.platform_status == "Unshipped"
    assert draft.placed_at == utc(1970, 1, 19, 3, 58, 30)
    assert draft.platform_updated_at == utc(1970, 1, 19, 3, 58, 32)
    assert draft.paid_at is None
    # No ShippingAddress in the sample (PII withheld): empty fields, country from the marketplace.
    assert draft.receiver == Address(name="", phone="", country="US")
    assert (draft.buyer_id, draft.buyer_email, draft.buyer_nick) == (None, None, None)
    assert draft.extra["fulfillment_channel"] == "MFN"
    assert draft.extra["marketplace_id"] == "ATVPDKIKX0DER"
    assert draft.raw_payload == raw
    assert validate_order(draft) == []


def test_v0_pending_example_with_items_address_and_buyer_info_payloads() -> None:
    order = sample("ordersV0_getOrder_200_example.json")["payload"]
    draft = parse(
        envelope(
            order,
            v0_sandbox_items(),
            address=sample("ordersV0_getOrderAddress_200_example.json")["payload"],
            buyer_info=sample("ordersV0_getOrderBuyerInfo_200_example.json")["payload"],
        )
    )
    assert draft.platform_order_id == "902-3159896-1390916"
    assert (draft.channel_state, draft.payment_status) == (
        ChannelState.AWAITING_PAYMENT,
        PaymentStatus.UNPAID,
    )
    assert draft.platform_status == "Pending"
    # Pending: no OrderTotal, so the total is derived from the lines and tax, and said to be.
    assert (draft.goods_amount, draft.shipping_fee, draft.tax) == (D("10.00"), 0, D("1.01"))
    assert draft.total == D("11.01") and draft.extra["total_derived"] == "true"
    assert "order_total" not in draft.extra
    # getOrderAddress / getOrderBuyerInfo win over the Order's own (masked) copies.
    assert draft.receiver == Address(
        name="Michigan address",
        phone="",
        country="US",
        province="MI",
        city="Canton",
        street="1 cross st",
        postcode="48817",
    )
    assert (draft.buyer_email, draft.buyer_nick) == ("user@example.com", "John Smith")
    assert draft.placed_at == utc(2017, 1, 20, 19, 49, 35)
    assert validate_order(draft) == []


def test_v0_example_order_alone_uses_its_own_address_and_buyer() -> None:
    draft = parse(
        envelope(sample("ordersV0_getOrder_200_example.json")["payload"], v0_sandbox_items())
    )
    assert draft.receiver.street == "1 Cross St." and draft.receiver.city == "Canton"
    assert (draft.buyer_email, draft.buyer_nick) == ("user@example.com", "John Doe")


def test_v0_example_order_with_example_items_is_refused_for_mixed_currencies() -> None:
    # The published getOrderItems example prices items in JPY but gift-wraps one in GBP.
    error = refused(
        envelope(
            sample("ordersV0_getOrder_200_example.json")["payload"],
            sample("ordersV0_getOrderItems_200_example.json")["payload"]["OrderItems"],
        )
    )
    assert error.code == "CURRENCY_MISMATCH"
    assert error.field == "items[0].BuyerInfo.GiftWrapPrice"


def test_v0_iba_order_in_eur_with_usd_items_is_refused() -> None:
    error = refused(envelope(v0_sandbox_order(1), v0_sandbox_items()))
    assert error.code == "CURRENCY_MISMATCH" and error.field == "items[0].ItemPrice"


def test_v0_getorders_sandbox_order_without_address_is_parsed_with_its_items() -> None:
    orders = sample("ordersV0_getOrders_200_sandbox_static.json")[0]["response"]["payload"][
        "Orders"
    ]
    draft = parse(envelope(orders[1], v0_sandbox_items()))
    assert draft.platform_order_id == "902-8745147-1934268"
    assert draft.receiver.country == "US" and draft.receiver.street == ""
    assert validate_order(draft) == []


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("ordersV0_getOrder_200_example.json", "ORDER_ITEMS_MISSING"),
        ("ordersV0_getOrders_200_example.json", "ORDER_ITEMS_MISSING"),
        ("ordersV0_getOrderItems_200_example.json", "ORDER_MISSING"),
        ("ordersV0_getOrderAddress_200_example.json", "ORDER_MISSING"),
        ("ordersV0_getOrderBuyerInfo_200_example.json", "ORDER_MISSING"),
        # The sandbox files are lists of request/response pairs, not payloads.
        ("ordersV0_getOrder_200_sandbox_static.json", "PAYLOAD_NOT_OBJECT"),
        ("ordersV0_getOrders_200_sandbox_static.json", "PAYLOAD_NOT_OBJECT"),
        ("ordersV0_getOrderItems_200_sandbox_static.json", "PAYLOAD_NOT_OBJECT"),
    ],
)
def test_v0_files_as_they_are_are_refused_with_their_reason(name: str, code: str) -> None:
    with pytest.raises(ParseError) as caught:
        ADAPTER.parse((SAMPLES / name).read_text(encoding="utf-8"), SHOP)
    assert caught.value.code == code


def test_every_v0_sandbox_response_without_items_is_refused() -> None:
    getorders = sample("ordersV0_getOrders_200_sandbox_static.json")
    assert refused(getorders[0]["response"]).code == "MULTIPLE_ORDERS"  # two orders in one text
    for case in getorders[1:]:
        assert refused(case["response"]).code == "ORDER_ITEMS_MISSING"
    for orders in (case["response"]["payload"]["Orders"] for case in getorders):
        for order in orders:
            assert refused(order).code == "ORDER_ITEMS_MISSING"
    for case in sample("ordersV0_getOrder_200_sandbox_static.json"):
        assert refused(case["response"]).code == "ORDER_ITEMS_MISSING"
    items_response = sample("ordersV0_getOrderItems_200_sandbox_static.json")[0]["response"]
    assert refused(items_response).code == "ORDER_MISSING"


@pytest.mark.parametrize(
    ("status", "state", "payment"),
    [
        ("PendingAvailability", ChannelState.AWAITING_PAYMENT, PaymentStatus.UNPAID),
        ("Pending", ChannelState.AWAITING_PAYMENT, PaymentStatus.UNPAID),
        ("Unshipped", ChannelState.PAID, PaymentStatus.PAID),
        ("InvoiceUnconfirmed", ChannelState.PAID, PaymentStatus.PAID),
        ("PartiallyShipped", ChannelState.SHIPPED, PaymentStatus.PAID),
        ("Shipped", ChannelState.SHIPPED, PaymentStatus.PAID),
        ("Canceled", ChannelState.CANCELLED, PaymentStatus.UNPAID),
        ("Unfulfillable", ChannelState.CANCELLED, PaymentStatus.UNPAID),
    ],
)
def test_v0_statuses(status: str, state: ChannelState, payment: PaymentStatus) -> None:
    order = v0_sandbox_order() | {"OrderStatus": status}
    draft = parse(envelope(order, v0_sandbox_items()))
    assert (draft.channel_state, draft.payment_status, draft.platform_status) == (
        state,
        payment,
        status,
    )


def test_v0_unit_price_that_does_not_divide_rounds_up_into_the_line_discount() -> None:
    item = copy.deepcopy(v0_sandbox_items()[0])
    item["QuantityOrdered"] = 3
    item["PromotionDiscount"]["Amount"] = "1.00"
    draft = parse(envelope(v0_sandbox_order() | {"OrderTotal": None}, [item]))
    (line,) = draft.lines
    assert (line.unit_price, line.discount) == (D("3.3334"), D("1.0002"))
    assert line.amount == D("9.00")  # ItemPrice 10.00 − PromotionDiscount 1.00, exactly
    assert validate_order(draft) == []


def test_v0_charges_go_to_shipping_and_zero_quantity_items_are_left_out() -> None:
    item = copy.deepcopy(v0_sandbox_items()[0])
    money = {"CurrencyCode": "USD"}
    item |= {
        "ShippingPrice": money | {"Amount": "4.99"},
        "ShippingDiscount": money | {"Amount": "1.00"},
        "CODFee": money | {"Amount": "2.00"},
        "BuyerInfo": {"GiftWrapPrice": money | {"Amount": "3.00"}},
    }
    cancelled = copy.deepcopy(item) | {"OrderItemId": "X-1", "QuantityOrdered": 0}
    order = v0_sandbox_order() | {"OrderTotal": money | {"Amount": "20.00"}}
    draft = parse(envelope(order, [item, cancelled]))
    assert len(draft.lines) == 1 and draft.extra["zero_quantity_items"] == "X-1"
    assert draft.shipping_fee == D("8.99")  # 4.99 − 1.00 + 2.00 + 3.00
    assert (draft.tax, draft.total) == (D("1.01"), D("20.00"))  # 10.00 + 8.99 + tax 1.01
    assert validate_order(draft) == []


def test_v0_total_that_does_not_add_up_is_kept_for_validation_to_report() -> None:
    order = v0_sandbox_order()
    order["OrderTotal"]["Amount"] = "12.01"
    draft = parse(envelope(order, v0_sandbox_items()))
    assert (draft.tax, draft.total) == (D("1.01"), D("12.01"))  # 10.00 + 1.01 = 11.01 ≠ 12.01
    assert [code for code, _, _ in validate_order(draft)] == ["AMOUNT_MISMATCH"]


@pytest.mark.parametrize(
    ("market", "country", "code", "tax", "total"),
    [
        ("ATVPDKIKX0DER", "US", "USD", "1.01", "11.01"),
        ("A2EUQ1WTGCTBG2", "CA", "CAD", "1.01", "11.01"),
        ("A1F83G8C2ARO7P", "GB", "GBP", "0", "10.00"),
        ("A1PA6795UKMFR9", "DE", "EUR", "0", "10.00"),
    ],
)
def test_v0_tax_is_on_top_only_in_us_and_ca(
    market: str, country: str, code: str, tax: str, total: str
) -> None:
    order = v0_sandbox_order() | {"MarketplaceId": market}
    order["OrderTotal"]["Amount"] = total
    text = json.dumps(envelope(order, v0_sandbox_items())).replace('"USD"', f'"{code}"')
    draft = parse(json.loads(text))
    assert (draft.currency, draft.receiver.country) == (code, country)
    # Elsewhere ItemPrice includes VAT/GST: ItemTax 1.01 is inside the 10.00, not on top.
    assert (draft.goods_amount, draft.shipping_fee) == (D("10.00"), 0)
    assert (draft.tax, draft.total) == (D(tax), D(total))
    assert (draft.extra["tax"], draft.extra["order_total"]) == ("1.01", total)
    assert validate_order(draft) == []


def test_v0_envelope_problems_have_their_own_codes() -> None:
    order, order_items = v0_sandbox_order(), v0_sandbox_items()
    assert refused(envelope(order, [])).code == "ORDER_ITEMS_MISSING"
    assert refused({"items": order_items, "api": "orders/v0"}).code == "ORDER_MISSING"
    assert refused(envelope(order, order_items) | {"api": "orders/v9"}).code == "API_UNSUPPORTED"
    other = sample("ordersV0_getOrderAddress_200_example.json")["payload"]
    assert refused(envelope(order, order_items, address=other)).code == "ORDER_ID_MISMATCH"
    assert refused(envelope(order | {"OrderStatus": "Lost"}, order_items)).code == "STATUS_UNKNOWN"
    no_country = order | {"MarketplaceId": "UNKNOWN"}
    assert refused(envelope(no_country, order_items)).code == "COUNTRY_MISSING"
    assert refused(envelope(order | {"PurchaseDate": None}, order_items)).code == "FIELD_MISSING"
    with pytest.raises(ParseError) as caught:
        ADAPTER.parse("not json", SHOP)
    assert caught.value.code == "PAYLOAD_NOT_JSON"
    assert refused({"hello": "world"}).code == "PAYLOAD_SHAPE_UNKNOWN"


# ------------------------------------------------------------------------- Orders 2026-01-01


def test_2026_getorder_example_as_it_is_field_by_field() -> None:
    raw = (SAMPLES / "orders2026-01-01_getOrder_200_example.json").read_text(encoding="utf-8")
    draft = ADAPTER.parse(raw, SHOP)
    assert draft.platform_order_id == "202-1234567-8901234"
    assert draft.currency == "GBP"
    (line,) = draft.lines
    assert (line.sku_code, line.platform_sku_id, line.quantity) == (
        "ECHO-DOT-4-UK-CHARCOAL-3PACK",
        "B08DFPV54V",
        3,
    )
    assert line.title == "Echo Dot (4th Gen) | Smart speaker with Alexa | Charcoal"
    assert (line.unit_price, line.discount) == (D("29.99"), 0)
    # grandTotal 103.97 = ITEM 89.97 + SHIPPING 10.00 + TAX 4.00 (stated apart even in GB).
    assert (draft.goods_amount, draft.shipping_fee, draft.order_discount) == (
        D("89.97"),
        D("10.00"),
        0,
    )
    assert (draft.tax, draft.total) == (D("4.00"), D("103.97"))
    assert (draft.extra["order_total"], draft.extra["tax"]) == ("103.97", "4.00")
    assert (draft.channel_state, draft.payment_status) == (ChannelState.SHIPPED, PaymentStatus.PAID)
    assert draft.platform_status == "SHIPPED"
    assert draft.placed_at == utc(2024, 12, 25, 9, 15)
    assert draft.platform_updated_at == utc(2024, 12, 25, 16, 30)
    assert draft.receiver == Address(
        name="James Wilson",
        phone="+44 161 123 4567",
        country="GB",
        province="England",
        city="Manchester",
        district="Greater Manchester",
        street="123 High Street, Unit 4B",
        postcode="M1 2AB",
    )
    assert (draft.buyer_email, draft.buyer_nick, draft.buyer_id) == (
        "buyer-email@marketplace.amazon.co.uk",
        "James Wilson",
        None,
    )
    assert draft.extra["fulfillment_channel"] == "MFN" and draft.extra["programs"] == "PRIME"
    assert draft.extra["api"] == "orders/2026-01-01"
    assert validate_order(draft) == []


def test_2026_searchorders_example_as_it_is_field_by_field() -> None:
    raw = (SAMPLES / "orders2026-01-01_searchOrders_200_example.json").read_text(encoding="utf-8")
    draft = ADAPTER.parse(raw, SHOP)
    assert draft.platform_order_id == "123-4567890-1234567"
    assert [(ln.sku_code, ln.quantity, ln.unit_price, ln.discount) for ln in draft.lines] == [
        ("ECHO-DOT-4-CHARCOAL", 2, D("49.99"), 0),
        ("FIRE-TV-4K-2021", 1, D("49.99"), 0),
    ]
    # grandTotal 154.99 = ITEM 149.97 + TAX 0.02 + DELIVERY_TIP 5.00 (a charge → shipping_fee).
    assert (draft.goods_amount, draft.shipping_fee, draft.tax, draft.total) == (
        D("149.97"),
        D("5.00"),
        D("0.02"),
        D("154.99"),
    )
    assert draft.extra["tax"] == "0.02" and draft.extra["order_total"] == "154.99"
    assert draft.currency == "USD" and draft.channel_state is ChannelState.SHIPPED
    assert draft.receiver == Address(
        name="John Smith",
        phone="555-123-4567",
        country="US",
        province="WA",
        city="Seattle",
        district="King County",
        street="123 Main Street, Suite 456",
        postcode="98101",
    )
    assert draft.buyer_email == "buyer-email@marketplace.amazon.com"
    assert draft.placed_at == utc(2024, 12, 25, 10, 30)
    assert validate_order(draft) == []


def sandbox_2026_orders() -> list[dict[str, Any]]:
    search = sample("orders2026-01-01_searchOrders_200_sandbox.json")["static"]
    found = [order for case in search for order in case["response"]["orders"]]
    get = sample("orders2026-01-01_getOrder_200_sandbox.json")["static"]
    return found + [case["response"]["order"] for case in get]


# order id → (currency, [(sku, qty, unit price)], shipping, tax, total, state, country, phone,
# city)
SANDBOX_2026 = {
    "250-1234567-8901234": (
        "JPY",
        [("ECHO-DOT-4-JP-CHARCOAL", 1, "5980"), ("FIRE-TV-4K-MAX-JP", 2, "6980")],
        "0",
        "0",
        "19940",
        ChannelState.SHIPPED,
        "JP",
        "",
        "Tokyo",
    ),
    "202-7654321-1098765": (
        "GBP",
        [("ECHO-DOT-4-UK-CHARCOAL-SINGLE", 1, "34.99")],
        "0",
        "0",
        "34.99",
        ChannelState.SHIPPED,
        "GB",
        "+44 20 7946 0958",
        "London",
    ),
    "171-2345678-9012345": (
        "BRL",
        [("DELL-I15-BR-001", 1, "1599.90")],
        "0",
        "0",
        "1599.90",
        ChannelState.PAID,
        "BR",
        "+55 11 91234-5678",
        "São Paulo",
    ),
    "171-9876543-2109876": (
        "BRL",
        [("ECHO-DOT-4-BR-PRETO", 1, "299.90")],
        "0",
        "0",
        "299.90",
        ChannelState.PAID,
        "BR",
        "+55 11 98765-4321",
        "São Paulo",
    ),
    "028-1234567-8901234": (
        "TRY",
        [("FIRE-HD10-TR-BLK", 2, "62.50")],
        "0",
        "0",
        "125.00",
        ChannelState.SHIPPED,
        "TR",
        "",
        "Istanbul",
    ),
    # grandTotal 49.99 = ITEM 39.99 + TAX 10.00
    "114-9876543-1234567": (
        "USD",
        [("ECHO-POP-US-BLK", 1, "39.99")],
        "0",
        "10.00",
        "49.99",
        ChannelState.PAID,
        "US",
        "+1 206 555 0100",
        "Seattle",
    ),
}


@pytest.mark.parametrize("order", sandbox_2026_orders(), ids=lambda order: order["orderId"])
def test_2026_sandbox_orders_field_by_field(order: dict[str, Any]) -> None:
    draft = parse({"order": order})
    currency, lines, shipping, tax, total, state, country, phone, city = SANDBOX_2026[
        order["orderId"]
    ]
    assert draft.platform_order_id == order["orderId"] and draft.currency == currency
    assert [(ln.sku_code, ln.quantity, ln.unit_price) for ln in draft.lines] == [
        (sku, qty, D(price)) for sku, qty, price in lines
    ]
    assert (draft.shipping_fee, draft.tax, draft.total) == (D(shipping), D(tax), D(total))
    assert draft.extra["order_total"] == total
    assert draft.channel_state is state
    assert draft.payment_status is PaymentStatus.PAID
    assert (draft.receiver.country, draft.receiver.phone, draft.receiver.city) == (
        country,
        phone,
        city,
    )
    assert draft.placed_at.tzinfo is UTC
    assert validate_order(draft) == []


def test_2026_bare_order_and_fba_channel() -> None:
    order = next(o for o in sandbox_2026_orders() if o["orderId"] == "250-1234567-8901234")
    draft = parse(order)
    assert draft.extra["fulfillment_channel"] == "AFN"
    assert draft.buyer_email == "buyer-email@marketplace.amazon.co.jp"


def test_2026_sandbox_files_as_they_are_are_not_one_order() -> None:
    for name in (
        "orders2026-01-01_getOrder_200_sandbox.json",
        "orders2026-01-01_searchOrders_200_sandbox.json",
    ):
        with pytest.raises(ParseError) as caught:
            ADAPTER.parse((SAMPLES / name).read_text(encoding="utf-8"), SHOP)
        assert caught.value.code == "PAYLOAD_SHAPE_UNKNOWN"
    two = sample("orders2026-01-01_searchOrders_200_example.json")["application/json"]
    two["orders"] = two["orders"] * 2
    assert refused(two).code == "MULTIPLE_ORDERS"


def test_2026_discounts_split_between_item_and_shipping() -> None:
    doc = sample("orders2026-01-01_getOrder_200_example.json")["application/json"]
    item = doc["order"]["orderItems"][0]
    gbp = {"currencyCode": "GBP"}
    item["proceeds"]["breakdowns"].append(
        {
            "type": "DISCOUNT",
            "subtotal": gbp | {"amount": "-7.00"},
            "detailedBreakdowns": [
                {"subtype": "ITEM", "value": gbp | {"amount": "-5.00"}},
                {"subtype": "SHIPPING", "value": gbp | {"amount": "-2.00"}},
            ],
        }
    )
    doc["order"]["proceeds"]["grandTotal"]["amount"] = "96.97"
    draft = parse(doc)
    assert draft.lines[0].discount == D("5.00") and draft.shipping_fee == D("8.00")
    # 96.97 = 89.97 − 5.00 + 10.00 − 2.00 + tax 4.00
    assert (draft.tax, draft.total) == (D("4.00"), D("96.97"))
    assert validate_order(draft) == []


def test_2026_without_grand_total_derives_it_with_tax() -> None:
    doc = sample("orders2026-01-01_getOrder_200_example.json")["application/json"]
    del doc["order"]["proceeds"]["grandTotal"]
    draft = parse(doc)
    assert (draft.goods_amount, draft.shipping_fee, draft.tax) == (
        D("89.97"),
        D("10.00"),
        D("4.00"),
    )
    assert draft.total == D("103.97") and draft.extra["total_derived"] == "true"
    assert "order_total" not in draft.extra
    assert validate_order(draft) == []


def test_2026_status_and_shape_problems() -> None:
    order = sandbox_2026_orders()[0]
    assert refused(order | {"orderItems": []}).code == "ORDER_ITEMS_MISSING"
    unknown = order | {"fulfillment": {"fulfillmentStatus": "LOST"}}
    assert refused(unknown).code == "STATUS_UNKNOWN"
    assert refused(order | {"fulfillment": {}}).code == "FIELD_MISSING"
    for status, state in [
        ("PENDING", ChannelState.AWAITING_PAYMENT),
        ("PARTIALLY_SHIPPED", ChannelState.SHIPPED),
        ("CANCELLED", ChannelState.CANCELLED),
        ("UNFULFILLABLE", ChannelState.CANCELLED),
    ]:
        assert parse(order | {"fulfillment": {"fulfillmentStatus": status}}).channel_state is state


def test_no_webhooks_and_registration() -> None:
    assert ADAPTER.verify_webhook({}, b"{}", SHOP) is False
    assert ADAPTER.webhook_orders({}, b"{}") == []
    assert isinstance(adapter_for("amazon"), AmazonAdapter)
