"""Seeded, pure generator of the demo data set: shops, catalogue, stock and a month of orders."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from orderhub.demo.catalog import CENT, build_catalog
from orderhub.demo.customers import assign_buyers
from orderhub.demo.geography import REMOTE_PROVINCES, STORE_ADDRESS, WAREHOUSES
from orderhub.demo.identities import Identities
from orderhub.demo.model import DemoData, DemoOrder
from orderhub.demo.notes import buyer_note, order_extra, seller_note
from orderhub.demo.payloads_cn import CN_BUILDERS
from orderhub.demo.payloads_owned import OWNED_BUILDERS
from orderhub.demo.people import Person
from orderhub.demo.platforms import OrderNumbers
from orderhub.demo.shops import SHOP_PLANS, Offer, ShopPlan, offers
from orderhub.demo.stock import build_stock
from orderhub.demo.timing import Clock, payment_delay, target_status, unpaid_chance
from orderhub.orders.domain import Address, ChannelState, LineDraft, OrderDraft
from orderhub.orders.lifecycle import PaymentStatus

__all__ = ["DEFAULT_NOW", "generate_demo"]

DEFAULT_NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
ZERO = Decimal("0.00")

# (line count, weight) per kind of shop; wholesale draws 4-12 lines instead.
_LINE_COUNTS: dict[str, tuple[tuple[int, ...], tuple[float, ...]]] = {
    "cn": ((1, 2, 3, 4), (62, 87, 96, 100)),
    "live": ((1, 2, 3), (82, 97, 100)),
    "intl": ((1, 2, 3, 4), (55, 83, 95, 100)),
    "pos": ((1, 2, 3, 4), (45, 75, 92, 100)),
}
_QUANTITIES = ((1, 2, 3), (84, 96, 100))
_WHOLESALE_QTY = (10, 20, 30, 50, 60, 80, 100, 120, 150, 200)
_COUPONS = ((299, 40), (199, 20), (99, 10))  # 满 X 减 Y, in CNY
_LINE_CUTS = (5, 10, 15, 20, 30)
_REMOTE_FEE = Decimal("12.00")
# currency -> (free shipping from, standard fee, express fee)
_INTL_SHIPPING = {
    "USD": (Decimal(149), Decimal("9.99"), Decimal("24.99")),
    "EUR": (Decimal(119), Decimal("7.90"), Decimal("19.90")),
}
_FREIGHT = tuple(Decimal(fee) for fee in ("0.00", "0.00", "120.00", "180.00", "260.00"))
_WALK_IN = Person(0, Address(name="门店散客", phone=""))
_PAYLOADS = {**CN_BUILDERS, **OWNED_BUILDERS}


def generate_demo(*, orders: int = 2000, seed: int = 42, now: datetime | None = None) -> DemoData:
    """The demo data set; the same arguments always give the same data."""
    if orders < 0:
        raise ValueError(f"orders must not be negative, got {orders}")
    now = DEFAULT_NOW if now is None else now
    if now.tzinfo is None:
        raise ValueError("now must be time-zone aware")
    now = now.astimezone(UTC)
    rng = random.Random(seed)
    catalog = build_catalog()
    data = DemoData(
        shops=[plan.shop for plan in SHOP_PLANS],
        skus=[item.sku for item in catalog.items],
        bundles=[cb.bundle for cb in catalog.bundles],
        warehouses=list(WAREHOUSES),
        stock=build_stock(rng, catalog.items, WAREHOUSES),
    )
    counts = allocate(orders, [plan.share for plan in SHOP_PLANS])
    buyers = assign_buyers(rng, SHOP_PLANS, counts)
    run = _Run(rng, Clock(now), now, Identities(rng))
    for plan, shop_buyers in zip(SHOP_PLANS, buyers, strict=True):
        offered, cum = offers(catalog, plan)
        shop = _ShopRun(run, plan, offered, cum)
        data.orders += shop.orders(shop_buyers)
    data.orders.sort(key=lambda o: (o.draft.placed_at, o.shop_code, o.draft.platform_order_id))
    return data


def allocate(total: int, shares: list[float]) -> list[int]:
    """Split `total` by `shares` with the largest-remainder method."""
    whole = sum(shares)
    exact = [total * s / whole for s in shares]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(shares)), key=lambda i: counts[i] - exact[i])
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


@dataclass(slots=True)
class _Run:
    rng: random.Random
    clock: Clock
    now: datetime
    identities: Identities


class _ShopRun:
    """Builds the orders of one shop."""

    def __init__(self, run: _Run, plan: ShopPlan, offered: list[Offer], cum: list[float]) -> None:
        self.run, self.rng, self.plan = run, run.rng, plan
        self.offered, self.cum = offered, cum
        self.platform = plan.shop.platform
        self.numbers = OrderNumbers(run.rng, self.platform)
        self.line_kind = "live" if plan.curve == "live" else plan.kind

    def orders(self, buyers: list[Person | None]) -> list[DemoOrder]:
        plan, clock = self.plan, self.run.clock
        timed = []
        for buyer in buyers:
            offset = buyer.utc_offset if buyer is not None and plan.kind == "intl" else 8
            placed = clock.placed_at(self.rng, plan.curve, offset, plan.kind == "cn")
            timed.append((placed, buyer))
        timed.sort(key=lambda pair: pair[0])
        return [self._order(placed, buyer) for placed, buyer in timed]

    def _order(self, placed: datetime, buyer: Person | None) -> DemoOrder:
        rng, plan = self.rng, self.plan
        order_id, extra = self.numbers.next(placed)
        age_days = (self.run.now - placed) / DAY
        paid_at = self._paid_at(placed, age_days)
        lines = self._lines()
        goods = sum((line.amount for line in lines), ZERO)
        discount = self._order_discount(goods, extra)
        receiver = self._receiver(buyer)
        shipping = self._shipping(goods - discount, receiver.province, extra)
        person = buyer or _WALK_IN
        buyer_id, nick = (
            (None, None) if buyer is None else self.run.identities.of(self.platform, buyer)
        )
        extra.update(order_extra(rng, plan, placed))
        draft = OrderDraft(
            platform_order_id=order_id,
            currency=plan.shop.currency,
            lines=lines,
            receiver=receiver,
            placed_at=placed,
            total=goods - discount + shipping,
            shipping_fee=shipping,
            order_discount=discount,
            paid_at=paid_at,
            platform_updated_at=paid_at or placed,
            payment_status=PaymentStatus.PAID if paid_at else PaymentStatus.UNPAID,
            channel_state=ChannelState.PAID if paid_at else ChannelState.AWAITING_PAYMENT,
            order_type=plan.order_type,
            buyer_id=buyer_id,
            buyer_nick=nick,
            buyer_email=person.email,
            buyer_note=buyer_note(rng, plan, receiver.country),
            seller_note=seller_note(rng, plan),
            extra=extra,
        )
        draft = replace(draft, raw_payload=_raw_payload(self.platform, draft, person))
        status = target_status(rng, age_days, plan.kind, paid_at is not None)
        return DemoOrder(plan.shop.code, draft, status)

    def _paid_at(self, placed: datetime, age_days: float) -> datetime | None:
        """When the buyer paid; None while unpaid (a till sale is always paid)."""
        kind, now = self.plan.kind, self.run.now
        paid_at = min(placed + payment_delay(self.rng, kind), now)
        if self.rng.random() < unpaid_chance(age_days, kind) or (kind != "pos" and paid_at == now):
            return None
        return paid_at

    def _lines(self) -> tuple[LineDraft, ...]:
        rng = self.rng
        if self.line_kind == "b2b":
            n = rng.randint(4, 12)
        else:
            values, cum = _LINE_COUNTS[self.line_kind]
            n = rng.choices(values, cum_weights=cum)[0]
        picked: dict[str, Offer] = {}
        for _ in range(n * 3):
            offer = rng.choices(self.offered, cum_weights=self.cum)[0]
            picked.setdefault(offer.code, offer)
            if len(picked) == n:
                break
        return tuple(self._line(offer) for offer in picked.values())

    def _line(self, offer: Offer) -> LineDraft:
        rng, kind = self.rng, self.plan.kind
        if kind == "b2b":
            qty = rng.choice(_WHOLESALE_QTY)
        else:
            qty = rng.choices(_QUANTITIES[0], cum_weights=_QUANTITIES[1])[0]
        gross = offer.price * qty
        return LineDraft(
            title=offer.title,
            quantity=qty,
            unit_price=offer.price,
            discount=self._line_discount(gross),
            sku_code=offer.code,
            platform_sku_id=offer.platform_sku_id,
            spec=offer.spec,
        )

    def _line_discount(self, gross: Decimal) -> Decimal:
        """Shop promotions on a line: fixed amounts in China, a percentage elsewhere."""
        rng, kind = self.rng, self.plan.kind
        roll = rng.random()
        if kind == "cn" and roll < 0.18:
            return min(Decimal(rng.choice(_LINE_CUTS)).quantize(CENT), _pct(gross, 30))
        if (kind == "intl" and roll < 0.08) or (kind == "pos" and roll < 0.15):
            return _pct(gross, 10 if kind == "intl" else 5)
        if kind == "b2b" and roll < 0.3:
            return _pct(gross, 5)
        return ZERO

    def _order_discount(self, goods: Decimal, extra: dict[str, str]) -> Decimal:
        """Store coupons (满减) in China, a welcome code abroad."""
        rng, kind = self.rng, self.plan.kind
        if kind == "cn" and rng.random() < 0.3:
            for threshold, amount in _COUPONS:
                if goods >= threshold:
                    extra["coupon"] = f"满{threshold}减{amount}"
                    return Decimal(amount).quantize(CENT)
        if kind == "intl" and rng.random() < 0.12:
            extra["discount_code"] = "WELCOME10"
            return _pct(goods, 10)
        return ZERO

    def _shipping(self, goods: Decimal, province: str, extra: dict[str, str]) -> Decimal:
        rng, plan = self.rng, self.plan
        if plan.kind == "intl":
            free_from, standard, express = _INTL_SHIPPING[plan.shop.currency]
            if rng.random() < 0.15:
                extra["shipping_method"] = "Express"
                return express
            extra["shipping_method"] = "Standard International"
            return ZERO if goods >= free_from else standard
        if plan.kind == "b2b":
            return rng.choice(_FREIGHT)
        if province in REMOTE_PROVINCES and self.platform != "pdd" and rng.random() < 0.8:
            return _REMOTE_FEE
        return ZERO

    def _receiver(self, buyer: Person | None) -> Address:
        if self.plan.kind != "pos":
            return (buyer or _WALK_IN).address
        province, city, district, street, postcode = STORE_ADDRESS
        who = buyer or _WALK_IN
        return Address(who.name, who.phone, "CN", province, city, district, street, postcode)


def _pct(amount: Decimal, percent: int) -> Decimal:
    return (amount * percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def _raw_payload(platform: str, draft: OrderDraft, person: Person) -> str:
    """The channel's own view of the order, serialised the way it would arrive."""
    payload = _PAYLOADS.get(platform, OWNED_BUILDERS["manual"])(draft, person)
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
