"""JD (京东 POP / JOS): orders of `jingdong.pop.order.search` / `jingdong.pop.order.get`.

There is no published JD order payload we could check against (see the samples' SOURCES.md,
section 4), so this module follows the platform's field list as documented, read from:
- the JOS field list of `orderInfo`, copied with JD's own descriptions into the Go SDK
  GitHub XiBao/jos `api/order/order.interface.go` (orderTotalPrice "总金额=订单金额（不减优惠，不加
  运费服务费税费）", orderSellerPrice "订单货款金额（订单总金额-商家优惠金额）", orderPayment
  "应付款=货款-用户优惠-余额+运费+税费+服务费", consigneeInfo, itemInfoList, couponDetailList,
  the orderState values and the "0001-01-01 00:00:00" no-time marker);
- the request parameters of jingdong.pop.order.search (start_date/end_date "yyyy-MM-dd HH:mm:ss",
  order_state list, optional_fields, page, page_size ≤ 50) as mirrored at
  http://doc.vv-tool.com/platformErp/jdordersearch, and dateType 0 = by modification time
  (https://blog.csdn.net/shuijieshuijie/article/details/37510747);
- the router protocol (POST /routerjson with method, app_key, access_token, timestamp, format,
  v=2.0, 360buy_param_json, sign = UPPER(MD5(secret + sorted key+value + secret))) as in
  XiBao/jos `sdk/client.go`; responses `jingdong_pop_order_search_responce.searchorderinfo_result`
  {orderTotal, orderInfoList, apiResult} and `jingdong_pop_order_get_responce.orderDetailInfo
  .orderInfo`, errors in `error_response` {code, zh_desc, en_desc}.

Judgement calls:
- `parse` takes one orderInfo object, bare or inside either response holding exactly one order.
- Lines: unit price jdPrice, quantity itemTotal (JD sends both as text), SKU outerSkuId, platform
  SKU skuId. Order discount = sellerDiscount (商家优惠), shipping = freightPrice.
- Total = orderSellerPrice + freightPrice: what the order is worth to the seller after the
  seller's own discounts. JD's orderPayment also subtracts 用户优惠 (京豆, 京券, 礼品卡...) and
  余额, which JD funds or which are means of payment, and for which JD gives no field of its own;
  orderPayment and balanceUsed are kept in `extra`. The check that remains is honest: the lines
  must add up to orderTotalPrice − sellerDiscount = orderSellerPrice, else AMOUNT_MISMATCH.
- Status: WAIT_SELLER_STOCK_OUT, WAIT_SELLER_DELIVERY, PAUSE, POP_ORDER_PAUSE, WAIT_SEND_CODE →
  paid (waiting for shipment); WAIT_GOODS_RECEIVE_CONFIRM → shipped; FINISHED_L → completed;
  TRADE_CANCELED → cancelled (refunded when a payment time is known, else unpaid); LOCKED (a
  cancel/refund request is pending) → refund requested. payType 1 (货到付款, cash on delivery)
  stays unpaid until FINISHED_L.
- Times are Beijing time (UTC+8, no DST) and are stored in UTC; JD's 0001-01-01 / 1970-01-01
  markers mean "no time".
- Receiver fields (fullname, mobile/telephone, fullAddress) are kept exactly as received, masked
  or not; the street is fullAddress as JD writes it. Country CN, currency CNY.
- Pulling pages backwards (last page first, page 1 last): an order updated while we page leaves
  the window and shifts the rest forward, which would make forward paging skip an order; going
  backwards at worst reads one twice. The first call of a window reads page 1 to learn orderTotal.
- Error mapping: JD's error codes are not in the sources above except code 19 (token expired);
  token/sign/authorisation errors → ChannelAuthError, "busy / too frequent / timeout" →
  TransientChannelError, anything else → ChannelRequestError.
- Webhooks: JD pushes order messages through its own message service (JOS 消息 / 云鼎), not
  signed HTTP posts, so `verify_webhook` is always False.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, ClassVar

from orderhub.channels.adapters.json_payload import (
    JsonObject,
    amount,
    items,
    load_object,
    mapping,
    order_id,
    quantity,
    text,
)
from orderhub.channels.base import NoHttpWebhooks, ParseError, PullPage, PullWindow, ShopContext
from orderhub.channels.http import (
    ChannelAuthError,
    ChannelError,
    ChannelHttp,
    ChannelRequestError,
    TransientChannelError,
)
from orderhub.channels.registry import register
from orderhub.orders.domain import Address, ChannelState, LineDraft, OrderDraft, utc_now
from orderhub.orders.lifecycle import PaymentStatus

ROUTER_PATH = "/routerjson"
SEARCH_METHOD = "jingdong.pop.order.search"
SEARCH_RESPONSE = "jingdong_pop_order_search_responce"
GET_RESPONSE = "jingdong_pop_order_get_responce"
MAX_PAGE_SIZE = 50
BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
ZERO = Decimal(0)
CASH_ON_DELIVERY = "1"
ORDER_STATES = (
    "WAIT_SELLER_STOCK_OUT,WAIT_SELLER_DELIVERY,WAIT_GOODS_RECEIVE_CONFIRM,FINISHED_L,"
    "TRADE_CANCELED,LOCKED,PAUSE,POP_ORDER_PAUSE"
)
OPTIONAL_FIELDS = (
    "orderId,venderId,orderType,payType,orderTotalPrice,orderSellerPrice,orderPayment,"
    "freightPrice,sellerDiscount,orderState,orderStateRemark,orderRemark,orderStartTime,"
    "orderEndTime,modified,consigneeInfo,itemInfoList,couponDetailList,venderRemark,"
    "balanceUsed,pin,paymentConfirmTime,taxFee,serviceFee"
)
STATES: dict[str, ChannelState] = {
    "WAIT_SELLER_STOCK_OUT": ChannelState.PAID,
    "WAIT_SELLER_DELIVERY": ChannelState.PAID,
    "PAUSE": ChannelState.PAID,
    "POP_ORDER_PAUSE": ChannelState.PAID,
    "WAIT_SEND_CODE": ChannelState.PAID,
    "WAIT_GOODS_RECEIVE_CONFIRM": ChannelState.SHIPPED,
    "FINISHED_L": ChannelState.COMPLETED,
    "TRADE_CANCELED": ChannelState.CANCELLED,
    "LOCKED": ChannelState.REFUND_REQUESTED,
}
JD_AUTH_CODES = frozenset({"19"})
_AUTH_MARKERS = ("token", "sign", "签名", "授权", "appkey", "app_key", "client_id", "session")
_BUSY_MARKERS = ("频繁", "限流", "流控", "繁忙", "稍后", "超时", "busy", "timeout", "too many")
_EXTRA_FIELDS = {
    "order_total_price": "orderTotalPrice",
    "order_payment": "orderPayment",
    "balance_used": "balanceUsed",
    "pay_type": "payType",
    "order_state_remark": "orderStateRemark",
}

Clock = Callable[[], datetime]


# ------------------------------------------------ helpers shared with the PDD adapter (pdd.py)


def router_sign(params: Mapping[str, str], secret: str) -> str:
    """UPPER(MD5(secret + key1value1key2value2... (keys sorted, `sign` left out) + secret))."""
    joined = "".join(f"{key}{params[key]}" for key in sorted(params) if key != "sign")
    digest = hashlib.md5(f"{secret}{joined}{secret}".encode(), usedforsecurity=False)
    return digest.hexdigest().upper()


def beijing_time(value: Any, field: str) -> datetime | None:
    """A 'yyyy-MM-dd HH:mm:ss' Beijing time as aware UTC; None when absent or a no-time marker."""
    if value is None or value == "":
        return None
    try:
        parsed = datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise ParseError(
            "FIELD_INVALID", f"{field} is not a time: {value!r}", field=field
        ) from None
    if parsed.year <= 1970:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=BEIJING)
    return parsed.astimezone(UTC)


def required_time(value: Any, field: str) -> datetime:
    found = beijing_time(value, field)
    if found is None:
        raise ParseError("FIELD_MISSING", f"{field} is missing", field=field)
    return found


def beijing_text(moment: datetime) -> str:
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def count(value: Any, field: str) -> int:
    """A quantity sent as a number or as digits in a string."""
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return quantity(value, field)


def dumps_exact(value: Any) -> str:
    """JSON text of parsed JSON with `Decimal` numbers written exactly as read."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        members = (
            f"{json.dumps(str(k), ensure_ascii=False)}:{dumps_exact(v)}" for k, v in value.items()
        )
        return "{" + ",".join(members) + "}"
    if isinstance(value, list):
        return "[" + ",".join(dumps_exact(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def load_response(body: str, platform: str) -> JsonObject:
    try:
        doc = json.loads(body, parse_float=Decimal)
    except ValueError as exc:
        raise ChannelRequestError(f"{platform} answered with non-JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise ChannelRequestError(f"{platform} answered with a non-object")
    return doc


def platform_error(code: str, message: str, auth_codes: frozenset[str]) -> ChannelError:
    """The error class a platform's error code/message calls for."""
    lowered = message.lower()
    text_ = f"platform error {code}: {message}"
    if code in auth_codes or any(marker in lowered for marker in _AUTH_MARKERS):
        return ChannelAuthError(text_)
    if any(marker in lowered for marker in _BUSY_MARKERS):
        return TransientChannelError(text_)
    return ChannelRequestError(text_)


def backward_page(
    fetch: Callable[[int], tuple[list[Any], int]], page: int | None, page_size: int
) -> tuple[list[Any], int | None]:
    """The orders of `page` (None: probe page 1 for the total, then start at the last page) and
    the page to read next (None when page 1 has been read)."""
    if page is None:
        orders, total = fetch(1)
        last = max(1, -(-total // page_size))
        if last == 1:
            return orders, None
        page = last
    orders, _ = fetch(page)
    return orders, page - 1 if page > 1 else None


# ------------------------------------------------------------------------------------ adapter


class JdAdapter(NoHttpWebhooks):
    """JD POP shops. Credentials: `app_key`, `app_secret`, `access_token`."""

    platforms: ClassVar[tuple[str, ...]] = ("jd",)

    def __init__(self, page_size: int = MAX_PAGE_SIZE, clock: Clock = utc_now) -> None:
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be 1..{MAX_PAGE_SIZE}")
        self.page_size = page_size
        self.clock = clock

    def parse(self, raw: str, shop: ShopContext) -> OrderDraft:
        return replace(parse_order(_unwrap(load_object(raw))), raw_payload=raw)

    def pull_page(
        self, http: ChannelHttp, shop: ShopContext, window: PullWindow, page_token: str | None
    ) -> PullPage:
        def fetch(page: int) -> tuple[list[Any], int]:
            return self._search(http, shop, window, page)

        page = int(page_token) if page_token else None
        orders, next_page = backward_page(fetch, page, self.page_size)
        token = str(next_page) if next_page is not None else None
        return PullPage(orders=[dumps_exact(o) for o in orders], next_page_token=token)

    def _search(
        self, http: ChannelHttp, shop: ShopContext, window: PullWindow, page: int
    ) -> tuple[list[Any], int]:
        business = {
            "start_date": beijing_text(window.start),
            "end_date": beijing_text(window.end),
            "order_state": ORDER_STATES,
            "optional_fields": OPTIONAL_FIELDS,
            "dateType": "0",
            "page": str(page),
            "page_size": str(self.page_size),
        }
        params = {
            "method": SEARCH_METHOD,
            "app_key": shop.credential("app_key"),
            "access_token": shop.credential("access_token"),
            "timestamp": beijing_text(self.clock()),
            "format": "json",
            "v": "2.0",
            "360buy_param_json": json.dumps(business, ensure_ascii=False, separators=(",", ":")),
        }
        params["sign"] = router_sign(params, shop.credential("app_secret"))
        doc = load_response(http.post(ROUTER_PATH, data=params).text, "JD")
        return _search_result(doc)


def _search_result(doc: JsonObject) -> tuple[list[Any], int]:
    error = doc.get("error_response")
    if isinstance(error, dict):
        message = str(error.get("zh_desc") or error.get("en_desc") or error.get("msg") or "")
        raise platform_error(str(error.get("code", "")), message, JD_AUTH_CODES)
    response = doc.get(SEARCH_RESPONSE)
    result = response.get("searchorderinfo_result") if isinstance(response, dict) else None
    if not isinstance(result, dict):
        raise ChannelRequestError(f"JD answer has no {SEARCH_RESPONSE}.searchorderinfo_result")
    api = result.get("apiResult")
    if isinstance(api, dict) and str(api.get("success")).lower() != "true":
        message = str(api.get("chineseErrCode") or api.get("englishErrCode") or "")
        raise platform_error(str(api.get("numberCode", "")), message, JD_AUTH_CODES)
    orders = result.get("orderInfoList") or []
    if not isinstance(orders, list):
        raise ChannelRequestError("JD orderInfoList is not a list")
    return orders, int(result.get("orderTotal") or 0)


# ------------------------------------------------------------------------------------ parsing


def _unwrap(doc: JsonObject) -> JsonObject:
    """The one orderInfo of a bare object or of a search / get response."""
    if isinstance(doc.get(SEARCH_RESPONSE), dict):
        result = mapping(doc[SEARCH_RESPONSE], "searchorderinfo_result", "searchorderinfo_result")
        found = items(result or {}, "orderInfoList", "orderInfoList")
        if len(found) != 1:
            raise ParseError(
                "MULTIPLE_ORDERS" if found else "ORDER_MISSING",
                f"one order per payload, got {len(found)}",
                field="orderInfoList",
            )
        return found[0]
    if isinstance(doc.get(GET_RESPONSE), dict):
        detail = mapping(doc[GET_RESPONSE], "orderDetailInfo", "orderDetailInfo") or {}
        order = mapping(detail, "orderInfo", "orderDetailInfo.orderInfo")
        if order is None:
            raise ParseError("ORDER_MISSING", "the response has no orderInfo", field="orderInfo")
        return order
    if "orderId" in doc:
        return doc
    raise ParseError("PAYLOAD_SHAPE_UNKNOWN", "not a JD orderInfo or order response")


def parse_order(order: JsonObject) -> OrderDraft:
    """A draft from one JD orderInfo object."""
    status = text(order, "orderState")
    if status not in STATES:
        code = "FIELD_MISSING" if not status else "STATUS_UNKNOWN"
        raise ParseError(code, f"unknown order state {status!r}", field="orderState")
    channel_state = STATES[status]
    paid_at = beijing_time(order.get("paymentConfirmTime"), "paymentConfirmTime")
    lines = tuple(
        _line(item, i) for i, item in enumerate(items(order, "itemInfoList", "itemInfoList"))
    )
    freight = amount(order, "freightPrice", "freightPrice", ZERO)
    return OrderDraft(
        platform_order_id=order_id(order, "orderId"),
        currency="CNY",
        lines=lines,
        receiver=_receiver(mapping(order, "consigneeInfo", "consigneeInfo") or {}),
        placed_at=required_time(order.get("orderStartTime"), "orderStartTime"),
        total=amount(order, "orderSellerPrice", "orderSellerPrice") + freight,
        shipping_fee=freight,
        order_discount=amount(order, "sellerDiscount", "sellerDiscount", ZERO),
        paid_at=paid_at,
        platform_updated_at=beijing_time(order.get("modified"), "modified"),
        payment_status=_payment(channel_state, text(order, "payType"), paid_at),
        channel_state=channel_state,
        platform_status=status,
        buyer_id=text(order, "open_id_buyer") or text(order, "xid_buyer") or None,
        buyer_nick=text(order, "pin") or None,
        buyer_note=text(order, "orderRemark"),
        seller_note=text(order, "venderRemark"),
        extra={key: text(order, name) for key, name in _EXTRA_FIELDS.items() if text(order, name)},
    )


def _line(item: JsonObject, i: int) -> LineDraft:
    where = f"itemInfoList[{i}]"
    return LineDraft(
        title=text(item, "skuName", f"{where}.skuName"),
        quantity=count(item.get("itemTotal"), f"{where}.itemTotal"),
        unit_price=amount(item, "jdPrice", f"{where}.jdPrice"),
        sku_code=text(item, "outerSkuId", f"{where}.outerSkuId") or None,
        platform_sku_id=text(item, "skuId", f"{where}.skuId") or None,
    )


def _receiver(info: JsonObject) -> Address:
    def get(key: str) -> str:
        return text(info, key, f"consigneeInfo.{key}")

    return Address(
        name=get("fullname"),
        phone=get("mobile") or get("telephone"),
        country="CN",
        province=get("province"),
        city=get("city"),
        district=get("county"),
        street=get("fullAddress"),
    )


def _payment(state: ChannelState, pay_type: str, paid_at: datetime | None) -> PaymentStatus:
    if state is ChannelState.CANCELLED:
        return PaymentStatus.REFUNDED if paid_at else PaymentStatus.UNPAID
    if pay_type == CASH_ON_DELIVERY and state is not ChannelState.COMPLETED:
        return PaymentStatus.UNPAID
    return PaymentStatus.PAID


register(JdAdapter())
