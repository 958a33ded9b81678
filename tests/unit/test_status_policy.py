from __future__ import annotations

import pytest

from orderhub.channels.status_policy import on_arrival, on_change
from orderhub.orders.domain import ChannelState as C
from orderhub.orders.lifecycle import OrderStatus as S


def test_every_platform_state_has_a_starting_status() -> None:
    assert {state: on_arrival(state)[0] for state in C} == {
        C.AWAITING_PAYMENT: S.RECEIVED,
        C.PAID: S.RECEIVED,
        C.REFUND_REQUESTED: S.ON_HOLD,
        C.SHIPPED: S.SHIPPED,
        C.COMPLETED: S.COMPLETED,
        C.CANCELLED: S.CANCELLED,
    }


@pytest.mark.parametrize("current", [S.RECEIVED, S.APPROVED, S.ALLOCATED, S.PICKING, S.PACKED])
def test_a_refund_request_before_shipment_holds_the_order(current: S) -> None:
    decision = on_change(current, C.PAID, C.REFUND_REQUESTED)
    assert decision is not None and decision.target is S.ON_HOLD
    assert decision.reason.startswith("REFUND_REQUESTED")


def test_a_refund_request_after_shipment_is_a_notice_not_a_move() -> None:
    decision = on_change(S.IN_TRANSIT, C.SHIPPED, C.REFUND_REQUESTED)
    assert decision is not None and decision.target is None


def test_a_platform_close_cancels_unless_the_parcel_left() -> None:
    cancel = on_change(S.APPROVED, C.PAID, C.CANCELLED)
    assert cancel is not None and cancel.target is S.CANCELLED
    late = on_change(S.SHIPPED, C.SHIPPED, C.CANCELLED)
    assert late is not None and late.target is None
    assert late.reason.startswith("PLATFORM_CLOSED_AFTER_SHIPMENT")


def test_a_withdrawn_refund_releases_the_hold_and_completion_follows_delivery() -> None:
    released = on_change(S.ON_HOLD, C.REFUND_REQUESTED, C.PAID)
    assert released is not None and released.target is S.RECEIVED
    done = on_change(S.DELIVERED, C.SHIPPED, C.COMPLETED)
    assert done is not None and done.target is S.COMPLETED


def test_payment_arriving_changes_no_status_and_unchanged_state_means_nothing() -> None:
    assert on_change(S.RECEIVED, C.AWAITING_PAYMENT, C.PAID) is None
    assert on_change(S.APPROVED, C.PAID, C.PAID) is None
