"""The `ChannelAdapter` protocol every platform implements, and the errors adapters raise."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Protocol

from orderhub.channels.http import ChannelHttp
from orderhub.orders.domain import OrderDraft


class ParseError(ValueError):
    """A payload that cannot become an order; it goes to quarantine with `code`, `field`, message."""

    def __init__(self, code: str, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


@dataclass(frozen=True, slots=True)
class ShopContext:
    """What an adapter knows of the shop it works for. `credentials` never reach logs."""

    code: str
    platform: str
    currency: str
    credentials: Mapping[str, Any] = field(default_factory=dict, repr=False)

    def credential(self, name: str) -> str:
        value = self.credentials.get(name)
        if not value:
            raise KeyError(f"shop {self.code} has no credential {name!r}")
        return str(value)


@dataclass(frozen=True, slots=True)
class PullWindow:
    """Orders updated in [start, end), UTC."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class PullPage:
    """One page of a pull: each order's raw text (kept verbatim) and the token of the next page."""

    orders: list[str]
    next_page_token: str | None


class ChannelAdapter(Protocol):
    """One platform. Parsing is pure; pulling goes through `ChannelHttp` (retries are the caller's).

    Optional capabilities live in their own protocols, checked at run time: publishing stock is
    `stock_push.StockPusher` (`supports_stock_push`, `stock_pusher_for`).
    """

    platforms: ClassVar[
        tuple[str, ...]
    ]  # platform names this adapter serves, e.g. ("taobao", "tmall")

    def parse(self, raw: str, shop: ShopContext) -> OrderDraft:
        """Turn one raw order (as stored) into a canonical draft; raise `ParseError` if it can't."""
        ...

    def verify_webhook(self, headers: Mapping[str, str], body: bytes, shop: ShopContext) -> bool:
        """True only when the body carries the platform's valid signature for this shop."""
        ...

    def webhook_orders(self, headers: Mapping[str, str], body: bytes) -> list[str]:
        """The raw orders inside a verified webhook body (usually the body itself)."""
        ...

    def pull_page(
        self, http: ChannelHttp, shop: ShopContext, window: PullWindow, page_token: str | None
    ) -> PullPage:
        """One page of orders updated in `window`, starting at `page_token` (None = first page)."""
        ...


class NoHttpWebhooks:
    """For platforms that push through their own message services (TOP/TMC, JD JMQ, PDD, SP-API
    notifications via SQS) rather than signed HTTP posts: every HTTP delivery is refused."""

    def verify_webhook(self, headers: Mapping[str, str], body: bytes, shop: ShopContext) -> bool:
        return False

    def webhook_orders(self, headers: Mapping[str, str], body: bytes) -> list[str]:
        return []
