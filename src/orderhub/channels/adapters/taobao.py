"""Taobao and Tmall through the Taobao Open Platform (TOP) REST gateway.

Parsing lives in `taobao_mapping` (its docstring lists the mapping judgement calls), signing in
`taobao_sign`. This module pulls, in two steps per page:

1. `taobao.trades.sold.increment.get` (fields tid,modified) lists the trades modified in a
   sub-window of at most one day (TOP refuses longer spans). TOP sorts by `modified`, newest
   first, and documents that pages must be read from the last one back to the first to avoid
   missing trades that change while we page. So the first call of a sub-window asks without
   `use_has_next` to learn `total_results` (a single page is used at once), then pages are read
   last to first with `use_has_next=true`. A trade modified during the pull then shows up twice
   at worst, never not at all. Both ends of a sub-window are sent as is; reading them as
   inclusive (the safe assumption) a trade modified exactly on a boundary second may come
   twice, which ingest absorbs.
2. `taobao.trade.fullinfo.get` for each listed tid; each answer's text is kept verbatim as the
   raw order.

The page token (JSON) holds the sub-window, the next list page, the tids listed but not yet
fetched, and a digest of the sub-window's last list page. A transient failure after some
progress in a call returns what was fetched with a token to resume exactly there (the caller
retries the rest); a failure before any progress raises. Stale answers are platform glitches
and raise `TransientChannelError`: a list page naming a trade modified outside the sub-window
or identical to the sub-window's previous page, a fullinfo answer for another tid.

Stock is pushed with `taobao.item.quantity.update` (full update), see `taobao_stock`.

Webhooks: TOP pushes trades through TMC (a message channel the app connects to) or the
聚石塔 database sync, not by signed HTTP calls to us; no HTTP push signature is documented, so
`verify_webhook` always says False and `webhook_orders` finds nothing.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from orderhub.channels.adapters.taobao_mapping import load_trade, trade_to_draft
from orderhub.channels.adapters.taobao_sign import parse_top_time, sign_top, top_timestamp
from orderhub.channels.adapters.taobao_stock import push_quantities
from orderhub.channels.base import NoHttpWebhooks, PullPage, PullWindow, ShopContext
from orderhub.channels.http import (
    ChannelAuthError,
    ChannelError,
    ChannelHttp,
    ChannelRequestError,
    TransientChannelError,
)
from orderhub.channels.registry import register
from orderhub.channels.stock_push import PushResult, StockLevel
from orderhub.orders.domain import OrderDraft

GATEWAY_PATH = "/router/rest"
PAGE_SIZE = 100
MAX_SPAN = timedelta(days=1)
DEFAULT_SIGN_METHOD = "hmac-sha256"
INCREMENT = "taobao.trades.sold.increment.get"
FULLINFO = "taobao.trade.fullinfo.get"
FULLINFO_FIELDS = ",".join(
    (
        "tid,tid_str,status,type,step_trade_status,step_paid_fee,trade_from,shipping_type",
        "created,pay_time,modified,consign_time,end_time",
        "payment,total_fee,post_fee,discount_fee,adjust_fee,received_payment",
        "buyer_nick,buyer_open_uid,oaid,buyer_message,seller_memo,seller_flag",
        "receiver_name,receiver_mobile,receiver_phone,receiver_country,receiver_state",
        "receiver_city,receiver_district,receiver_town,receiver_address,receiver_zip",
        "promotion_details,orders",
    )
)
AUTH_CODES = frozenset({"11", "12", "25", "26", "27", "28", "29"})
TRANSIENT_CODES = frozenset({"7", "10"})
_TRANSIENT_SUB = ("service-unavailable", "timeout", "connection-error", "unknown-error")
_BAN = re.compile(r"last for (\d+) more seconds")
_SECOND = timedelta(seconds=1)


class TaobaoAdapter(NoHttpWebhooks):
    """Taobao and Tmall trades via TOP; credentials app_key, app_secret, session, sign_method."""

    platforms: ClassVar[tuple[str, ...]] = ("taobao", "tmall")

    def parse(self, raw: str, shop: ShopContext) -> OrderDraft:
        return trade_to_draft(load_trade(raw), raw)

    def pull_page(
        self, http: ChannelHttp, shop: ShopContext, window: PullWindow, page_token: str | None
    ) -> PullPage:
        if page_token is None and window.end <= window.start:
            return PullPage([], None)
        client = TopClient(http, shop)
        cursor = Cursor.decode(page_token) if page_token else Cursor.first(window.start, window)
        listed = not cursor.pending
        if listed:
            cursor = _list_next(client, cursor)
        orders: list[str] = []
        cursor = _fetch_details(client, cursor, orders, keep_progress=listed)
        following = cursor.advance(window)
        return PullPage(orders, following.encode() if following else None)

    def push_stock(
        self, http: ChannelHttp, shop: ShopContext, items: Sequence[StockLevel]
    ) -> list[PushResult]:
        """Full-update each listing's quantity; a listing id is `num_iid` or `num_iid:sku_id`."""
        return push_quantities(TopClient(http, shop), items) if items else []


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a pull stands: sub-window, next list page (None: count first; 0: all listed),
    tids listed but not fetched yet, and the digest of the last list page."""

    start: datetime
    end: datetime
    page_no: int | None = None
    pending: tuple[str, ...] = ()
    last_digest: str = ""

    @classmethod
    def first(cls, start: datetime, window: PullWindow) -> Cursor:
        return cls(start, min(start + MAX_SPAN, window.end))

    def advance(self, window: PullWindow) -> Cursor | None:
        """The cursor after this call: more of this sub-window, the next one, or None (done)."""
        if self.pending or self.page_no != 0:
            return self
        if self.end >= window.end:
            return None
        return Cursor.first(self.end, window)

    def encode(self) -> str:
        state = {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "page_no": self.page_no,
            "pending": list(self.pending),
            "last_digest": self.last_digest,
        }
        return json.dumps(state, separators=(",", ":"), sort_keys=True)

    @classmethod
    def decode(cls, token: str) -> Cursor:
        try:
            state = json.loads(token)
            return cls(
                start=_aware(state["start"]),
                end=_aware(state["end"]),
                page_no=None if state["page_no"] is None else int(state["page_no"]),
                pending=tuple(str(tid) for tid in state["pending"]),
                last_digest=str(state["last_digest"]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ChannelRequestError(f"not a Taobao page token: {token[:100]!r}") from exc


class TopClient:
    """Signed calls to the TOP gateway for one shop; TOP errors become `ChannelError`s."""

    def __init__(self, http: ChannelHttp, shop: ShopContext) -> None:
        self.http = http
        try:
            self.app_key = shop.credential("app_key")
            self.secret = shop.credential("app_secret")
            self.session = shop.credential("session")
        except KeyError as exc:
            raise ChannelAuthError(str(exc.args[0])) from None
        self.sign_method = str(shop.credentials.get("sign_method") or DEFAULT_SIGN_METHOD)

    def call(self, method: str, business: Mapping[str, str]) -> tuple[str, dict[str, Any]]:
        """POST one API call; (the answer's text, its JSON)."""
        params = {
            "method": method,
            "app_key": self.app_key,
            "session": self.session,
            "timestamp": top_timestamp(datetime.now(UTC)),
            "format": "json",
            "v": "2.0",
            "sign_method": self.sign_method,
            **business,
        }
        try:
            params["sign"] = sign_top(params, self.secret, self.sign_method)
        except ValueError as exc:
            raise ChannelAuthError(str(exc)) from None
        text = self.http.post(GATEWAY_PATH, data=params).text
        try:
            doc = json.loads(text, parse_float=Decimal)
        except ValueError:
            raise TransientChannelError(f"{method}: TOP answered no JSON: {text[:200]!r}") from None
        if not isinstance(doc, dict):
            raise ChannelRequestError(f"{method}: unexpected answer {text[:200]!r}")
        if "error_response" in doc:
            raise top_error(method, doc["error_response"])
        return text, doc

    def list_page(self, cursor: Cursor, page_no: int, *, count: bool) -> dict[str, Any]:
        _, doc = self.call(
            INCREMENT,
            {
                "fields": "tid,modified",
                "start_modified": top_timestamp(cursor.start),
                "end_modified": top_timestamp(cursor.end),
                "page_no": str(page_no),
                "page_size": str(PAGE_SIZE),
                "use_has_next": "false" if count else "true",
            },
        )
        body = doc.get("trades_sold_increment_get_response")
        if not isinstance(body, dict):
            raise ChannelRequestError(f"{INCREMENT}: no trades_sold_increment_get_response")
        return body

    def fullinfo(self, tid: str) -> str:
        text, doc = self.call(FULLINFO, {"fields": FULLINFO_FIELDS, "tid": tid})
        trade = (doc.get("trade_fullinfo_get_response") or {}).get("trade") or {}
        answered = str(trade.get("tid_str") or trade.get("tid") or "")
        if answered != tid:
            raise TransientChannelError(f"{FULLINFO}: asked for tid {tid}, got {answered!r}")
        return text


def top_error(method: str, err: Any) -> ChannelError:
    """The `ChannelError` for a TOP `error_response`."""
    err = err if isinstance(err, dict) else {}
    code, sub_code = str(err.get("code", "")), str(err.get("sub_code") or "")
    msg, sub_msg = str(err.get("msg") or ""), str(err.get("sub_msg") or "")
    text = f"{method}: TOP error {code} {msg} ({sub_code}: {sub_msg})"
    if code in TRANSIENT_CODES or "App Call Limited" in msg or sub_code.startswith("accesscontrol"):
        ban = _BAN.search(sub_msg)
        return TransientChannelError(text, retry_after=float(ban.group(1)) if ban else None)
    if sub_code.startswith("isp.") and any(word in sub_code for word in _TRANSIENT_SUB):
        return TransientChannelError(text)
    if code in AUTH_CODES:
        return ChannelAuthError(text)
    return ChannelRequestError(
        text, platform_code=sub_code or code, platform_message=sub_msg or msg
    )


def _list_next(client: TopClient, cursor: Cursor) -> Cursor:
    """List the next increment page of the cursor's sub-window (see the module docstring)."""
    if cursor.page_no is None:
        body = client.list_page(cursor, 1, count=True)
        if "total_results" not in body:
            raise TransientChannelError(f"{INCREMENT}: the count page has no total_results")
        last = math.ceil(int(body["total_results"]) / PAGE_SIZE)
        tids = _checked_tids(body, cursor)
        if last <= 1:
            return replace(cursor, page_no=0, pending=tids, last_digest=_digest(tids))
        return replace(cursor, page_no=last, pending=(), last_digest=_digest(tids))
    body = client.list_page(cursor, cursor.page_no, count=False)
    tids = _checked_tids(body, cursor)
    return replace(cursor, page_no=cursor.page_no - 1, pending=tids, last_digest=_digest(tids))


def _checked_tids(body: Mapping[str, Any], cursor: Cursor) -> tuple[str, ...]:
    """The listed tids, after checking the page is not a stale one: no trade modified outside
    the sub-window, and not the same trades as the sub-window's previous page."""
    trades = [t for t in (body.get("trades") or {}).get("trade") or [] if isinstance(t, dict)]
    for trade in trades:
        modified = str(trade.get("modified") or "")
        if modified and not cursor.start - _SECOND <= _top_time(modified) <= cursor.end + _SECOND:
            raise TransientChannelError(f"{INCREMENT}: listed a trade modified at {modified}")
    tids = tuple(str(t.get("tid_str") or t.get("tid")) for t in trades)
    if tids and _digest(tids) == cursor.last_digest:
        raise TransientChannelError(f"{INCREMENT}: TOP repeated the previous page")
    return tids


def _top_time(text: str) -> datetime:
    try:
        return parse_top_time(text)
    except ValueError:
        raise ChannelRequestError(f"{INCREMENT}: modified {text!r} is not a TOP time") from None


def _fetch_details(
    client: TopClient, cursor: Cursor, orders: list[str], *, keep_progress: bool
) -> Cursor:
    """Fetch the pending trades into `orders`; on a transient failure after any progress,
    stop and return the cursor of what is left."""
    pending = list(cursor.pending)
    while pending:
        try:
            orders.append(client.fullinfo(pending[0]))
        except TransientChannelError:
            if not (orders or keep_progress):
                raise
            break
        pending.pop(0)
    return replace(cursor, pending=tuple(pending))


def _digest(tids: tuple[str, ...]) -> str:
    return hashlib.sha256(",".join(tids).encode()).hexdigest()[:16] if tids else ""


def _aware(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("naive time in page token")
    return moment


register(TaobaoAdapter())
