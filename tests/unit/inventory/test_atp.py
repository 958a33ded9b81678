from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from orderhub.inventory.atp import (
    ExpectedReceipt,
    StillWaiting,
    WaitingOrder,
    allocate_arrivals,
    atp,
    can_take_presale,
    presale_allocation_order,
)
from orderhub.inventory.errors import StockError, StockErrorCode
from orderhub.inventory.ledger import Balance

SH, GZ = "SH-01", "GZ-01"
TEA, CUP, BLC = "TEA-LJ-250G", "CUP-GLASS", "TEA-BLC-100G"
CST = timezone(timedelta(hours=8))

BALANCES = {
    (SH, TEA): Balance(on_hand=10, reserved=4),
    (GZ, TEA): Balance(on_hand=3, reserved=5),  # oversold: counts as 0, not -2
    (SH, CUP): Balance(on_hand=99, reserved=0),
}
RECEIPTS = [
    ExpectedReceipt(TEA, GZ, 30, date(2024, 5, 20), "PO-240502"),
    ExpectedReceipt(TEA, SH, 50, date(2024, 5, 10), "PO-240501"),
    ExpectedReceipt(CUP, SH, 500, date(2024, 5, 1), "PO-240503"),
]


def test_atp_with_dated_receipts_and_presale_promises() -> None:
    result = atp(BALANCES, RECEIPTS, TEA, promised=20)
    assert result.available_now == 6
    assert result.incoming_total == 80
    assert result.promisable_now == 6
    assert result.incoming == ((date(2024, 5, 10), 36), (date(2024, 5, 20), 66))
    assert result.presale_free == 60
    assert result.promisable_by(date(2024, 5, 1)) == 6
    assert result.promisable_by(date(2024, 5, 15)) == 36
    assert result.promisable_by(date(2024, 6, 1)) == 66


def test_promises_beyond_all_incoming_are_owed_out_of_todays_stock() -> None:
    result = atp(BALANCES, RECEIPTS, TEA, promised=78)
    assert result.promisable_now == 6
    assert result.incoming == ((date(2024, 5, 10), 6), (date(2024, 5, 20), 8))
    overpromised = atp(BALANCES, RECEIPTS, TEA, promised=83)
    assert overpromised.promisable_now == 3
    assert overpromised.incoming == ((date(2024, 5, 10), 3), (date(2024, 5, 20), 3))


def test_a_late_receipt_counts_from_today() -> None:
    result = atp(BALANCES, RECEIPTS, TEA, as_of=date(2024, 5, 12))
    assert result.incoming == ((date(2024, 5, 12), 56), (date(2024, 5, 20), 86))


def test_atp_of_a_sku_without_receipts_is_what_is_available() -> None:
    result = atp(BALANCES, RECEIPTS, BLC)
    assert (result.available_now, result.promisable_now, result.incoming) == (0, 0, ())


def test_receipts_must_have_units() -> None:
    bad = [ExpectedReceipt(TEA, SH, 0, date(2024, 5, 1), "PO-0")]
    with pytest.raises(StockError) as caught:
        atp(BALANCES, bad, TEA)
    assert caught.value.code is StockErrorCode.STOCK_QUANTITY_INVALID


def test_presale_is_taken_only_against_unpromised_receipts() -> None:
    assert can_take_presale(TEA, 60, expected_receipts=RECEIPTS, promised=20)
    assert not can_take_presale(TEA, 61, expected_receipts=RECEIPTS, promised=20)


def test_presale_with_a_ship_by_date_counts_receipts_due_by_then() -> None:
    by = date(2024, 5, 15)
    assert can_take_presale(TEA, 30, expected_receipts=RECEIPTS, promised=20, arriving_by=by)
    assert not can_take_presale(TEA, 31, expected_receipts=RECEIPTS, promised=20, arriving_by=by)


def test_todays_stock_does_not_back_a_presale() -> None:
    assert not can_take_presale(CUP, 1, expected_receipts=[], promised=0)


def paid(hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 4, 28, hour, minute, tzinfo=CST)


def test_allocation_order_is_payment_time_then_order_id() -> None:
    orders = [
        WaitingOrder(7, paid(10), {TEA: 1}),
        WaitingOrder(3, paid(10), {TEA: 1}),
        WaitingOrder(9, paid(9, 59), {TEA: 1}),
    ]
    assert [o.order_id for o in presale_allocation_order(orders)] == [9, 3, 7]


WAITING = [
    WaitingOrder(101, paid(10), {TEA: 3}),
    WaitingOrder(102, paid(9), {TEA: 5, CUP: 1}),
    WaitingOrder(103, paid(11), {TEA: 1}),
    WaitingOrder(104, paid(11, 30), {CUP: 1}),
    WaitingOrder(105, paid(12), {BLC: 2}),
]


def test_first_paid_is_served_first_and_draws_the_stock_down() -> None:
    result = allocate_arrivals(WAITING, {TEA: 8, CUP: 1})
    assert [o.order_id for o in result.served] == [102, 101]
    assert [(w.order.order_id, dict(w.short), w.blocked_by) for w in result.waiting] == [
        (103, {TEA: 1}, None),
        (104, {CUP: 1}, None),
        (105, {BLC: 2}, None),
    ]
    assert result.remaining == {TEA: 0, CUP: 0}
    assert result.waiting[0].reason == f"not enough stock arrived: short 1 x {TEA}"


def test_an_earlier_order_that_cannot_be_filled_blocks_later_ones_for_its_skus() -> None:
    result = allocate_arrivals(WAITING, {TEA: 7, BLC: 2})
    assert [o.order_id for o in result.served] == [105]
    waiting = {w.order.order_id: w for w in result.waiting}
    assert waiting[102] == StillWaiting(WAITING[1], short={CUP: 1})
    assert (waiting[101].blocked_by, waiting[103].blocked_by, waiting[104].blocked_by) == (
        102,
        102,
        102,
    )
    assert result.remaining == {TEA: 7, BLC: 0}
    assert waiting[103].reason == "order 102 was paid earlier and waits for the same SKU"


def test_a_smaller_later_order_does_not_jump_the_queue() -> None:
    first = WaitingOrder(1, paid(9), {TEA: 5})
    later = WaitingOrder(2, paid(10), {TEA: 2})
    result = allocate_arrivals([later, first], {TEA: 4})
    assert result.served == ()
    assert [(w.order.order_id, dict(w.short), w.blocked_by) for w in result.waiting] == [
        (1, {TEA: 1}, None),
        (2, {}, 1),
    ]
    assert result.remaining == {TEA: 4}


def test_waiting_orders_need_lines_with_units() -> None:
    with pytest.raises(StockError):
        allocate_arrivals([WaitingOrder(1, paid(9), {})], {TEA: 1})
    with pytest.raises(StockError):
        allocate_arrivals([WaitingOrder(1, paid(9), {TEA: 0})], {TEA: 1})
