from __future__ import annotations

import itertools

import pytest

from orderhub.orders.errors import ErrorCode, IllegalTransition, UnknownStatus
from orderhub.orders.lifecycle import (
    ALLOWED_TRANSITIONS,
    MAIN_PATH,
    TERMINAL_STATUSES,
    OrderStatus,
    can_transition,
    check_transition,
    parse_status,
)

S = OrderStatus


def test_an_order_can_travel_the_whole_happy_path() -> None:
    for current, target in itertools.pairwise(MAIN_PATH):
        check_transition(current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.RECEIVED, S.SHIPPED),  # cannot ship what was never approved or picked
        (S.PENDING_REVIEW, S.ALLOCATED),  # allocation only after approval
        (S.SHIPPED, S.CANCELLED),  # a parcel on the road is an after-sales case, not a cancel
        (S.DELIVERED, S.RECEIVED),
        (S.COMPLETED, S.RECEIVED),
        (S.CANCELLED, S.APPROVED),
        (S.RECEIVED, S.RECEIVED),
    ],
)
def test_illegal_transitions_are_refused_with_a_stable_code(current: S, target: S) -> None:
    with pytest.raises(IllegalTransition) as caught:
        check_transition(current, target)
    assert caught.value.code == ErrorCode.ORDER_ILLEGAL_TRANSITION
    assert caught.value.details["current"] == current.value
    assert caught.value.details["target"] == target.value
    assert current.value in caught.value.message and target.value in caught.value.message


def test_the_error_lists_what_is_allowed_instead() -> None:
    with pytest.raises(IllegalTransition) as caught:
        check_transition(S.PACKED, S.DELIVERED)
    assert caught.value.details["allowed"] == ["cancelled", "on_hold", "shipped"]


@pytest.mark.parametrize(
    "status", [S.RECEIVED, S.PENDING_REVIEW, S.APPROVED, S.ALLOCATED, S.PICKING, S.PACKED]
)
def test_until_shipped_an_order_can_be_held_or_cancelled(status: S) -> None:
    assert can_transition(status, S.ON_HOLD)
    assert can_transition(status, S.CANCELLED)


def test_completed_and_cancelled_are_final() -> None:
    assert TERMINAL_STATUSES == {S.COMPLETED, S.CANCELLED}
    assert all(not can_transition(t, s) for t in TERMINAL_STATUSES for s in S)


def test_every_status_is_reachable_from_received() -> None:
    seen, frontier = {S.RECEIVED}, [S.RECEIVED]
    while frontier:
        for nxt in ALLOWED_TRANSITIONS[frontier.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    assert seen == set(S)


def test_merged_order_comes_back_only_when_the_merge_is_undone() -> None:
    assert ALLOWED_TRANSITIONS[S.MERGED] == {S.RECEIVED}


def test_status_names_from_users_are_parsed_leniently_but_typos_are_refused() -> None:
    assert parse_status(" Approved ") is S.APPROVED
    with pytest.raises(UnknownStatus) as caught:
        parse_status("aproved")
    assert caught.value.code == ErrorCode.ORDER_STATUS_UNKNOWN
