"""ShopifyAdapter: the published sample payloads field by field, bad payloads, webhooks, paging."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from orderhub.channels.adapters.json_payload import array_elements
from orderhub.channels.adapters.shopify import ShopifyAdapter
from orderhub.channels.base import ParseError, PullWindow, ShopContext
from orderhub.channels.http import ChannelAuthError, ChannelHttp
from orderhub.channels.registry import adapter_for
from orderhub.orders.domain import Address, ChannelState, OrderDraft, validate_order
from orderhub.orders.lifecycle import PaymentStatus
from tests.samples import sample_dir

SAMPLES = sample_dir("shopify")
SHOP = ShopContext(
    "s1", "shopify", "USD", {"webhook_secret": "test_secret_key", "access_token": "shpat_x"}
)
ADAPTER = ShopifyAdapter()
D = Decimal
EST_11AM_2008 = datetime(2008, 1, 10, 16, 0, tzinfo=UTC)  # 2008-01-10T11:00:00-05:00
BOB = Address(
    name="Bob Norman",
    phone="+1(502)-459-2181",
    country="US",
    province="Kentucky",
    city="Louisville",
    street="Chestnut Street 92",
    postcode="40202",
)
IPODS = [("IPOD2008GREEN", "green", "39072856"), ("IPOD2008RED", "red", "49148385")]
IPODS += [("IPOD2008BLACK", "black", "457924702")]


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def parse(raw: str) -> OrderDraft:
    return ADAPTER.parse(raw, SHOP)


def assert_lines(draft: OrderDraft, expected: list[tuple[str, str, str, int, str, str]]) -> None:
    got = [
        (ln.sku_code, ln.spec, ln.platform_sku_id, ln.quantity, ln.unit_price, ln.discount)
        for ln in draft.lines
    ]
    assert got == [(s, v, i, q, D(p), D(d)) for s, v, i, q, p, d in expected]


def assert_amounts(
    draft: OrderDraft, goods: str, discount: str, shipping: str, total: str, tax: str = "0.00"
) -> None:
    assert (
        draft.goods_amount,
        draft.order_discount,
        draft.shipping_fee,
        draft.tax,
        draft.total,
    ) == (D(goods), D(discount), D(shipping), D(tax), D(total))


# --- the 450789469 "IPod Nano" order as the 2024-04 API returns it (single and in a list) ---------


@pytest.mark.parametrize(
    "raw",
    [
        sample("order_get_single_2024-04_shopify-api-js.json"),  # {"order": {...}} wrapper
        json.dumps(json.loads(sample("order_get_single_2024-04_shopify-api-js.json"))["order"]),
        *array_elements(sample("orders_list_status_any_2024-04_shopify-api-js.json"), "orders"),
    ],
    ids=["wrapped", "bare-webhook-body", "list-element"],
)
def test_partially_refunded_ipod_order(raw: str) -> None:
    draft = parse(raw)
    assert draft.platform_order_id == "450789469"
    assert draft.extra["name"] == "#1001"
    assert draft.currency == "USD"
    assert all(ln.title == "IPod Nano - 8gb" for ln in draft.lines)
    # TENOFF (10.00 "across") is allocated 3.34 + 3.33 + 3.33 to the lines.
    assert_lines(
        draft,
        [
            (s, v, i, 1, "199.00", d)
            for (s, v, i), d in zip(IPODS, ["3.34", "3.33", "3.33"], strict=True)
        ],
    )
    # 597.00 - 10.00 + 0.00 shipping + 11.94 tax not included in prices = 598.94 (total_price).
    assert_amounts(
        draft, goods="587.00", discount="0.00", shipping="0.00", tax="11.94", total="598.94"
    )
    assert draft.extra == {
        "name": "#1001",
        "shipping_price": "0.00",
        "tax": "11.94",
        "taxes_included": "false",
    }
    assert draft.receiver == BOB
    assert (draft.buyer_id, draft.buyer_nick) == ("207119551", "Bob Norman")
    assert draft.buyer_email == "bob.norman@mail.example.com"
    assert draft.payment_status is PaymentStatus.PARTLY_REFUNDED
    assert draft.channel_state is ChannelState.PAID
    assert draft.platform_status == "partially_refunded/unfulfilled"
    assert draft.placed_at == draft.paid_at == draft.platform_updated_at == EST_11AM_2008
    assert draft.buyer_note == ""
    assert draft.raw_payload == raw
    assert validate_order(draft) == []


def test_created_order_partially_paid_canadian() -> None:
    draft = parse(sample("order_create_post_response_2024-04_shopify-api-js.json"))
    assert (draft.platform_order_id, draft.extra["name"]) == ("1073459969", "#1002")
    assert [ln.title for ln in draft.lines] == ["IPod Touch 8GB"]
    assert_lines(draft, [("IPOD2009BLACK", "Black", "447654529", 1, "199.00", "0.00")])
    assert_amounts(draft, goods="199.00", discount="0.00", shipping="0", total="199.00")
    # The shipping address wins over the billing one (John Smith, 555-555-5555).
    assert draft.receiver == Address(
        name="Jane Smith",
        phone="777-777-7777",
        country="CA",
        province="Ontario",
        city="Fakecity",
        street="123 Fake Street",
        postcode="K2P 1L4",
    )
    assert (draft.buyer_id, draft.buyer_nick, draft.buyer_email) == (
        "1073339463",
        "John Smith",
        "jane@example.com",
    )
    # partially_paid (149.00 outstanding): not paid yet as far as shipping is concerned.
    assert draft.payment_status is PaymentStatus.UNPAID
    assert draft.channel_state is ChannelState.AWAITING_PAYMENT
    assert draft.platform_status == "partially_paid/unfulfilled"
    moment = datetime(2024, 4, 2, 14, 4, tzinfo=UTC)
    assert (draft.placed_at, draft.paid_at, draft.platform_updated_at) == (moment, None, moment)
    assert validate_order(draft) == []


def test_python_sdk_order_fixture_cannot_reconcile() -> None:
    """shopify_python_api's hand-edited fixture lists three 199.00 iPods but states
    total_line_items_price = subtotal_price = 398.00 and total_price = 409.94 (398.00 + 11.94
    tax): a line was added without updating the totals. (It also shows a TENOFF code with
    total_discounts 0.00.) We keep Shopify's total and let validation say so."""
    draft = parse(sample("order_shopify_python_api_fixture.json"))
    assert (draft.platform_order_id, draft.extra["name"]) == ("450789469", "#1001")
    assert_lines(draft, [(s, v, i, 1, "199.00", "0") for s, v, i in IPODS])
    assert_amounts(
        draft, goods="597.00", discount="0.00", shipping="0.00", tax="11.94", total="409.94"
    )
    assert draft.receiver == Address(
        name="Bob Norman",
        phone="555-625-1199",
        country="US",
        province="Kentucky",
        city="Louisville",
        street="Chestnut Street 92",
        postcode="40202",
    )
    assert draft.buyer_email == "bob.norman@hostmail.com"
    assert draft.payment_status is PaymentStatus.UNPAID
    assert draft.channel_state is ChannelState.AWAITING_PAYMENT
    assert draft.platform_status == "authorized/unfulfilled"
    assert (draft.placed_at, draft.paid_at) == (EST_11AM_2008, None)
    assert validate_order(draft) == [
        (
            "AMOUNT_MISMATCH",
            "total",
            "total 409.94 does not equal lines 597.00 - discount 0.00 + shipping 0.00 + tax 11.94 = 608.94",
        )
    ]


def test_python_sdk_orders_fixture_has_no_line_items() -> None:
    """shopify_python_api's orders.json fixture leaves `line_items` out altogether. It parses
    (everything else is there) and validation refuses it for having no lines."""
    (raw,) = array_elements(sample("orders_shopify_python_api_fixture.json"), "orders")
    draft = parse(raw)
    assert (draft.platform_order_id, draft.extra["name"], draft.lines) == ("450789469", "#1001", ())
    # total_discounts 10.00 has no line to be allocated to, so it stays on the order.
    assert_amounts(draft, goods="0", discount="10.00", shipping="0.00", tax="11.94", total="598.94")
    assert draft.receiver == Address(
        name="Bob Norman",
        phone="555-625-1199",
        country="US",
        province="Kentucky",
        city="Louisville",
        street="Chestnut Street 92",
        postcode="40202",
    )
    assert draft.payment_status is PaymentStatus.PARTLY_REFUNDED
    assert draft.channel_state is ChannelState.PAID
    assert draft.platform_status == "partially_refunded/unfulfilled"
    assert draft.placed_at == draft.paid_at == EST_11AM_2008
    assert validate_order(draft) == [("ORDER_NO_LINES", "lines", "the order has no lines")]


# --- mapping rules on edited payloads -------------------------------------------------------------


def ipod_order(**changes: Any) -> dict[str, Any]:
    order: dict[str, Any] = json.loads(
        sample("order_get_single_2024-04_shopify-api-js.json"), parse_float=Decimal
    )["order"]
    order.update(changes)
    return order


def dumps(order: dict[str, Any]) -> str:
    return json.dumps(order, default=str)


def test_taxes_included_adds_nothing_to_the_total() -> None:
    draft = parse(dumps(ipod_order(taxes_included=True, total_price="587.00")))
    assert_amounts(draft, goods="587.00", discount="0.00", shipping="0.00", total="587.00")
    assert draft.extra["taxes_included"] == "true"
    assert validate_order(draft) == []


def test_shipping_lines_and_shipping_discount() -> None:
    shipping = [
        {"title": "Express", "price": "15.00", "discount_allocations": [{"amount": "15.00"}]}
    ]
    draft = parse(dumps(ipod_order(shipping_lines=shipping, total_discounts="25.00")))
    # total_discounts 25.00 = 10.00 on the lines + 15.00 free shipping.
    assert_amounts(
        draft, goods="587.00", discount="15.00", shipping="15.00", tax="11.94", total="598.94"
    )
    assert validate_order(draft) == []


def test_legacy_total_discount_used_without_allocations() -> None:
    order = ipod_order()
    for line in order["line_items"]:
        del line["discount_allocations"]
        line["total_discount"] = "2.00"
    draft = parse(dumps(order))
    assert [ln.discount for ln in draft.lines] == [D("2.00")] * 3
    assert draft.order_discount == D("4.00")
    assert validate_order(draft) == []


@pytest.mark.parametrize(
    ("changes", "state", "payment", "status"),
    [
        ({"financial_status": "pending"}, "awaiting_payment", "unpaid", "pending/unfulfilled"),
        (
            {"financial_status": "authorized"},
            "awaiting_payment",
            "unpaid",
            "authorized/unfulfilled",
        ),
        ({"financial_status": "paid"}, "paid", "paid", "paid/unfulfilled"),
        (
            {"financial_status": "paid", "fulfillment_status": "partial"},
            "shipped",
            "paid",
            "paid/partial",
        ),
        (
            {"financial_status": "paid", "fulfillment_status": "fulfilled"},
            "shipped",
            "paid",
            "paid/fulfilled",
        ),
        (
            {
                "financial_status": "paid",
                "fulfillment_status": "fulfilled",
                "closed_at": "2008-01-12T10:00:00-05:00",
            },
            "completed",
            "paid",
            "paid/fulfilled",
        ),
        ({"financial_status": "refunded"}, "cancelled", "refunded", "refunded/unfulfilled"),
        ({"financial_status": "voided"}, "cancelled", "unpaid", "voided/unfulfilled"),
        (
            {"financial_status": "paid", "cancelled_at": "2008-01-11T10:00:00-05:00"},
            "cancelled",
            "paid",
            "paid/unfulfilled/cancelled",
        ),
    ],
)
def test_status_mapping(changes: dict[str, Any], state: str, payment: str, status: str) -> None:
    draft = parse(dumps(ipod_order(**changes)))
    assert (draft.channel_state.value, draft.payment_status.value, draft.platform_status) == (
        state,
        payment,
        status,
    )
    assert (draft.paid_at is not None) == (changes["financial_status"] in ("paid", "refunded"))


def test_billing_address_when_no_shipping_address() -> None:
    order = ipod_order(shipping_address=None)
    order["billing_address"]["phone"] = "555-000-0000"
    assert parse(dumps(order)).receiver.phone == "555-000-0000"


# --- bad payloads ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "code", "field"),
    [
        ("{not json", "PAYLOAD_NOT_JSON", ""),
        ("[1, 2]", "PAYLOAD_NOT_OBJECT", ""),
        (dumps(ipod_order(id=None)), "ORDER_ID_MISSING", "id"),
        (dumps(ipod_order(currency="XYZ")), "CURRENCY_UNKNOWN", "currency"),
        (dumps(ipod_order(currency=None)), "FIELD_MISSING", "currency"),
        (dumps(ipod_order(total_price=None)), "FIELD_MISSING", "total_price"),
        (dumps(ipod_order(total_price="12,x")), "FIELD_INVALID", "total_price"),
        (dumps(ipod_order(created_at="yesterday")), "FIELD_INVALID", "created_at"),
        (dumps(ipod_order(created_at="2008-01-10T11:00:00")), "FIELD_INVALID", "created_at"),
        (dumps(ipod_order(financial_status="mystery")), "FIELD_INVALID", "financial_status"),
        (
            dumps(ipod_order(shipping_address=None, billing_address=None)),
            "FIELD_MISSING",
            "shipping_address",
        ),
    ],
)
def test_bad_payloads(raw: str, code: str, field: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse(raw)
    assert (caught.value.code, caught.value.field) == (code, field)


def test_bad_line_fields() -> None:
    order = ipod_order()
    order["line_items"][1]["quantity"] = "two"
    with pytest.raises(ParseError) as caught:
        parse(dumps(order))
    assert (caught.value.code, caught.value.field) == ("FIELD_INVALID", "line_items[1].quantity")


def test_negative_quantity_is_a_validation_problem() -> None:
    order = ipod_order()
    order["line_items"][0]["quantity"] = -1
    problems = validate_order(parse(dumps(order)))
    assert [p[:2] for p in problems] == [
        ("LINE_QUANTITY_INVALID", "lines[0].quantity"),
        ("LINE_DISCOUNT_INVALID", "lines[0].discount"),  # 3.34 off a line worth nothing
    ]


# --- webhooks -------------------------------------------------------------------------------------

VECTOR_BODY = b'{"foo": "bar"}'
VECTOR_HMAC = "B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g="


def test_hmac_vector_verifies_with_any_header_case() -> None:
    assert ADAPTER.verify_webhook({"X-Shopify-Hmac-Sha256": VECTOR_HMAC}, VECTOR_BODY, SHOP)
    assert ADAPTER.verify_webhook({"x-shopify-hmac-sha256": VECTOR_HMAC}, VECTOR_BODY, SHOP)
    assert ADAPTER.verify_webhook({"X-Shopify-Hmac-SHA256": VECTOR_HMAC}, VECTOR_BODY, SHOP)


def test_hmac_refusals() -> None:
    headers = {"X-Shopify-Hmac-Sha256": VECTOR_HMAC}
    assert not ADAPTER.verify_webhook(headers, b'{"foo":"bar"}', SHOP)  # re-serialised body
    assert not ADAPTER.verify_webhook(headers, b'{"foo": "baz"}', SHOP)
    other = ShopContext("s1", "shopify", "USD", {"webhook_secret": "another"})
    assert not ADAPTER.verify_webhook(headers, VECTOR_BODY, other)
    assert not ADAPTER.verify_webhook({}, VECTOR_BODY, SHOP)
    assert not ADAPTER.verify_webhook(headers, VECTOR_BODY, ShopContext("s1", "shopify", "USD"))
    assert not ADAPTER.verify_webhook({"X-Shopify-Hmac-Sha256": "not base64!"}, VECTOR_BODY, SHOP)


def test_webhook_orders_by_topic() -> None:
    body = dumps(ipod_order()).encode()
    for topic in (
        "orders/create",
        "orders/updated",
        "orders/cancelled",
        "orders/paid",
        "orders/fulfilled",
    ):
        assert ADAPTER.webhook_orders({"X-Shopify-Topic": topic}, body) == [body.decode()]
    assert ADAPTER.webhook_orders({"X-Shopify-Topic": "products/update"}, body) == []
    assert ADAPTER.webhook_orders({}, body) == []


def test_registered() -> None:
    assert isinstance(adapter_for("shopify"), ShopifyAdapter)


# --- pull_page against a mocked transport ---------------------------------------------------------

WINDOW = PullWindow(datetime(2024, 4, 1, tzinfo=UTC), datetime(2024, 4, 2, tzinfo=UTC))


def mocked_http(respond: Any, seen: list[httpx.Request]) -> ChannelHttp:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return respond(request)  # type: ignore[no-any-return]

    client = httpx.Client(base_url="https://shop.example", transport=httpx.MockTransport(handler))
    return ChannelHttp("https://shop.example", client=client)


def test_pull_first_and_next_page() -> None:
    listing = sample("orders_list_status_any_2024-04_shopify-api-js.json")
    link = '<https://shop.example/admin/api/2024-04/orders.json?limit=250&page_info=abc123>; rel="next"'
    seen: list[httpx.Request] = []
    http = mocked_http(lambda r: httpx.Response(200, text=listing, headers={"Link": link}), seen)
    page = ADAPTER.pull_page(http, SHOP, WINDOW, None)
    assert page.next_page_token == "abc123"
    assert page.orders == array_elements(listing, "orders")
    assert page.orders[0] in listing  # verbatim: `"rate":0.06` and all amounts untouched
    assert seen[0].url.path == "/admin/api/2024-04/orders.json"
    assert seen[0].headers["X-Shopify-Access-Token"] == "shpat_x"
    assert {k: v[0] for k, v in parse_qs(seen[0].url.query.decode()).items()} == {
        "status": "any",
        "updated_at_min": "2024-04-01T00:00:00+00:00",
        "updated_at_max": "2024-04-02T00:00:00+00:00",
        "limit": "250",
        "order": "updated_at asc",
    }
    ADAPTER.pull_page(http, SHOP, WINDOW, "abc123")
    assert parse_qs(urlsplit(str(seen[1].url)).query) == {"limit": ["250"], "page_info": ["abc123"]}


def test_pull_last_page_and_previous_link_only() -> None:
    link = '<https://shop.example/admin/api/2024-04/orders.json?limit=250&page_info=back>; rel="previous"'
    http = mocked_http(
        lambda r: httpx.Response(200, text='{"orders": []}', headers={"Link": link}), []
    )
    page = ADAPTER.pull_page(http, SHOP, WINDOW, "xyz")
    assert (page.orders, page.next_page_token) == ([], None)


def test_pull_without_token_is_an_auth_error() -> None:
    http = mocked_http(lambda r: httpx.Response(200, text='{"orders": []}'), [])
    with pytest.raises(ChannelAuthError):
        ADAPTER.pull_page(http, ShopContext("s1", "shopify", "USD"), WINDOW, None)
