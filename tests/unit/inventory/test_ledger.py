from __future__ import annotations

import pytest

from orderhub.inventory.ledger import (
    Balance,
    Mismatch,
    MismatchProblem,
    Movement,
    MovementKind,
    StockError,
    StockErrorCode,
    apply_movement,
    count_delta,
    effect,
    replay,
    total_available,
    verify,
)

K = MovementKind
SH, GZ = "SH-01", "GZ-01"  # 上海仓, 广州仓
TEA = "TEA-LJ-250G"  # 西湖龙井 250g


def mv(
    kind: MovementKind, quantity: int, *, wh: str = SH, sku: str = TEA, reason: str = ""
) -> Movement:
    return Movement(wh, sku, kind, quantity, reason=reason, reference="PO-2024-0001")


@pytest.mark.parametrize(
    ("kind", "quantity", "expected"),
    [
        (K.RECEIPT, 100, (100, 0)),
        (K.ADJUSTMENT, -3, (-3, 0)),
        (K.ADJUSTMENT, 2, (2, 0)),
        (K.STOCK_COUNT, -5, (-5, 0)),
        (K.STOCK_COUNT, 0, (0, 0)),
        (K.RESERVATION, 4, (0, 4)),
        (K.RELEASE, 4, (0, -4)),
        (K.SHIPMENT, 4, (-4, -4)),
        (K.RETURN, 1, (1, 0)),
        (K.TRANSFER_OUT, 30, (-30, 0)),
        (K.TRANSFER_IN, 30, (30, 0)),
    ],
)
def test_effect_of_each_kind(kind: MovementKind, quantity: int, expected: tuple[int, int]) -> None:
    assert effect(kind, quantity) == expected


def test_effect_accepts_the_stored_text_of_a_kind() -> None:
    assert effect("shipment", 2) == (-2, -2)


@pytest.mark.parametrize(
    ("kind", "quantity"),
    [(K.RECEIPT, 0), (K.RECEIPT, -5), (K.SHIPMENT, -1), (K.ADJUSTMENT, 0), (K.RESERVATION, True)],
)
def test_effect_refuses_quantities_the_kind_does_not_allow(
    kind: MovementKind, quantity: int
) -> None:
    with pytest.raises(StockError) as caught:
        effect(kind, quantity)
    assert caught.value.code is StockErrorCode.STOCK_QUANTITY_INVALID


def test_unknown_kind_has_its_own_code() -> None:
    with pytest.raises(StockError) as caught:
        effect("gift", 1)
    assert caught.value.code is StockErrorCode.STOCK_MOVEMENT_UNKNOWN


def test_count_delta_sets_on_hand_to_the_counted_figure() -> None:
    assert count_delta(current_on_hand=48, counted=45) == -3
    assert count_delta(current_on_hand=0, counted=12) == 12
    with pytest.raises(StockError):
        count_delta(current_on_hand=5, counted=-1)


def test_balance_available() -> None:
    assert Balance(on_hand=50, reserved=12).available == 38


def test_apply_movement_walks_a_day_in_the_warehouse() -> None:
    balance = Balance()
    for movement in [
        mv(K.RECEIPT, 100),
        mv(K.RESERVATION, 8),
        mv(K.SHIPMENT, 5),
        mv(K.RELEASE, 3),
        mv(K.RETURN, 1),
        mv(K.ADJUSTMENT, -2, reason="2 boxes crushed in unloading"),
        mv(K.TRANSFER_OUT, 20),
    ]:
        balance = apply_movement(balance, movement)
    assert balance == Balance(on_hand=74, reserved=0)
    counted = mv(K.STOCK_COUNT, count_delta(balance.on_hand, 70), reason="monthly count")
    assert apply_movement(balance, counted) == Balance(on_hand=70, reserved=0)


@pytest.mark.parametrize("kind", [K.ADJUSTMENT, K.STOCK_COUNT])
def test_adjustments_and_counts_need_a_reason(kind: MovementKind) -> None:
    with pytest.raises(StockError) as caught:
        apply_movement(Balance(10, 0), mv(kind, -1, reason="  "))
    assert caught.value.code is StockErrorCode.STOCK_REASON_REQUIRED


def test_cannot_reserve_more_than_available() -> None:
    with pytest.raises(StockError) as caught:
        apply_movement(Balance(on_hand=10, reserved=7), mv(K.RESERVATION, 4))
    error = caught.value
    assert error.code is StockErrorCode.STOCK_INSUFFICIENT
    assert error.message == f"cannot reserve 4 of {TEA} in {SH}: only 3 available"
    assert error.details["on_hand"] == 10
    assert error.details["reserved"] == 7


def test_cannot_ship_what_was_not_reserved() -> None:
    with pytest.raises(StockError, match=r"cannot ship 3 .* only 2 reserved"):
        apply_movement(Balance(on_hand=10, reserved=2), mv(K.SHIPMENT, 3))


def test_transfer_out_leaves_reserved_units_alone() -> None:
    with pytest.raises(StockError, match="only 4 available"):
        apply_movement(Balance(on_hand=10, reserved=6), mv(K.TRANSFER_OUT, 5))


def test_a_count_below_the_reserved_units_asks_to_release_first() -> None:
    count = mv(K.STOCK_COUNT, count_delta(10, 4), reason="annual count")
    with pytest.raises(StockError, match=r"leave 4 on hand .* for 6 reserved; release 2"):
        apply_movement(Balance(on_hand=10, reserved=6), count)


def test_an_adjustment_cannot_take_on_hand_below_zero() -> None:
    with pytest.raises(StockError, match="below zero"):
        apply_movement(Balance(on_hand=2, reserved=0), mv(K.ADJUSTMENT, -3, reason="lost"))


def test_replay_sums_movements_per_warehouse_and_sku() -> None:
    movements = [
        mv(K.RECEIPT, 100),
        mv(K.RESERVATION, 10),
        mv(K.SHIPMENT, 6),
        mv(K.TRANSFER_OUT, 30),
        mv(K.TRANSFER_IN, 30, wh=GZ),
        mv(K.RESERVATION, 5, wh=GZ),
        mv(K.RECEIPT, 12, sku="TEA-BLC-100G"),
    ]
    assert replay(movements) == {
        (SH, TEA): Balance(on_hand=64, reserved=4),
        (GZ, TEA): Balance(on_hand=30, reserved=5),
        (SH, "TEA-BLC-100G"): Balance(on_hand=12, reserved=0),
    }
    assert total_available(replay(movements), TEA) == 60 + 25


def test_replay_names_a_malformed_row() -> None:
    with pytest.raises(StockError) as caught:
        replay([mv(K.RECEIPT, 5), Movement(GZ, TEA, K.RECEIPT, -5, reference="PO-9")])
    assert caught.value.details["warehouse"] == GZ
    assert caught.value.details["reference"] == "PO-9"


def test_verify_is_clean_when_stored_balances_match_the_ledger() -> None:
    movements = [mv(K.RECEIPT, 20), mv(K.RESERVATION, 5)]
    assert verify({(SH, TEA): Balance(20, 5)}, movements) == []


def test_verify_catches_a_tampered_balance() -> None:
    movements = [mv(K.RECEIPT, 20), mv(K.RESERVATION, 5), mv(K.RECEIPT, 7, wh=GZ)]
    stored = {(SH, TEA): Balance(on_hand=25, reserved=5), (GZ, TEA): Balance(7, 0)}
    found = verify(stored, movements)
    assert found == [
        Mismatch(SH, TEA, Balance(25, 5), Balance(20, 5), MismatchProblem.DIFFERS_FROM_LEDGER)
    ]
    assert found[0].message == (
        f"{TEA} in {SH}: stored on hand 25, reserved 5, ledger says on hand 20, reserved 5"
    )


def test_verify_reports_missing_rows_and_rows_without_movements() -> None:
    found = verify({(GZ, TEA): Balance(3, 0)}, [mv(K.RECEIPT, 4)])
    assert [(m.warehouse, m.stored, m.expected) for m in found] == [
        (GZ, Balance(3, 0), Balance(0, 0)),
        (SH, None, Balance(4, 0)),
    ]
    assert (
        found[1].message == f"{TEA} in {SH}: stored no stock row, ledger says on hand 4, reserved 0"
    )


def test_verify_reports_negative_and_over_reserved_stock_even_when_consistent() -> None:
    movements = [mv(K.RECEIPT, 2), mv(K.RESERVATION, 5), mv(K.SHIPMENT, 3, wh=GZ)]
    stored = {(SH, TEA): Balance(2, 5), (GZ, TEA): Balance(-3, -3)}
    problems = [(m.warehouse, m.problem) for m in verify(stored, movements)]
    assert problems == [
        (GZ, MismatchProblem.NEGATIVE_ON_HAND),
        (GZ, MismatchProblem.NEGATIVE_RESERVED),
        (SH, MismatchProblem.RESERVED_EXCEEDS_ON_HAND),
    ]
    over = verify(stored, movements)[2]
    assert over.message == f"{TEA} in {SH}: 5 reserved but only 2 on hand"
