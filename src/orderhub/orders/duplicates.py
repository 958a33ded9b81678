"""Suspected duplicate orders: the same buyer bought the same items for the same amount twice.

A buyer is recognised by any of three keys (customer id, normalised phone key, name + address
key); the keys are computed upstream and arrive in an `OrderFingerprint`. Two orders are suspected
duplicates when they share a buyer key, the same multiset of (SKU, quantity), the same total and
currency, were placed within a window of each other, and either came through different shops or
one of them was entered manually (a repeat purchase on the same platform shop is a real order).

Pure decisions: no database, no I/O. Each order is looked up in an index keyed by
(buyer key, items, total, currency), so a batch costs O(n) rather than O(n²).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from orderhub.money import MoneyError, round_to_currency
from orderhub.orders.lifecycle import OrderStatus

DEFAULT_WINDOW = timedelta(hours=24)
MANUAL_CHANNEL = "manual"
# An order in one of these states is over: it neither counts as an original nor is suspected.
IGNORED_STATUSES = frozenset({OrderStatus.CANCELLED, OrderStatus.MERGED})
# How much of a phone key a reason shows; the rest is masked.
PHONE_SHOWN = 6

Items = tuple[tuple[str, int], ...]
BuyerKey = tuple[str, str]  # (kind, value)
IndexKey = tuple[str, str, Items, Decimal, str]


@dataclass(frozen=True, slots=True)
class OrderFingerprint:
    """What duplicate detection needs to know about one order."""

    order_id: int
    shop: str
    channel: str
    platform_order_id: str
    customer_id: int | None
    phone_key: str
    name_address_key: str
    items: Items  # sorted (sku_code, quantity) pairs
    total: Decimal
    currency: str
    placed_at: datetime
    status: str


@dataclass(frozen=True, slots=True)
class DuplicateSuspicion:
    """`order_id` is suspected to duplicate `other_order_id`; `reason` says why, for a person."""

    order_id: int
    other_order_id: int
    reason: str


def find_duplicates(
    new: Sequence[OrderFingerprint],
    existing: Iterable[OrderFingerprint],
    *,
    window: timedelta = DEFAULT_WINDOW,
) -> list[DuplicateSuspicion]:
    """Every new order that looks like a duplicate of an existing or an earlier new order.

    A new order is the suspect and points at the other order; within `new`, the later placed
    order is the suspect and points at the earlier one. One suspicion per pair of orders.
    """
    if window < timedelta(0):
        raise ValueError(f"the duplicate window must not be negative, got {window}")
    index: dict[IndexKey, list[OrderFingerprint]] = {}
    for order in existing:
        _add(index, order)
    suspicions: list[DuplicateSuspicion] = []
    for order in sorted(new, key=lambda o: (o.placed_at, o.order_id)):
        if order.status in IGNORED_STATUSES:
            continue
        suspicions += _suspicions_for(order, index, window)
        _add(index, order)
    return suspicions


def buyer_keys(order: OrderFingerprint) -> list[BuyerKey]:
    """The keys that recognise the buyer, most specific first; empty keys are left out."""
    keys: list[BuyerKey] = []
    if order.customer_id is not None:
        keys.append(("customer", str(order.customer_id)))
    if order.phone_key.strip():
        keys.append(("phone", order.phone_key.strip()))
    if order.name_address_key.strip():
        keys.append(("name_address", order.name_address_key.strip()))
    return keys


def _index_keys(order: OrderFingerprint) -> Iterator[tuple[BuyerKey, IndexKey]]:
    items = tuple(sorted(order.items))
    currency = order.currency.strip().upper()
    for kind, value in buyer_keys(order):
        yield (kind, value), (kind, value, items, order.total, currency)


def _add(index: dict[IndexKey, list[OrderFingerprint]], order: OrderFingerprint) -> None:
    if order.status in IGNORED_STATUSES or not order.items:
        return
    for _, key in _index_keys(order):
        index.setdefault(key, []).append(order)


def _suspicions_for(
    order: OrderFingerprint,
    index: dict[IndexKey, list[OrderFingerprint]],
    window: timedelta,
) -> list[DuplicateSuspicion]:
    found: dict[int, DuplicateSuspicion] = {}
    if not order.items:
        return []
    for buyer, key in _index_keys(order):
        for other in index.get(key, ()):
            if other.order_id in found or not _comparable(order, other, window):
                continue
            found[other.order_id] = DuplicateSuspicion(
                order.order_id, other.order_id, _reason(order, other, buyer)
            )
    return list(found.values())


def _comparable(order: OrderFingerprint, other: OrderFingerprint, window: timedelta) -> bool:
    """Whether `other` may count as the original of `order` (buyer and items already match)."""
    if other.order_id == order.order_id:
        return False
    if other.shop == order.shop and other.platform_order_id == order.platform_order_id:
        return False  # the same order seen twice, not a second purchase
    if abs(order.placed_at - other.placed_at) > window:
        return False
    manual = MANUAL_CHANNEL in (order.channel, other.channel)
    return other.shop != order.shop or manual


def _reason(order: OrderFingerprint, other: OrderFingerprint, buyer: BuyerKey) -> str:
    return (
        f"same buyer ({_describe_buyer(buyer)}), same items and amount "
        f"{_amount(order.total, order.currency)} as order {other.order_id} on {other.shop}, "
        f"{_describe_gap(order.placed_at - other.placed_at)}"
    )


def _describe_buyer(buyer: BuyerKey) -> str:
    kind, value = buyer
    if kind == "customer":
        return f"customer {value}"
    if kind == "phone":
        shown = value[:PHONE_SHOWN]
        return f"phone {shown}…" if len(value) > PHONE_SHOWN else f"phone {shown}"
    return "name and address"


def _amount(total: Decimal, currency: str) -> str:
    code = currency.strip().upper()
    try:
        return f"{round_to_currency(total, code)} {code}"
    except MoneyError:
        return f"{total} {code}"


def _describe_gap(gap: timedelta) -> str:
    """How long before (positive gap) or after (negative gap) the other order was placed."""
    direction = "earlier" if gap > timedelta(0) else "later"
    seconds = abs(gap.total_seconds())
    if seconds < 60:
        return "at the same time"
    if seconds < 3600:
        return f"{int(seconds // 60)} min {direction}"
    hours = seconds / 3600
    shown = f"{round(hours)}" if hours >= 10 else f"{round(hours, 1):g}"
    return f"{shown} h {direction}"
