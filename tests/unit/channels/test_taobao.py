"""TaobaoAdapter: the published samples field by field, status and money rules, bad payloads,
and pull_page against a scripted TOP gateway (httpx.MockTransport)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from orderhub.channels import registry
from orderhub.channels.adapters.taobao import FULLINFO_FIELDS, Cursor, TaobaoAdapter
from orderhub.channels.adapters.taobao_sign import sign_top
from orderhub.channels.base import ParseError, PullWindow, ShopContext
from orderhub.channels.http import (
    ChannelAuthError,
    ChannelError,
    ChannelHttp,
    ChannelRequestError,
    TransientChannelError,
)
from orderhub.orders.domain import Address, ChannelState, LineDraft, validate_order
from orderhub.orders.lifecycle import PaymentStatus
from tests.samples import sample_dir

SAMPLES = sample_dir("taobao_top")
CLOSED = SAMPLES / "trade_fullinfo_get_response_TRADE_CLOSED_BY_TAOBAO_lenvon2012_tm.json"
FINISHED = SAMPLES / "trade_fullinfo_get_response_TRADE_FINISHED_lenvon2012_tm.json"
SOLD_GET = SAMPLES / "trades_sold_get_response_official_doc_example_via_xabaohui_zis.json"
CREDS = {"app_key": "12345678", "app_secret": "helloworld", "session": "sess-1"}
SHOP = ShopContext("tb1", "taobao", "CNY", CREDS)
ADAPTER = TaobaoAdapter()
C, P = ChannelState, PaymentStatus
ZERO = Decimal(0)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def wrap(trade: dict[str, Any]) -> str:
    doc = {"trade_fullinfo_get_response": {"trade": trade}}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def sample_trade(path: Path) -> dict[str, Any]:
    trade: dict[str, Any] = json.loads(path.read_text())["trade_fullinfo_get_response"]["trade"]
    return trade


def parse_trade(trade: dict[str, Any]) -> Any:
    return ADAPTER.parse(wrap(trade), SHOP)


# --- the published samples -----------------------------------------------------------------


def test_closed_by_taobao_sample_field_by_field() -> None:
    raw = CLOSED.read_text()
    draft = ADAPTER.parse(raw, SHOP)
    assert draft.platform_order_id == "452790065331038"
    assert draft.currency == "CNY"
    assert draft.lines == (
        LineDraft(
            title="2013春秋装 男士 长袖T恤男新款 圆领长纯色 简单打底衫 休闲体恤",
            quantity=1,
            unit_price=Decimal("88.00"),
            discount=Decimal("74.20"),  # the 亏本清仓 promotion: 88.00 - total_fee 13.80
            sku_code="TX324A0212",
            platform_sku_id="33395009470",
            spec="颜色:白色;尺码:180/100(XL)",
        ),
    )
    assert draft.goods_amount == Decimal("13.80")
    assert (draft.order_discount, draft.shipping_fee, draft.total) == (ZERO, ZERO, Decimal("13.80"))
    assert draft.receiver == Address(
        name="屈**",
        phone="1389289****",
        country="CN",
        province="陕西省",
        city="西安市",
        district="雁塔区",
        street="丈**路吉的堡绿地**园",
        postcode="710065",
    )
    assert draft.placed_at == utc(2013, 11, 10, 6, 22, 38)  # 14:22:38 Beijing
    assert draft.paid_at is None
    assert draft.platform_updated_at == utc(2014, 1, 30, 16, 18, 1)  # 2014-01-31 00:18:01 Beijing
    assert draft.channel_state is C.CANCELLED
    assert draft.payment_status is P.UNPAID  # closed before payment: no pay_time
    assert draft.platform_status == "TRADE_CLOSED_BY_TAOBAO"
    assert (draft.buyer_id, draft.buyer_nick, draft.buyer_email) == (None, "ququ617", None)
    assert (draft.buyer_note, draft.seller_note) == ("", "已催 小强 11.11")
    assert draft.extra == {"trade_type": "fixed", "trade_from": "TAOBAO"}
    assert draft.raw_payload == raw
    assert validate_order(draft) == []


def test_finished_sample_field_by_field() -> None:
    draft = ADAPTER.parse(FINISHED.read_text(), SHOP)
    assert draft.platform_order_id == "518073718172548"
    (line,) = draft.lines
    assert line == LineDraft(
        title="梳美人天然绿檀木梳子檀檀香静电防静电正品断发脱发大圆个人洗漱",
        quantity=2,
        unit_price=Decimal("38.00"),
        discount=Decimal("0.00"),
        sku_code=None,  # no outer_sku_id / outer_iid in this trade
        platform_sku_id="56388300261",
        spec="颜色分类:绿檀大圆把",
    )
    assert (draft.goods_amount, draft.order_discount) == (Decimal("76.00"), ZERO)
    assert (draft.shipping_fee, draft.total) == (ZERO, Decimal("76.00"))
    assert draft.receiver == Address(
        name="闫**",
        phone="1573672****",
        province="河南省",
        city="郑州市",
        district="管城回族区",
        street="南关**号北**单**楼西户",
        postcode="450000",
    )
    assert draft.placed_at == utc(2014, 1, 15, 13, 40, 1)
    assert draft.paid_at == utc(2014, 1, 15, 13, 40, 24)
    assert draft.platform_updated_at == utc(2014, 2, 6, 7, 35, 43)
    assert (draft.channel_state, draft.payment_status) == (C.COMPLETED, P.PAID)
    assert draft.platform_status == "TRADE_FINISHED"
    assert (draft.buyer_nick, draft.buyer_email) == ("老婆最大51521", None)  # masked email left out
    assert validate_order(draft) == []


def test_official_trades_sold_get_example_is_refused_for_its_empty_sub_order() -> None:
    """The doc example's `orders: {"order": [{}]}` has no line to sell; making one up from the
    trade-level placeholders (num_iid, title "麦包包") would invent data, so it is quarantined."""
    with pytest.raises(ParseError) as caught:
        ADAPTER.parse(SOLD_GET.read_text(), SHOP)
    assert caught.value.code == "FIELD_MISSING"
    assert caught.value.field == "orders.order[0].num"
    assert "num, price, total_fee, title" in caught.value.message


def test_sold_get_example_with_a_real_sub_order_parses() -> None:
    doc = json.loads(SOLD_GET.read_text())
    trade = doc["trades_sold_get_response"]["trades"]["trade"][0]
    trade["orders"]["order"] = [
        {"title": "麦包包", "price": "200.07", "num": 1, "total_fee": "200.07"}
    ]
    trade["payment"], trade["post_fee"] = "200.07", "0.00"
    draft = ADAPTER.parse(json.dumps(doc, ensure_ascii=False), SHOP)
    assert draft.platform_order_id == "2231958349"
    assert (draft.channel_state, draft.payment_status) == (C.AWAITING_PAYMENT, P.UNPAID)
    assert draft.receiver.street == "三墎镇淘宝城911号"  # receiver_town + receiver_address
    assert draft.receiver.phone == "13512501826"  # mobile before phone
    assert draft.extra["step_trade_status"] == "FRONT_NOPAID_FINAL_NOPAID"
    assert draft.extra["receiver_country"] == "中国"
    assert validate_order(draft) == []


def test_bare_trade_and_wrapped_trade_give_the_same_order() -> None:
    trade = sample_trade(FINISHED)
    bare = ADAPTER.parse(json.dumps(trade, ensure_ascii=False), SHOP)
    wrapped = parse_trade(trade)
    assert bare.lines == wrapped.lines and bare.total == wrapped.total
    assert bare.platform_order_id == wrapped.platform_order_id == "518073718172548"


def test_adapter_is_registered_for_taobao_and_tmall() -> None:
    assert isinstance(registry.adapter_for("taobao"), TaobaoAdapter)
    assert isinstance(registry.adapter_for("tmall"), TaobaoAdapter)
    assert TaobaoAdapter.platforms == ("taobao", "tmall")


# --- money ----------------------------------------------------------------------------------


def multi_line_trade() -> dict[str, Any]:
    """Two sub-orders, a 10.00 order-level 满减 spread over them, 8.00 postage."""
    trade = sample_trade(FINISHED)
    trade.update(status="WAIT_SELLER_SEND_GOODS", post_fee="8.00", payment="158.00")
    first = trade["orders"]["order"][0]
    first.update(total_fee="76.00", part_mjz_discount="4.00", payment="72.00", outer_iid="COMB-1")
    second = {
        **first,
        "oid": 518073718172549,
        "title": "檀木梳礼盒",
        "sku_id": None,
        "num_iid": 37000093370,
        "outer_sku_id": "BOX-2",
        "price": "99.50",
        "num": 1,
        "discount_fee": "10.00",
        "adjust_fee": "-5.50",
        "total_fee": "84.00",
        "part_mjz_discount": "6.00",
        "payment": "78.00",
    }
    trade["orders"]["order"].append(second)
    return trade


def test_lines_keep_sub_order_discounts_and_the_order_keeps_order_level_ones() -> None:
    draft = parse_trade(multi_line_trade())
    first, second = draft.lines
    assert (first.sku_code, first.amount) == ("COMB-1", Decimal("76.00"))
    assert (second.sku_code, second.platform_sku_id) == ("BOX-2", "37000093370")
    assert (second.unit_price, second.discount, second.amount) == (
        Decimal("99.50"),
        Decimal("15.50"),  # discount_fee 10.00 + seller's adjustment -5.50
        Decimal("84.00"),
    )
    assert draft.order_discount == Decimal("10.00")  # the two part_mjz_discount shares
    assert (draft.shipping_fee, draft.total) == (Decimal("8.00"), Decimal("158.00"))
    assert validate_order(draft) == []


def test_unreconcilable_figures_are_reported_not_fudged() -> None:
    trade = multi_line_trade()
    trade["payment"] = "999.00"  # more than lines + postage
    draft = parse_trade(trade)
    assert (draft.total, draft.order_discount) == (Decimal("999.00"), ZERO)
    assert [p[0] for p in validate_order(draft)] == ["AMOUNT_MISMATCH"]


def test_an_upward_seller_adjustment_is_flagged_by_validation() -> None:
    trade = sample_trade(FINISHED)
    trade["orders"]["order"][0].update(adjust_fee="4.00", total_fee="80.00")
    trade["payment"] = "80.00"
    draft = parse_trade(trade)
    assert draft.lines[0].discount == Decimal("-4.00")
    assert [p[0] for p in validate_order(draft)] == ["LINE_DISCOUNT_INVALID"]


def test_json_numbers_become_exact_decimals() -> None:
    text = wrap(sample_trade(FINISHED)).replace('"payment":"76.00"', '"payment":76.10')
    text = text.replace('"total_fee":"76.00"', '"total_fee":76.10', 1)
    draft = ADAPTER.parse(text.replace('"post_fee":"0.00"', '"post_fee":0.1'), SHOP)
    assert draft.total == Decimal("76.10") and draft.shipping_fee == Decimal("0.1")


# --- statuses -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "pay_time", "refunds", "expected"),
    [
        ("WAIT_BUYER_PAY", None, [], (C.AWAITING_PAYMENT, P.UNPAID, "WAIT_BUYER_PAY")),
        ("TRADE_NO_CREATE_PAY", None, [], (C.AWAITING_PAYMENT, P.UNPAID, "TRADE_NO_CREATE_PAY")),
        ("PAY_PENDING", None, [], (C.AWAITING_PAYMENT, P.UNPAID, "PAY_PENDING")),
        (
            "WAIT_PRE_AUTH_CONFIRM",
            None,
            [],
            (C.AWAITING_PAYMENT, P.UNPAID, "WAIT_PRE_AUTH_CONFIRM"),
        ),
        ("PAID_FORBID_CONSIGN", "x", [], (C.AWAITING_PAYMENT, P.PAID, "PAID_FORBID_CONSIGN")),
        ("WAIT_SELLER_SEND_GOODS", "x", [], (C.PAID, P.PAID, "WAIT_SELLER_SEND_GOODS")),
        (
            "WAIT_SELLER_SEND_GOODS",
            "x",
            ["WAIT_SELLER_AGREE", "NO_REFUND"],
            (C.REFUND_REQUESTED, P.PAID, "WAIT_SELLER_SEND_GOODS;refund:WAIT_SELLER_AGREE"),
        ),
        (
            "WAIT_SELLER_SEND_GOODS",
            "x",
            ["SELLER_REFUSE_BUYER", "NO_REFUND"],
            (C.PAID, P.PAID, "WAIT_SELLER_SEND_GOODS;refund:SELLER_REFUSE_BUYER"),
        ),
        (
            "WAIT_SELLER_SEND_GOODS",
            "x",
            ["SUCCESS", "NO_REFUND"],
            (C.PAID, P.PARTLY_REFUNDED, "WAIT_SELLER_SEND_GOODS;refund:SUCCESS"),
        ),
        ("SELLER_CONSIGNED_PART", "x", [], (C.SHIPPED, P.PAID, "SELLER_CONSIGNED_PART")),
        (
            "WAIT_BUYER_CONFIRM_GOODS",
            "x",
            ["WAIT_BUYER_RETURN_GOODS", "NO_REFUND"],
            (C.SHIPPED, P.PAID, "WAIT_BUYER_CONFIRM_GOODS;refund:WAIT_BUYER_RETURN_GOODS"),
        ),
        ("TRADE_BUYER_SIGNED", "x", [], (C.SHIPPED, P.PAID, "TRADE_BUYER_SIGNED")),
        (
            "TRADE_FINISHED",
            "x",
            ["SUCCESS", "CLOSED"],
            (C.COMPLETED, P.PARTLY_REFUNDED, "TRADE_FINISHED;refund:SUCCESS,CLOSED"),
        ),
        (
            "TRADE_CLOSED",
            "x",
            ["SUCCESS", "SUCCESS"],
            (C.CANCELLED, P.REFUNDED, "TRADE_CLOSED;refund:SUCCESS"),
        ),
        ("TRADE_CLOSED_BY_TAOBAO", None, [], (C.CANCELLED, P.UNPAID, "TRADE_CLOSED_BY_TAOBAO")),
    ],
)
def test_status_mapping(
    status: str,
    pay_time: str | None,
    refunds: list[str],
    expected: tuple[ChannelState, PaymentStatus, str],
) -> None:
    trade = multi_line_trade()
    trade["status"] = status
    if pay_time is None:
        trade.pop("pay_time")
    for sub, refund in zip(trade["orders"]["order"], refunds or ["NO_REFUND"] * 2, strict=True):
        sub["refund_status"] = refund
    draft = parse_trade(trade)
    assert (draft.channel_state, draft.payment_status, draft.platform_status) == expected
    assert validate_order(draft) == []


def test_cash_on_delivery_is_unpaid_until_signed() -> None:
    trade = sample_trade(FINISHED)
    trade.update(type="cod", status="WAIT_BUYER_CONFIRM_GOODS")
    assert parse_trade(trade).payment_status is P.UNPAID
    trade["status"] = "TRADE_BUYER_SIGNED"
    assert parse_trade(trade).payment_status is P.PAID


def test_buyer_open_uid_and_oaid_are_kept_as_received() -> None:
    trade = sample_trade(FINISHED)
    trade.update(
        buyer_open_uid="AAHk5d-EAAeGwJedwSFu0XXX",
        oaid="1QeBqDGqQ2cO1IeXSWhJ9Ag",
        buyer_nick="t**1",
        receiver_mobile=None,
        receiver_phone="029-8597****",
        buyer_message="请用顺丰",
    )
    draft = parse_trade(trade)
    assert (draft.buyer_id, draft.buyer_nick) == ("AAHk5d-EAAeGwJedwSFu0XXX", "t**1")
    assert draft.extra["oaid"] == "1QeBqDGqQ2cO1IeXSWhJ9Ag"
    assert draft.receiver.phone == "029-8597****"
    assert draft.buyer_note == "请用顺丰"
    trade.pop("buyer_open_uid")
    trade["buyer_id"] = "b-42"
    assert parse_trade(trade).buyer_id == "b-42"


# --- bad payloads ---------------------------------------------------------------------------


def broken(change: Callable[[dict[str, Any]], None]) -> str:
    trade = copy.deepcopy(sample_trade(FINISHED))
    change(trade)
    return wrap(trade)


@pytest.mark.parametrize(
    ("raw", "code", "field"),
    [
        ("not json {", "PAYLOAD_NOT_JSON", ""),
        ("[1, 2]", "FIELD_INVALID", ""),
        (
            '{"error_response":{"code":27,"msg":"Invalid session","sub_code":"x"}}',
            "PLATFORM_ERROR",
            "",
        ),
        (
            '{"trade_fullinfo_get_response":{}}',
            "FIELD_MISSING",
            "trade_fullinfo_get_response.trade",
        ),
        (broken(lambda t: t.pop("tid")), "ORDER_ID_MISSING", "tid"),
        (broken(lambda t: t.pop("status")), "FIELD_MISSING", "status"),
        (broken(lambda t: t.update(status="SOMETHING_NEW")), "FIELD_INVALID", "status"),
        (broken(lambda t: t.pop("payment")), "FIELD_MISSING", "payment"),
        (broken(lambda t: t.update(payment="7,6.0x")), "FIELD_INVALID", "payment"),
        (broken(lambda t: t.update(created="2014/01/15 21:40")), "FIELD_INVALID", "created"),
        (broken(lambda t: t.pop("created")), "FIELD_MISSING", "created"),
        (broken(lambda t: t.pop("orders")), "FIELD_MISSING", "orders.order"),
        (broken(lambda t: t["orders"].update(order={})), "FIELD_MISSING", "orders.order"),
        (
            broken(lambda t: t["orders"]["order"][0].update(num="two")),
            "FIELD_INVALID",
            "orders.order[0].num",
        ),
        (
            broken(lambda t: t["orders"]["order"][0].pop("total_fee")),
            "FIELD_MISSING",
            "orders.order[0].total_fee",
        ),
    ],
)
def test_bad_payloads_get_the_right_code(raw: str, code: str, field: str) -> None:
    with pytest.raises(ParseError) as caught:
        ADAPTER.parse(raw, SHOP)
    assert (caught.value.code, caught.value.field) == (code, field)


def test_a_list_answer_with_several_trades_is_not_one_order() -> None:
    trade = sample_trade(FINISHED)
    doc = {"trades_sold_get_response": {"trades": {"trade": [trade, trade]}}}
    with pytest.raises(ParseError) as caught:
        ADAPTER.parse(json.dumps(doc), SHOP)
    assert caught.value.code == "FIELD_INVALID"


def test_webhooks_are_not_accepted() -> None:
    assert ADAPTER.verify_webhook({"x-sign": "abc"}, b"{}", SHOP) is False
    assert ADAPTER.webhook_orders({}, b"{}") == []


# --- pull_page against a scripted gateway ---------------------------------------------------

Handler = Callable[[dict[str, str]], dict[str, Any] | str]


class Gateway:
    """Records each request's form and answers with `handler(form)`."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.forms: list[dict[str, str]] = []

    def http(self) -> ChannelHttp:
        def reply(request: httpx.Request) -> httpx.Response:
            assert request.url.path == "/router/rest" and request.method == "POST"
            form = dict(parse_qsl(request.content.decode(), keep_blank_values=True))
            self.forms.append(form)
            answer = self.handler(form)
            text = answer if isinstance(answer, str) else json.dumps(answer)
            return httpx.Response(200, text=text)

        transport = httpx.MockTransport(reply)
        return ChannelHttp(
            "http://top", client=httpx.Client(transport=transport, base_url="http://top")
        )


def listing(tids: list[int], *, total: int | None = None) -> dict[str, Any]:
    trades = [{"tid": t, "modified": "2024-03-01 09:00:00"} for t in tids]
    body: dict[str, Any] = {"trades": {"trade": trades}}
    body.update({"total_results": total} if total is not None else {"has_next": False})
    return {"trades_sold_increment_get_response": body}


def fullinfo(tid: str) -> dict[str, Any]:
    trade = sample_trade(FINISHED)
    trade["tid"] = int(tid)
    return {"trade_fullinfo_get_response": {"trade": trade}}


def simple(form: dict[str, str], pages: dict[int, list[int]], total: int) -> dict[str, Any]:
    if form["method"] == "taobao.trade.fullinfo.get":
        return fullinfo(form["tid"])
    page_no = int(form["page_no"])
    return listing(pages.get(page_no, []), total=total if form["use_has_next"] == "false" else None)


START = utc(2024, 3, 1)
WINDOW = PullWindow(START, START + timedelta(hours=36))


def test_requests_are_signed_and_windows_cut_to_one_day() -> None:
    gateway = Gateway(lambda form: simple(form, {1: [11, 12]}, 2))
    page = ADAPTER.pull_page(gateway.http(), SHOP, WINDOW, None)
    listed, first, second = gateway.forms
    for form in gateway.forms:
        assert form["sign"] == sign_top(form, "helloworld", "hmac-sha256")
        assert (form["app_key"], form["session"], form["format"], form["v"]) == (
            "12345678",
            "sess-1",
            "json",
            "2.0",
        )
        assert form["sign_method"] == "hmac-sha256"
        datetime.strptime(form["timestamp"], "%Y-%m-%d %H:%M:%S")
    assert listed["method"] == "taobao.trades.sold.increment.get"
    assert (listed["start_modified"], listed["end_modified"]) == (
        "2024-03-01 08:00:00",  # Beijing time of 00:00 UTC
        "2024-03-02 08:00:00",  # one day later: TOP's limit
    )
    assert (listed["fields"], listed["page_no"], listed["page_size"]) == (
        "tid,modified",
        "1",
        "100",
    )
    assert listed["use_has_next"] == "false"  # the first call of a window learns the total
    assert (first["method"], first["tid"], second["tid"]) == (
        "taobao.trade.fullinfo.get",
        "11",
        "12",
    )
    assert first["fields"] == FULLINFO_FIELDS
    assert [
        json.loads(raw)["trade_fullinfo_get_response"]["trade"]["tid"] for raw in page.orders
    ] == [
        11,
        12,
    ]
    assert page.next_page_token is not None
    token = json.loads(page.next_page_token)
    assert (token["start"], token["end"]) == (
        "2024-03-02T00:00:00+00:00",
        "2024-03-02T12:00:00+00:00",
    )
    assert (token["page_no"], token["pending"]) == (None, [])


def test_sign_method_comes_from_the_credentials() -> None:
    shop = ShopContext("tb1", "taobao", "CNY", {**CREDS, "sign_method": "md5"})
    gateway = Gateway(lambda form: simple(form, {}, 0))
    ADAPTER.pull_page(gateway.http(), shop, WINDOW, None)
    (form,) = gateway.forms
    assert form["sign_method"] == "md5" and form["sign"] == sign_top(form, "helloworld", "md5")


def test_pages_are_read_from_the_last_back_to_the_first() -> None:
    pages = {1: [1, 2], 2: [3, 4], 3: [5]}
    gateway = Gateway(lambda form: simple(form, pages, 250))
    window = PullWindow(START, START + timedelta(hours=6))
    token: str | None = None
    seen: list[list[int]] = []
    while True:
        page = ADAPTER.pull_page(gateway.http(), SHOP, window, token)
        seen.append(
            [json.loads(r)["trade_fullinfo_get_response"]["trade"]["tid"] for r in page.orders]
        )
        token = page.next_page_token
        if token is None:
            break
    listed = [(f["page_no"], f["use_has_next"]) for f in gateway.forms if "page_no" in f]
    assert listed == [("1", "false"), ("3", "true"), ("2", "true"), ("1", "true")]
    assert seen == [[], [5], [3, 4], [1, 2]]


@pytest.mark.parametrize(
    ("error", "kind", "retry_after"),
    [
        (
            {
                "code": 7,
                "msg": "App Call Limited",
                "sub_code": "accesscontrol.limited-by-app-access-count",
                "sub_msg": "This ban will last for 3 more seconds",
            },
            TransientChannelError,
            3.0,
        ),
        (
            {
                "code": 15,
                "msg": "Remote service error",
                "sub_code": "isp.trade-service-unavailable",
            },
            TransientChannelError,
            None,
        ),
        (
            {"code": 15, "msg": "x", "sub_code": "isp.top-remote-connection-timeout"},
            TransientChannelError,
            None,
        ),
        ({"code": 10, "msg": "Service Currently Unavailable"}, TransientChannelError, None),
        ({"code": 25, "msg": "Invalid signature"}, ChannelAuthError, None),
        ({"code": 26, "msg": "Missing session"}, ChannelAuthError, None),
        (
            {
                "code": 27,
                "msg": "Invalid session",
                "sub_code": "sessionkey-not-generated-by-server",
            },
            ChannelAuthError,
            None,
        ),
        (
            {"code": 41, "msg": "Invalid arguments", "sub_code": "isv.invalid-parameter"},
            ChannelRequestError,
            None,
        ),
    ],
)
def test_top_errors_are_sorted(
    error: dict[str, Any], kind: type[ChannelError], retry_after: float | None
) -> None:
    gateway = Gateway(lambda form: {"error_response": error})
    with pytest.raises(ChannelError) as caught:
        ADAPTER.pull_page(gateway.http(), SHOP, WINDOW, None)
    assert type(caught.value) is kind
    if isinstance(caught.value, TransientChannelError):
        assert caught.value.retry_after == retry_after


def test_an_answer_that_is_not_json_is_transient() -> None:
    gateway = Gateway(lambda form: "<html>502 Bad Gateway</html>")
    with pytest.raises(TransientChannelError):
        ADAPTER.pull_page(gateway.http(), SHOP, WINDOW, None)


def test_missing_credentials_are_an_auth_error() -> None:
    shop = ShopContext("tb1", "taobao", "CNY", {"app_key": "k"})
    with pytest.raises(ChannelAuthError, match="app_secret"):
        ADAPTER.pull_page(Gateway(lambda form: {}).http(), shop, WINDOW, None)


def test_a_failure_after_progress_returns_what_was_fetched_and_where_to_resume() -> None:
    def handler(form: dict[str, str]) -> dict[str, Any]:
        if form.get("tid") == "12":
            return {"error_response": {"code": 7, "msg": "App Call Limited"}}
        return simple(form, {1: [11, 12, 13]}, 3)

    page = ADAPTER.pull_page(Gateway(handler).http(), SHOP, WINDOW, None)
    assert len(page.orders) == 1
    assert page.next_page_token is not None
    assert json.loads(page.next_page_token)["pending"] == ["12", "13"]
    with pytest.raises(TransientChannelError):  # no progress at all: the error surfaces
        ADAPTER.pull_page(Gateway(handler).http(), SHOP, WINDOW, page.next_page_token)
    resumed = ADAPTER.pull_page(
        Gateway(lambda f: simple(f, {}, 0)).http(), SHOP, WINDOW, page.next_page_token
    )
    assert [
        json.loads(r)["trade_fullinfo_get_response"]["trade"]["tid"] for r in resumed.orders
    ] == [12, 13]


def test_a_fullinfo_answer_for_another_trade_is_transient() -> None:
    cursor = Cursor(START, START + timedelta(hours=1), page_no=0, pending=("21",))
    gateway = Gateway(lambda form: fullinfo("99"))
    with pytest.raises(TransientChannelError, match="asked for tid 21"):
        ADAPTER.pull_page(gateway.http(), SHOP, WINDOW, cursor.encode())


def test_a_repeated_list_page_is_transient() -> None:
    first = ADAPTER.pull_page(
        Gateway(lambda f: simple(f, {1: [1, 2], 3: [5]}, 250)).http(), SHOP, WINDOW, None
    )
    assert first.orders == [] and first.next_page_token is not None
    repeating = Gateway(lambda f: listing([1, 2]))  # page 3 asked, page 1 answered again
    with pytest.raises(TransientChannelError, match="repeated"):
        ADAPTER.pull_page(repeating.http(), SHOP, WINDOW, first.next_page_token)


def test_a_listed_trade_outside_the_window_is_a_stale_page() -> None:
    stale = {"tid": 1, "modified": "2024-02-28 09:00:00"}
    answer = {
        "trades_sold_increment_get_response": {"trades": {"trade": [stale]}, "total_results": 1}
    }
    with pytest.raises(TransientChannelError, match="modified at 2024-02-28"):
        ADAPTER.pull_page(Gateway(lambda f: answer).http(), SHOP, WINDOW, None)


def test_an_empty_window_asks_nothing() -> None:
    gateway = Gateway(lambda f: {})
    assert ADAPTER.pull_page(gateway.http(), SHOP, PullWindow(START, START), None).orders == []
    assert gateway.forms == []


def test_a_bad_page_token_is_a_request_error() -> None:
    with pytest.raises(ChannelRequestError):
        ADAPTER.pull_page(Gateway(lambda f: {}).http(), SHOP, WINDOW, '{"start": 1}')


def test_the_token_round_trips() -> None:
    cursor = Cursor(
        START, START + timedelta(days=1), page_no=3, pending=("1", "2"), last_digest="ab"
    )
    assert Cursor.decode(cursor.encode()) == cursor
