"""Stock errors: a stable code, a message a seller can act on, and machine-readable details."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any


class StockErrorCode(StrEnum):
    STOCK_QUANTITY_INVALID = "STOCK_QUANTITY_INVALID"
    STOCK_INSUFFICIENT = "STOCK_INSUFFICIENT"
    STOCK_REASON_REQUIRED = "STOCK_REASON_REQUIRED"
    STOCK_MOVEMENT_UNKNOWN = "STOCK_MOVEMENT_UNKNOWN"
    STOCK_SETTING_INVALID = "STOCK_SETTING_INVALID"
    STOCK_PUBLISH_RULE_INVALID = "STOCK_PUBLISH_RULE_INVALID"


class StockError(Exception):
    """A refused stock operation or setting; ``details`` say exactly what failed."""

    def __init__(
        self, code: StockErrorCode, message: str, details: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.details: dict[str, Any] = dict(details or {})


def require_whole(value: object, *, what: str) -> int:
    """``value`` as a whole number of units (any sign), or a StockError."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise StockError(
            StockErrorCode.STOCK_QUANTITY_INVALID,
            f"{what} must be a whole number of units, got {value!r}",
            {"field": what, "value": repr(value)},
        )
    return value


def require_quantity(value: object, *, what: str, allow_zero: bool = False) -> int:
    """``value`` as a whole, non-negative (or positive) number of units, or a StockError."""
    value = require_whole(value, what=what)
    if value < 0 or (value == 0 and not allow_zero):
        bound = "zero or more" if allow_zero else "more than zero"
        raise StockError(
            StockErrorCode.STOCK_QUANTITY_INVALID,
            f"{what} must be {bound}, got {value}",
            {"field": what, "value": value},
        )
    return value
