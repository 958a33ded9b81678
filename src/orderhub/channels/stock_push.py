"""Publishing stock quantities to sales channels: an optional adapter capability.

An adapter that can push stock has a `push_stock` method (the `StockPusher` protocol); the
others need no stub, `supports_stock_push` tells them apart and `stock_pusher_for` refuses a
platform that cannot push (file import, manual, POS, ...) with `STOCK_PUSH_UNSUPPORTED`.

The contract of `push_stock`:
- quantities are absolute ("the channel may sell N"), never deltas, so repeating a push is
  harmless and a caller may retry a whole batch after a failure;
- one `PushResult` per item, in the order given; an item the platform refuses (unknown listing,
  a 4xx about that item) is a failed result carrying the platform's message, not an exception;
- credentials refused raise `ChannelAuthError`; a shop lacking a setting the push needs raises
  `StockPushNotConfigured`;
- timeouts, 429, 5xx and platform rate limits raise `StockPushInterrupted`, a
  `TransientChannelError` carrying the results of the items pushed before it: retry the rest
  (`items[len(exc.results):]`) later, honouring `retry_after`; the interrupted item may or may
  not have been applied, which pushing it again makes moot. A large batch under a rate limit thus
  converges instead of starting over each time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar, Protocol, TypeGuard

from orderhub.channels import registry
from orderhub.channels.base import ShopContext
from orderhub.channels.http import ChannelError, ChannelHttp, TransientChannelError


class PushErrorCode(StrEnum):
    """Stable codes of a failed `PushResult` (and of `StockPushUnsupported`)."""

    UNSUPPORTED = "STOCK_PUSH_UNSUPPORTED"  # the platform cannot receive stock pushes
    UNMAPPED = "STOCK_PUSH_UNMAPPED"  # no (or no usable) platform listing id for the SKU
    ITEM_NOT_FOUND = "STOCK_PUSH_ITEM_NOT_FOUND"  # the platform does not know the listing
    REFUSED = "STOCK_PUSH_REFUSED"  # the platform refused this item for another reason


@dataclass(frozen=True, slots=True)
class StockLevel:
    """The quantity a channel may sell of one SKU, addressed by the platform's listing id."""

    sku_code: str
    platform_sku_id: str | None
    quantity: int

    def __post_init__(self) -> None:
        if isinstance(self.quantity, bool) or not isinstance(self.quantity, int):
            raise TypeError(f"quantity of {self.sku_code} must be an int")
        if self.quantity < 0:
            raise ValueError(f"cannot publish a negative quantity for {self.sku_code}")


@dataclass(frozen=True, slots=True)
class PushResult:
    """What became of one `StockLevel`; `error_code` is a `PushErrorCode` when not ok."""

    sku_code: str
    ok: bool
    error_code: str = ""
    message: str = ""

    @classmethod
    def pushed(cls, sku_code: str) -> PushResult:
        return cls(sku_code, True)

    @classmethod
    def failed(cls, sku_code: str, code: PushErrorCode, message: str) -> PushResult:
        return cls(sku_code, False, code.value, message)


class StockPushUnsupported(ChannelError):
    """The shop's platform has no way to receive stock from us."""

    code = PushErrorCode.UNSUPPORTED.value

    def __init__(self, platform: str) -> None:
        super().__init__(
            f"platform {platform!r} cannot receive stock pushes; "
            "keep its stock up to date in the platform's own back office"
        )
        self.platform = platform


class StockPushNotConfigured(ChannelError):
    """The shop lacks a setting the push needs (e.g. Shopify's `location_id`)."""

    code = "STOCK_PUSH_NOT_CONFIGURED"

    def __init__(self, shop: str, setting: str, hint: str) -> None:
        super().__init__(f"shop {shop!r} cannot push stock without {setting!r}: {hint}")
        self.shop = shop
        self.setting = setting


class StockPushInterrupted(TransientChannelError):
    """A transient failure part-way through a batch; `results` covers the items before it."""

    def __init__(self, cause: TransientChannelError, results: list[PushResult]) -> None:
        super().__init__(str(cause), retry_after=cause.retry_after)
        self.results = results


class StockPusher(Protocol):
    """An adapter that can publish stock quantities (see the module docstring for the contract)."""

    platforms: ClassVar[tuple[str, ...]]

    def push_stock(
        self, http: ChannelHttp, shop: ShopContext, items: Sequence[StockLevel]
    ) -> list[PushResult]: ...


def supports_stock_push(adapter: object) -> TypeGuard[StockPusher]:
    return callable(getattr(adapter, "push_stock", None))


def stock_pusher_for(platform: str) -> StockPusher:
    """The adapter that pushes stock to `platform`; `StockPushUnsupported` if there is none."""
    try:
        adapter = registry.adapter_for(platform)
    except LookupError:
        raise StockPushUnsupported(platform) from None
    if not supports_stock_push(adapter):
        raise StockPushUnsupported(platform)
    return adapter


def push_each(
    items: Sequence[StockLevel], push_one: Callable[[StockLevel], PushResult]
) -> list[PushResult]:
    """`push_one` over `items` in order; a transient failure becomes `StockPushInterrupted`."""
    results: list[PushResult] = []
    for level in items:
        try:
            results.append(push_one(level))
        except TransientChannelError as exc:
            raise StockPushInterrupted(exc, results) from exc
    return results


def unmapped(level: StockLevel, platform: str, expected: str) -> PushResult:
    """The failed result for a SKU whose platform listing id is missing or malformed."""
    if not level.platform_sku_id:
        message = f"SKU {level.sku_code} has no {platform} listing id"
    else:
        message = f"{level.platform_sku_id!r} is not a {platform} listing id ({expected})"
    return PushResult.failed(level.sku_code, PushErrorCode.UNMAPPED, message)
