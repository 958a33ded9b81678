"""Use-cases that merge orders into one parcel, undo merges and split orders, with events.

`orders.merging` decides (pure); this applies it in the caller's transaction, one event per change.
Receiver keys and the cross-border rule are in `db.merges_repo` (`receiver_key`, `is_cross_border`).

- **Merge**: the earliest placed order is the target; copies of the others' lines are appended
  (`origin_order_id`/`origin_line_no`), its amounts become the exact sums; the others go to
  `merged` (`merged_into_id`), their own lines untouched. A person's merge is not limited by the
  policy window (it only decides what is merged automatically or suggested); every rule applies.
- **Undo**: copied lines leave the target, its pre-merge amounts (kept in the `merged` event)
  come back, the absorbed orders return to `received`.
- **Split**: quantities move to a new order `<order no>-S<n>` in `received`; the order-level
  discount, shipping fee and tax stay with the original order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from orderhub.db import merge_policy_repo, merges_repo, orders_repo
from orderhub.db.merges_repo import AMOUNTS
from orderhub.errors import BusinessError, ErrorCode
from orderhub.money import CURRENCY_EXPONENTS
from orderhub.orders.actions import transition_many
from orderhub.orders.domain import utc_now
from orderhub.orders.errors import OrderNotFound
from orderhub.orders.lifecycle import MAIN_PATH, OrderStatus
from orderhub.orders.merging import (
    MERGEABLE_STATUSES,
    MergeCandidate,
    MergeGroup,
    MergePolicy,
    RefusedPair,
    merge_groups,
    refusal,
    split_lines,
)

SHIPPED_OR_LATER = frozenset(MAIN_PATH[MAIN_PATH.index(OrderStatus.SHIPPED) :])
_MERGEABLE = ", ".join(sorted(MERGEABLE_STATUSES))
# `refusal()` messages start with these words; the key is the rule's machine-readable name.
_RULES = (
    ("do-not-merge", "do_not_merge"),
    ("cross-border", "cross_border"),
    ("payment states", "payment_differs"),
    ("currencies", "currency_differs"),
    ("shops", "shops_not_allowed"),
)


class MergeRefused(BusinessError):
    code = ErrorCode.ORDER_MERGE_REFUSED


class MergeUndoRefused(BusinessError):
    code = ErrorCode.ORDER_MERGE_UNDO_REFUSED


class SplitRefused(BusinessError):
    code = ErrorCode.ORDER_SPLIT_REFUSED


class SplitInvalid(BusinessError):
    code = ErrorCode.ORDER_SPLIT_INVALID


class MergePolicyInvalid(BusinessError):
    code = ErrorCode.MERGE_POLICY_INVALID


@dataclass(frozen=True, slots=True)
class MergeResult:
    target_id: int
    merged: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class UnmergeResult:
    target_id: int
    released: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class SplitResult:
    order_id: int
    new_order_id: int
    new_platform_order_id: str


# --- policy and groups ---------------------------------------------------------------


def load_policy(conn: Connection) -> MergePolicy:
    try:
        return merge_policy_repo.load_policy(conn)
    except ValueError as exc:
        raise MergePolicyInvalid(f"the stored merge policy is not valid: {exc}") from exc


def find_merge_groups(
    conn: Connection, policy: MergePolicy
) -> tuple[list[MergeGroup], list[RefusedPair]]:
    """Groups of stored orders that may ship as one, and the same-receiver pairs kept apart."""
    heads = merges_repo.candidate_heads(conn, MERGEABLE_STATUSES)
    return merge_groups([merges_repo.candidate(h) for h in heads], policy)


# --- merge and undo -----------------------------------------------------------------------


def merge_orders(
    conn: Connection,
    order_ids: Sequence[int],
    *,
    actor: str,
    reason: str,
    policy: MergePolicy | None = None,
    now: datetime | None = None,
) -> MergeResult:
    """Merge the orders into the earliest placed one, in the caller's transaction."""
    now = now or utc_now()
    ids = sorted(set(order_ids))
    if len(ids) < 2:
        raise MergeRefused("choose at least two different orders to merge", rule="too_few")
    policy = policy or load_policy(conn)
    heads = merges_repo.heads(conn, ids, lock=True)
    for order_id in ids:
        if order_id not in heads:
            raise OrderNotFound(order_id)
    ordered = sorted(
        (merges_repo.candidate(heads[i]) for i in ids), key=lambda c: (c.placed_at, c.order_id)
    )
    _check_merge(ordered, policy)
    target, others = ordered[0].order_id, [c.order_id for c in ordered[1:]]
    holders = merges_repo.absorbed_by(conn, others)
    if holders:
        first = min(holders)
        raise MergeRefused(
            f"order {first} already holds merged orders; undo that merge first",
            rule="holds_merged_orders",
            order_id=first,
        )
    lines = merges_repo.lines_of(conn, ids)
    count_before = max((ln.line_no for ln in lines[target]), default=0)
    copies = [
        {
            **merges_repo.line_copy(line),
            "order_id": target,
            "line_no": count_before + n,
            "origin_order_id": line.order_id,
            "origin_line_no": line.line_no,
        }
        for n, line in enumerate((ln for o in others for ln in lines[o]), start=1)
    ]
    before = {name: heads[target]._mapping[name] for name in AMOUNTS}
    after = {name: sum((heads[i]._mapping[name] for i in ids), Decimal(0)) for name in AMOUNTS}
    merges_repo.insert_lines(conn, copies)
    merges_repo.set_amounts(conn, target, after, now)
    _transition_all(
        conn, others, OrderStatus.MERGED, actor=actor, reason=f"merged into order {target}", now=now
    )
    merges_repo.set_merged_into(conn, others, target)
    data = {
        "absorbed": others,
        "before": _text(before),
        "after": _text(after),
        "line_count_before": count_before,
        "lines_added": len(copies),
    }
    orders_repo.insert_events(conn, [_event(target, "merged", actor, reason, now, data)])
    _lines_changed(conn, [target], actor=actor)
    return MergeResult(target, tuple(others))


def unmerge(
    conn: Connection, target_id: int, *, actor: str, reason: str, now: datetime | None = None
) -> UnmergeResult:
    """Undo every merge into `target_id`: lines and amounts restored, absorbed orders back."""
    now = now or utc_now()
    head = merges_repo.heads(conn, [target_id], lock=True).get(target_id)
    if head is None:
        raise OrderNotFound(target_id)
    if head.status in SHIPPED_OR_LATER:
        raise MergeUndoRefused(
            f"order {target_id} is already {head.status}; a shipped parcel cannot be un-merged",
            order_id=target_id,
            status=head.status,
        )
    absorbed = merges_repo.absorbed_by(conn, [target_id]).get(target_id, [])
    first = merges_repo.first_merge_since_undo(conn, target_id)
    if not absorbed or first is None:
        raise MergeUndoRefused(f"order {target_id} has no merged orders", order_id=target_id)
    after_line_no = int(first["line_count_before"])
    removed = merges_repo.delete_copied_lines(
        conn, target_id, after_line_no=after_line_no, origins=absorbed
    )
    own = merges_repo.lines_of(conn, [target_id])[target_id]
    before = {name: Decimal(first["before"][name]) for name in AMOUNTS}
    goods = sum((ln.unit_price * ln.quantity - ln.discount for ln in own), Decimal(0))
    restored = {
        **before,
        "goods_amount": goods,
        "total_amount": before["total_amount"] - before["goods_amount"] + goods,
    }
    merges_repo.set_amounts(conn, target_id, restored, now)
    _transition_all(
        conn,
        absorbed,
        OrderStatus.RECEIVED,
        actor=actor,
        reason=f"merge into order {target_id} undone: {reason}",
        now=now,
    )
    merges_repo.set_merged_into(conn, absorbed, None)
    data = {"released": absorbed, "lines_removed": removed, "restored": _text(restored)}
    orders_repo.insert_events(conn, [_event(target_id, "unmerged", actor, reason, now, data)])
    _lines_changed(conn, [target_id], actor=actor)
    return UnmergeResult(target_id, tuple(absorbed))


def _check_merge(ordered: Sequence[MergeCandidate], policy: MergePolicy) -> None:
    for c in ordered:
        if c.status not in MERGEABLE_STATUSES:
            raise MergeRefused(
                f"order {c.order_id} is {c.status}; only orders in {_MERGEABLE} can merge",
                rule="status",
                order_id=c.order_id,
                status=c.status,
            )
        if not c.receiver_key:
            raise MergeRefused(
                f"order {c.order_id} has no cleaned receiver (street and phone) to compare",
                rule="receiver_unknown",
                order_id=c.order_id,
            )
    first = ordered[0]
    for c in ordered[1:]:
        if c.receiver_key != first.receiver_key:
            raise MergeRefused(
                f"orders {first.order_id} and {c.order_id} go to different receivers",
                rule="receiver_differs",
                orders=[first.order_id, c.order_id],
            )
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            why = refusal(a, b, policy)
            if why is not None:
                rule = next((key for words, key in _RULES if words in why), "refused")
                raise MergeRefused(
                    f"orders {a.order_id} and {b.order_id} cannot merge: {why}",
                    rule=rule,
                    orders=[a.order_id, b.order_id],
                )


# --- split --------------------------------------------------------------------------------


def split_order(
    conn: Connection,
    order_id: int,
    take: Mapping[int, int],
    *,
    actor: str,
    reason: str,
    now: datetime | None = None,
) -> SplitResult:
    """Move `take` ({line_no: quantity}) to a new order; return both ids."""
    now = now or utc_now()
    order = merges_repo.full_order(conn, order_id, lock=True)
    if order is None:
        raise OrderNotFound(order_id)
    if order["status"] not in MERGEABLE_STATUSES:
        raise SplitRefused(
            f"order {order_id} is {order['status']}; only orders in {_MERGEABLE} can be split",
            order_id=order_id,
            status=order["status"],
        )
    if merges_repo.absorbed_by(conn, [order_id]):
        raise SplitRefused(
            f"order {order_id} holds merged orders; undo the merge before splitting it",
            order_id=order_id,
        )
    lines = merges_repo.lines_of(conn, [order_id])[order_id]
    _check_take(lines, take)
    drafts = [merges_repo.line_draft(ln) for ln in lines]
    index = {ln.line_no: i for i, ln in enumerate(lines)}
    exponent = CURRENCY_EXPONENTS.get(order["currency"].upper(), 2)
    try:
        kept, moved = split_lines(
            drafts, {index[n]: q for n, q in take.items()}, quantum=Decimal(1).scaleb(-exponent)
        )
    except ValueError as exc:
        raise SplitInvalid(str(exc), order_id=order_id) from exc
    moved_goods = sum((ln.amount for ln in moved), Decimal(0))
    remaining_total = order["total_amount"] - moved_goods
    if remaining_total < 0:
        raise SplitRefused(
            f"the order discount of order {order_id} is larger than what would stay on it",
            order_id=order_id,
        )
    new_no = merges_repo.next_split_number(conn, order["shop_id"], order["platform_order_id"])
    if len(new_no) > 64:
        raise SplitRefused(f"order number {new_no} would be longer than 64 characters")
    new_id = merges_repo.insert_split_order(conn, order, new_no, moved_goods, now)
    new_rows = merges_repo.write_split(conn, order_id, new_id, lines, take, (kept, moved))
    merges_repo.set_amounts(
        conn,
        order_id,
        {"goods_amount": order["goods_amount"] - moved_goods, "total_amount": remaining_total},
        now,
    )
    moves = [
        {"line_no": r["origin_line_no"], "quantity": r["quantity"], "new_line_no": r["line_no"]}
        for r in new_rows
    ]
    data = {"new_order_id": new_id, "new_order_no": new_no, "moved": moves}
    orders_repo.insert_events(
        conn,
        [
            _event(
                order_id, "split", actor, reason, now, {**data, "goods_moved": str(moved_goods)}
            ),
            {
                **_event(new_id, "split", actor, f"split from order {order_id}: {reason}", now),
                "to_status": OrderStatus.RECEIVED.value,
                "data": {"from_order_id": order_id, "moved": moves},
            },
        ],
    )
    _lines_changed(conn, [order_id], actor=actor)
    return SplitResult(order_id, new_id, new_no)


def _check_take(lines: Sequence[Any], take: Mapping[int, int]) -> None:
    """Refuse a request naming lines by number (1-based, as the order shows them)."""
    quantities = {ln.line_no: ln.quantity for ln in lines}
    if not take:
        raise SplitInvalid("nothing to split: choose at least one line and a quantity to move")
    for line_no, quantity in take.items():
        if line_no not in quantities:
            raise SplitInvalid(
                f"line {line_no} does not exist (lines: {', '.join(map(str, quantities))})",
                line_no=line_no,
            )
        if not 1 <= quantity <= quantities[line_no]:
            raise SplitInvalid(
                f"line {line_no}: the quantity to move must be 1..{quantities[line_no]}, "
                f"got {quantity}",
                line_no=line_no,
            )
    if all(take.get(n) == q for n, q in quantities.items()):
        raise SplitInvalid("cannot move every line in full: the original order would be empty")


# --- helpers ------------------------------------------------------------------------------


def _transition_all(
    conn: Connection,
    order_ids: Sequence[int],
    target: OrderStatus,
    *,
    actor: str,
    reason: str,
    now: datetime,
) -> None:
    """Move every order through the state machine or raise the first refusal (all roll back)."""
    result = transition_many(conn, order_ids, target, actor=actor, reason=reason, now=now)
    if result.refused:
        raise result.refused[min(result.refused)]


def _text(amounts: Mapping[str, Decimal]) -> dict[str, str]:
    return {name: str(value) for name, value in amounts.items()}


def _event(
    order_id: int,
    kind: str,
    actor: str,
    reason: str,
    now: datetime,
    data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "order_id": order_id,
        "kind": kind,
        "from_status": None,
        "to_status": None,
        "actor": actor,
        "reason": reason,
        "data": data,
        "created_at": now,
    }


def _lines_changed(conn: Connection, order_ids: list[int], *, actor: str) -> None:
    """An order whose lines changed gives back what it had reserved (reserved at ingest); the
    allocation stage reserves again for the new lines."""
    from orderhub.db import allocation_repo
    from orderhub.inventory import actions as stock

    if stock.release(conn, order_ids, actor=actor, reason="order lines changed (merge/split)"):
        allocation_repo.undo_allocations(conn, order_ids)
