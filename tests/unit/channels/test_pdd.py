"""PddAdapter: parsing the hand-made fixture (from PDD's field list), signing and pulling."""

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

from orderhub.channels.adapters.jd import dumps_exact, router_sign
from orderhub.channels.adapters.pdd import PddAdapter
from orderhub.channels.base import ParseError, PullPage, PullWindow, ShopContext
from orderhub.channels.http import (
    ChannelAuthError,
    ChannelHttp,
    ChannelRequestError,
    TransientChannelError,
)
from orderhub.channels.registry import adapter_for
from orderhub.orders.domain import Address, ChannelState, OrderDraft, validate_order
from orderhub.orders.lifecycle import PaymentStatus

FIXTURE = Path(__file__).parent / "fixtures" / "pdd_order_information_response.json"
SHOP = ShopContext(
    code="pdd-socks",
    platform="pdd",
    currency="CNY",
    credentials={"client_id": "cid-42", "client_secret": "pdd-secret", "access_token": "tok-pdd"},
)
D = Decimal
NOW = datetime(2024, 11, 11, 4, 0, tzinfo=UTC)


def order() -> dict[str, Any]:
    doc = json.loads(FIXTURE.read_text(encoding="utf-8"), parse_float=Decimal)
    return copy.deepcopy(doc["order_info_get_response"]["order_info"])


def parse(doc: Any) -> OrderDraft:
    return PddAdapter().parse(dumps_exact(doc), SHOP)


def refused(doc: Any) -> ParseError:
    with pytest.raises(ParseError) as caught:
        parse(doc)
    return caught.value


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# ------------------------------------------------------------------------------------ parsing


def test_information_response_as_it_is_field_by_field() -> None:
    raw = FIXTURE.read_text(encoding="utf-8")
    draft = PddAdapter().parse(raw, SHOP)
    assert draft.platform_order_id == "241111-095837264110582" and draft.currency == "CNY"
    (line,) = draft.lines
    assert (line.sku_code, line.platform_sku_id, line.title, line.spec) == (
        "SOCK-CT-5P-BK",
        "1194820361872",
        "纯棉中筒袜子男女款秋冬加厚 5双装",
        "黑色,均码",
    )
    assert (line.quantity, line.unit_price, line.discount) == (3, D("39.90"), 0)
    # pay_amount 104.70 = goods_amount 119.70 − discount_amount 15.00 + postage 0
    assert (draft.goods_amount, draft.order_discount, draft.shipping_fee, draft.total) == (
        D("119.70"),
        D("15.00"),
        D("0.00"),
        D("104.70"),
    )
    assert (draft.channel_state, draft.payment_status) == (ChannelState.PAID, PaymentStatus.PAID)
    assert draft.platform_status == "order_status=1 refund_status=1 confirm_status=1"
    assert draft.placed_at == utc(2024, 11, 11, 1, 58, 37)  # 09:58:37 Beijing
    assert draft.paid_at == utc(2024, 11, 11, 1, 58, 50)
    assert draft.platform_updated_at == utc(2024, 11, 11, 2, 2, 13)
    # Masked twins in the address; ciphertexts kept verbatim in extra.
    assert draft.receiver == Address(
        name="李*",
        phone="139****8820",
        country="CN",
        province="广东省",
        city="深圳市",
        district="南山区",
        street="粤海街道高新南七道****",
    )
    assert (
        draft.extra["receiver_name_cipher"] == "~AgAAAAFz8F0D3Q3b2yJZ1QA9pD3pRz1bCqkEnq3m~kSdk~1~~"
    )
    assert draft.extra["receiver_phone_cipher"].startswith("$139$")
    assert draft.extra["address_cipher"].startswith("~AgAAAAFz8F0G")
    assert (draft.buyer_note, draft.seller_note, draft.buyer_id) == ("麻烦发中通，谢谢", "", None)
    assert draft.extra["platform_discount"] == "10.00" and "price_change" not in draft.extra
    assert draft.raw_payload == raw
    assert validate_order(draft) == []


def test_bare_order_and_list_envelopes_are_accepted() -> None:
    assert parse(order()).platform_order_id == "241111-095837264110582"
    listed = {"order_list_get_response": {"order_list": [order()], "has_next": False}}
    assert parse(listed).total == D("104.70")
    increment = {"order_sn_increment_get_response": {"order_sn_list": [order(), order()]}}
    assert refused(increment).code == "MULTIPLE_ORDERS"
    assert refused({"order_list_get_response": {"order_list": []}}).code == "ORDER_MISSING"


@pytest.mark.parametrize(
    ("changes", "state", "payment"),
    [
        ({"refund_status": 2}, ChannelState.REFUND_REQUESTED, PaymentStatus.PAID),
        ({"refund_status": 3}, ChannelState.REFUND_REQUESTED, PaymentStatus.PAID),
        ({"refund_status": 4}, ChannelState.CANCELLED, PaymentStatus.REFUNDED),
        ({"order_status": 2, "refund_status": 4}, ChannelState.CANCELLED, PaymentStatus.REFUNDED),
        ({"order_status": 2}, ChannelState.SHIPPED, PaymentStatus.PAID),
        ({"order_status": 2, "refund_status": 2}, ChannelState.SHIPPED, PaymentStatus.PAID),
        ({"order_status": 3}, ChannelState.COMPLETED, PaymentStatus.PAID),
        ({"confirm_status": 0}, ChannelState.AWAITING_PAYMENT, PaymentStatus.PAID),
        (
            {"confirm_status": 0, "pay_time": ""},
            ChannelState.AWAITING_PAYMENT,
            PaymentStatus.UNPAID,
        ),
        ({"confirm_status": 2}, ChannelState.CANCELLED, PaymentStatus.REFUNDED),
        ({"order_status": "1", "refund_status": "1"}, ChannelState.PAID, PaymentStatus.PAID),
    ],
)
def test_statuses(changes: dict[str, Any], state: ChannelState, payment: PaymentStatus) -> None:
    draft = parse(order() | changes)
    assert (draft.channel_state, draft.payment_status) == (state, payment)


def test_a_seller_price_change_is_an_order_discount() -> None:
    # 改价: the seller cut 9.70 before payment; goods_amount is price × count − 改价.
    source = order() | {"goods_amount": D("110.00"), "pay_amount": D("95.00")}
    draft = parse(source)
    assert draft.extra["price_change"] == "9.70"
    assert draft.order_discount == D("24.70") and draft.total == D("95.00")
    assert validate_order(draft) == []


def test_amounts_that_do_not_add_up_are_left_for_validation_to_report() -> None:
    draft = parse(order() | {"pay_amount": D("99.70")})
    assert draft.total == D("99.70")
    assert [code for code, _, _ in validate_order(draft)] == ["AMOUNT_MISMATCH"]
    # Lines short of goods_amount are not absorbed either.
    short = parse(order() | {"goods_amount": D("159.60"), "pay_amount": D("144.60")})
    assert "price_change" not in short.extra
    assert [code for code, _, _ in validate_order(short)] == ["AMOUNT_MISMATCH"]


def test_discount_parts_and_fields_without_masks() -> None:
    source = order()
    for key in (
        "discount_amount",
        "receiver_name_mask",
        "receiver_address",
        "receiver_address_mask",
    ):
        del source[key]
    source["address_mask"] = ""
    source["address"] = "广东省深圳市南山区粤海街道高新南七道88号"
    draft = parse(source)
    assert draft.order_discount == D("15.00")  # 5 seller + 10 platform + 0 capital-free
    assert draft.receiver.name == source["receiver_name"]  # no mask: kept as received
    assert draft.receiver.street == "广东省深圳市南山区粤海街道高新南七道88号"
    assert "receiver_name_cipher" not in draft.extra


def test_bad_payloads_get_their_codes() -> None:
    base = order()
    assert refused(base | {"order_status": 0}).code == "STATUS_UNKNOWN"
    assert refused(base | {"order_status": None}).code == "FIELD_MISSING"
    assert refused(base | {"order_sn": ""}).code == "ORDER_ID_MISSING"
    assert refused(base | {"created_time": "11/11"}).code == "FIELD_INVALID"
    assert refused(base | {"pay_amount": None}).code == "FIELD_MISSING"
    bad = copy.deepcopy(base)
    bad["item_list"][0]["goods_count"] = "three"
    assert (refused(bad).code, refused(bad).field) == ("FIELD_INVALID", "item_list[0].goods_count")
    assert refused({"error_response": {"error_code": 10019}}).code == "PAYLOAD_SHAPE_UNKNOWN"
    with pytest.raises(ParseError) as caught:
        PddAdapter().parse("[]", SHOP)
    assert caught.value.code == "PAYLOAD_NOT_OBJECT"


# ----------------------------------------------------------------------------------- signing


def test_signature_matches_an_independent_computation() -> None:
    params = {
        "type": "pdd.order.number.list.increment.get",
        "client_id": "cid-42",
        "timestamp": "1731297600",
        "data_type": "JSON",
        "page": "1",
    }
    joined = "".join(key + params[key] for key in sorted(params))
    expected = hashlib.md5(f"pdd-secret{joined}pdd-secret".encode()).hexdigest().upper()
    assert router_sign(params, "pdd-secret") == expected
    assert router_sign(params | {"sign": "X"}, "pdd-secret") == expected


# ----------------------------------------------------------------------------------- pulling

Handler = Callable[[dict[str, str]], dict[str, Any]]
WINDOW = PullWindow(utc(2024, 11, 11, 2), utc(2024, 11, 11, 2, 45))
START = int(WINDOW.start.timestamp())


def run_pull(handler: Handler, token: str | None) -> tuple[PullPage, list[dict[str, str]]]:
    seen: list[dict[str, str]] = []

    def respond(request: httpx.Request) -> httpx.Response:
        assert request.method == "POST" and request.url.path == "/api/router"
        form = dict(parse_qsl(request.content.decode()))
        seen.append(form)
        return httpx.Response(200, text=json.dumps(handler(form), ensure_ascii=False))

    base = "https://gw-api.pinduoduo.com"
    http = ChannelHttp(
        base, client=httpx.Client(transport=httpx.MockTransport(respond), base_url=base)
    )
    adapter = PddAdapter(page_size=2, clock=lambda: NOW)
    return adapter.pull_page(http, SHOP, WINDOW, token), seen


def increment(form: dict[str, str]) -> dict[str, Any]:
    """Five orders in the first slice, none in the second."""
    if form["start_updated_at"] != str(START):
        return {"order_sn_increment_get_response": {"total_count": 0, "order_sn_list": []}}
    names = [f"241111-00000000000000{i}" for i in range(1, 6)]
    page = int(form["page"])
    chunk = [{"order_sn": sn} for sn in names[(page - 1) * 2 : page * 2]]
    return {"order_sn_increment_get_response": {"total_count": 5, "order_sn_list": chunk}}


def pulled(page: PullPage) -> list[str]:
    return [json.loads(raw)["order_sn"] for raw in page.orders]


def test_pull_cuts_30_minute_slices_and_reads_each_backwards() -> None:
    first, seen = run_pull(increment, None)
    assert [(f["page"], f["start_updated_at"], f["end_updated_at"]) for f in seen] == [
        ("1", str(START), str(START + 1800)),  # probe for total_count
        ("3", str(START), str(START + 1800)),
    ]
    assert pulled(first) == ["241111-000000000000005"]
    assert first.next_page_token == f"{START}:2"
    second, _ = run_pull(increment, first.next_page_token)
    assert second.next_page_token == f"{START}:1"
    third, _ = run_pull(increment, second.next_page_token)
    assert pulled(third) == ["241111-000000000000001", "241111-000000000000002"]
    assert third.next_page_token == f"{START + 1800}:"  # next slice, probe first
    last, seen = run_pull(increment, third.next_page_token)
    assert (seen[0]["start_updated_at"], seen[0]["end_updated_at"]) == (
        str(START + 1800),
        str(START + 2700),  # the window's end, 15 minutes later
    )
    assert last.orders == [] and last.next_page_token is None


def test_pull_request_is_signed() -> None:
    _, seen = run_pull(increment, None)
    form = seen[0]
    assert form["sign"] == router_sign(form, "pdd-secret")
    assert {
        k: form[k] for k in ("type", "client_id", "access_token", "data_type", "timestamp")
    } == {
        "type": "pdd.order.number.list.increment.get",
        "client_id": "cid-42",
        "access_token": "tok-pdd",
        "data_type": "JSON",
        "timestamp": str(int(NOW.timestamp())),
    }
    assert (form["order_status"], form["refund_status"], form["page_size"]) == ("5", "5", "2")


def test_pulled_orders_are_exact_json_and_parse() -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    source = json.loads(text)["order_info_get_response"]["order_info"]

    def answer(form: dict[str, str]) -> dict[str, Any]:
        return {"order_sn_increment_get_response": {"total_count": 1, "order_sn_list": [source]}}

    page, _ = run_pull(answer, None)
    (raw,) = page.orders
    assert '"goods_price":39.9' in raw  # json.dumps of the test server wrote floats
    assert PddAdapter().parse(raw, SHOP).total == D("104.7")


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        ({"error_code": 10019, "error_msg": "access_token已过期"}, ChannelAuthError),
        ({"error_code": 20004, "error_msg": "签名验证失败"}, ChannelAuthError),
        ({"error_code": 70031, "error_msg": "调用过于频繁，请调整调用频率"}, TransientChannelError),
        (
            {"error_code": 50001, "error_msg": "业务服务错误", "sub_msg": "服务繁忙"},
            TransientChannelError,
        ),
        ({"error_code": 10000, "error_msg": "参数错误"}, ChannelRequestError),
    ],
)
def test_platform_errors_are_sorted(error: dict[str, Any], expected: type[Exception]) -> None:
    with pytest.raises(expected):
        run_pull(lambda form: {"error_response": error}, None)


def test_a_page_without_the_response_object_is_a_request_error() -> None:
    with pytest.raises(ChannelRequestError):
        run_pull(lambda form: {"unexpected": True}, None)


def test_no_webhooks_and_registration() -> None:
    adapter = PddAdapter()
    assert adapter.verify_webhook({}, b"{}", SHOP) is False
    assert adapter.webhook_orders({}, b"{}") == []
    assert isinstance(adapter_for("pdd"), PddAdapter)
    with pytest.raises(ValueError):
        PddAdapter(page_size=0)
