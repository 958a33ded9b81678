"""A customer's profile from their orders, and the grade (A/B/C, configurable) it earns.

Returned orders count in `order_count` and `returns`, but neither in the money spent nor in the
orders a grade rule counts: a buyer who sends everything back is not a good customer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from orderhub.money import CURRENCY_EXPONENTS, MoneyError, check_currency, to_decimal


@dataclass(frozen=True)
class OrderSummaryForProfile:
    order_id: int
    placed_at: datetime
    total: Decimal
    currency: str
    channel: str
    address_key: str
    returned: bool


@dataclass(frozen=True)
class Profile:
    first_order_at: datetime | None  # None only for a customer without orders
    last_order_at: datetime | None
    order_count: int  # every order, returned ones included
    total_spent: dict[str, Decimal]  # per currency, returned orders excluded
    average_spent: dict[str, Decimal]  # per kept order of that currency, rounded to minor units
    channels: tuple[str, ...]  # sorted
    usual_address_key: str  # most frequent, ties -> most recently used; "" when none
    returns: int

    @property
    def kept_orders(self) -> int:
        return self.order_count - self.returns


def build_profile(orders: Sequence[OrderSummaryForProfile]) -> Profile:
    times = [o.placed_at for o in orders]
    total, average = _spending(orders)
    return Profile(
        first_order_at=min(times, default=None),
        last_order_at=max(times, default=None),
        order_count=len(orders),
        total_spent=total,
        average_spent=average,
        channels=tuple(sorted({o.channel for o in orders if o.channel})),
        usual_address_key=_usual_address(orders),
        returns=sum(1 for o in orders if o.returned),
    )


def _spending(
    orders: Sequence[OrderSummaryForProfile],
) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    total: dict[str, Decimal] = {}
    count: Counter[str] = Counter()
    for o in orders:
        if not o.returned:
            currency = o.currency.strip().upper()
            total[currency] = total.get(currency, Decimal(0)) + o.total
            count[currency] += 1
    average = {c: _round(amount / count[c], c) for c, amount in total.items()}
    return total, average


def _round(amount: Decimal, currency: str) -> Decimal:
    exponent = CURRENCY_EXPONENTS.get(currency, 2)
    return amount.quantize(Decimal(1).scaleb(-exponent), rounding=ROUND_HALF_UP)


def _usual_address(orders: Sequence[OrderSummaryForProfile]) -> str:
    uses: Counter[str] = Counter()
    latest: dict[str, datetime] = {}
    for o in orders:
        if o.address_key:
            uses[o.address_key] += 1
            if o.address_key not in latest or o.placed_at > latest[o.address_key]:
                latest[o.address_key] = o.placed_at
    if not uses:
        return ""
    return max(uses, key=lambda key: (uses[key], latest[key]))


@dataclass(frozen=True)
class GradeRule:
    """A grade and the thresholds that earn it; all of them must hold."""

    grade: str
    min_orders: int = 0  # kept (not returned) orders
    min_spent: Decimal = Decimal(0)
    currency: str = "CNY"

    def holds(self, profile: Profile) -> bool:
        spent = profile.total_spent.get(self.currency, Decimal(0))
        return profile.kept_orders >= self.min_orders and spent >= self.min_spent

    def to_dict(self) -> dict[str, Any]:
        return {
            "grade": self.grade,
            "min_orders": self.min_orders,
            "min_spent": str(self.min_spent),
            "currency": self.currency,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GradeRule:
        """Read a rule from settings; raises ValueError naming the bad field."""
        grade = str(data.get("grade") or "").strip()
        if not grade:
            raise ValueError("grade rule has no grade")
        min_orders = data.get("min_orders", 0)
        if isinstance(min_orders, bool) or not isinstance(min_orders, int) or min_orders < 0:
            raise ValueError(f"grade {grade}: min_orders must be a whole number >= 0")
        try:
            min_spent = to_decimal(data.get("min_spent", 0))
            currency = check_currency(str(data.get("currency", "CNY")))
        except MoneyError as exc:
            raise ValueError(f"grade {grade}: {exc.message}") from None
        if min_spent < 0:
            raise ValueError(f"grade {grade}: min_spent must not be negative")
        return cls(grade, min_orders, min_spent, currency)


# Best first; B is earned by orders OR by money, hence two rules.
DEFAULT_GRADE_RULES: tuple[GradeRule, ...] = (
    GradeRule("A", min_orders=5, min_spent=Decimal(2000)),
    GradeRule("B", min_orders=2),
    GradeRule("B", min_spent=Decimal(500)),
    GradeRule("C"),
)


def grade_of(profile: Profile, rules: Sequence[GradeRule] = DEFAULT_GRADE_RULES) -> str:
    """The grade of the first rule (rules are ordered best first) that holds; "" when none."""
    return next((rule.grade for rule in rules if rule.holds(profile)), "")


def rules_to_dict(rules: Sequence[GradeRule]) -> dict[str, Any]:
    return {"rules": [rule.to_dict() for rule in rules]}


def rules_from_dict(data: Mapping[str, Any]) -> tuple[GradeRule, ...]:
    """Grade rules from settings; missing or empty -> the defaults."""
    items = data.get("rules") or []
    return tuple(GradeRule.from_dict(item) for item in items) or DEFAULT_GRADE_RULES
