"""Errors a seller can act on: each names the setting (or CSV line and column) that is wrong."""

from __future__ import annotations

from enum import StrEnum


class AllocationErrorCode(StrEnum):
    ALLOCATION_CONFIG_INVALID = "ALLOCATION_CONFIG_INVALID"
    CARRIER_RULES_INVALID = "CARRIER_RULES_INVALID"
    CARRIER_INVALID = "CARRIER_INVALID"
    RATE_TABLE_INVALID = "RATE_TABLE_INVALID"


class AllocationConfigError(ValueError):
    """A setting is invalid; ``field`` is its dotted path, e.g. ``region_map.华东[1]``."""

    code = AllocationErrorCode.ALLOCATION_CONFIG_INVALID

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class CarrierRulesError(AllocationConfigError):
    """A seller carrier rule is invalid; ``field`` is e.g. ``rules[2].when.min_weight_g``."""

    code = AllocationErrorCode.CARRIER_RULES_INVALID


class CarrierConfigError(AllocationConfigError):
    """A carrier definition is invalid; ``field`` is e.g. ``carriers[SF].max_weight_g``."""

    code = AllocationErrorCode.CARRIER_INVALID


class RateTableError(ValueError):
    """A rate CSV row is invalid; ``line`` is 1-based (the header is line 1)."""

    code = AllocationErrorCode.RATE_TABLE_INVALID

    def __init__(self, line: int, column: str | None, message: str) -> None:
        where = f"line {line}" + (f", column {column}" if column else "")
        super().__init__(f"{where}: {message}")
        self.line = line
        self.column = column
        self.message = message
