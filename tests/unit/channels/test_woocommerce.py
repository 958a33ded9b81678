"""WooCommerceAdapter: the REST v3 doc samples field by field, bad payloads, webhooks, paging."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from orderhub.channels.adapters.json_payload import array_elements
from orderhub.channels.adapters.woocommerce import WooCommerceAdapter
from orderhub.channels.base import ParseError, PullWindow, ShopContext
from orderhub.channels.http import ChannelHttp
from orderhub.channels.registry import adapter_for
from orderhub.orders.domain import Address, ChannelState, OrderDraft, validate_order
from orderhub.orders.lifecycle import PaymentStatus
from tests.samples import sample_dir

SAMPLES = sample_dir("woocommerce")
CREDENTIALS = {"webhook_secret": "wc-secret", "consumer_key": "ck_1", "consumer_secret": "cs_2"}
SHOP = ShopContext("w1", "woocommerce", "USD", CREDENTIALS)
ADAPTER = WooCommerceAdapter()
D = Decimal


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def parse(raw: str) -> OrderDraft:
    return ADAPTER.parse(raw, SHOP)


def order_727() -> dict[str, Any]:
    order: dict[str, Any] = json.loads(
        sample("wc_v3_retrieve_order_GET_orders_727.json"), parse_float=Decimal
    )
    return order


def dumps(order: dict[str, Any]) -> str:
    return json.dumps(order, default=str)


LIST = array_elements(sample("wc_v3_list_orders_GET_orders.json"))


@pytest.mark.parametrize(
    "raw",
    [
        sample("wc_v3_retrieve_order_GET_orders_727.json"),
        sample("wc_v3_create_order_POST_orders_response.json"),
        LIST[0],
    ],
    ids=["retrieve", "create-response", "list-element"],
)
def test_order_727_processing_with_tax(raw: str) -> None:
    draft = parse(raw)
    assert (draft.platform_order_id, draft.extra["number"], draft.currency) == ("727", "727", "USD")
    lines = [
        (
            ln.title,
            ln.sku_code,
            ln.platform_sku_id,
            ln.spec,
            ln.quantity,
            ln.unit_price,
            ln.discount,
        )
        for ln in draft.lines
    ]
    assert lines == [
        ("Woo Single #1", None, "93", "", 2, D("3.00"), D("0.00")),
        (
            "Ship Your Idea – Color: Black, Size: M Test",  # &ndash; unescaped
            "Bar3",
            "23",  # the variation, not the product (22)
            "color: black, size: M Test",
            1,
            D("12.00"),
            D("0.00"),
        ),
    ]
    # 18.00 goods + 10.00 shipping + 1.35 tax (WooCommerce amounts are net of tax) = 29.35.
    assert (draft.goods_amount, draft.order_discount, draft.shipping_fee, draft.tax) == (
        D("18.00"),
        D("0.00"),
        D("10.00"),
        D("1.35"),
    )
    assert draft.total == D("29.35")
    assert draft.extra == {
        "number": "727",
        "shipping_total": "10.00",
        "total_tax": "1.35",
        "fees": "0",
    }
    assert draft.receiver == Address(
        name="John Doe",
        phone="(555) 555-5555",  # shipping has no phone: billing's
        country="US",
        province="CA",
        city="San Francisco",
        street="969 Market",
        postcode="94103",
    )
    assert (draft.buyer_id, draft.buyer_nick, draft.buyer_email) == (
        None,  # customer_id 0 = guest
        "John Doe",
        "john.doe@example.com",
    )
    assert draft.payment_status is PaymentStatus.PAID
    assert draft.channel_state is ChannelState.PAID
    assert draft.platform_status == "processing"
    assert draft.placed_at == datetime(2017, 3, 22, 19, 28, 2, tzinfo=UTC)
    assert (
        draft.paid_at == draft.platform_updated_at == datetime(2017, 3, 22, 19, 28, 8, tzinfo=UTC)
    )
    assert draft.buyer_note == ""
    assert draft.raw_payload == raw
    assert validate_order(draft) == []


def test_order_723_completed_and_partly_refunded() -> None:
    draft = parse(LIST[1])
    assert (draft.platform_order_id, draft.extra["number"], draft.currency) == ("723", "723", "USD")
    lines = [
        (ln.title, ln.sku_code, ln.platform_sku_id, ln.quantity, ln.unit_price, ln.discount)
        for ln in draft.lines
    ]
    assert lines == [
        ("Woo Album #2", None, "87", 1, D("9.00"), D("0.00")),
        ("Woo Ninja", None, "34", 1, D("20.00"), D("0.00")),
    ]
    assert (draft.goods_amount, draft.order_discount, draft.shipping_fee, draft.total) == (
        D("29.00"),
        D("0.00"),
        D("10.00"),
        D("39.00"),
    )
    assert draft.receiver == Address(
        name="João Silva",
        phone="(11) 1111-1111",
        country="BR",
        province="RJ",
        city="Rio de Janeiro",
        street="Av. Brasil, 432",
        postcode="12345-000",
    )
    assert (draft.buyer_id, draft.buyer_nick, draft.buyer_email) == (
        "26",
        "João Silva",
        "joao.silva@example.com",
    )
    # Refunds of 10.00 and 9.00 out of 39.00; the total stays what was ordered.
    assert draft.payment_status is PaymentStatus.PARTLY_REFUNDED
    assert draft.channel_state is ChannelState.COMPLETED
    assert draft.platform_status == "completed"
    assert draft.placed_at == datetime(2017, 3, 21, 19, 16, tzinfo=UTC)
    assert draft.platform_updated_at == datetime(2017, 3, 21, 19, 54, 51, tzinfo=UTC)
    assert draft.paid_at is None  # date_paid_gmt is null in the sample
    assert validate_order(draft) == []


def test_coupon_and_uneven_unit_price() -> None:
    order = order_727()
    line = order["line_items"][0]
    line.update(quantity=3, subtotal="10.00", total="8.00")  # 10.00 for 3, 2.00 coupon
    order.update(discount_total="2.00", total="31.35")
    draft = parse(dumps(order))
    first = draft.lines[0]
    assert (first.unit_price, first.discount, first.amount) == (D("3.3334"), D("2.0002"), D("8.00"))
    assert draft.order_discount == D("0.00")  # the 0.0002 is rounding, not a coupon
    assert validate_order(draft) == []


def test_fees_are_charges_and_negative_fees_discounts() -> None:
    order = order_727()
    order["fee_lines"] = [
        {"name": "Gift wrap", "total": "2.50"},
        {"name": "Loyalty", "total": "-1.00"},
    ]
    order["total"] = "30.85"
    draft = parse(dumps(order))
    assert (draft.shipping_fee + draft.tax, draft.order_discount, draft.extra["fees"]) == (
        D("13.85"),
        D("1.00"),
        "1.50",
    )
    assert validate_order(draft) == []


def test_unreconciled_total_is_reported_not_fixed() -> None:
    order = order_727()
    order["total"] = "30.00"
    problems = validate_order(parse(dumps(order)))
    assert [p[:2] for p in problems] == [("AMOUNT_MISMATCH", "total")]


@pytest.mark.parametrize(
    ("status", "state", "payment"),
    [
        ("pending", "awaiting_payment", "unpaid"),
        ("on-hold", "awaiting_payment", "unpaid"),
        ("checkout-draft", "awaiting_payment", "unpaid"),
        ("processing", "paid", "paid"),
        ("completed", "completed", "paid"),
        ("cancelled", "cancelled", "unpaid"),
        ("failed", "cancelled", "unpaid"),
        ("refunded", "cancelled", "refunded"),
    ],
)
def test_status_mapping(status: str, state: str, payment: str) -> None:
    draft = parse(dumps({**order_727(), "status": status}))
    assert (draft.channel_state.value, draft.payment_status.value, draft.platform_status) == (
        state,
        payment,
        status,
    )


def test_fully_refunded_processing_order_is_refunded() -> None:
    draft = parse(dumps({**order_727(), "refunds": [{"id": 1, "total": "-29.35"}]}))
    assert draft.payment_status is PaymentStatus.REFUNDED


def test_billing_address_when_shipping_is_empty() -> None:
    order = order_727()
    order["shipping"] = dict.fromkeys(order["shipping"], "")
    order["billing"]["address_2"] = "Suite 5"
    assert parse(dumps(order)).receiver.street == "969 Market, Suite 5"


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"id": None}, "ORDER_ID_MISSING", "id"),
        ({"currency": "ABC"}, "CURRENCY_UNKNOWN", "currency"),
        ({"status": "shipped-by-plugin"}, "FIELD_INVALID", "status"),
        ({"total": None}, "FIELD_MISSING", "total"),
        ({"date_created_gmt": None}, "FIELD_MISSING", "date_created_gmt"),
        ({"date_modified_gmt": "soon"}, "FIELD_INVALID", "date_modified_gmt"),
    ],
)
def test_bad_payloads(changes: dict[str, Any], code: str, field: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse(dumps({**order_727(), **changes}))
    assert (caught.value.code, caught.value.field) == (code, field)


def test_not_json() -> None:
    with pytest.raises(ParseError) as caught:
        parse("webhook_id=123")
    assert caught.value.code == "PAYLOAD_NOT_JSON"


def test_negative_quantity_is_a_validation_problem() -> None:
    order = order_727()
    order["line_items"][0]["quantity"] = -2
    problems = validate_order(parse(dumps(order)))
    assert ("LINE_QUANTITY_INVALID", "lines[0].quantity") in [p[:2] for p in problems]


# --- webhooks -------------------------------------------------------------------------------------

BODY = sample("wc_v3_retrieve_order_GET_orders_727.json").encode()


def signature(body: bytes, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def test_signature_verifies() -> None:
    headers = {"x-wc-webhook-signature": signature(BODY, "wc-secret")}
    assert ADAPTER.verify_webhook(headers, BODY, SHOP)


def test_signature_refusals() -> None:
    good = signature(BODY, "wc-secret")
    assert not ADAPTER.verify_webhook({"X-WC-Webhook-Signature": good}, BODY + b" ", SHOP)
    wrong = signature(BODY, "other")
    assert not ADAPTER.verify_webhook({"X-WC-Webhook-Signature": wrong}, BODY, SHOP)
    assert not ADAPTER.verify_webhook({}, BODY, SHOP)
    no_secret = ShopContext("w1", "woocommerce", "USD")
    assert not ADAPTER.verify_webhook({"X-WC-Webhook-Signature": good}, BODY, no_secret)


def test_webhook_orders() -> None:
    for topic in ("order.created", "order.updated", "order.deleted", "order.restored"):
        assert ADAPTER.webhook_orders({"X-WC-Webhook-Topic": topic}, BODY) == [BODY.decode()]
    assert ADAPTER.webhook_orders({"X-WC-Webhook-Topic": "product.updated"}, BODY) == []
    ping = {"X-WC-Webhook-Topic": "order.created"}
    assert ADAPTER.webhook_orders(ping, b"webhook_id=123") == []


def test_registered() -> None:
    assert isinstance(adapter_for("woocommerce"), WooCommerceAdapter)


# --- pull_page ------------------------------------------------------------------------------------

WINDOW = PullWindow(datetime(2024, 4, 1, tzinfo=UTC), datetime(2024, 4, 2, 6, tzinfo=UTC))


def test_pull_pages() -> None:
    listing = sample("wc_v3_list_orders_GET_orders.json")
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200, text=listing, headers={"X-WP-Total": "102", "X-WP-TotalPages": "2"}
        )

    client = httpx.Client(base_url="https://wc.example", transport=httpx.MockTransport(handler))
    http = ChannelHttp("https://wc.example", client=client)
    first = ADAPTER.pull_page(http, SHOP, WINDOW, None)
    assert (first.orders, first.next_page_token) == (LIST, "2")
    second = ADAPTER.pull_page(http, SHOP, WINDOW, "2")
    assert second.next_page_token is None
    request = seen[0]
    assert request.url.path == "/wp-json/wc/v3/orders"
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(b"ck_1:cs_2").decode()
    assert dict(request.url.params) == {
        "modified_after": "2024-04-01T00:00:00",
        "modified_before": "2024-04-02T06:00:00",
        "dates_are_gmt": "true",
        "per_page": "100",
        "page": "1",
        "orderby": "id",
        "order": "asc",
    }
    assert seen[1].url.params["page"] == "2"
