"""DouyinAdapter: the published legacy 抖店 examples (JSONC), amounts in fen, statuses,
signing, message-push verification and pull_page against a scripted gateway."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from orderhub.channels import registry
from orderhub.channels.adapters.douyin import DouyinAdapter, douyin_sign, list_items
from orderhub.channels.adapters.jsonc import load_jsonc, strip_jsonc
from orderhub.channels.base import ParseError, PullWindow, ShopContext
from orderhub.channels.http import (
    ChannelAuthError,
    ChannelHttp,
    ChannelRequestError,
    TransientChannelError,
)
from orderhub.orders.domain import Address, ChannelState, LineDraft, validate_order
from orderhub.orders.lifecycle import PaymentStatus
from tests.samples import sample_dir

SAMPLES = sample_dir("douyin_doudian")
DETAIL = SAMPLES / "order_detail_legacy_official_doc_example_via_handsomegyr_jinritemai.jsonc"
LIST = SAMPLES / "order_list_legacy_official_doc_example_via_handsomegyr_jinritemai.jsonc"
CREDS = {"app_key": "3409409348479354011", "app_secret": "s3cr3t", "access_token": "tok"}
SHOP = ShopContext("dy1", "douyin", "CNY", CREDS)
ADAPTER = DouyinAdapter()
C, P = ChannelState, PaymentStatus
ZERO = Decimal(0)


def detail_order() -> dict[str, Any]:
    order: dict[str, Any] = load_jsonc(DETAIL.read_text())["data"]["list"][0]
    return order


def parse_order(order: dict[str, Any]) -> Any:
    return ADAPTER.parse(json.dumps(order, ensure_ascii=False), SHOP)


def test_detail_example_field_by_field() -> None:
    raw = DETAIL.read_text()
    draft = ADAPTER.parse(raw, SHOP)
    assert draft.platform_order_id == "6496679971677798670A"
    assert draft.currency == "CNY"
    assert draft.lines == (
        LineDraft(
            title="泰国陶瓷粉饼粉扑保湿遮瑕修容持久定妆控油防水正品",
            quantity=1,
            unit_price=Decimal("100.00"),  # combo_amount 10000 fen
            discount=Decimal("10.00"),  # 10000 - total_amount 9000 (the 1000 coupon share)
            sku_code=None,  # code "" and out_sku_id 0
            platform_sku_id="11801",
            spec="颜色分类:正方形（送土豪金勺+杯盖）",
        ),
        LineDraft(
            title="雪花秀撕拉面膜50ml 深层清洁温和不刺激",
            quantity=1,
            unit_price=Decimal("100.00"),
            discount=Decimal("10.00"),
            sku_code=None,
            platform_sku_id="6705",
            spec="颜色分类:丁香灰",
        ),
    )
    assert draft.goods_amount == Decimal("180.00")
    assert (draft.order_discount, draft.shipping_fee, draft.total) == (
        ZERO,
        ZERO,
        Decimal("180.00"),
    )
    assert draft.receiver == Address(
        name="啦啦",
        phone="19900000001",
        country="CN",
        province="内蒙古自治区",
        city="呼和浩特市",
        district="市辖区",  # as the platform says; normalising is not the adapter's job
        street="x详细地址aaa ",  # trailing space kept
        postcode="10010",
    )
    assert draft.placed_at == datetime(2017, 12, 7, 5, 56, 19, tzinfo=UTC)  # 1512626179
    assert draft.paid_at is None
    assert draft.platform_updated_at == datetime(2018, 6, 4, 4, 16, 56, tzinfo=UTC)
    assert draft.channel_state is C.SHIPPED
    assert draft.payment_status is P.UNPAID  # pay_type 0: cash on delivery, not yet completed
    assert draft.platform_status == "3"
    assert (draft.buyer_id, draft.buyer_nick) == (None, None)  # user_name is ""
    assert (draft.buyer_note, draft.seller_note) == ("这是买家留言", "这里是卖家留言")
    assert draft.extra == {"pay_type": "0", "shop_id": "13455"}
    assert draft.raw_payload == raw
    assert validate_order(draft) == []


def test_list_example_is_refused_because_it_shows_one_of_its_two_children() -> None:
    """The published order.list example has child_num 2 and order_total_amount 18000 but lists
    a single 9000 child: storing it would lose a line, so it is quarantined."""
    with pytest.raises(ParseError) as caught:
        ADAPTER.parse(LIST.read_text(), SHOP)
    assert (caught.value.code, caught.value.field) == ("FIELD_INVALID", "child")
    assert "child_num is 2 but 1" in caught.value.message


def test_list_example_made_whole_parses_with_its_pay_time() -> None:
    order = load_jsonc(LIST.read_text())["data"]["list"][0]
    order.update(child_num=1, order_total_amount=9000)
    draft = parse_order(order)
    assert draft.platform_order_id == "6496679971677798670A"
    assert draft.paid_at == datetime(2018, 6, 1, 4, 0, tzinfo=UTC)  # 12:00 Beijing
    assert (draft.channel_state, draft.payment_status) == (C.SHIPPED, P.PAID)  # Alipay
    assert (draft.buyer_nick, draft.total) == ("用户111", Decimal("90.00"))
    assert draft.extra == {"pay_type": "2", "b_type": "1", "shop_id": "13455"}
    assert validate_order(draft) == []


def test_adapter_is_registered() -> None:
    assert isinstance(registry.adapter_for("douyin"), DouyinAdapter)


# --- JSONC ----------------------------------------------------------------------------------


def test_jsonc_stripper_keeps_strings_intact() -> None:
    text = """{
      "url": "https://example.com/a//b", // a comment with "quotes"
      "quote": "say \\"hi\\" // not a comment",
      /* block
         comment */ "list": [1, 2, // the last one
      ],
      "nested": {"a": "x,}",},
    }"""
    assert json.loads(strip_jsonc(text)) == {
        "url": "https://example.com/a//b",
        "quote": 'say "hi" // not a comment',
        "list": [1, 2],
        "nested": {"a": "x,}"},
    }


def test_unterminated_jsonc_is_not_json() -> None:
    with pytest.raises(ParseError) as caught:
        ADAPTER.parse('{"order_id": "A1, // oops\n}', SHOP)
    assert caught.value.code == "PAYLOAD_NOT_JSON"


def test_strict_json_is_read_as_is() -> None:
    order = detail_order()
    assert load_jsonc(json.dumps(order)) == order
    assert parse_order(order).platform_order_id == "6496679971677798670A"


# --- money and statuses ---------------------------------------------------------------------


def test_postage_counts_whichever_way_the_total_was_stated() -> None:
    order = detail_order()
    order.update(post_amount=800, order_total_amount=18800)  # total includes postage
    draft = parse_order(order)
    assert (draft.shipping_fee, draft.total) == (Decimal("8.00"), Decimal("188.00"))
    assert "total_excludes_post" not in draft.extra
    assert validate_order(draft) == []
    order["order_total_amount"] = 18000  # the other documented reading: postage not included
    draft = parse_order(order)
    assert (draft.total, draft.extra["total_excludes_post"]) == (Decimal("188.00"), "1")
    assert validate_order(draft) == []


def test_a_total_that_fits_no_reading_is_reported() -> None:
    order = detail_order()
    order["order_total_amount"] = 17500
    draft = parse_order(order)
    assert draft.total == Decimal("175.00")
    assert [p[0] for p in validate_order(draft)] == ["AMOUNT_MISMATCH"]


@pytest.mark.parametrize(
    ("status", "children", "pay_type", "expected"),
    [
        (1, [1, 1], 1, (C.AWAITING_PAYMENT, P.UNPAID)),
        (2, [2, 2], 1, (C.PAID, P.PAID)),
        (2, [16, 2], 2, (C.REFUND_REQUESTED, P.PAID)),
        (2, [21, 2], 2, (C.PAID, P.PARTLY_REFUNDED)),
        (2, [2, 2], 0, (C.PAID, P.UNPAID)),  # cash on delivery
        (3, [3, 3], 1, (C.SHIPPED, P.PAID)),
        (3, [30, 3], 1, (C.SHIPPED, P.PAID)),
        (4, [4, 4], 1, (C.CANCELLED, P.UNPAID)),
        (5, [5, 5], 0, (C.COMPLETED, P.PAID)),
        (5, [39, 5], 1, (C.COMPLETED, P.PARTLY_REFUNDED)),
        (17, [17, 17], 1, (C.REFUND_REQUESTED, P.PAID)),
        (26, [26, 26], 1, (C.PAID, P.PAID)),
        (21, [21, 21], 1, (C.CANCELLED, P.REFUNDED)),
        (22, [22, 22], 1, (C.CANCELLED, P.REFUNDED)),
        (7, [7, 7], 1, (C.SHIPPED, P.PAID)),
    ],
)
def test_status_mapping(
    status: int, children: list[int], pay_type: int, expected: tuple[ChannelState, PaymentStatus]
) -> None:
    order = detail_order()
    order.update(order_status=status, pay_type=pay_type)
    for child, code in zip(order["child"], children, strict=True):
        child["order_status"] = code
    draft = parse_order(order)
    assert (draft.channel_state, draft.payment_status) == expected
    assert draft.platform_status == str(status)


def test_times_as_text_and_slashes_are_beijing() -> None:
    order = detail_order()
    order.update(create_time="2018/06/01 08:30:00", pay_time="2018-06-01 09:00:00", update_time="0")
    draft = parse_order(order)
    assert draft.placed_at == datetime(2018, 6, 1, 0, 30, tzinfo=UTC)
    assert draft.paid_at == datetime(2018, 6, 1, 1, 0, tzinfo=UTC)
    assert draft.platform_updated_at is None


def test_sku_code_prefers_the_seller_code() -> None:
    order = detail_order()
    order["child"][0]["code"] = "FEN-01"
    order["child"][1]["out_sku_id"] = 7788
    first, second = parse_order(order).lines
    assert (first.sku_code, second.sku_code) == ("FEN-01", "7788")


# --- bad payloads ---------------------------------------------------------------------------


def changed(**fields: Any) -> str:
    order = copy.deepcopy(detail_order())
    for key, value in fields.items():
        if value is None:
            order.pop(key)
        else:
            order[key] = value
    return json.dumps(order, ensure_ascii=False)


@pytest.mark.parametrize(
    ("raw", "code", "field"),
    [
        ("{ not json", "PAYLOAD_NOT_JSON", ""),
        ('{"err_no": 30002, "message": "access_token已过期", "data": {}}', "PLATFORM_ERROR", ""),
        ('{"err_no": 0, "data": {"list": []}}', "FIELD_INVALID", "data.list"),
        (changed(order_id=None), "ORDER_ID_MISSING", "order_id"),
        (changed(child=None), "FIELD_MISSING", "child"),
        (changed(order_total_amount="180.00"), "FIELD_INVALID", "order_total_amount"),
        (changed(order_total_amount=None), "FIELD_MISSING", "order_total_amount"),
        (changed(order_status=99), "FIELD_INVALID", "order_status"),
        (changed(create_time="yesterday"), "FIELD_INVALID", "create_time"),
        (changed(create_time=None), "FIELD_MISSING", "create_time"),
    ],
)
def test_bad_payloads_get_the_right_code(raw: str, code: str, field: str) -> None:
    with pytest.raises(ParseError) as caught:
        ADAPTER.parse(raw, SHOP)
    assert (caught.value.code, caught.value.field) == (code, field)


def test_a_bad_child_amount_names_the_child() -> None:
    order = detail_order()
    order["child"][1]["combo_amount"] = 99.5
    with pytest.raises(ParseError) as caught:
        parse_order(order)
    assert (caught.value.code, caught.value.field) == ("FIELD_INVALID", "child[1].combo_amount")


# --- signing and message push ---------------------------------------------------------------


def test_request_sign_is_md5_of_secret_wrapped_params() -> None:
    param_json = '{"order_id":"6496679971677798670A"}'
    plain = (
        "s3cr3tapp_key3409409348479354011methodorder.detailparam_json"
        + param_json
        + "timestamp2018-06-19 16:06:59v2s3cr3t"
    )
    expected = hashlib.md5(plain.encode()).hexdigest()
    sign = douyin_sign(
        "3409409348479354011", "s3cr3t", "order.detail", param_json, "2018-06-19 16:06:59"
    )
    assert sign == expected


def push_headers(body: bytes, **extra: str) -> dict[str, str]:
    sign = hashlib.md5(CREDS["app_key"].encode() + body + CREDS["app_secret"].encode()).hexdigest()
    return {"App-Id": CREDS["app_key"], "Event-Sign": sign, **extra}


def test_message_push_signature() -> None:
    body = b'[{"tag":"101","msg_id":"1","data":"{\\"p_id\\":1}"}]'
    assert ADAPTER.verify_webhook(push_headers(body), body, SHOP) is True
    assert ADAPTER.verify_webhook(push_headers(body), body + b" ", SHOP) is False
    assert ADAPTER.verify_webhook(push_headers(body, **{"App-Id": "other"}), body, SHOP) is False
    assert ADAPTER.verify_webhook({"App-Id": CREDS["app_key"]}, body, SHOP) is False
    no_secret = ShopContext("dy1", "douyin", "CNY", {"app_key": CREDS["app_key"]})
    assert ADAPTER.verify_webhook(push_headers(body), body, no_secret) is False
    assert ADAPTER.webhook_orders(push_headers(body), body) == []


# --- pull_page ------------------------------------------------------------------------------


class Gateway:
    def __init__(self, answers: dict[int, str]) -> None:
        self.answers = answers
        self.forms: list[dict[str, str]] = []

    def http(self) -> ChannelHttp:
        def reply(request: httpx.Request) -> httpx.Response:
            assert (request.method, request.url.path) == ("POST", "/order/list")
            form = dict(parse_qsl(request.content.decode(), keep_blank_values=True))
            self.forms.append(form)
            return httpx.Response(
                200, text=self.answers[int(json.loads(form["param_json"])["page"])]
            )

        client = httpx.Client(transport=httpx.MockTransport(reply), base_url="http://dy")
        return ChannelHttp("http://dy", client=client)


def answer(total: int, order_ids: list[str]) -> str:
    orders = ",\n  ".join(f'{{"order_id": "{oid}", "n": 1.10}}' for oid in order_ids)
    return f'{{"data": {{"count": {len(order_ids)}, "total": {total}, "list": [\n  {orders}\n]}}, "err_no": 0, "message": "success"}}'


WINDOW = PullWindow(datetime(2024, 3, 1, tzinfo=UTC), datetime(2024, 3, 1, 6, tzinfo=UTC))


def test_pull_signs_the_request_and_slices_orders_verbatim() -> None:
    gateway = Gateway({0: answer(2, ["A1", "A2"])})
    page = ADAPTER.pull_page(gateway.http(), SHOP, WINDOW, None)
    assert page.orders == ['{"order_id": "A1", "n": 1.10}', '{"order_id": "A2", "n": 1.10}']
    assert page.next_page_token is None
    (form,) = gateway.forms
    assert form["param_json"] == (
        '{"end_time":"2024/03/01 14:00:00","order_by":"update_time","page":"0",'
        '"size":"100","start_time":"2024/03/01 08:00:00"}'
    )
    assert (form["app_key"], form["method"], form["access_token"], form["v"]) == (
        CREDS["app_key"],
        "order.list",
        "tok",
        "2",
    )
    expected = douyin_sign(
        CREDS["app_key"], "s3cr3t", "order.list", form["param_json"], form["timestamp"]
    )
    assert form["sign"] == expected


def test_pull_reads_pages_from_the_last_back_to_the_first() -> None:
    gateway = Gateway({0: answer(230, ["p0"]), 1: answer(230, ["p1"]), 2: answer(230, ["p2"])})
    token: str | None = None
    seen: list[list[str]] = []
    while True:
        page = ADAPTER.pull_page(gateway.http(), SHOP, WINDOW, token)
        seen.append([json.loads(o)["order_id"] for o in page.orders])
        token = page.next_page_token
        if token is None:
            break
    assert seen == [[], ["p2"], ["p1"], ["p0"]]


@pytest.mark.parametrize(
    ("err_no", "kind"),
    [
        (9, TransientChannelError),
        (30002, ChannelAuthError),
        (11, ChannelAuthError),
        (4, ChannelRequestError),
    ],
)
def test_pull_sorts_platform_errors(err_no: int, kind: type[Exception]) -> None:
    gateway = Gateway({0: json.dumps({"err_no": err_no, "message": "x", "data": {}})})
    with pytest.raises(kind):
        ADAPTER.pull_page(gateway.http(), SHOP, WINDOW, None)


def test_list_items_handles_nesting_and_strings() -> None:
    text = '{"err_no":0,"data":{"x":[{"list":1}],"list":[{"a":"],"},[1,{"b":2}] ,{}]}}'
    assert list_items(text) == ['{"a":"],"}', '[1,{"b":2}]', "{}"]
    with pytest.raises(ChannelRequestError):
        list_items('{"data":{}}')


def test_missing_credentials_are_an_auth_error() -> None:
    shop = ShopContext("dy1", "douyin", "CNY", {"app_key": "k", "app_secret": "s"})
    with pytest.raises(ChannelAuthError, match="access_token"):
        ADAPTER.pull_page(Gateway({}).http(), shop, WINDOW, None)
