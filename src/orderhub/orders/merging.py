"""Merge and split rules: which orders may ship together, and how a line is divided.

Pure decisions only: the caller applies them (status `merged`, events, new order rows).

Merging: orders to the same receiver that have not been allocated yet can go out as one parcel
when they share a currency and a payment state, were placed within the policy window of the
group's earliest order, and come through the same shop or shops the seller allows together.
Cross-border orders and orders marked do-not-merge never merge.

Splitting: some quantity of some lines moves to a new order; each line's discount is shared pro
rata to the quantity moved, to the cent, so the two parts always add up to the original line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from orderhub.orders.domain import LineDraft
from orderhub.orders.lifecycle import OrderStatus

S = OrderStatus
# Unshipped and not yet allocated: stock is not tied to a parcel, so the orders can still join.
# An order on hold waits for a person (refund request, duplicate, unmapped SKU …): merging it
# would carry that problem into a parcel that is not held, so it joins once its hold is released.
MERGEABLE_STATUSES = frozenset({S.RECEIVED, S.PENDING_REVIEW, S.APPROVED})
CENT = Decimal("0.01")

RefusedPair = tuple[int, int, str]  # (earlier order id, later order id, why)


@dataclass(frozen=True, slots=True)
class MergeCandidate:
    order_id: int
    shop: str
    status: str
    payment_status: str
    receiver_key: str  # normalised address + phone; empty means unknown and never merges
    is_cross_border: bool
    do_not_merge: bool
    placed_at: datetime
    currency: str


@dataclass(frozen=True, slots=True)
class MergePolicy:
    enabled_auto: bool = False  # merge without asking; otherwise groups are suggestions
    window: timedelta = timedelta(hours=48)
    # Sets of shops the seller allows in one parcel; the same shop is always allowed.
    shop_groups: tuple[frozenset[str], ...] = ()

    def shops_allowed(self, a: str, b: str) -> bool:
        return a == b or any(a in group and b in group for group in self.shop_groups)


@dataclass(frozen=True, slots=True)
class MergeGroup:
    order_ids: tuple[int, ...]  # the target (earliest placed) first
    reason: str
    automatic: bool


@dataclass(slots=True)
class _OpenGroup:
    members: list[MergeCandidate] = field(default_factory=list)

    @property
    def first(self) -> MergeCandidate:
        return self.members[0]


def merge_groups(
    candidates: Sequence[MergeCandidate], policy: MergePolicy
) -> tuple[list[MergeGroup], list[RefusedPair]]:
    """Groups of orders that may ship as one, and the same-receiver pairs refused, with why.

    Orders in a status outside `MERGEABLE_STATUSES` or without a receiver key are not merge
    candidates at all and produce no refusal. A refusal is reported for two mergeable orders to
    the same receiver placed within the window of each other that a rule keeps apart.
    """
    groups: list[MergeGroup] = []
    refused: list[RefusedPair] = []
    for bucket in _buckets(candidates).values():
        bucket.sort(key=lambda c: (c.placed_at, c.order_id))
        refused += _refusals(bucket, policy)
        for group in _group_bucket(bucket, policy):
            if len(group.members) > 1:
                groups.append(_finish(group, policy))
    groups.sort(key=lambda g: g.order_ids[0])
    return groups, refused


def refusal(a: MergeCandidate, b: MergeCandidate, policy: MergePolicy) -> str | None:
    """Why `a` and `b` may never share a parcel, or None when no rule keeps them apart."""
    for order in (a, b):
        if order.do_not_merge:
            return f"order {order.order_id} has do-not-merge"
    for order in (a, b):
        if order.is_cross_border:
            return f"order {order.order_id} is cross-border"
    if a.payment_status != b.payment_status:
        return f"payment states differ ({a.payment_status} vs {b.payment_status})"
    if a.currency.upper() != b.currency.upper():
        return f"currencies differ ({a.currency} vs {b.currency})"
    if not policy.shops_allowed(a.shop, b.shop):
        return f"shops {a.shop} and {b.shop} are not allowed together"
    return None


def _buckets(candidates: Sequence[MergeCandidate]) -> dict[str, list[MergeCandidate]]:
    buckets: dict[str, list[MergeCandidate]] = {}
    seen: set[int] = set()
    for c in candidates:
        key = c.receiver_key.strip()
        if key and c.status in MERGEABLE_STATUSES and c.order_id not in seen:
            seen.add(c.order_id)
            buckets.setdefault(key, []).append(c)
    return buckets


def _refusals(bucket: list[MergeCandidate], policy: MergePolicy) -> list[RefusedPair]:
    """Refused pairs among orders to one receiver, `bucket` sorted by placement time."""
    refused: list[RefusedPair] = []
    for i, earlier in enumerate(bucket):
        for later in bucket[i + 1 :]:
            if later.placed_at - earlier.placed_at > policy.window:
                break
            why = refusal(earlier, later, policy)
            if why is not None:
                refused.append((earlier.order_id, later.order_id, why))
    return refused


def _group_bucket(bucket: list[MergeCandidate], policy: MergePolicy) -> list[_OpenGroup]:
    """Each order joins the earliest-started group it fits in, else starts its own."""
    groups: list[_OpenGroup] = []
    for order in bucket:
        if order.do_not_merge or order.is_cross_border:
            continue
        home = next((g for g in groups if _fits(order, g, policy)), None)
        if home is None:
            groups.append(_OpenGroup([order]))
        else:
            home.members.append(order)
    return groups


def _fits(order: MergeCandidate, group: _OpenGroup, policy: MergePolicy) -> bool:
    if order.placed_at - group.first.placed_at > policy.window:
        return False
    return all(refusal(member, order, policy) is None for member in group.members)


def _finish(group: _OpenGroup, policy: MergePolicy) -> MergeGroup:
    members = group.members
    shops = sorted({m.shop for m in members})
    span = members[-1].placed_at - members[0].placed_at
    reason = (
        f"same receiver, {len(members)} orders ({members[0].payment_status}, "
        f"{members[0].currency}) placed within {_hours(span)} on {', '.join(shops)}"
    )
    return MergeGroup(tuple(m.order_id for m in members), reason, policy.enabled_auto)


def _hours(span: timedelta) -> str:
    hours = span.total_seconds() / 3600
    return f"{round(hours, 1):g} h"


def split_lines(
    lines: Sequence[LineDraft], take: Mapping[int, int], *, quantum: Decimal = CENT
) -> tuple[list[LineDraft], list[LineDraft]]:
    """Split an order's lines into (lines kept, lines moved to a new order).

    `take` maps a line index to the quantity moved (1..the line's quantity). A partly moved
    line's discount is shared pro rata to the quantity, rounded to `quantum` (a cent by default)
    on the moved part; the kept part gets the rest, so both add up exactly to the original.
    Raises ValueError when the request is invalid or would move nothing or everything.
    """
    _check_take(lines, take)
    kept: list[LineDraft] = []
    moved: list[LineDraft] = []
    for index, line in enumerate(lines):
        quantity = take.get(index, 0)
        if quantity == 0:
            kept.append(line)
        elif quantity == line.quantity:
            moved.append(line)
        else:
            stay, go = _split_line(line, quantity, quantum)
            kept.append(stay)
            moved.append(go)
    return kept, moved


def _check_take(lines: Sequence[LineDraft], take: Mapping[int, int]) -> None:
    if not take:
        raise ValueError("nothing to split: choose at least one line and a quantity to move")
    for index, quantity in take.items():
        if not 0 <= index < len(lines):
            raise ValueError(f"line {index} does not exist (the order has {len(lines)} lines)")
        line_quantity = lines[index].quantity
        if not 1 <= quantity <= line_quantity:
            raise ValueError(
                f"line {index}: the quantity to move must be 1..{line_quantity}, got {quantity}"
            )
    if all(take.get(i) == line.quantity for i, line in enumerate(lines)):
        raise ValueError("cannot move every line in full: the original order would be empty")


def _split_line(line: LineDraft, quantity: int, quantum: Decimal) -> tuple[LineDraft, LineDraft]:
    share = line.discount * quantity / line.quantity
    moved_discount = share.quantize(quantum, rounding=ROUND_HALF_UP)
    kept = replace(line, quantity=line.quantity - quantity, discount=line.discount - moved_discount)
    moved = replace(line, quantity=quantity, discount=moved_discount)
    return kept, moved
