from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from orderhub.inventory.alerts import (
    Alert,
    Replenishment,
    SafetyThreshold,
    TransferSuggestion,
    low_stock_alerts,
    replenishment_suggestions,
    sales_velocity,
    transfer_suggestions,
    velocity_by_sku,
)
from orderhub.inventory.errors import StockError, StockErrorCode
from orderhub.inventory.ledger import Balance

D = Decimal
SH, GZ, BJ, CD = "SH-01", "GZ-01", "BJ-01", "CD-01"
TEA, CUP, BLC = "TEA-LJ-250G", "CUP-GLASS", "TEA-BLC-100G"

BALANCES = {
    (SH, TEA): Balance(on_hand=10, reserved=4),
    (GZ, TEA): Balance(on_hand=3, reserved=5),
    (SH, CUP): Balance(on_hand=99, reserved=0),
}


def test_low_stock_alerts_per_warehouse_and_over_all_warehouses() -> None:
    thresholds = [
        SafetyThreshold(TEA, SH, 10),
        SafetyThreshold(TEA, None, 5),
        SafetyThreshold(TEA, None, 20),
        SafetyThreshold(TEA, GZ, 0),
        SafetyThreshold(CUP, SH, 99),
        SafetyThreshold(BLC, None, 5),
    ]
    alerts = low_stock_alerts(BALANCES, thresholds)
    assert alerts == [
        Alert(BLC, None, available=0, minimum=5, shortfall=5),
        Alert(TEA, None, available=6, minimum=20, shortfall=14),
        Alert(TEA, SH, available=6, minimum=10, shortfall=4),
    ]
    assert alerts[2].message == f"{TEA} in {SH}: 6 available, safety stock 10, short 4"
    assert alerts[0].message == f"{BLC} in all warehouses: 0 available, safety stock 5, short 5"


def stock(**available: int) -> dict[tuple[str, str], Balance]:
    names = {"sh": SH, "gz": GZ, "bj": BJ, "cd": CD}
    return {(names[wh], TEA): Balance(units, 0) for wh, units in available.items()}


def test_a_short_warehouse_gets_stock_from_the_one_with_surplus() -> None:
    demand: dict[tuple[str, str], Decimal | int] = {(SH, TEA): 2, (GZ, TEA): 4, (BJ, TEA): D("0.5")}
    suggestions = transfer_suggestions(stock(sh=100, gz=6, bj=40), demand)
    assert suggestions == [
        TransferSuggestion(
            TEA,
            from_warehouse=SH,
            to_warehouse=GZ,
            quantity=50,
            reason=(
                f"{GZ} has 6 available at 4/day = 1.5 days of cover, below the 14-day target "
                f"of 56; {SH} has 100 and keeps 50 after sending 50: 25 days at 2/day, not below "
                f"its own floor of 42 (14 + 7 days)"
            ),
        )
    ]


def test_transfers_never_strip_a_donor_below_its_own_target() -> None:
    demand: dict[tuple[str, str], Decimal | int] = {
        (SH, TEA): 2,
        (GZ, TEA): 4,
        (BJ, TEA): D("0.5"),
        (CD, TEA): 1,
    }
    balances = stock(sh=60, gz=6, bj=40, cd=5)
    suggestions = transfer_suggestions(balances, demand, cover_days=14, safety_days=7)
    assert [(s.from_warehouse, s.to_warehouse, s.quantity) for s in suggestions] == [
        (BJ, GZ, 29),  # BJ keeps ceil(0.5 x 21) = 11
        (SH, GZ, 18),  # SH keeps 2 x 21 = 42; GZ reaches 53 of 56, CD gets nothing left
    ]
    assert suggestions[1].reason == (
        f"{GZ} has 6 available at 4/day = 1.5 days of cover, below the 14-day target of 56 "
        f"(29 already coming from other warehouses); {SH} has 60 and keeps 42 after sending 18: "
        f"21 days at 2/day, not below its own floor of 42 (14 + 7 days)"
    )


def test_a_warehouse_without_sales_can_give_all_it_has() -> None:
    suggestions = transfer_suggestions(stock(sh=30, gz=0), {(GZ, TEA): 5})
    assert [(s.from_warehouse, s.quantity) for s in suggestions] == [(SH, 30)]
    assert suggestions[0].reason.endswith(
        f"{SH} has 30 and keeps 0 after sending 30: it had no sales in the window"
    )


def test_tiny_transfers_are_not_suggested() -> None:
    demand = {(SH, TEA): 1, (GZ, TEA): 1}
    assert transfer_suggestions(stock(sh=100, gz=12), demand, min_quantity=5) == []
    assert [s.quantity for s in transfer_suggestions(stock(sh=100, gz=12), demand)] == [2]


def test_replenishment_arithmetic() -> None:
    suggestions = replenishment_suggestions(
        BALANCES,
        velocity={TEA: D("2.5"), CUP: 3, "TEA-MJ-50G": 1},
        lead_time_days={TEA: 10, CUP: 7, BLC: 15, "TEA-MJ-50G": 6},
        safety_stock={TEA: 20, CUP: 10, BLC: 5},
        incoming={TEA: 10},
    )
    tea = Replenishment(
        TEA,
        reorder_point=45,  # 2.5 x 10 + 20
        on_hand_plus_incoming=16,  # available 6 (SH) + 0 (GZ oversold) + incoming 10
        order_up_to=120,  # 2.5 x (10 + 30) + 20
        suggested_quantity=104,  # 120 - 16
        reason=(
            "available + incoming = 16, at or below the reorder point 45 (2.5/day x 10 days lead "
            "time + 20 safety stock); order 104 to reach 120 (2.5/day x 40 days + 20 safety "
            "stock), enough for 30 days after arrival"
        ),
    )
    assert suggestions[1] == tea
    # BLC: no sales, 0 available, safety stock 5 -> reorder point 5, order 5.
    assert (suggestions[0].sku, suggestions[0].suggested_quantity) == (BLC, 5)
    # CUP: 99 available is above 3 x 7 + 10 = 31; TEA-MJ-50G: 0 <= 1 x 6, order 1 x 36 = 36.
    assert [(s.sku, s.reorder_point, s.suggested_quantity) for s in suggestions] == [
        (BLC, 5, 5),
        (TEA, 45, 104),
        ("TEA-MJ-50G", 6, 36),
    ]


def test_replenishment_at_exactly_the_reorder_point_and_other_cover() -> None:
    suggestions = replenishment_suggestions(
        {(SH, TEA): Balance(12, 0)},
        velocity={TEA: 1},
        lead_time_days={TEA: 6},
        safety_stock={TEA: 6},
        cover_days=14,
    )
    assert [(s.reorder_point, s.order_up_to, s.suggested_quantity) for s in suggestions] == [
        (12, 26, 14)
    ]
    above = replenishment_suggestions(
        {(SH, TEA): Balance(13, 0)},
        velocity={TEA: 1},
        lead_time_days={TEA: 6},
        safety_stock={TEA: 6},
    )
    assert above == []


def test_replenishment_needs_a_lead_time_for_every_sku() -> None:
    with pytest.raises(StockError) as caught:
        replenishment_suggestions(
            BALANCES, velocity={TEA: 1, CUP: 1}, lead_time_days={TEA: 5}, safety_stock={BLC: 1}
        )
    assert caught.value.code is StockErrorCode.STOCK_SETTING_INVALID
    assert caught.value.details["skus"] == [CUP, BLC]  # sorted by code


def test_sales_velocity_over_the_last_full_days() -> None:
    shipments = [
        (TEA, SH, date(2024, 5, 1), 10),
        (TEA, SH, date(2024, 5, 30), 20),
        (TEA, SH, date(2024, 5, 31), 100),  # today: not over yet
        (TEA, SH, date(2024, 4, 30), 50),  # before the window
        (TEA, GZ, date(2024, 5, 15), 7),
    ]
    rates = sales_velocity(shipments, days=30, today=date(2024, 5, 31))
    assert rates == {(GZ, TEA): D("0.23"), (SH, TEA): D("1.00")}
    assert velocity_by_sku(rates) == {TEA: D("1.23")}


def test_negative_demand_is_refused() -> None:
    with pytest.raises(StockError):
        transfer_suggestions(stock(sh=1), {(SH, TEA): -1})
