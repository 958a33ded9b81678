"""Adding and loading shops (channel accounts)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection

from orderhub.channels import registry
from orderhub.channels.base import ShopContext
from orderhub.channels.errors import PlatformUnsupported, ShopExists, ShopInvalid
from orderhub.db import shops_repo
from orderhub.db.shops_repo import ShopRecord
from orderhub.money import MoneyError, check_currency
from orderhub.orders.domain import utc_now
from orderhub.orders.errors import ShopNotFound

# Platforms whose orders are keyed in or sent through our own API, with no adapter.
OWN_PLATFORMS = ("manual", "pos", "b2b")
_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,63}$")


def known_platforms() -> list[str]:
    return sorted({*registry.platforms(), *OWN_PLATFORMS})


def add_shop(
    conn: Connection,
    *,
    code: str,
    name: str,
    platform: str,
    currency: str = "CNY",
    home_province: str = "",
    credentials: dict[str, Any] | None = None,
    pull_interval_minutes: int = 15,
    pull_enabled: bool | None = None,
) -> ShopRecord:
    """Create a shop; pulling is on by default for platforms that can be pulled."""
    if not _CODE.match(code):
        raise ShopInvalid(
            "shop code must be 2-64 lower-case letters, digits, '-' or '_'", field="code"
        )
    if platform not in known_platforms():
        raise PlatformUnsupported(platform, known_platforms())
    try:
        currency = check_currency(currency)
    except MoneyError as exc:
        raise ShopInvalid(exc.message, field="currency") from None
    if not 1 <= pull_interval_minutes <= 24 * 60:
        raise ShopInvalid("pull interval must be 1..1440 minutes", field="pull_interval_minutes")
    if shops_repo.shop_by_code(conn, code) is not None:
        raise ShopExists(code)
    ref = shops_repo.create_shop(
        conn,
        code=code,
        name=name,
        platform=platform,
        currency=currency,
        home_province=home_province,
        credentials=credentials or {},
        now=utc_now(),
    )
    can_pull = platform not in OWN_PLATFORMS and bool(credentials)
    shops_repo.set_pull(
        conn,
        ref.id,
        enabled=can_pull if pull_enabled is None else pull_enabled,
        interval_minutes=pull_interval_minutes,
    )
    record = shops_repo.shop_record_by_id(conn, ref.id)
    assert record is not None
    return record


def load_shop(conn: Connection, code: str) -> ShopRecord:
    record = shops_repo.shop_record(conn, code)
    if record is None:
        raise ShopNotFound(code)
    return record


def context_of(record: ShopRecord) -> ShopContext:
    return ShopContext(
        code=record.ref.code,
        platform=record.ref.platform,
        currency=record.currency,
        credentials=record.credentials,
    )
