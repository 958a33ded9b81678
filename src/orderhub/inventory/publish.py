"""The stock quantity published to each sales channel, and when to push it.

A shop's ``PublishRule`` turns available stock into the number shown on the platform:
``clamp(floor(available_in_chosen_warehouses x percentage / 100) - fixed_reserve, minimum,
maximum)``, never below 0. When nothing is available the result is 0 whatever the minimum: an item
at zero is published as zero at once, so that no platform sells what is not there. A minimum
above the available stock is the seller's deliberate choice (keeping a listing alive).

``PushPlanner`` decides when to push, without a clock of its own: a burst of changes to an item
becomes one push ``debounce`` after its last change (but never later than ``max_delay`` after the
first un-pushed change); a drop to zero goes at once; and every ``full_push_every`` all items
whose computed quantity differs from the last pushed one are pushed again, which also repairs
pushes that failed. A quantity equal to the last pushed one is never pushed again unless forced.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from orderhub.inventory.errors import StockError, StockErrorCode

__all__ = ["PublishRule", "PublishRuleError", "PushPlanner", "quantity_to_publish"]

ItemKey = tuple[str, str]
"""(shop, SKU)."""

_HUNDRED = Decimal(100)
_FIELDS = ("percentage", "fixed_reserve", "minimum", "maximum", "warehouses")


class PublishRuleError(StockError):
    """A publish rule setting is invalid; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(
            StockErrorCode.STOCK_PUBLISH_RULE_INVALID, f"{field}: {message}", {"field": field}
        )
        self.field = field


@dataclass(frozen=True, slots=True)
class PublishRule:
    """How much of the available stock a shop shows; ``warehouses`` empty means all."""

    percentage: Decimal = _HUNDRED
    fixed_reserve: int = 0
    minimum: int | None = None
    maximum: int | None = None
    warehouses: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        pct = self.percentage
        if not isinstance(pct, Decimal) or not pct.is_finite() or not 0 <= pct <= _HUNDRED:
            raise PublishRuleError("percentage", "must be a number from 0 to 100")
        _check_units("fixed_reserve", self.fixed_reserve)
        _check_units("minimum", self.minimum, optional=True)
        _check_units("maximum", self.maximum, optional=True)
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise PublishRuleError("minimum", f"{self.minimum} is above maximum {self.maximum}")
        if not isinstance(self.warehouses, frozenset) or not all(
            isinstance(wh, str) and wh.strip() for wh in self.warehouses
        ):
            raise PublishRuleError("warehouses", "must be a set of warehouse codes")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PublishRule:
        """Read the form written by ``to_dict``; missing keys take their defaults."""
        unknown = sorted(set(data) - set(_FIELDS))
        if unknown:
            raise PublishRuleError(unknown[0], f"unknown setting; known: {', '.join(_FIELDS)}")
        warehouses = data.get("warehouses") or ()
        if isinstance(warehouses, str) or not isinstance(warehouses, Iterable):
            raise PublishRuleError("warehouses", "must be a list of warehouse codes")
        return cls(
            percentage=_percentage(data.get("percentage", _HUNDRED)),
            fixed_reserve=data.get("fixed_reserve", 0),
            minimum=data.get("minimum"),
            maximum=data.get("maximum"),
            warehouses=frozenset(warehouses),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "percentage": f"{self.percentage.normalize():f}",
            "fixed_reserve": self.fixed_reserve,
            "minimum": self.minimum,
            "maximum": self.maximum,
            "warehouses": sorted(self.warehouses),
        }


def _percentage(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise PublishRuleError("percentage", f"must be a number from 0 to 100, got {value!r}")
    try:
        return Decimal(str(value).strip().removesuffix("%"))
    except InvalidOperation:
        raise PublishRuleError(
            "percentage", f"must be a number from 0 to 100, got {value!r}"
        ) from None


def _check_units(name: str, value: object, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise PublishRuleError(name, f"must be a whole number of units, 0 or more, got {value!r}")


def quantity_to_publish(rule: PublishRule, availability_by_warehouse: Mapping[str, int]) -> int:
    """Units to show on the channel; 0 whenever the chosen warehouses have nothing available."""
    total = sum(
        max(0, available)
        for warehouse, available in availability_by_warehouse.items()
        if not rule.warehouses or warehouse in rule.warehouses
    )
    if total == 0:
        return 0
    quantity = math.floor(total * rule.percentage / _HUNDRED) - rule.fixed_reserve
    if rule.minimum is not None:
        quantity = max(quantity, rule.minimum)
    if rule.maximum is not None:
        quantity = min(quantity, rule.maximum)
    return max(quantity, 0)


class PushPlanner:
    """Debounced stock pushes per (shop, SKU); the caller supplies ``now`` on every call.

    Items handed out by ``due`` are forgotten: if a push fails, call ``note_change`` again (the
    next full push would catch it anyway, as it compares with what was last pushed).
    """

    def __init__(
        self,
        *,
        debounce: timedelta = timedelta(seconds=30),
        max_delay: timedelta = timedelta(minutes=5),
        full_push_every: timedelta = timedelta(minutes=60),
        last_full_push: datetime | None = None,
    ) -> None:
        """``last_full_push`` None: the first ``due`` call makes a full push (e.g. at start-up)."""
        for name, value in (
            ("debounce", debounce),
            ("max_delay", max_delay),
            ("full_push_every", full_push_every),
        ):
            if value <= timedelta(0):
                raise _setting(name, "must be longer than zero")
        if max_delay < debounce:
            raise _setting("max_delay", "must not be shorter than debounce")
        self.debounce = debounce
        self.max_delay = max_delay
        self.full_push_every = full_push_every
        self.last_full_push = last_full_push
        self._first_change: dict[ItemKey, datetime] = {}
        self._last_change: dict[ItemKey, datetime] = {}

    def note_change(self, shop: str, sku: str, now: datetime) -> None:
        """Stock behind (shop, SKU) changed; its quantity must be recomputed and maybe pushed."""
        key = (shop, sku)
        self._first_change.setdefault(key, now)
        self._last_change[key] = now

    def pending(self) -> list[ItemKey]:
        """Changed items not pushed yet: ``due`` needs their computed quantity."""
        return sorted(self._first_change)

    def full_push_due(self, now: datetime) -> bool:
        """Whether the next ``due`` call makes a full push (compute every item for it)."""
        return self.last_full_push is None or now - self.last_full_push >= self.full_push_every

    def next_due_at(self, now: datetime) -> datetime:
        """The earliest time something may become due; a worker can sleep until then."""
        times = [self._push_at(key) for key in self._first_change]
        if self.last_full_push is None:
            return now
        times.append(self.last_full_push + self.full_push_every)
        return max(now, min(times))

    def due(
        self,
        now: datetime,
        last_pushed: Mapping[ItemKey, int],
        computed: Mapping[ItemKey, int],
        *,
        force: bool = False,
    ) -> list[tuple[str, str, int]]:
        """(shop, SKU, quantity) to push now, sorted; ``computed`` must cover ``pending()``.

        A full push (forced or periodic) looks at every item in ``computed``; otherwise only
        changed items, plus any item in ``computed`` that dropped to 0.
        """
        full = force or self.full_push_due(now)
        if full:
            self.last_full_push = now
            candidates = set(computed)
        else:
            dropped = (k for k, q in computed.items() if q == 0 and last_pushed.get(k) != 0)
            candidates = set(self._first_change).union(dropped)
        pushes = []
        for key in sorted(candidates):
            quantity = computed.get(key)
            if quantity is None:
                continue  # not computed yet: stays pending
            last = last_pushed.get(key)
            if quantity == last and not force:
                self._forget(key)
                continue
            if not full and not self._is_due(key, now, quantity, last):
                continue
            pushes.append((key[0], key[1], quantity))
            self._forget(key)
        return pushes

    def _is_due(self, key: ItemKey, now: datetime, quantity: int, last: int | None) -> bool:
        """A drop to zero goes at once (also for an item never pushed); else wait the debounce."""
        return (quantity == 0 and last != 0) or now >= self._push_at(key)

    def _push_at(self, key: ItemKey) -> datetime:
        return min(self._last_change[key] + self.debounce, self._first_change[key] + self.max_delay)

    def _forget(self, key: ItemKey) -> None:
        self._first_change.pop(key, None)
        self._last_change.pop(key, None)


def _setting(name: str, message: str) -> StockError:
    return StockError(StockErrorCode.STOCK_SETTING_INVALID, f"{name}: {message}", {"field": name})
