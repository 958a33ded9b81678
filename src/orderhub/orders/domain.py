"""The canonical order every channel is turned into, and its validation. Pure: no ORM, no web."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum

from orderhub.money import Money, MoneyError, check_currency
from orderhub.orders.lifecycle import PaymentStatus

# Column limits shared with the database schema; longer values are refused, never cut.
MAX_LEN = {
    "platform_order_id": 64,
    "title": 255,
    "spec": 255,
    "sku_code": 64,
    "platform_sku_id": 64,
    "name": 128,
    "phone": 64,
    "province": 64,
    "city": 64,
    "district": 64,
    "street": 512,
    "postcode": 32,
    "buyer_id": 128,
    "buyer_nick": 128,
    "buyer_email": 254,
    "note": 2000,
}
MAX_LINES = 500
MAX_QUANTITY = 1_000_000


class ChannelState(StrEnum):
    """What the platform says about an order, in our words; `channels.status_policy` decides
    what that means for our lifecycle (adapters only translate the platform's vocabulary)."""

    AWAITING_PAYMENT = "awaiting_payment"
    PAID = "paid"  # paid, waiting for the seller to ship
    REFUND_REQUESTED = "refund_requested"  # buyer asked for a refund, seller has not agreed yet
    SHIPPED = "shipped"  # the platform already shows it shipped (partly or wholly)
    COMPLETED = "completed"  # buyer confirmed receipt / the platform finished the trade
    CANCELLED = "cancelled"  # closed by buyer, seller or platform, or fully refunded


class OrderType(StrEnum):
    RETAIL = "retail"
    WHOLESALE = "wholesale"
    LIVE = "live"
    GROUP_BUY = "group_buy"
    POS = "pos"


@dataclass(frozen=True, slots=True)
class ShopRef:
    """The shop an order came through: enough to key and label it."""

    id: int
    code: str
    platform: str


@dataclass(frozen=True, slots=True)
class Address:
    name: str
    phone: str
    country: str = "CN"
    province: str = ""
    city: str = ""
    district: str = ""
    street: str = ""
    postcode: str = ""


@dataclass(frozen=True, slots=True)
class LineDraft:
    title: str
    quantity: int
    unit_price: Decimal
    discount: Decimal = Decimal(0)
    sku_code: str | None = None
    platform_sku_id: str | None = None
    spec: str = ""

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity - self.discount


@dataclass(frozen=True, slots=True)
class OrderDraft:
    """An order as a channel states it, before it is stored. `raw_payload` is kept verbatim."""

    platform_order_id: str
    currency: str
    lines: tuple[LineDraft, ...]
    receiver: Address
    placed_at: datetime
    total: Decimal
    shipping_fee: Decimal = Decimal(0)
    order_discount: Decimal = Decimal(0)
    tax: Decimal = Decimal(0)  # tax charged on top of the prices (0 when prices include it)
    paid_at: datetime | None = None
    platform_updated_at: datetime | None = None
    payment_status: PaymentStatus = PaymentStatus.PAID
    channel_state: ChannelState = ChannelState.PAID
    platform_status: str = ""  # the platform's own status text, kept as is
    order_type: OrderType = OrderType.RETAIL
    buyer_id: str | None = None
    buyer_nick: str | None = None
    buyer_email: str | None = None
    buyer_note: str = ""
    seller_note: str = ""
    raw_payload: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def goods_amount(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    @property
    def expected_total(self) -> Decimal:
        return self.goods_amount - self.order_discount + self.shipping_fee + self.tax

    @property
    def version_time(self) -> datetime:
        return self.platform_updated_at or self.paid_at or self.placed_at

    def money(self, amount: Decimal) -> Money:
        return Money(amount, self.currency)


Problem = tuple[str, str, str]  # (code, field, message)


def validate_order(draft: OrderDraft) -> list[Problem]:
    """Every reason the draft cannot become an order, as (code, field, message); empty when valid."""
    problems: list[Problem] = []
    if not draft.platform_order_id.strip():
        problems.append(("ORDER_ID_MISSING", "platform_order_id", "the order has no order number"))
    try:
        check_currency(draft.currency)
    except MoneyError as exc:
        problems.append((exc.code, "currency", exc.message))
    problems += _check_lengths(draft)
    problems += _check_times(draft)
    problems += _check_lines(draft.lines)
    for name in ("shipping_fee", "order_discount", "tax", "total"):
        if getattr(draft, name) < 0:
            problems.append(("AMOUNT_NEGATIVE", name, f"{name} must not be negative"))
    if not problems and draft.expected_total != draft.total:
        problems.append(
            (
                "AMOUNT_MISMATCH",
                "total",
                f"total {draft.total} does not equal lines {draft.goods_amount} - discount "
                f"{draft.order_discount} + shipping {draft.shipping_fee}"
                + (f" + tax {draft.tax}" if draft.tax else "")
                + f" = {draft.expected_total}",
            )
        )
    return problems


def _check_lines(lines: tuple[LineDraft, ...]) -> list[Problem]:
    if not lines:
        return [("ORDER_NO_LINES", "lines", "the order has no lines")]
    if len(lines) > MAX_LINES:
        return [("FIELD_TOO_LONG", "lines", f"more than {MAX_LINES} lines")]
    problems: list[Problem] = []
    for i, line in enumerate(lines):
        where = f"lines[{i}]"
        if not 0 < line.quantity <= MAX_QUANTITY:
            problems.append(
                (
                    "LINE_QUANTITY_INVALID",
                    f"{where}.quantity",
                    f"quantity must be 1..{MAX_QUANTITY}, got {line.quantity}",
                )
            )
        if line.unit_price < 0:
            problems.append(("AMOUNT_NEGATIVE", f"{where}.unit_price", "unit price is negative"))
        if line.discount < 0 or line.discount > line.unit_price * max(line.quantity, 0):
            problems.append(
                (
                    "LINE_DISCOUNT_INVALID",
                    f"{where}.discount",
                    f"discount {line.discount} is outside 0..line price",
                )
            )
        if not line.title.strip() and not line.sku_code:
            problems.append(("LINE_UNIDENTIFIED", where, "a line needs a title or a SKU"))
        for name in ("title", "spec", "sku_code", "platform_sku_id"):
            problems += _too_long(f"{where}.{name}", getattr(line, name), MAX_LEN[name])
    return problems


def _check_lengths(draft: OrderDraft) -> list[Problem]:
    r = draft.receiver
    checks = [
        ("platform_order_id", draft.platform_order_id, "platform_order_id"),
        ("receiver.name", r.name, "name"),
        ("receiver.phone", r.phone, "phone"),
        ("receiver.province", r.province, "province"),
        ("receiver.city", r.city, "city"),
        ("receiver.district", r.district, "district"),
        ("receiver.street", r.street, "street"),
        ("receiver.postcode", r.postcode, "postcode"),
        ("buyer_id", draft.buyer_id, "buyer_id"),
        ("buyer_nick", draft.buyer_nick, "buyer_nick"),
        ("buyer_email", draft.buyer_email, "buyer_email"),
        ("buyer_note", draft.buyer_note, "note"),
        ("seller_note", draft.seller_note, "note"),
    ]
    problems: list[Problem] = []
    for field_name, value, limit in checks:
        problems += _too_long(field_name, value, MAX_LEN[limit])
    if len(r.country) != 2 or not r.country.isalpha():
        problems.append(
            (
                "COUNTRY_INVALID",
                "receiver.country",
                f"country must be a two-letter ISO code, got {r.country!r}",
            )
        )
    return problems


def _check_times(draft: OrderDraft) -> list[Problem]:
    problems: list[Problem] = []
    for name in ("placed_at", "paid_at", "platform_updated_at"):
        value = getattr(draft, name)
        if value is not None and value.tzinfo is None:
            problems.append(("TIME_NAIVE", name, f"{name} has no time zone"))
    return problems


def _too_long(field_name: str, value: str | None, limit: int) -> list[Problem]:
    if value is not None and len(value) > limit:
        return [("FIELD_TOO_LONG", field_name, f"longer than {limit} characters ({len(value)})")]
    return []


def utc_now() -> datetime:
    return datetime.now(UTC)
