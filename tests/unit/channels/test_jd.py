"""JdAdapter: parsing the hand-made fixture (from JD's field list), signing and pulling."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from orderhub.channels.adapters.jd import (
    JdAdapter,
    beijing_text,
    beijing_time,
    dumps_exact,
    router_sign,
)
from orderhub.channels.base import ParseError, PullWindow, ShopContext
from orderhub.channels.http import (
    ChannelAuthError,
    ChannelHttp,
    ChannelRequestError,
    TransientChannelError,
)
from orderhub.channels.registry import adapter_for
from orderhub.orders.domain import Address, ChannelState, OrderDraft, validate_order
from orderhub.orders.lifecycle import PaymentStatus

FIXTURE = Path(__file__).parent / "fixtures" / "jd_order_search_response.json"
SHOP = ShopContext(
    code="jd-flagship",
    platform="jd",
    currency="CNY",
    credentials={"app_key": "APPKEY123", "app_secret": "s3cr3t", "access_token": "tok-jd"},
)
D = Decimal
NOW = datetime(2024, 11, 11, 4, 0, tzinfo=UTC)


def response() -> dict[str, Any]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"), parse_float=Decimal)


def orders() -> list[dict[str, Any]]:
    return response()["jingdong_pop_order_search_responce"]["searchorderinfo_result"][
        "orderInfoList"
    ]


def order(order_id: str) -> dict[str, Any]:
    return copy.deepcopy(next(o for o in orders() if o["orderId"] == order_id))


def parse(doc: Any) -> OrderDraft:
    return JdAdapter().parse(dumps_exact(doc), SHOP)


def refused(doc: Any) -> ParseError:
    with pytest.raises(ParseError) as caught:
        parse(doc)
    return caught.value


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# ------------------------------------------------------------------------------------ parsing


def test_awaiting_shipment_order_field_by_field() -> None:
    raw = dumps_exact(order("300012345678"))
    draft = JdAdapter().parse(raw, SHOP)
    assert draft.platform_order_id == "300012345678" and draft.currency == "CNY"
    assert [
        (ln.sku_code, ln.platform_sku_id, ln.title, ln.quantity, ln.unit_price, ln.discount)
        for ln in draft.lines
    ] == [
        ("MUG-350-WHT", "100012043978", "景德镇陶瓷马克杯 350ml 白色", 2, D("39.90"), 0),
        ("TEA-LJ-250", "100009876543", "西湖龙井 明前特级 250g 礼盒装", 1, D("268.00"), 0),
    ]
    # orderTotalPrice 347.80 − sellerDiscount 20.00 = orderSellerPrice 327.80; freight 0.
    assert (draft.goods_amount, draft.order_discount, draft.shipping_fee) == (
        D("347.80"),
        D("20.00"),
        D("0.00"),
    )
    assert draft.total == D("327.80")
    # The buyer paid 317.80 (10 元 of 京豆, platform-funded): kept, not used as the total.
    assert draft.extra["order_payment"] == "317.80" and draft.extra["order_total_price"] == "347.80"
    assert (draft.channel_state, draft.payment_status) == (ChannelState.PAID, PaymentStatus.PAID)
    assert draft.platform_status == "WAIT_SELLER_STOCK_OUT"
    assert draft.placed_at == utc(2024, 11, 10, 16, 3, 27)  # 2024-11-11 00:03:27 Beijing
    assert draft.paid_at == utc(2024, 11, 10, 16, 3, 41)
    assert draft.platform_updated_at == utc(2024, 11, 10, 16, 5, 2)
    assert draft.receiver == Address(
        name="王**",
        phone="138****6621",
        country="CN",
        province="浙江",
        city="杭州市",
        district="西湖区",
        street="浙江杭州市西湖区文新街道文一西路***号",
    )
    assert (draft.buyer_nick, draft.buyer_id) == ("jd_6f3a****c21", None)
    assert (draft.buyer_note, draft.seller_note) == ("请用纸箱包装，谢谢", "")
    assert draft.raw_payload == raw
    assert validate_order(draft) == []


# order id → (state, payment, total, shipping, discount, paid_at, phone, seller note)
EXPECTED = {
    "300012399001": (
        ChannelState.SHIPPED,
        PaymentStatus.PAID,
        "135.00",
        "6.00",
        "0.00",
        utc(2024, 11, 10, 13, 15, 9),
        "010-8****567",
        "已发京东快递",
    ),
    "300012400517": (
        ChannelState.CANCELLED,
        PaymentStatus.REFUNDED,
        "54.90",
        "0.00",
        "5.00",
        utc(2024, 11, 11, 0, 20, 25),
        "159****0372",
        "",
    ),
    "300012402288": (
        ChannelState.REFUND_REQUESTED,
        PaymentStatus.PAID,
        "90.00",
        "0.00",
        "8.00",
        utc(2024, 11, 11, 2, 3, 1),
        "186****4419",
        "",
    ),
    # cash on delivery, finished; "0001-01-01 00:00:00" means no payment time
    "300011987650": (
        ChannelState.COMPLETED,
        PaymentStatus.PAID,
        "199.00",
        "0.00",
        "0.00",
        None,
        "137****9054",
        "货到付款已收",
    ),
}


@pytest.mark.parametrize("order_id", sorted(EXPECTED))
def test_other_fixture_orders_field_by_field(order_id: str) -> None:
    source = order(order_id)
    draft = parse(source)
    state, payment, total, shipping, discount, paid_at, phone, note = EXPECTED[order_id]
    assert (draft.channel_state, draft.payment_status) == (state, payment)
    assert draft.platform_status == source["orderState"]
    assert (draft.total, draft.shipping_fee, draft.order_discount) == (
        D(total),
        D(shipping),
        D(discount),
    )
    assert draft.paid_at == paid_at
    assert (draft.receiver.phone, draft.seller_note) == (phone, note)
    assert [(ln.platform_sku_id, ln.quantity) for ln in draft.lines] == [
        (it["skuId"], int(it["itemTotal"])) for it in source["itemInfoList"]
    ]
    assert validate_order(draft) == []


def test_response_envelopes_with_one_order_are_accepted() -> None:
    one = response()
    result = one["jingdong_pop_order_search_responce"]["searchorderinfo_result"]
    result["orderInfoList"] = result["orderInfoList"][:1]
    assert parse(one).platform_order_id == "300012345678"
    get = {
        "jingdong_pop_order_get_responce": {"orderDetailInfo": {"orderInfo": order("300012399001")}}
    }
    assert parse(get).platform_order_id == "300012399001"


def test_the_whole_search_response_is_several_orders() -> None:
    with pytest.raises(ParseError) as caught:
        JdAdapter().parse(FIXTURE.read_text(encoding="utf-8"), SHOP)
    assert caught.value.code == "MULTIPLE_ORDERS"


def test_lines_that_do_not_add_up_are_left_for_validation_to_report() -> None:
    source = order("300012345678")
    source["orderSellerPrice"] = "337.80"  # disagrees with 347.80 − 20.00
    draft = parse(source)
    assert draft.total == D("337.80")
    assert [code for code, _, _ in validate_order(draft)] == ["AMOUNT_MISMATCH"]


def test_cash_on_delivery_is_unpaid_until_finished() -> None:
    source = order("300012345678") | {"payType": "1", "paymentConfirmTime": "0001-01-01 00:00:00"}
    draft = parse(source)
    assert (draft.channel_state, draft.payment_status, draft.paid_at) == (
        ChannelState.PAID,
        PaymentStatus.UNPAID,
        None,
    )


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("WAIT_SELLER_DELIVERY", ChannelState.PAID),
        ("PAUSE", ChannelState.PAID),
        ("POP_ORDER_PAUSE", ChannelState.PAID),
    ],
)
def test_other_waiting_states_are_paid(state: str, expected: ChannelState) -> None:
    assert parse(order("300012345678") | {"orderState": state}).channel_state is expected


def test_a_cancelled_order_never_paid_is_unpaid() -> None:
    source = order("300012400517") | {"paymentConfirmTime": "1970-01-01 08:00:00"}
    assert parse(source).payment_status is PaymentStatus.UNPAID


def test_bad_payloads_get_their_codes() -> None:
    base = order("300012345678")
    assert refused(base | {"orderState": "ON_THE_MOON"}).code == "STATUS_UNKNOWN"
    assert refused(base | {"orderState": ""}).code == "FIELD_MISSING"
    assert refused(base | {"orderStartTime": None}).code == "FIELD_MISSING"
    assert refused(base | {"orderStartTime": "昨天"}).code == "FIELD_INVALID"
    assert refused(base | {"orderSellerPrice": None}).code == "FIELD_MISSING"
    bad_price = copy.deepcopy(base)
    bad_price["itemInfoList"][0]["jdPrice"] = "三十九"
    error = refused(bad_price)
    assert (error.code, error.field) == ("FIELD_INVALID", "itemInfoList[0].jdPrice")
    bad_count = copy.deepcopy(base)
    bad_count["itemInfoList"][1]["itemTotal"] = "1.5"
    assert refused(bad_count).field == "itemInfoList[1].itemTotal"
    assert refused(base | {"orderId": ""}).code == "ORDER_ID_MISSING"
    assert refused({"error_response": {"code": "19"}}).code == "PAYLOAD_SHAPE_UNKNOWN"
    with pytest.raises(ParseError) as caught:
        JdAdapter().parse("{oops", SHOP)
    assert caught.value.code == "PAYLOAD_NOT_JSON"


def test_beijing_times() -> None:
    assert beijing_time("2024-01-01 07:59:59", "t") == utc(2023, 12, 31, 23, 59, 59)
    assert beijing_time("0001-01-01 00:00:00", "t") is None
    assert beijing_time("", "t") is None
    assert beijing_text(utc(2023, 12, 31, 16)) == "2024-01-01 00:00:00"


# ----------------------------------------------------------------------------------- signing


def independent_sign(params: dict[str, str], secret: str) -> str:
    pieces = [secret]
    for key in sorted(params):
        if key != "sign":
            pieces += [key, params[key]]
    pieces.append(secret)
    return hashlib.md5("".join(pieces).encode("utf-8")).hexdigest().upper()


def test_signature_matches_an_independent_computation() -> None:
    params = {
        "method": "jingdong.pop.order.search",
        "app_key": "APPKEY123",
        "timestamp": "2024-11-11 12:00:00",
        "v": "2.0",
        "360buy_param_json": '{"page":"1","order_state":"WAIT_SELLER_STOCK_OUT"}',
        "sign": "ignored",
    }
    assert router_sign(params, "s3cr3t") == independent_sign(params, "s3cr3t")
    assert router_sign({"a": "1"}, "k") == hashlib.md5(b"ka1k").hexdigest().upper()


# ----------------------------------------------------------------------------------- pulling

Handler = Callable[[dict[str, str], dict[str, Any]], dict[str, Any]]


def run_pull(handler: Handler, token: str | None) -> tuple[Any, list[dict[str, str]]]:
    seen: list[dict[str, str]] = []

    def respond(request: httpx.Request) -> httpx.Response:
        assert request.method == "POST" and request.url.path == "/routerjson"
        form = dict(parse_qsl(request.content.decode()))
        seen.append(form)
        body = handler(form, json.loads(form["360buy_param_json"]))
        return httpx.Response(200, text=json.dumps(body, ensure_ascii=False))

    client = httpx.Client(transport=httpx.MockTransport(respond), base_url="https://api.jd.com")
    http = ChannelHttp("https://api.jd.com", client=client)
    window = PullWindow(utc(2024, 11, 10, 16), utc(2024, 11, 11, 4))
    page = JdAdapter(page_size=2, clock=lambda: NOW).pull_page(http, SHOP, window, token)
    return page, seen


def search_answer(page_orders: list[dict[str, Any]], total: int) -> dict[str, Any]:
    result = {"apiResult": {"success": True}, "orderTotal": total, "orderInfoList": page_orders}
    return {"jingdong_pop_order_search_responce": {"code": "0", "searchorderinfo_result": result}}


def paged(form: dict[str, str], business: dict[str, Any]) -> dict[str, Any]:
    number = int(business["page"])
    return search_answer(orders()[(number - 1) * 2 : number * 2], total=5)


def test_pull_reads_pages_from_the_last_back_to_the_first() -> None:
    first, seen = run_pull(paged, None)
    assert [json.loads(raw)["orderId"] for raw in first.orders] == ["300011987650"]  # page 3
    assert [json.loads(seen[i]["360buy_param_json"])["page"] for i in (0, 1)] == ["1", "3"]
    assert first.next_page_token == "2"
    second, _ = run_pull(paged, "2")
    assert second.next_page_token == "1"
    last, _ = run_pull(paged, "1")
    assert last.next_page_token is None
    assert [json.loads(raw)["orderId"] for raw in last.orders] == ["300012345678", "300012399001"]
    assert [JdAdapter().parse(raw, SHOP).platform_order_id for raw in last.orders] == [
        "300012345678",
        "300012399001",
    ]


def test_pull_request_is_signed_and_carries_the_window() -> None:
    _, seen = run_pull(paged, "1")
    (form,) = seen
    assert form["sign"] == independent_sign(form, "s3cr3t")
    assert {k: form[k] for k in ("method", "app_key", "access_token", "v", "format")} == {
        "method": "jingdong.pop.order.search",
        "app_key": "APPKEY123",
        "access_token": "tok-jd",
        "v": "2.0",
        "format": "json",
    }
    assert form["timestamp"] == "2024-11-11 12:00:00"  # Beijing time of NOW
    business = json.loads(form["360buy_param_json"])
    assert (business["start_date"], business["end_date"]) == (
        "2024-11-11 00:00:00",
        "2024-11-11 12:00:00",
    )
    assert business["dateType"] == "0" and business["page_size"] == "2"
    assert "TRADE_CANCELED" in business["order_state"] and "LOCKED" in business["order_state"]


def test_pulled_raw_text_keeps_numbers_exactly() -> None:
    def answer(form: dict[str, str], business: dict[str, Any]) -> dict[str, Any]:
        return {"jingdong_pop_order_search_responce": {"searchorderinfo_result": {
            "orderTotal": 1, "orderInfoList": [{"orderId": 1, "weight": "W"}]}}}  # fmt: skip

    page, _ = run_pull(answer, None)
    assert page.orders == ['{"orderId":1,"weight":"W"}'] and page.next_page_token is None
    assert dumps_exact(json.loads('{"a":1.10,"b":[2E+3,"中"]}', parse_float=Decimal)) == (
        '{"a":1.10,"b":[2E+3,"中"]}'
    )


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"error_response": {"code": "19", "zh_desc": "token已过期"}}, ChannelAuthError),
        ({"error_response": {"code": "7", "en_desc": "Invalid signature"}}, ChannelAuthError),
        ({"error_response": {"code": "62", "zh_desc": "调用过于频繁"}}, TransientChannelError),
        ({"error_response": {"code": "40", "zh_desc": "参数错误"}}, ChannelRequestError),
        (
            {
                "jingdong_pop_order_search_responce": {
                    "searchorderinfo_result": {
                        "apiResult": {"success": False, "chineseErrCode": "查询时间跨度过大"}
                    }
                }
            },
            ChannelRequestError,
        ),
        ({"something": "else"}, ChannelRequestError),
    ],
)
def test_platform_errors_are_sorted(body: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        run_pull(lambda form, business: body, None)


def test_no_webhooks_and_registration() -> None:
    adapter = JdAdapter()
    assert adapter.verify_webhook({}, b"{}", SHOP) is False
    assert adapter.webhook_orders({}, b"{}") == []
    assert isinstance(adapter_for("jd"), JdAdapter)
    with pytest.raises(ValueError):
        JdAdapter(page_size=51)
