"""API shapes of shops, webhooks, pulls and the quarantine."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from orderhub.db.quarantine_repo import QuarantineView


class ShopOut(BaseModel):
    id: int
    code: str
    name: str
    platform: str
    currency: str
    home_province: str
    order_count: int


class ShopIn(BaseModel):
    """A new channel account. `credentials` are write-only: never returned or logged."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: str = Field(min_length=2, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]+$")
    name: str = Field(min_length=1, max_length=128)
    platform: str = Field(min_length=2, max_length=32)
    currency: str = Field(default="CNY", min_length=3, max_length=3)
    home_province: str = Field(default="", max_length=64)
    credentials: dict[str, Any] = Field(default_factory=dict)
    pull_interval_minutes: int = Field(default=15, ge=1, le=1440)
    pull_enabled: bool | None = None


class CountsOut(BaseModel):
    received: int
    created: int
    updated: int
    unchanged: int
    quarantined: int


class SyncOut(CountsOut):
    pages: int
    retries: int
    synced_until: datetime | None


class QuarantineOut(BaseModel):
    id: int
    shop: str | None
    source: str
    source_ref: str
    platform_order_id: str | None
    error_code: str
    error_field: str
    error_message: str
    status: str
    attempts: int
    received_at: datetime
    resolved_at: datetime | None
    resolved_by: str | None
    resolution_note: str
    order_id: int | None
    size: int

    @classmethod
    def of(cls, v: QuarantineView) -> QuarantineOut:
        fields = {name: getattr(v, name) for name in QuarantineView.__slots__}
        fields["shop"] = fields.pop("shop_code")
        return cls(**fields)


class QuarantineDetailOut(QuarantineOut):
    raw_text: str | None = Field(description="the payload as UTF-8 text, when it is text")
    raw_base64: str

    @classmethod
    def with_raw(cls, v: QuarantineView, raw: bytes) -> QuarantineDetailOut:
        try:
            text: str | None = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        return cls(
            **QuarantineOut.of(v).model_dump(),
            raw_text=text,
            raw_base64=base64.b64encode(raw).decode(),
        )


class ReplayOut(BaseModel):
    id: int
    replayed: bool
    order_id: int | None
    error_code: str | None
    error_message: str | None


class DiscardIn(BaseModel):
    reason: str = Field(min_length=1, max_length=500)
