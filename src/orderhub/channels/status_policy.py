"""What a platform's order state means for our lifecycle, on arrival and when it changes. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from orderhub.orders.domain import ChannelState
from orderhub.orders.lifecycle import OrderStatus, can_transition

C, S = ChannelState, OrderStatus

_ON_ARRIVAL: dict[ChannelState, tuple[OrderStatus, str]] = {
    C.AWAITING_PAYMENT: (S.RECEIVED, "waiting for the buyer to pay"),
    C.PAID: (S.RECEIVED, "paid on the platform"),
    C.REFUND_REQUESTED: (
        S.ON_HOLD,
        "REFUND_REQUESTED: the buyer asked for a refund before shipment",
    ),
    C.SHIPPED: (S.SHIPPED, "already shipped on the platform"),
    C.COMPLETED: (S.COMPLETED, "already finished on the platform"),
    C.CANCELLED: (S.CANCELLED, "closed on the platform"),
}

_BEFORE_SHIPMENT = frozenset(
    {
        S.RECEIVED,
        S.ON_HOLD,
        S.PENDING_REVIEW,
        S.APPROVED,
        S.PRESALE,
        S.ALLOCATED,
        S.PICKING,
        S.PACKED,
    }
)


@dataclass(frozen=True, slots=True)
class StatusDecision:
    """`target` is a lifecycle move to make (or None); `note` is something a person must see."""

    target: OrderStatus | None
    reason: str


def on_arrival(state: ChannelState) -> tuple[OrderStatus, str]:
    """The status a new order starts in, and why."""
    return _ON_ARRIVAL[state]


def on_change(current: OrderStatus, old: ChannelState, new: ChannelState) -> StatusDecision | None:
    """What to do when the platform's state of a known order changes; None when nothing."""
    if new is old:
        return None
    if new is C.CANCELLED:
        if can_transition(current, S.CANCELLED):
            return StatusDecision(S.CANCELLED, "closed on the platform")
        return StatusDecision(
            None,
            f"PLATFORM_CLOSED_AFTER_SHIPMENT: closed on the platform while {current.value}; needs an after-sales case",
        )
    if new is C.REFUND_REQUESTED:
        if current in _BEFORE_SHIPMENT and can_transition(current, S.ON_HOLD):
            return StatusDecision(
                S.ON_HOLD, "REFUND_REQUESTED: the buyer asked for a refund; shipment stopped"
            )
        return StatusDecision(
            None, f"REFUND_REQUESTED: the buyer asked for a refund while {current.value}"
        )
    if old is C.REFUND_REQUESTED and new is C.PAID and current is S.ON_HOLD:
        return StatusDecision(S.RECEIVED, "refund request withdrawn or refused; order goes on")
    if new is C.COMPLETED and current is S.DELIVERED:
        return StatusDecision(S.COMPLETED, "finished on the platform")
    if new in (C.SHIPPED, C.COMPLETED) and current in _BEFORE_SHIPMENT:
        return StatusDecision(
            None,
            f"PLATFORM_SHIPPED_ELSEWHERE: the platform shows {new.value} while we are {current.value}",
        )
    return None
