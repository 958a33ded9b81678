"""A Taobao Open Platform (TOP) gateway on 127.0.0.1 for tests and demos.

`run_top(trades, ...)` serves `/router/rest` (GET query or POST form, both merged like TOP):
it checks app_key (error 29), the signature for the declared sign_method (md5 when none;
error 25 "Invalid signature") and the session (26 missing / 27 invalid), then answers
`taobao.trades.sold.increment.get` (trades whose `modified` lies in [start_modified,
end_modified], both ends inclusive, span at most one day, newest first as TOP documents;
`has_next` when use_has_next=true, else `total_results`) and `taobao.trade.fullinfo.get`
(by tid, top-level fields filtered by `fields`; an unknown tid is an error_response).
Errors come as TOP sends them: HTTP 200 with `{"error_response": {...}}`.

Failure injection, per request from `FailurePlan.draw()`: TIMEOUT and SERVER_ERROR as
`answer_failure` does (a late 504, a 503); RATE_LIMIT as TOP really limits, HTTP 200 with error
code 7 "App Call Limited" and "This ban will last for N more seconds" (N = plan.retry_after);
REPEAT_PAGE answers with the previous answer of the same API (the previous list page, or the
previous trade's fullinfo). `TopStats` counts what was served. With `items=TopItems(...)` it
also takes stock pushes (`taobao.item.quantity.update`, see `taobao_stock`).

`make_trades(n, seed=, start=)` builds realistic fullinfo trade objects: mixed statuses, one to
three sub-orders, sub-order and order-level discounts, postage, masked receiver data, OAID,
strictly increasing `modified` (never on a whole `spacing` step from `start`).
"""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from orderhub.channels.adapters.taobao_sign import (
    SIGN_METHODS,
    parse_top_time,
    sign_top,
    top_timestamp,
)
from orderhub.channels.simulators.base import Failure, FailurePlan, Reply, answer_failure, serve
from orderhub.channels.simulators.taobao_stock import QUANTITY_UPDATE, TopItems

INCREMENT = "taobao.trades.sold.increment.get"
FULLINFO = "taobao.trade.fullinfo.get"
CENT = Decimal("0.01")


@dataclass(slots=True)
class TopStats:
    """What the simulator served: all requests, per API method, and injected failures."""

    requests: int = 0
    by_method: dict[str, int] = field(default_factory=dict)
    failures: int = 0


@dataclass(slots=True)
class _Gateway:
    trades: dict[str, dict[str, Any]]
    by_modified: list[tuple[datetime, dict[str, Any]]]
    app_key: str
    app_secret: str
    session: str
    plan: FailurePlan | None
    stats: TopStats
    items: TopItems | None = None
    last: dict[str, bytes] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Reply:
        url = urlsplit(target)
        if url.path != "/router/rest":
            return Reply(404, b'{"error":"not found"}')
        params = dict(parse_qsl(url.query, keep_blank_values=True))
        if method == "POST" and body:
            params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        api = params.get("method", "")
        with self.lock:
            self.stats.requests += 1
            self.stats.by_method[api] = self.stats.by_method.get(api, 0) + 1
        if api == QUANTITY_UPDATE and self.items is not None:
            self.items.log.count_call()
        failure = self.plan.draw() if self.plan else None
        if failure is not None:
            with self.lock:
                self.stats.failures += 1
            if failure is not Failure.REPEAT_PAGE:
                return self._fail(failure)
        refused = self._refuse(params)
        if refused is not None:
            return refused
        previous = self.last.get(api)
        if failure is Failure.REPEAT_PAGE and previous is not None:
            return Reply(200, previous)
        return self._answer(api, params)

    def _fail(self, failure: Failure) -> Reply:
        assert self.plan is not None
        if failure is Failure.RATE_LIMIT:
            ban = f"This ban will last for {self.plan.retry_after} more seconds"
            return error(7, "App Call Limited", "accesscontrol.limited-by-app-access-count", ban)
        reply = answer_failure(failure, self.plan)
        return reply if reply is not None else Reply(503, b'{"errors":"unavailable"}')

    def _refuse(self, params: dict[str, str]) -> Reply | None:
        """The error_response for a request that fails TOP's checks, or None."""
        if params.get("app_key") != self.app_key:
            return error(29, "Invalid app Key", "isv.appkey-not-exists")
        sign_method = params.get("sign_method") or "md5"
        if sign_method not in SIGN_METHODS:
            return error(25, "Invalid signature", "isv.invalid-signature", "unknown sign_method")
        expected = sign_top(params, self.app_secret, sign_method)
        if params.get("sign", "").upper() != expected:
            return error(25, "Invalid signature")
        if not params.get("session"):
            return error(26, "Missing session")
        if params["session"] != self.session:
            return error(27, "Invalid session", "sessionkey-not-generated-by-server")
        try:
            parse_top_time(params.get("timestamp", ""))
        except ValueError:
            return error(31, "Invalid timestamp")
        return None

    def _answer(self, api: str, params: dict[str, str]) -> Reply:
        if api == INCREMENT:
            reply = self._increment(params)
        elif api == FULLINFO:
            reply = self._fullinfo(params)
        elif api == QUANTITY_UPDATE and self.items is not None:
            reply = self.items.quantity_update(params)
        else:
            return error(22, "Invalid method")
        if reply.status == 200:
            self.last[api] = reply.body
        return reply

    def _increment(self, params: dict[str, str]) -> Reply:
        try:
            start = parse_top_time(params["start_modified"])
            end = parse_top_time(params["end_modified"])
            page_no = int(params.get("page_no") or 1)
            page_size = int(params.get("page_size") or 40)
        except (KeyError, ValueError) as exc:
            return error(41, "Invalid arguments", "isv.invalid-parameter", str(exc))
        if not start < end <= start + timedelta(days=1) or page_no < 1 or not 0 < page_size <= 100:
            return error(41, "Invalid arguments", "isv.invalid-parameter", "bad window or page")
        found = [trade for modified, trade in self.by_modified if start <= modified <= end]
        page = found[(page_no - 1) * page_size : page_no * page_size]
        body: dict[str, Any] = {}
        if page:
            body["trades"] = {"trade": [{"tid": t["tid"], "modified": t["modified"]} for t in page]}
        if params.get("use_has_next") == "true":
            body["has_next"] = page_no * page_size < len(found)
        else:
            body["total_results"] = len(found)
        return _json({"trades_sold_increment_get_response": body})

    def _fullinfo(self, params: dict[str, str]) -> Reply:
        trade = self.trades.get(params.get("tid", ""))
        if trade is None:
            return error(15, "Remote service error", "isv.trade-not-exist", "no such trade")
        wanted = {name.split(".")[0] for name in params.get("fields", "").split(",") if name}
        shown = {key: value for key, value in trade.items() if key in wanted}
        return _json({"trade_fullinfo_get_response": {"trade": shown}})


@contextmanager
def run_top(
    trades: list[dict[str, Any]],
    *,
    app_key: str,
    app_secret: str,
    session: str,
    failures: FailurePlan | None = None,
    stats: TopStats | None = None,
    items: TopItems | None = None,
) -> Iterator[str]:
    """Serve `trades` behind a TOP gateway; yield its base URL (pass `stats` to count, `items`
    to take stock pushes)."""
    ordered = sorted(
        ((parse_top_time(t["modified"]), t) for t in trades),
        key=lambda pair: (pair[0], int(pair[1]["tid"])),
        reverse=True,
    )
    gateway = _Gateway(
        trades={str(t["tid"]): t for t in trades},
        by_modified=ordered,
        app_key=app_key,
        app_secret=app_secret,
        session=session,
        plan=failures,
        stats=stats if stats is not None else TopStats(),
        items=items,
    )
    with serve(gateway.handle) as base_url:
        yield base_url


def error(code: int, msg: str, sub_code: str = "", sub_msg: str = "") -> Reply:
    """A TOP error answer (HTTP 200, like the real gateway)."""
    err: dict[str, Any] = {"code": code, "msg": msg}
    if sub_code:
        err["sub_code"] = sub_code
    if sub_msg:
        err["sub_msg"] = sub_msg
    return _json({"error_response": err})


def _json(doc: dict[str, Any]) -> Reply:
    return Reply(200, json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode())


# --- realistic trades --------------------------------------------------------------------

_STATUSES = (
    ("WAIT_BUYER_PAY", 10),
    ("TRADE_NO_CREATE_PAY", 2),
    ("WAIT_SELLER_SEND_GOODS", 35),
    ("SELLER_CONSIGNED_PART", 5),
    ("WAIT_BUYER_CONFIRM_GOODS", 20),
    ("TRADE_FINISHED", 18),
    ("TRADE_CLOSED", 4),
    ("TRADE_CLOSED_BY_TAOBAO", 6),
)
_UNPAID = {"WAIT_BUYER_PAY", "TRADE_NO_CREATE_PAY", "TRADE_CLOSED_BY_TAOBAO"}
_SHIPPED = {"SELLER_CONSIGNED_PART", "WAIT_BUYER_CONFIRM_GOODS", "TRADE_FINISHED"}
_PLACES = (
    ("浙江省", "杭州市", "西湖区"),
    ("广东省", "深圳市", "南山区"),
    ("上海", "上海市", "浦东新区"),
    ("陕西省", "西安市", "雁塔区"),
    ("河南省", "郑州市", "管城回族区"),
    ("四川省", "成都市", "武侯区"),
)
_PRODUCTS = (
    ("纯棉圆领短袖T恤", "颜色:白色;尺码:L"),
    ("天然绿檀木梳", "颜色分类:大圆把"),
    ("保温杯 500ml", "颜色分类:深蓝"),
    ("无线蓝牙耳机", "颜色分类:黑色;版本:标准版"),
    ("手工皂三件套", ""),
)
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def make_trades(
    n: int, *, seed: int, start: datetime, spacing: timedelta = timedelta(minutes=4)
) -> list[dict[str, Any]]:
    """`n` fullinfo trade objects; trade i is modified in (start + i*spacing, start + (i+1)*spacing)."""
    rng = random.Random(seed)
    step = int(spacing.total_seconds())
    trades = []
    for i in range(n):
        modified = start + spacing * i + timedelta(seconds=rng.randint(1, step - 1))
        trades.append(_trade(rng, 3_100_000_000_000_000 + i * 7919, modified))
    return trades


def _trade(rng: random.Random, tid: int, modified: datetime) -> dict[str, Any]:
    status = rng.choices([s for s, _ in _STATUSES], weights=[w for _, w in _STATUSES])[0]
    created = modified - timedelta(minutes=rng.randint(5, 3 * 24 * 60))
    subs = [_sub_order(rng, tid, k) for k in range(rng.choice((1, 1, 1, 2, 2, 3)))]
    post_fee = Decimal(rng.choice(("0.00", "0.00", "6.00", "10.00", "12.50")))
    _spread_order_discount(rng, subs)
    _set_refunds(rng, status, subs)
    for sub in subs:
        sub["status"] = "TRADE_CLOSED" if sub["refund_status"] == "SUCCESS" else status
        paid = Decimal(sub["total_fee"]) - Decimal(sub["part_mjz_discount"])
        sub["payment"] = _fen(paid + (post_fee if len(subs) == 1 else 0))
    province, city, district = rng.choice(_PLACES)
    mjz = sum(Decimal(s["part_mjz_discount"]) for s in subs)
    trade: dict[str, Any] = {
        "tid": tid,
        "tid_str": str(tid),
        "status": status,
        "type": "fixed",
        "created": top_timestamp(created),
        "modified": top_timestamp(modified),
        "total_fee": _fen(sum(Decimal(s["price"]) * s["num"] for s in subs)),
        "discount_fee": _fen(mjz),
        "adjust_fee": subs[0]["adjust_fee"] if len(subs) == 1 else "0.00",
        "post_fee": _fen(post_fee),
        "payment": _fen(sum(Decimal(s["total_fee"]) for s in subs) - mjz + post_fee),
        "buyer_nick": f"{rng.choice('tx买小')}**{rng.randint(0, 9)}",
        "buyer_open_uid": "AAH" + "".join(rng.choices(_ALPHABET, k=21)),
        "oaid": "".join(rng.choices("0123456789abcdef", k=40)),
        "receiver_name": rng.choice("张王李赵陈刘杨黄") + "**",
        "receiver_mobile": f"1{rng.randint(300000, 999999)}****",
        "receiver_state": province,
        "receiver_city": city,
        "receiver_district": district,
        "receiver_town": rng.choice(("", "", "西溪街道", "长安镇")),
        "receiver_address": f"{rng.choice('文中人建')}**路{rng.randint(1, 999)}号**室",
        "receiver_zip": f"{rng.randint(100000, 859999)}",
        "buyer_message": rng.choice(("", "", "", "请尽快发货")),
        "seller_memo": rng.choice(("", "", "", "已备注 小李")),
        "orders": {"order": subs},
    }
    _set_times(rng, trade, status, created, modified)
    return trade


def _sub_order(rng: random.Random, tid: int, k: int) -> dict[str, Any]:
    title, sku_props = rng.choice(_PRODUCTS)
    price = Decimal(rng.randint(990, 49900)) * CENT
    num = rng.randint(1, 3)
    discount = (price * num * rng.choice((0, 0, 0, 5, 10, 15)) / 100).quantize(CENT)
    adjust = -Decimal(rng.randint(1, 300)) * CENT if rng.random() < 0.1 else Decimal(0)
    return {
        "oid": tid + k + 1,
        "num_iid": 600_000_000_000 + rng.randint(0, 999_999),
        "sku_id": str(5_000_000_000_000 + rng.randint(0, 999_999)),
        "outer_sku_id": f"SKU-{rng.randint(1000, 9999)}" if rng.random() < 0.8 else "",
        "title": title,
        "sku_properties_name": sku_props,
        "price": _fen(price),
        "num": num,
        "discount_fee": _fen(discount),
        "adjust_fee": _fen(adjust),
        "total_fee": _fen(price * num - discount + adjust),
        "part_mjz_discount": "0.00",
        "refund_status": "NO_REFUND",
    }


def _spread_order_discount(rng: random.Random, subs: list[dict[str, Any]]) -> None:
    """An order-level 满减 (0, 5 or 10 yuan over 100) spread over the sub-orders by amount."""
    amounts = [Decimal(sub["total_fee"]) for sub in subs]
    total = sum(amounts, Decimal(0))
    off = Decimal(rng.choice((0, 0, 5, 10))) if total >= 100 else Decimal(0)
    left = off
    for sub, amount in zip(subs[:-1], amounts[:-1], strict=True):
        share = (off * amount / total).quantize(CENT)
        sub["part_mjz_discount"], left = _fen(share), left - share
    subs[-1]["part_mjz_discount"] = _fen(left)


def _set_refunds(rng: random.Random, status: str, subs: list[dict[str, Any]]) -> None:
    if status == "TRADE_CLOSED":
        for sub in subs:
            sub["refund_status"] = "SUCCESS"
    elif status == "WAIT_SELLER_SEND_GOODS" and rng.random() < 0.15:
        rng.choice(subs)["refund_status"] = "WAIT_SELLER_AGREE"
    elif status == "TRADE_FINISHED" and len(subs) > 1 and rng.random() < 0.2:
        rng.choice(subs)["refund_status"] = "SUCCESS"


def _set_times(
    rng: random.Random, trade: dict[str, Any], status: str, created: datetime, modified: datetime
) -> None:
    span = (modified - created).total_seconds()
    if status not in _UNPAID:
        trade["pay_time"] = top_timestamp(created + timedelta(seconds=rng.uniform(1, span / 4)))
    if status in _SHIPPED:
        trade["consign_time"] = top_timestamp(created + timedelta(seconds=span / 2))
    if status in ("TRADE_FINISHED", "TRADE_CLOSED", "TRADE_CLOSED_BY_TAOBAO"):
        trade["end_time"] = trade["modified"]


def _fen(amount: Decimal | int) -> str:
    return f"{Decimal(amount).quantize(CENT)}"
