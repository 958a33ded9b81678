"""The order lifecycle as a pure state machine (see ARCHITECTURE.md, "Order lifecycle")."""

from __future__ import annotations

from enum import StrEnum

from orderhub.orders.errors import IllegalTransition


class OrderStatus(StrEnum):
    RECEIVED = "received"
    ON_HOLD = "on_hold"
    PENDING_REVIEW = "pending_review"
    APPROVED = "approved"
    ALLOCATED = "allocated"
    PICKING = "picking"
    PACKED = "packed"
    SHIPPED = "shipped"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    COMPLETED = "completed"
    PRESALE = "presale"
    CANCELLED = "cancelled"
    MERGED = "merged"


class PaymentStatus(StrEnum):
    UNPAID = "unpaid"
    PAID = "paid"
    PARTLY_REFUNDED = "partly_refunded"
    REFUNDED = "refunded"


S = OrderStatus

# Before the parcel leaves, an order can be held (interception), cancelled or absorbed by a merge.
_INTERCEPTABLE = {S.ON_HOLD, S.CANCELLED}

ALLOWED_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.RECEIVED: frozenset(
        {S.ON_HOLD, S.PENDING_REVIEW, S.APPROVED, S.PRESALE, S.CANCELLED, S.MERGED}
    ),
    S.ON_HOLD: frozenset(
        {S.RECEIVED, S.PENDING_REVIEW, S.APPROVED, S.PRESALE, S.CANCELLED, S.MERGED}
    ),
    S.PENDING_REVIEW: frozenset({S.APPROVED, S.ON_HOLD, S.CANCELLED, S.MERGED}),
    S.APPROVED: frozenset(
        {S.ALLOCATED, S.PRESALE, S.PENDING_REVIEW, S.ON_HOLD, S.CANCELLED, S.MERGED}
    ),
    S.PRESALE: frozenset({S.APPROVED, S.ALLOCATED, S.ON_HOLD, S.CANCELLED}),
    S.ALLOCATED: frozenset({S.PICKING, S.APPROVED} | _INTERCEPTABLE),
    S.PICKING: frozenset({S.PACKED} | _INTERCEPTABLE),
    S.PACKED: frozenset({S.SHIPPED} | _INTERCEPTABLE),
    S.SHIPPED: frozenset({S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED}),
    S.IN_TRANSIT: frozenset({S.OUT_FOR_DELIVERY, S.DELIVERED}),
    S.OUT_FOR_DELIVERY: frozenset({S.IN_TRANSIT, S.DELIVERED}),
    S.DELIVERED: frozenset({S.COMPLETED}),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
    # An undone merge gives the absorbed order back its own life.
    S.MERGED: frozenset({S.RECEIVED}),
}

# The road an order normally travels from arrival to the end of the sale.
MAIN_PATH: tuple[OrderStatus, ...] = (
    S.RECEIVED,
    S.PENDING_REVIEW,
    S.APPROVED,
    S.ALLOCATED,
    S.PICKING,
    S.PACKED,
    S.SHIPPED,
    S.IN_TRANSIT,
    S.OUT_FOR_DELIVERY,
    S.DELIVERED,
    S.COMPLETED,
)

TERMINAL_STATUSES = frozenset(s for s, targets in ALLOWED_TRANSITIONS.items() if not targets)


def can_transition(current: OrderStatus, target: OrderStatus) -> bool:
    return target in ALLOWED_TRANSITIONS[current]


def check_transition(current: OrderStatus, target: OrderStatus) -> None:
    """Raise `IllegalTransition` unless `current -> target` is allowed."""
    if not can_transition(current, target):
        allowed = sorted(s.value for s in ALLOWED_TRANSITIONS[current])
        raise IllegalTransition(current=current.value, target=target.value, allowed=allowed)


def parse_status(value: str) -> OrderStatus:
    """Parse a status name given by a user; raise `ORDER_STATUS_UNKNOWN` on a typo."""
    from orderhub.orders.errors import UnknownStatus

    try:
        return OrderStatus(value.strip().lower())
    except ValueError:
        raise UnknownStatus(value, [s.value for s in OrderStatus]) from None
