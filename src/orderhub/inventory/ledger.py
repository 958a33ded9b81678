"""The vocabulary and arithmetic of the append-only stock ledger.

Stock per (warehouse, SKU) is never edited in place: every change is a movement row, and the
stored balance must always equal the replay of its movements (``orderhub stock verify``).
``quantity`` is always in units; its sign rules and effect on the balance are:

=============  =====================  ===========  ==========  ======================================
kind           quantity               d_on_hand    d_reserved  meaning
=============  =====================  ===========  ==========  ======================================
receipt        > 0                    +q           0           goods received (purchase order, ...)
adjustment     != 0, signed           +q           0           damage, loss, found; reason required
stock_count    signed, may be 0       +q           0           ``count_delta(on_hand, counted)``;
                                                               reason required
reservation    > 0                    0            +q          units promised to an order
release        > 0                    0            -q          a reservation given back
shipment       > 0                    -q           -q          reserved goods leave the warehouse
return         > 0                    +q           0           goods returned by a customer
transfer_out   > 0                    -q           0           sent to another warehouse
transfer_in    > 0                    +q           0           received from another warehouse
=============  =====================  ===========  ==========  ======================================

``available = on_hand - reserved``. A valid balance has ``0 <= reserved <= on_hand``;
``apply_movement`` refuses any movement that would break that (``STOCK_INSUFFICIENT``), a
stock count included: when fewer units are found than are reserved, release reservations first.
``replay`` does not check balances (only a malformed row raises), so that ``verify`` can report
what is wrong.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from orderhub.inventory.errors import StockError, StockErrorCode, require_quantity, require_whole

__all__ = [
    "Balance",
    "Mismatch",
    "MismatchProblem",
    "Movement",
    "MovementKind",
    "StockError",
    "StockErrorCode",
    "StockKey",
    "apply_movement",
    "count_delta",
    "effect",
    "replay",
    "total_available",
    "verify",
]

StockKey = tuple[str, str]
"""(warehouse, SKU)."""


class MovementKind(StrEnum):
    RECEIPT = "receipt"
    ADJUSTMENT = "adjustment"
    STOCK_COUNT = "stock_count"
    RESERVATION = "reservation"
    RELEASE = "release"
    SHIPMENT = "shipment"
    RETURN = "return"
    TRANSFER_OUT = "transfer_out"
    TRANSFER_IN = "transfer_in"


# kind -> (sign on on_hand, sign on reserved) for a positive quantity
_EFFECT: dict[MovementKind, tuple[int, int]] = {
    MovementKind.RECEIPT: (1, 0),
    MovementKind.ADJUSTMENT: (1, 0),
    MovementKind.STOCK_COUNT: (1, 0),
    MovementKind.RESERVATION: (0, 1),
    MovementKind.RELEASE: (0, -1),
    MovementKind.SHIPMENT: (-1, -1),
    MovementKind.RETURN: (1, 0),
    MovementKind.TRANSFER_OUT: (-1, 0),
    MovementKind.TRANSFER_IN: (1, 0),
}
_SIGNED = frozenset({MovementKind.ADJUSTMENT, MovementKind.STOCK_COUNT})
NEEDS_REASON = frozenset({MovementKind.ADJUSTMENT, MovementKind.STOCK_COUNT})


@dataclass(frozen=True, slots=True)
class Balance:
    on_hand: int = 0
    reserved: int = 0

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    def plus(self, d_on_hand: int, d_reserved: int) -> Balance:
        return Balance(self.on_hand + d_on_hand, self.reserved + d_reserved)


def total_available(balances: Mapping[StockKey, Balance], sku: str) -> int:
    """Available units of ``sku`` over all warehouses; an oversold warehouse counts as 0."""
    return sum(max(0, b.available) for (_, s), b in balances.items() if s == sku)


@dataclass(frozen=True, slots=True)
class Movement:
    """One ledger row. ``reference`` names its source (order no, purchase order no, count sheet)."""

    warehouse: str
    sku: str
    kind: MovementKind
    quantity: int
    reason: str = ""
    reference: str = ""

    @property
    def key(self) -> StockKey:
        return (self.warehouse, self.sku)


def movement_kind(kind: str) -> MovementKind:
    """``kind`` as a MovementKind; an unknown name is a StockError, not a ValueError."""
    try:
        return MovementKind(kind)
    except ValueError:
        raise StockError(
            StockErrorCode.STOCK_MOVEMENT_UNKNOWN,
            f"unknown stock movement {kind!r}; known: {', '.join(MovementKind)}",
            {"kind": kind},
        ) from None


def effect(kind: MovementKind | str, quantity: int) -> tuple[int, int]:
    """(d_on_hand, d_reserved) of a movement; refuses a quantity its kind does not allow."""
    kind = movement_kind(kind)
    if kind in _SIGNED:
        require_whole(quantity, what=f"{kind} quantity")
        if kind is MovementKind.ADJUSTMENT and quantity == 0:
            raise StockError(
                StockErrorCode.STOCK_QUANTITY_INVALID,
                "an adjustment of 0 units changes nothing; record a stock count instead",
                {"field": "adjustment quantity", "value": 0},
            )
    else:
        require_quantity(quantity, what=f"{kind} quantity")
    sign_on_hand, sign_reserved = _EFFECT[kind]
    return sign_on_hand * quantity, sign_reserved * quantity


def count_delta(current_on_hand: int, counted: int) -> int:
    """The signed stock_count quantity that sets on hand to the counted figure."""
    require_quantity(counted, what="counted quantity", allow_zero=True)
    return counted - current_on_hand


def apply_movement(balance: Balance, movement: Movement) -> Balance:
    """The balance after ``movement``, or a StockError if the movement is not allowed."""
    kind = movement_kind(movement.kind)
    if kind in NEEDS_REASON and not movement.reason.strip():
        raise StockError(
            StockErrorCode.STOCK_REASON_REQUIRED,
            f"{'an' if kind.value[0] in 'aeiou' else 'a'} {kind.value.replace('_', ' ')} of "
            f"{movement.sku} in {movement.warehouse} needs a reason",
            {"warehouse": movement.warehouse, "sku": movement.sku, "kind": str(kind)},
        )
    after = balance.plus(*effect(kind, movement.quantity))
    if after.on_hand < 0 or after.reserved < 0 or after.reserved > after.on_hand:
        raise _insufficient(kind, balance, movement)
    return after


def _insufficient(kind: MovementKind, balance: Balance, movement: Movement) -> StockError:
    q, where = movement.quantity, f"{movement.sku} in {movement.warehouse}"
    if kind in (MovementKind.RELEASE, MovementKind.SHIPMENT):
        action = "release" if kind is MovementKind.RELEASE else "ship"
        message = f"cannot {action} {q} of {where}: only {balance.reserved} reserved"
    elif kind in (MovementKind.RESERVATION, MovementKind.TRANSFER_OUT):
        action = "reserve" if kind is MovementKind.RESERVATION else "transfer out"
        message = f"cannot {action} {q} of {where}: only {balance.available} available"
    elif balance.on_hand + q < 0:
        message = f"this {kind} would take on hand of {where} below zero ({balance.on_hand} {q:+d})"
    else:
        on_hand = balance.on_hand + q
        message = (
            f"this {kind} would leave {on_hand} on hand of {where} for {balance.reserved} "
            f"reserved; release {balance.reserved - on_hand} reserved units first"
        )
    return StockError(
        StockErrorCode.STOCK_INSUFFICIENT,
        message,
        {
            "warehouse": movement.warehouse,
            "sku": movement.sku,
            "kind": str(kind),
            "quantity": q,
            "on_hand": balance.on_hand,
            "reserved": balance.reserved,
        },
    )


def replay(movements: Iterable[Movement]) -> dict[StockKey, Balance]:
    """Balances that the movements add up to, starting from zero; malformed rows raise."""
    balances: dict[StockKey, Balance] = {}
    for movement in movements:
        try:
            delta = effect(movement.kind, movement.quantity)
        except StockError as error:
            error.details.update(
                warehouse=movement.warehouse, sku=movement.sku, reference=movement.reference
            )
            raise
        balances[movement.key] = balances.get(movement.key, Balance()).plus(*delta)
    return balances


class MismatchProblem(StrEnum):
    DIFFERS_FROM_LEDGER = "differs_from_ledger"
    NEGATIVE_ON_HAND = "negative_on_hand"
    NEGATIVE_RESERVED = "negative_reserved"
    RESERVED_EXCEEDS_ON_HAND = "reserved_exceeds_on_hand"


@dataclass(frozen=True, slots=True)
class Mismatch:
    """A problem with one stock row; ``stored`` is None when the row is missing."""

    warehouse: str
    sku: str
    stored: Balance | None
    expected: Balance
    problem: MismatchProblem

    @property
    def message(self) -> str:
        where = f"{self.sku} in {self.warehouse}"
        shown = self.expected if self.stored is None else self.stored
        if self.problem is MismatchProblem.DIFFERS_FROM_LEDGER:
            stored = "no stock row" if self.stored is None else _show(self.stored)
            return f"{where}: stored {stored}, ledger says {_show(self.expected)}"
        if self.problem is MismatchProblem.NEGATIVE_ON_HAND:
            return f"{where}: on hand is negative ({shown.on_hand})"
        if self.problem is MismatchProblem.NEGATIVE_RESERVED:
            return f"{where}: reserved is negative ({shown.reserved})"
        return f"{where}: {shown.reserved} reserved but only {shown.on_hand} on hand"


def _show(balance: Balance) -> str:
    return f"on hand {balance.on_hand}, reserved {balance.reserved}"


def verify(
    balances_stored: Mapping[StockKey, Balance], movements: Iterable[Movement]
) -> list[Mismatch]:
    """Every stored balance that differs from the ledger or breaks 0 <= reserved <= on_hand.

    A missing row counts as zero stock; problems are listed by (warehouse, SKU).
    """
    expected_all = replay(movements)
    found: list[Mismatch] = []
    for key in sorted(balances_stored.keys() | expected_all.keys()):
        stored = balances_stored.get(key)
        expected = expected_all.get(key, Balance())
        if (Balance() if stored is None else stored) != expected:
            found.append(Mismatch(*key, stored, expected, MismatchProblem.DIFFERS_FROM_LEDGER))
        in_force = expected if stored is None else stored
        for problem in _invalid(in_force):
            found.append(Mismatch(*key, stored, expected, problem))
    return found


def _invalid(balance: Balance) -> list[MismatchProblem]:
    problems = []
    if balance.on_hand < 0:
        problems.append(MismatchProblem.NEGATIVE_ON_HAND)
    if balance.reserved < 0:
        problems.append(MismatchProblem.NEGATIVE_RESERVED)
    if balance.reserved > max(balance.on_hand, 0):
        problems.append(MismatchProblem.RESERVED_EXCEEDS_ON_HAND)
    return problems
