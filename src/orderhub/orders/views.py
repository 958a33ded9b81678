"""Read models of orders as the CLI, API and console show them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True, slots=True)
class LineView:
    line_no: int
    sku_code: str | None
    platform_sku_id: str | None
    title: str
    spec: str
    quantity: int
    unit_price: Decimal
    discount: Decimal

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity - self.discount


@dataclass(frozen=True, slots=True)
class EventView:
    id: int
    kind: str
    from_status: str | None
    to_status: str | None
    actor: str
    reason: str
    data: dict[str, Any] | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class OrderSummary:
    id: int
    shop_code: str
    channel: str
    platform_order_id: str
    order_type: str
    status: str
    payment_status: str
    currency: str
    total_amount: Decimal
    receiver_name: str
    receiver_phone: str
    receiver_country: str
    receiver_province: str
    receiver_city: str
    receiver_district: str
    placed_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class OrderDetail:
    summary: OrderSummary
    goods_amount: Decimal
    discount_amount: Decimal
    shipping_fee: Decimal
    tax_amount: Decimal
    buyer_id: str | None
    buyer_nick: str | None
    buyer_email: str | None
    buyer_note: str
    seller_note: str
    receiver_street: str
    receiver_postcode: str
    customer_id: int | None
    paid_at: datetime | None
    platform_updated_at: datetime
    created_at: datetime
    version: int
    lines: tuple[LineView, ...]
    events: tuple[EventView, ...]


@dataclass(frozen=True, slots=True)
class OrderFilter:
    statuses: tuple[str, ...] = ()
    shop_code: str | None = None
    placed_from: datetime | None = None
    placed_to: datetime | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class OrderPage:
    items: tuple[OrderSummary, ...]
    next_cursor: str | None
