"""A Taobao/Tmall trade (TOP `taobao.trade.fullinfo.get`) as a canonical `OrderDraft`. Pure.

Judgement calls (checked against the published samples in shared/samples/taobao_top):

- Input: the verbatim fullinfo response, the bare trade object, or a `trades_sold_get_response`
  (or increment response) holding exactly one trade. JSON numbers are read as Decimal and money
  comes from TOP's string fields ("13.80"), never through floats.
- Lines: one per sub-order (`orders.order[]`). unit_price = `price`, quantity = `num`, and the
  line discount = price * num - `total_fee`, so the line amount is the sub-order's `total_fee`,
  which TOP documents as "price * num + adjust_fee - sub-order discount_fee" (the closed sample:
  88.00 - 74.20 promotion = 13.80). The sub-order `payment` is not used: TOP says it includes the
  postage on single-sub-order trades and may be wrong after a refund. A seller's upward
  adjustment makes that discount negative; it is kept as stated and validation reports
  LINE_DISCOUNT_INVALID (the canonical order has no surcharge).
  platform_sku_id = `sku_id` or `num_iid`; sku_code = `outer_sku_id` or `outer_iid` (the
  seller's own code); spec = `sku_properties_name`.
- Order: shipping_fee = `post_fee`; total = `payment` (what the buyer paid); order_discount =
  lines + post_fee - payment, i.e. order-level promotions spread over sub-orders
  (part_mjz_discount, coupons, points). If that comes out negative the figures do not
  reconcile: order_discount stays 0 and total stays `payment`, so validation reports
  AMOUNT_MISMATCH instead of the adapter inventing an amount.
- Currency: always CNY; TOP states every amount in yuan whatever the shop's own currency.
- Receiver and buyer: masked values ("屈**", "1389289****") are kept exactly as received,
  nothing is trimmed. phone = receiver_mobile, else receiver_phone; street = receiver_town +
  receiver_address (the town is not repeated if the address already starts with it); country
  "CN" (a `receiver_country` text goes to extra). buyer_id = buyer_open_uid, else buyer_id;
  the OAID goes to extra["oaid"]. A masked buyer_email ("6240*****@qq.com") is left out: it is
  not an address anyone can write to.
- Status: see `trade_state`. PAID_FORBID_CONSIGN (paid, but the platform forbids shipping, e.g.
  a group buy not yet formed) is reported as AWAITING_PAYMENT with payment "paid", so nothing
  ships before the platform allows it. Cash-on-delivery trades (type "cod") are unpaid until
  the buyer signed. Step/presale trades stay retail; their step status goes to extra.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from orderhub.channels.adapters.taobao_sign import parse_top_time
from orderhub.channels.base import ParseError
from orderhub.money import MoneyError, to_decimal
from orderhub.orders.domain import Address, ChannelState, LineDraft, OrderDraft
from orderhub.orders.lifecycle import PaymentStatus

C, P = ChannelState, PaymentStatus
CURRENCY = "CNY"

TRADE_STATES: dict[str, ChannelState] = {
    "TRADE_NO_CREATE_PAY": C.AWAITING_PAYMENT,
    "WAIT_BUYER_PAY": C.AWAITING_PAYMENT,
    "PAY_PENDING": C.AWAITING_PAYMENT,
    "WAIT_PRE_AUTH_CONFIRM": C.AWAITING_PAYMENT,
    "PAID_FORBID_CONSIGN": C.AWAITING_PAYMENT,
    "WAIT_SELLER_SEND_GOODS": C.PAID,
    "SELLER_CONSIGNED_PART": C.SHIPPED,
    "WAIT_BUYER_CONFIRM_GOODS": C.SHIPPED,
    "TRADE_BUYER_SIGNED": C.SHIPPED,
    "TRADE_FINISHED": C.COMPLETED,
    "TRADE_CLOSED": C.CANCELLED,
    "TRADE_CLOSED_BY_TAOBAO": C.CANCELLED,
}
REFUND_PENDING = frozenset(
    {"WAIT_SELLER_AGREE", "WAIT_BUYER_RETURN_GOODS", "WAIT_SELLER_CONFIRM_GOODS"}
)
NO_REFUND = "NO_REFUND"
_ENVELOPES = ("trade_fullinfo_get_response", "trade_get_response")
_LISTS = ("trades_sold_get_response", "trades_sold_increment_get_response")
_LINE_FIELDS = ("num", "price", "total_fee")


def load_trade(raw: str) -> dict[str, Any]:
    """The trade object inside one raw TOP answer (see the module docstring for the forms)."""
    try:
        doc = json.loads(raw, parse_float=Decimal)
    except ValueError as exc:
        raise ParseError("PAYLOAD_NOT_JSON", f"not JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise ParseError("FIELD_INVALID", "a TOP answer is a JSON object")
    if "error_response" in doc:
        raise ParseError("PLATFORM_ERROR", f"TOP answered an error: {_error_text(doc)}")
    for name in _ENVELOPES:
        if name in doc:
            return _object(_object(doc[name], name).get("trade"), f"{name}.trade")
    for name in _LISTS:
        if name in doc:
            return _only_trade(_object(doc[name], name), name)
    return doc


def trade_to_draft(trade: Mapping[str, Any], raw: str) -> OrderDraft:
    """The canonical draft of one TOP trade object; `raw` is kept verbatim."""
    order_id = _text(trade, "tid_str") or _text(trade, "tid")
    if not order_id:
        raise ParseError("ORDER_ID_MISSING", "the trade has no tid", field="tid")
    status = _required_text(trade, "status")
    subs = _sub_orders(trade)
    lines = tuple(_line(sub, i) for i, sub in enumerate(subs))
    shipping = _money(trade, "post_fee", default=Decimal(0))
    total = _money(trade, "payment")
    discount = sum((line.amount for line in lines), Decimal(0)) + shipping - total
    state, payment = trade_state(trade, status, subs)
    return OrderDraft(
        platform_order_id=order_id,
        currency=CURRENCY,
        lines=lines,
        receiver=_receiver(trade),
        placed_at=_required_time(trade, "created"),
        total=total,
        shipping_fee=shipping,
        order_discount=discount if discount >= 0 else Decimal(0),
        paid_at=_time(trade, "pay_time"),
        platform_updated_at=_time(trade, "modified"),
        payment_status=payment,
        channel_state=state,
        platform_status=platform_status(status, subs),
        buyer_id=_text(trade, "buyer_open_uid") or _text(trade, "buyer_id") or None,
        buyer_nick=_text(trade, "buyer_nick") or None,
        buyer_email=_plain_email(_text(trade, "buyer_email")),
        buyer_note=_text(trade, "buyer_message"),
        seller_note=_text(trade, "seller_memo"),
        raw_payload=raw,
        extra=_extra(trade),
    )


def trade_state(
    trade: Mapping[str, Any], status: str, subs: list[dict[str, Any]]
) -> tuple[ChannelState, PaymentStatus]:
    """(channel_state, payment_status) of a trade from its status and its sub-orders' refunds."""
    state = TRADE_STATES.get(status)
    if state is None:
        raise ParseError("FIELD_INVALID", f"unknown trade status {status!r}", field="status")
    refunds = [_text(sub, "refund_status") or NO_REFUND for sub in subs]
    if state is C.CANCELLED:
        return state, P.REFUNDED if _text(trade, "pay_time") else P.UNPAID
    if state is C.AWAITING_PAYMENT:
        return state, P.PAID if status == "PAID_FORBID_CONSIGN" else P.UNPAID
    if state is C.PAID and any(r in REFUND_PENDING for r in refunds):
        state = C.REFUND_REQUESTED
    refunded = sum(r == "SUCCESS" for r in refunds)
    if refunded:
        return state, P.REFUNDED if refunded == len(refunds) else P.PARTLY_REFUNDED
    cod_unpaid = _text(trade, "type") == "cod" and status not in (
        "TRADE_BUYER_SIGNED",
        "TRADE_FINISHED",
    )
    return state, P.UNPAID if cod_unpaid else P.PAID


def platform_status(status: str, subs: list[dict[str, Any]]) -> str:
    """The trade status, plus the sub-orders' refund statuses: "WAIT_SELLER_SEND_GOODS;refund:…"."""
    refunds: list[str] = []
    for sub in subs:
        refund = _text(sub, "refund_status")
        if refund and refund != NO_REFUND and refund not in refunds:
            refunds.append(refund)
    return f"{status};refund:{','.join(refunds)}" if refunds else status


def _only_trade(body: Mapping[str, Any], name: str) -> dict[str, Any]:
    trades = _object(body.get("trades") or {}, f"{name}.trades").get("trade") or []
    if not isinstance(trades, list) or len(trades) != 1:
        count = len(trades) if isinstance(trades, list) else "no list of"
        raise ParseError(
            "FIELD_INVALID" if trades else "FIELD_MISSING",
            f"{name} holds {count} trades; one raw order is one trade",
            field=f"{name}.trades.trade",
        )
    return _object(trades[0], f"{name}.trades.trade[0]")


def _sub_orders(trade: Mapping[str, Any]) -> list[dict[str, Any]]:
    container = trade.get("orders")
    subs = container.get("order") if isinstance(container, dict) else None
    if not subs:
        raise ParseError("FIELD_MISSING", "the trade has no sub-orders", field="orders.order")
    if not isinstance(subs, list):
        raise ParseError("FIELD_INVALID", "orders.order is not a list", field="orders.order")
    return [_object(sub, f"orders.order[{i}]") for i, sub in enumerate(subs)]


def _line(sub: Mapping[str, Any], index: int) -> LineDraft:
    where = f"orders.order[{index}]"
    missing = [name for name in _LINE_FIELDS if sub.get(name) in (None, "")]
    title, sku_code = _text(sub, "title"), _text(sub, "outer_sku_id") or _text(sub, "outer_iid")
    if not title and not sku_code:
        missing.append("title")
    if missing:
        raise ParseError(
            "FIELD_MISSING",
            f"sub-order {index} has no {', '.join(missing)}",
            field=f"{where}.{missing[0]}",
        )
    quantity = _count(sub, "num", where)
    price = _money(sub, "price", where=where)
    return LineDraft(
        title=title,
        quantity=quantity,
        unit_price=price,
        discount=price * quantity - _money(sub, "total_fee", where=where),
        sku_code=sku_code or None,
        platform_sku_id=_text(sub, "sku_id") or _text(sub, "num_iid") or None,
        spec=_text(sub, "sku_properties_name"),
    )


def _receiver(trade: Mapping[str, Any]) -> Address:
    town, address = _text(trade, "receiver_town"), _text(trade, "receiver_address")
    street = address if not town or address.startswith(town) else town + address
    return Address(
        name=_text(trade, "receiver_name"),
        phone=_text(trade, "receiver_mobile") or _text(trade, "receiver_phone"),
        country="CN",
        province=_text(trade, "receiver_state"),
        city=_text(trade, "receiver_city"),
        district=_text(trade, "receiver_district"),
        street=street,
        postcode=_text(trade, "receiver_zip"),
    )


def _extra(trade: Mapping[str, Any]) -> dict[str, str]:
    names = {
        "oaid": "oaid",
        "type": "trade_type",
        "step_trade_status": "step_trade_status",
        "step_paid_fee": "step_paid_fee",
        "receiver_country": "receiver_country",
        "trade_from": "trade_from",
    }
    return {ours: _text(trade, theirs) for theirs, ours in names.items() if _text(trade, theirs)}


def _plain_email(value: str) -> str | None:
    return value if value and "*" not in value else None


def _error_text(doc: Mapping[str, Any]) -> str:
    err = doc.get("error_response")
    if not isinstance(err, dict):
        return str(err)
    parts = [_text(err, key) for key in ("code", "msg", "sub_code", "sub_msg")]
    return " ".join(part for part in parts if part)


def _object(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        raise ParseError("FIELD_MISSING", f"{where} is missing", field=where)
    if not isinstance(value, dict):
        raise ParseError("FIELD_INVALID", f"{where} is not an object", field=where)
    return value


def _text(data: Mapping[str, Any], key: str) -> str:
    """A scalar field as text, exactly as received ("" when absent or null)."""
    value = data.get(key)
    if value is None or isinstance(value, dict | list):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _required_text(data: Mapping[str, Any], key: str) -> str:
    value = _text(data, key)
    if not value:
        raise ParseError("FIELD_MISSING", f"the trade has no {key}", field=key)
    return value


def _money(
    data: Mapping[str, Any], key: str, *, where: str = "", default: Decimal | None = None
) -> Decimal:
    name = f"{where}.{key}" if where else key
    value = data.get(key)
    if value in (None, ""):
        if default is not None:
            return default
        raise ParseError("FIELD_MISSING", f"{name} is missing", field=name)
    try:
        return to_decimal(value)
    except MoneyError:
        raise ParseError(
            "FIELD_INVALID", f"{name} is not an amount: {value!r}", field=name
        ) from None


def _count(data: Mapping[str, Any], key: str, where: str) -> int:
    value = data.get(key)
    text = str(value)
    if isinstance(value, bool) or not text.isdigit():
        raise ParseError(
            "FIELD_INVALID", f"{where}.{key} is not a count: {value!r}", field=f"{where}.{key}"
        )
    return int(text)


def _required_time(data: Mapping[str, Any], key: str) -> datetime:
    moment = _time(data, key)
    if moment is None:
        raise ParseError("FIELD_MISSING", f"the trade has no {key}", field=key)
    return moment


def _time(data: Mapping[str, Any], key: str) -> datetime | None:
    value = _text(data, key)
    if not value:
        return None
    try:
        return parse_top_time(value)
    except ValueError:
        raise ParseError(
            "FIELD_INVALID", f"{key} is not a yyyy-MM-dd HH:mm:ss time: {value!r}", field=key
        ) from None
