"""Demo raw payloads, shared pieces: times, amounts and ids as the platforms print them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from orderhub.demo.people import Person
from orderhub.demo.platforms import CHINA, listing_key, platform_item_id
from orderhub.orders.domain import LineDraft, OrderDraft
from orderhub.orders.lifecycle import PaymentStatus

Json = dict[str, Any]
Builder = Callable[[OrderDraft, Person], Json]


def cn_time(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S")


def gross(line: LineDraft) -> Decimal:
    return line.unit_price * line.quantity


def goods_gross(draft: OrderDraft) -> Decimal:
    return sum((gross(line) for line in draft.lines), Decimal(0))


def discounts(draft: OrderDraft) -> Decimal:
    return sum((line.discount for line in draft.lines), draft.order_discount)


def is_paid(draft: OrderDraft) -> bool:
    return draft.payment_status is not PaymentStatus.UNPAID


def item_id(platform: str, line: LineDraft) -> str:
    return platform_item_id(platform, listing_key(line.sku_code or line.title))


def fen(amount: Decimal) -> int:
    return int(amount * 100)
