"""Demo timing: when orders are placed and paid, and how far each has got in its lifecycle."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from itertools import accumulate

from orderhub.orders.lifecycle import OrderStatus

S = OrderStatus
HOUR = timedelta(hours=1)

# Relative orders per local hour 0..23.
# fmt: off
HOUR_CURVES: dict[str, tuple[float, ...]] = {
    # Online shops: quiet 2-7h, peaks mid-morning, mid-afternoon and (biggest) 20-23h.
    "online": (4.0, 2.5, 1.2, 0.7, 0.5, 0.6, 1.2, 2.5, 4.0, 6.0, 8.0, 8.0,
               6.0, 6.5, 7.5, 7.5, 7.0, 5.5, 5.5, 7.0, 9.5, 11.0, 10.5, 7.0),
    # Live streams: the big sessions run 19-24h, a small one at lunch time.
    "live": (3.0, 1.0, 0.3, 0.2, 0.1, 0.1, 0.2, 0.3, 0.5, 0.8, 1.0, 1.2,
             2.0, 2.0, 1.0, 1.0, 1.0, 1.0, 2.0, 6.0, 14.0, 18.0, 16.0, 8.0),
    # A shop open 10:00-22:00.
    "store": (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 4.0, 6.0,
              7.0, 7.0, 8.0, 8.0, 8.0, 8.0, 9.0, 10.0, 8.0, 4.0, 0.0, 0.0),
    # Wholesale buyers order during office hours.
    "office": (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5, 5.0, 9.0, 9.0,
               3.0, 5.0, 9.0, 9.0, 8.0, 6.0, 2.0, 0.5, 0.2, 0.0, 0.0, 0.0),
}
# fmt: on

_WEEKEND = {"online": 1.1, "live": 1.15, "store": 1.5, "office": 0.05}


def _festival_factor(local: datetime) -> float:
    """Double 11 (双十一): a rush from midnight on 11 November, warm-up the evening before."""
    if local.month != 11:
        return 1.0
    if local.day == 11:
        return 12.0 if local.hour < 2 else 3.0
    if local.day == 10 and local.hour >= 20:
        return 1.8
    return 1.3 if local.day == 12 else 1.0


class Clock:
    """Samples placement times in the `days` before `now` following an hour-of-day curve."""

    def __init__(self, now: datetime, days: int = 30) -> None:
        self.now = now
        self.start = now - timedelta(days=days)
        first = self.start.replace(minute=0, second=0, microsecond=0)
        count = int((now - first) / HOUR) + 1
        self._slots = [first + i * HOUR for i in range(count)]
        self._cache: dict[tuple[str, int, bool], list[float]] = {}

    def _cum_weights(self, curve: str, utc_offset: int, festival: bool) -> list[float]:
        key = (curve, utc_offset, festival)
        cached = self._cache.get(key)
        if cached is None:
            hours, weekend, shift = HOUR_CURVES[curve], _WEEKEND[curve], timedelta(hours=utc_offset)
            weights = []
            for slot in self._slots:
                local = slot + shift
                w = hours[local.hour] * (weekend if local.weekday() >= 5 else 1.0)
                weights.append(w * _festival_factor(local) if festival else w)
            cached = self._cache[key] = list(accumulate(weights))
        return cached

    def placed_at(
        self, rng: random.Random, curve: str, utc_offset: int, festival: bool
    ) -> datetime:
        """A time in [now - days, now), local hour following `curve` at `utc_offset` hours."""
        cum = self._cum_weights(curve, utc_offset, festival)
        while True:
            slot = rng.choices(self._slots, cum_weights=cum)[0]
            placed = slot + timedelta(seconds=rng.randrange(3600))
            if self.start <= placed < self.now:
                return placed


def payment_delay(rng: random.Random, kind: str) -> timedelta:
    """How long after placing the buyer pays."""
    if kind == "pos":
        return timedelta(seconds=rng.randint(5, 90))
    if kind == "b2b":
        return timedelta(seconds=rng.randint(1800, 30 * 3600))
    roll = rng.random()
    if roll < 0.7:
        return timedelta(seconds=rng.randint(15, 180))
    if roll < 0.95:
        return timedelta(seconds=rng.randint(180, 1800))
    return timedelta(seconds=rng.randint(1800, 6 * 3600))


def unpaid_chance(age_days: float, kind: str) -> float:
    """Recent orders are more often still unpaid; shop sales are always paid."""
    if kind == "pos":
        return 0.0
    if age_days < 1:
        return 0.15
    return 0.07 if age_days < 3 else 0.035


def _table(*pairs: tuple[OrderStatus, float]) -> tuple[list[OrderStatus], list[float]]:
    return [s for s, _ in pairs], list(accumulate(w for _, w in pairs))


_FRESH = _table(
    (S.RECEIVED, 8),
    (S.PENDING_REVIEW, 10),
    (S.APPROVED, 18),
    (S.ALLOCATED, 18),
    (S.PICKING, 14),
    (S.PACKED, 14),
    (S.ON_HOLD, 3),
    (S.CANCELLED, 2),
)
_LEAVING = _table(
    (S.SHIPPED, 25),
    (S.IN_TRANSIT, 45),
    (S.OUT_FOR_DELIVERY, 8),
    (S.DELIVERED, 15),
    (S.ON_HOLD, 2),
    (S.CANCELLED, 2),
)
_ARRIVING = _table(
    (S.SHIPPED, 4),
    (S.IN_TRANSIT, 18),
    (S.OUT_FOR_DELIVERY, 10),
    (S.DELIVERED, 62),
    (S.ON_HOLD, 2),
    (S.CANCELLED, 3),
)
_SETTLING = _table(
    (S.DELIVERED, 46), (S.COMPLETED, 45), (S.IN_TRANSIT, 1), (S.ON_HOLD, 3), (S.CANCELLED, 3)
)
_DONE = _table(
    (S.COMPLETED, 88), (S.DELIVERED, 6), (S.IN_TRANSIT, 1), (S.ON_HOLD, 2), (S.CANCELLED, 3)
)


def target_status(rng: random.Random, age_days: float, kind: str, paid: bool) -> OrderStatus:
    """Where an order of this age has got: unpaid stays received, shop sales are completed."""
    if not paid:
        return S.RECEIVED
    if kind == "pos":
        return S.COMPLETED
    if kind == "intl" and age_days > 2:
        age_days = 2 + (age_days - 2) / 2.5  # international parcels travel 2-3 times longer
    if age_days < 2:
        statuses, cum = _FRESH
    elif age_days < 4:
        statuses, cum = _LEAVING
    elif age_days < 7:
        statuses, cum = _ARRIVING
    elif age_days < 15:
        statuses, cum = _SETTLING
    else:
        statuses, cum = _DONE
    return rng.choices(statuses, cum_weights=cum)[0]
