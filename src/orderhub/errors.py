"""Business errors: a stable code, a message a seller can act on, and machine-readable details."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    ORDER_ILLEGAL_TRANSITION = "ORDER_ILLEGAL_TRANSITION"
    ORDER_STATUS_UNKNOWN = "ORDER_STATUS_UNKNOWN"
    ORDER_NOT_FOUND = "ORDER_NOT_FOUND"
    ORDER_CONCURRENT_CHANGE = "ORDER_CONCURRENT_CHANGE"
    ORDER_INVALID = "ORDER_INVALID"
    ORDER_DUPLICATE_CONFLICT = "ORDER_DUPLICATE_CONFLICT"
    SHOP_NOT_FOUND = "SHOP_NOT_FOUND"
    SHOP_EXISTS = "SHOP_EXISTS"
    SHOP_INVALID = "SHOP_INVALID"
    PLATFORM_UNSUPPORTED = "PLATFORM_UNSUPPORTED"
    QUARANTINE_NOT_FOUND = "QUARANTINE_NOT_FOUND"
    QUARANTINE_NOT_OPEN = "QUARANTINE_NOT_OPEN"
    WEBHOOK_SIGNATURE_INVALID = "WEBHOOK_SIGNATURE_INVALID"
    SYNC_IN_PROGRESS = "SYNC_IN_PROGRESS"
    SYNC_FAILED = "SYNC_FAILED"
    IMPORT_FAILED = "IMPORT_FAILED"
    SKU_NOT_FOUND = "SKU_NOT_FOUND"
    MAPPING_INVALID = "MAPPING_INVALID"


class BusinessError(Exception):
    """Base of business errors: `code`, human `message`, machine-readable `details`."""

    code: ErrorCode

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
