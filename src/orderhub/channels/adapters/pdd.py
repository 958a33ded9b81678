"""Pinduoduo (拼多多 开放平台): orders of `pdd.order.information.get` and the incremental pull.

There is no published PDD order payload we could check against (see the samples' SOURCES.md,
section 4), so this module follows the platform's documented field list, read from:
- pdd.order.information.get (response `order_info_get_response.order_info`: order_sn,
  order_status, refund_status, confirm_status, goods_amount, pay_amount, postage,
  discount_amount, seller_discount, platform_discount, capital_free_discount, item_list,
  receiver_name / receiver_phone / address (加密) and their *_mask (打码) twins, province, city,
  town, created_time, confirm_time, pay_time, updated_at, buyer_memo, remark) as copied from
  the official page at https://blog.csdn.net/YONG823_API/article/details/132664188 and
  https://blog.csdn.net/Andyfu2019/article/details/126279648 (public parameters type,
  client_id, access_token, timestamp in seconds, data_type=JSON, sign; gateway
  https://gw-api.pinduoduo.com/api/router);
- the documented amount formulas 商品金额 = 商品销售价格×商品数量 − 改价金额, 折扣金额 = 平台优惠 +
  商家优惠 + 团长免单优惠金额, 支付金额 = 商品金额 − 折扣金额 + 邮费, carried as comments of the
  official field list in public PDD client code;
- pdd.order.number.list.increment.get (the incremental API: start_updated_at/end_updated_at in
  unix seconds, "end_updated_at − start_updated_at ≤ 30min", "必须采用倒序的分页方式(从最后一页往回
  取)才能避免漏单问题", page_size ≤ 100, response `order_sn_increment_get_response` {total_count,
  has_next, order_sn_list}), as generated from the official doc in
  https://docs.rs/pdd/0.1.3/pdd/requests/struct.PddOrderNumberListIncrementGet.html.
  (The brief's "pdd.order.increment.get" is this API's current name.)
- errors `error_response` {error_code, error_msg, sub_code, sub_msg}: 10019 = access_token
  invalid/expired and 20004 = 签名验证失败 are seen in public client code; other codes are
  sorted by their message (see `jd.platform_error`).

Judgement calls:
- `parse` takes one order object, bare or inside an information.get / list.get / increment.get
  response holding exactly one order.
- Lines: unit price goods_price, quantity goods_count, SKU outer_id, platform SKU sku_id, spec
  goods_spec. Shipping = postage. Total = pay_amount (what the buyer paid). Order discount =
  discount_amount (else seller + platform + capital_free discounts), plus the seller's price
  change (改价 = Σ goods_price×goods_count − goods_amount) when that is positive, as the
  documented goods_amount formula says; it is shown in `extra["price_change"]`. A negative
  difference is not absorbed, so missing lines show up as AMOUNT_MISMATCH.
- Status: refund_status 4 (退款成功) → cancelled, refunded; confirm_status 2 (已取消) → cancelled;
  confirm_status 0 (未成交: group not formed yet) → awaiting payment (the trade is not concluded);
  order_status 1 (待发货) → paid, or refund requested when refund_status is 2/3 (售后处理中/退款中);
  2 (已发货待签收) → shipped; 3 (已签收) → completed. An after-sale on a shipped order keeps the
  shipped/completed state (it is an after-sales case, not a hold). Payment is paid when pay_time
  is given.
- Receiver: PDD sends encrypted fields (receiver_name, receiver_phone, address) and masked twins
  (*_mask). Both are kept as received: the masked text goes into the address (readable, fits the
  columns), the ciphertext into `extra` (receiver_name_cipher, ...) for a later decrypt call; with
  no mask the field itself is used. Country CN, currency CNY, Beijing times stored in UTC.
- Pulling: windows are cut into ≤ 30-minute slices; each slice is read from its last page back to
  page 1 (a probe of page 1 gives total_count), so `has_next` is not used. The page token is
  "<slice start>:<page>" (empty page: probe). Each order's raw text is its JSON re-written exactly.
- Webhooks: PDD pushes through its message service (websocket), not signed HTTP posts, so
  `verify_webhook` is always False.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

from orderhub.channels.adapters.jd import (
    Clock,
    backward_page,
    beijing_time,
    count,
    dumps_exact,
    load_response,
    platform_error,
    required_time,
    router_sign,
)
from orderhub.channels.adapters.json_payload import (
    JsonObject,
    amount,
    items,
    load_object,
    order_id,
    text,
)
from orderhub.channels.base import NoHttpWebhooks, ParseError, PullPage, PullWindow, ShopContext
from orderhub.channels.http import ChannelHttp, ChannelRequestError
from orderhub.channels.registry import register
from orderhub.orders.domain import Address, ChannelState, LineDraft, OrderDraft, utc_now
from orderhub.orders.lifecycle import PaymentStatus

ROUTER_PATH = "/api/router"
INCREMENT_TYPE = "pdd.order.number.list.increment.get"
INCREMENT_RESPONSE = "order_sn_increment_get_response"
RESPONSES = {
    "order_info_get_response": "order_info",
    "order_list_get_response": "order_list",
    INCREMENT_RESPONSE: "order_sn_list",
}
MAX_PAGE_SIZE = 100
MAX_SLICE_SECONDS = 30 * 60
ZERO = Decimal(0)
PDD_AUTH_CODES = frozenset({"10019", "20004"})
_CIPHERS = ("receiver_name", "receiver_phone", "address", "receiver_address")


class PddAdapter(NoHttpWebhooks):
    """Pinduoduo shops. Credentials: `client_id`, `client_secret`, `access_token`."""

    platforms: ClassVar[tuple[str, ...]] = ("pdd",)

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
        window_end = int(window.end.timestamp())
        start, page = _read_token(page_token, int(window.start.timestamp()))
        end = min(start + MAX_SLICE_SECONDS, window_end)

        def fetch(number: int) -> tuple[list[Any], int]:
            return self._increment(http, shop, start, end, number)

        orders, next_page = backward_page(fetch, page, self.page_size)
        if next_page is not None:
            token: str | None = f"{start}:{next_page}"
        else:
            token = f"{end}:" if end < window_end else None
        return PullPage(orders=[dumps_exact(o) for o in orders], next_page_token=token)

    def _increment(
        self, http: ChannelHttp, shop: ShopContext, start: int, end: int, page: int
    ) -> tuple[list[Any], int]:
        params = {
            "type": INCREMENT_TYPE,
            "client_id": shop.credential("client_id"),
            "access_token": shop.credential("access_token"),
            "timestamp": str(int(self.clock().timestamp())),
            "data_type": "JSON",
            "start_updated_at": str(start),
            "end_updated_at": str(end),
            "is_lucky_flag": "0",
            "order_status": "5",
            "refund_status": "5",
            "page": str(page),
            "page_size": str(self.page_size),
        }
        params["sign"] = router_sign(params, shop.credential("client_secret"))
        doc = load_response(http.post(ROUTER_PATH, data=params).text, "PDD")
        return _increment_result(doc)


def _read_token(token: str | None, window_start: int) -> tuple[int, int | None]:
    if not token:
        return window_start, None
    start, _, page = token.partition(":")
    return int(start), int(page) if page else None


def _increment_result(doc: JsonObject) -> tuple[list[Any], int]:
    error = doc.get("error_response")
    if isinstance(error, dict):
        message = " ".join(
            str(error.get(key) or "") for key in ("error_msg", "sub_code", "sub_msg")
        ).strip()
        raise platform_error(str(error.get("error_code", "")), message, PDD_AUTH_CODES)
    result = doc.get(INCREMENT_RESPONSE)
    if not isinstance(result, dict):
        raise ChannelRequestError(f"PDD answer has no {INCREMENT_RESPONSE}")
    orders = result.get("order_sn_list") or []
    if not isinstance(orders, list):
        raise ChannelRequestError("PDD order_sn_list is not a list")
    return orders, int(result.get("total_count") or 0)


# ------------------------------------------------------------------------------------ parsing


def _unwrap(doc: JsonObject) -> JsonObject:
    """The one order of a bare object or of an information / list / increment response."""
    for response, key in RESPONSES.items():
        if isinstance(doc.get(response), dict):
            found = doc[response].get(key)
            if isinstance(found, dict):
                return found
            orders = items(doc[response], key, f"{response}.{key}")
            if len(orders) != 1:
                raise ParseError(
                    "MULTIPLE_ORDERS" if orders else "ORDER_MISSING",
                    f"one order per payload, got {len(orders)}",
                    field=f"{response}.{key}",
                )
            return orders[0]
    if "order_sn" in doc:
        return doc
    raise ParseError("PAYLOAD_SHAPE_UNKNOWN", "not a PDD order or order response")


def parse_order(order: JsonObject) -> OrderDraft:
    """A draft from one PDD order object."""
    paid_at = beijing_time(order.get("pay_time"), "pay_time")
    channel_state, payment = _state(order, paid_at)
    lines = tuple(_line(item, i) for i, item in enumerate(items(order, "item_list", "item_list")))
    extra = _extra(order)
    return OrderDraft(
        platform_order_id=order_id(order, "order_sn"),
        currency="CNY",
        lines=lines,
        receiver=_receiver(order),
        placed_at=required_time(order.get("created_time"), "created_time"),
        total=amount(order, "pay_amount", "pay_amount"),
        shipping_fee=amount(order, "postage", "postage", ZERO),
        order_discount=_discount(order, lines, extra),
        paid_at=paid_at,
        platform_updated_at=beijing_time(order.get("updated_at"), "updated_at"),
        payment_status=payment,
        channel_state=channel_state,
        platform_status=_platform_status(order),
        buyer_note=text(order, "buyer_memo"),
        seller_note=text(order, "remark"),
        extra=extra,
    )


def _discount(order: JsonObject, lines: tuple[LineDraft, ...], extra: dict[str, str]) -> Decimal:
    if order.get("discount_amount") not in (None, ""):
        discount = amount(order, "discount_amount", "discount_amount")
    else:
        discount = sum((amount(order, key, key, ZERO) for key in _DISCOUNT_PARTS), ZERO)
    goods_amount = amount(order, "goods_amount", "goods_amount", ZERO)
    price_change = sum((line.amount for line in lines), ZERO) - goods_amount
    if goods_amount and price_change > 0:
        extra["price_change"] = str(price_change)
        discount += price_change
    return discount


_DISCOUNT_PARTS = ("seller_discount", "platform_discount", "capital_free_discount")


def _state(order: JsonObject, paid_at: datetime | None) -> tuple[ChannelState, PaymentStatus]:
    shipping = _code(order, "order_status", required=True)
    refund = _code(order, "refund_status") or 1
    confirm = _code(order, "confirm_status")
    paid = PaymentStatus.PAID if paid_at else PaymentStatus.UNPAID
    if refund == 4:
        return ChannelState.CANCELLED, PaymentStatus.REFUNDED
    if confirm == 2:
        return ChannelState.CANCELLED, PaymentStatus.REFUNDED if paid_at else paid
    if confirm == 0:
        return ChannelState.AWAITING_PAYMENT, paid
    if shipping == 1:
        requested = refund in (2, 3)
        return (ChannelState.REFUND_REQUESTED if requested else ChannelState.PAID), paid
    if shipping in (2, 3):
        return (ChannelState.SHIPPED if shipping == 2 else ChannelState.COMPLETED), paid
    raise ParseError("STATUS_UNKNOWN", f"unknown order_status {shipping}", field="order_status")


def _code(order: JsonObject, key: str, *, required: bool = False) -> int | None:
    value = order.get(key)
    if value is None or value == "":
        if required:
            raise ParseError("FIELD_MISSING", f"{key} is missing", field=key)
        return None
    return count(value, key)


def _platform_status(order: JsonObject) -> str:
    keys = ("order_status", "refund_status", "confirm_status")
    return " ".join(f"{key}={order[key]}" for key in keys if order.get(key) is not None)


def _line(item: JsonObject, i: int) -> LineDraft:
    where = f"item_list[{i}]"
    return LineDraft(
        title=text(item, "goods_name", f"{where}.goods_name"),
        quantity=count(item.get("goods_count"), f"{where}.goods_count"),
        unit_price=amount(item, "goods_price", f"{where}.goods_price"),
        sku_code=text(item, "outer_id", f"{where}.outer_id") or None,
        platform_sku_id=text(item, "sku_id", f"{where}.sku_id") or None,
        spec=text(item, "goods_spec", f"{where}.goods_spec"),
    )


def _readable(order: JsonObject, key: str) -> str:
    """The masked twin of an encrypted field when PDD sends one, else the field as received."""
    return text(order, f"{key}_mask") or text(order, key)


def _receiver(order: JsonObject) -> Address:
    return Address(
        name=_readable(order, "receiver_name"),
        phone=_readable(order, "receiver_phone"),
        country="CN",
        province=text(order, "province"),
        city=text(order, "city"),
        district=text(order, "town"),
        street=_readable(order, "receiver_address") or _readable(order, "address"),
    )


def _extra(order: JsonObject) -> dict[str, str]:
    extra = {
        f"{key}_cipher": text(order, key)
        for key in _CIPHERS
        if text(order, key) and text(order, f"{key}_mask")
    }
    for key in ("goods_amount", "discount_amount", "seller_discount", "platform_discount"):
        if text(order, key):
            extra[key] = text(order, key)
    if text(order, "confirm_time"):
        extra["confirm_time"] = text(order, "confirm_time")
    return extra


register(PddAdapter())
