"""API (and CLI `--json`) shapes, kept apart from the tables. Amounts are decimal strings."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from orderhub.money import round_to_currency
from orderhub.orders.domain import OrderType
from orderhub.orders.lifecycle import OrderStatus, PaymentStatus
from orderhub.orders.views import EventView, LineView, OrderDetail, OrderSummary


class ReceiverBrief(BaseModel):
    name: str
    phone: str
    country: str
    province: str
    city: str
    district: str

    @classmethod
    def of(cls, s: OrderSummary) -> ReceiverBrief:
        return cls(
            name=s.receiver_name,
            phone=s.receiver_phone,
            country=s.receiver_country,
            province=s.receiver_province,
            city=s.receiver_city,
            district=s.receiver_district,
        )


class ReceiverOut(ReceiverBrief):
    street: str
    postcode: str


class OrderSummaryOut(BaseModel):
    id: int
    shop: str
    channel: str
    platform_order_id: str
    order_type: str
    status: str
    payment_status: str
    currency: str
    total_amount: Decimal
    receiver: ReceiverBrief
    placed_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, s: OrderSummary) -> OrderSummaryOut:
        return cls(
            id=s.id,
            shop=s.shop_code,
            channel=s.channel,
            platform_order_id=s.platform_order_id,
            order_type=s.order_type,
            status=s.status,
            payment_status=s.payment_status,
            currency=s.currency,
            total_amount=round_to_currency(s.total_amount, s.currency),
            receiver=ReceiverBrief.of(s),
            placed_at=s.placed_at,
            updated_at=s.updated_at,
        )


class LineOut(BaseModel):
    line_no: int
    sku_code: str | None
    platform_sku_id: str | None
    title: str
    spec: str
    quantity: int
    unit_price: Decimal
    discount: Decimal
    amount: Decimal

    @classmethod
    def of(cls, line: LineView, currency: str) -> LineOut:
        def r(v: Decimal) -> Decimal:
            return round_to_currency(v, currency)

        return cls(
            line_no=line.line_no,
            sku_code=line.sku_code,
            platform_sku_id=line.platform_sku_id,
            title=line.title,
            spec=line.spec,
            quantity=line.quantity,
            unit_price=r(line.unit_price),
            discount=r(line.discount),
            amount=r(line.amount),
        )


class EventOut(BaseModel):
    id: int
    kind: str
    from_status: str | None
    to_status: str | None
    actor: str
    reason: str
    data: dict[str, Any] | None
    created_at: datetime

    @classmethod
    def of(cls, e: EventView) -> EventOut:
        return cls(**{name: getattr(e, name) for name in EventView.__slots__})


class OrderOut(OrderSummaryOut):
    receiver: ReceiverOut
    goods_amount: Decimal
    discount_amount: Decimal
    shipping_fee: Decimal
    tax_amount: Decimal
    buyer_id: str | None
    buyer_nick: str | None
    buyer_email: str | None
    buyer_note: str
    seller_note: str
    paid_at: datetime | None
    platform_updated_at: datetime
    created_at: datetime
    version: int
    lines: list[LineOut]
    events: list[EventOut]
    review: dict[str, Any] | None = None  # why review treated it so (GET /orders/{id}/review)
    allocation: dict[str, Any] | None = None  # where it ships from, with whom, and why

    @classmethod
    def of_detail(cls, d: OrderDetail) -> OrderOut:
        s, cur = d.summary, d.summary.currency
        receiver = ReceiverOut(
            **ReceiverBrief.of(s).model_dump(),
            street=d.receiver_street,
            postcode=d.receiver_postcode,
        )
        base = OrderSummaryOut.of(s).model_dump(exclude={"receiver"})
        return cls(
            **base,
            receiver=receiver,
            goods_amount=round_to_currency(d.goods_amount, cur),
            discount_amount=round_to_currency(d.discount_amount, cur),
            shipping_fee=round_to_currency(d.shipping_fee, cur),
            tax_amount=round_to_currency(d.tax_amount, cur),
            buyer_id=d.buyer_id,
            buyer_nick=d.buyer_nick,
            buyer_email=d.buyer_email,
            buyer_note=d.buyer_note,
            seller_note=d.seller_note,
            paid_at=d.paid_at,
            platform_updated_at=d.platform_updated_at,
            created_at=d.created_at,
            version=d.version,
            lines=[LineOut.of(line, cur) for line in d.lines],
            events=[EventOut.of(e) for e in d.events],
        )


class OrderPageOut(BaseModel):
    items: list[OrderSummaryOut]
    next_cursor: str | None


class TransitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: OrderStatus
    reason: str = Field(min_length=1, max_length=2000)


class TransitionOut(BaseModel):
    order_id: int
    from_status: str
    to_status: str


class ReceiverIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=128)
    phone: str = Field(min_length=3, max_length=64)
    country: str = Field(default="CN", min_length=2, max_length=2)
    province: str = Field(default="", max_length=64)
    city: str = Field(default="", max_length=64)
    district: str = Field(default="", max_length=64)
    street: str = Field(default="", max_length=512)
    postcode: str = Field(default="", max_length=32)


class LineIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    sku_code: str | None = Field(default=None, max_length=64)
    title: str = Field(default="", max_length=255)
    spec: str = Field(default="", max_length=255)
    quantity: int = Field(gt=0, le=1_000_000)
    unit_price: Decimal = Field(ge=0, max_digits=14, decimal_places=4)
    discount: Decimal = Field(default=Decimal(0), ge=0, max_digits=14, decimal_places=4)


class ManualOrderIn(BaseModel):
    """A phone, wholesale or POS order keyed in by the seller."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    shop: str = Field(
        default="manual", description="shop code; defaults to the built-in manual shop"
    )
    order_no: str | None = Field(
        default=None,
        max_length=64,
        description="your own reference (e.g. a PO number); re-sending it returns the same order",
    )
    order_type: OrderType = OrderType.RETAIL
    currency: str = Field(default="CNY", min_length=3, max_length=3)
    lines: list[LineIn] = Field(min_length=1, max_length=500)
    receiver: ReceiverIn
    shipping_fee: Decimal = Field(default=Decimal(0), ge=0, max_digits=14, decimal_places=4)
    order_discount: Decimal = Field(default=Decimal(0), ge=0, max_digits=14, decimal_places=4)
    payment_status: PaymentStatus = PaymentStatus.PAID
    buyer_note: str = Field(default="", max_length=2000)
    seller_note: str = Field(default="", max_length=2000)
    buyer_email: str | None = Field(default=None, max_length=254)
    placed_at: datetime | None = None
