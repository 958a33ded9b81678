"""API (and CLI `--json`) shapes of customers, grade rules and the blacklist.

Amounts are decimal strings rounded to the currency's minor unit. Lists show phones masked; the
view of one customer shows full identity values.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from orderhub.customers.grades import GradeRules
from orderhub.customers.profile import GradeRule
from orderhub.customers.service import (
    AddressView,
    BlacklistChange,
    CustomerPage,
    CustomerSummary,
    CustomerView,
    MatchView,
    OrderBrief,
)
from orderhub.money import round_to_currency


def _amounts(values: dict[str, Decimal]) -> dict[str, Decimal]:
    return {c: round_to_currency(v, c) for c, v in sorted(values.items())}


class IdentityOut(BaseModel):
    kind: str = Field(description='e.g. "buyer:tmall", "phone", "phone:jd" (privacy number)')
    value: str


class AddressOut(BaseModel):
    country: str
    province: str
    city: str
    district: str
    street: str
    postcode: str

    @classmethod
    def of(cls, a: AddressView) -> AddressOut:
        return cls(**{name: getattr(a, name) for name in AddressView.__slots__})


class CustomerOrderOut(BaseModel):
    id: int
    shop: str
    channel: str
    platform_order_id: str
    status: str
    payment_status: str
    total_amount: Decimal
    currency: str
    placed_at: datetime

    @classmethod
    def of(cls, o: OrderBrief) -> CustomerOrderOut:
        return cls(
            id=o.id,
            shop=o.shop_code,
            channel=o.channel,
            platform_order_id=o.platform_order_id,
            status=o.status,
            payment_status=o.payment_status,
            total_amount=round_to_currency(o.total, o.currency),
            currency=o.currency,
            placed_at=o.placed_at,
        )


class MatchOut(BaseModel):
    order_id: int
    shop: str
    platform_order_id: str
    reason: str = Field(description="why cleaning linked the order to this customer")
    matched_at: datetime

    @classmethod
    def of(cls, m: MatchView) -> MatchOut:
        return cls(
            order_id=m.order_id,
            shop=m.shop_code,
            platform_order_id=m.platform_order_id,
            reason=m.reason,
            matched_at=m.matched_at,
        )


class ProfileOut(BaseModel):
    first_order_at: datetime | None
    last_order_at: datetime | None
    order_count: int = Field(description="every counted order, returned ones included")
    returns: int = Field(description="orders refunded in full")
    kept_orders: int
    total_spent: dict[str, Decimal] = Field(description="per currency, returns excluded")
    average_spent: dict[str, Decimal] = Field(description="per kept order of that currency")
    channels: list[str]
    shops: list[str]
    usual_address: AddressOut | None


class CustomerOut(BaseModel):
    id: int
    name: str
    phone: str
    email: str
    grade: str
    blacklisted: bool
    blacklist_reason: str
    created_at: datetime
    identities: list[IdentityOut]
    profile: ProfileOut
    recent_orders: list[CustomerOrderOut]
    matches: list[MatchOut]

    @classmethod
    def of(cls, v: CustomerView) -> CustomerOut:
        p = v.profile
        return cls(
            id=v.id,
            name=v.name,
            phone=v.phone,
            email=v.email,
            grade=v.grade,
            blacklisted=v.blacklisted,
            blacklist_reason=v.blacklist_reason,
            created_at=v.created_at,
            identities=[IdentityOut(kind=k, value=value) for k, value in v.identities],
            profile=ProfileOut(
                first_order_at=p.first_order_at,
                last_order_at=p.last_order_at,
                order_count=p.order_count,
                returns=p.returns,
                kept_orders=p.kept_orders,
                total_spent=_amounts(p.total_spent),
                average_spent=_amounts(p.average_spent),
                channels=list(p.channels),
                shops=list(v.shops),
                usual_address=AddressOut.of(v.usual_address) if v.usual_address else None,
            ),
            recent_orders=[CustomerOrderOut.of(o) for o in v.recent_orders],
            matches=[MatchOut.of(m) for m in v.matches],
        )


class CustomerSummaryOut(BaseModel):
    id: int
    name: str
    phone: str = Field(description="masked, e.g. +86138****5678")
    email: str
    grade: str
    blacklisted: bool
    order_count: int
    returns: int
    total_spent: dict[str, Decimal]
    first_order_at: datetime | None
    last_order_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, s: CustomerSummary) -> CustomerSummaryOut:
        fields: dict[str, Any] = {name: getattr(s, name) for name in CustomerSummary.__slots__}
        fields["total_spent"] = _amounts(s.total_spent)
        return cls(**fields)


class CustomerPageOut(BaseModel):
    items: list[CustomerSummaryOut]
    next_cursor: str | None

    @classmethod
    def of(cls, page: CustomerPage) -> CustomerPageOut:
        return cls(
            items=[CustomerSummaryOut.of(s) for s in page.items], next_cursor=page.next_cursor
        )


class BlacklistIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=1, max_length=2000)


class BlacklistOut(BaseModel):
    customer_id: int
    blacklisted: bool
    blacklist_reason: str
    changed: bool = Field(description="false when the customer already was in that state")

    @classmethod
    def of(cls, c: BlacklistChange) -> BlacklistOut:
        return cls(**{name: getattr(c, name) for name in BlacklistChange.__slots__})


class GradeRuleIO(BaseModel):
    """A grade and the thresholds that earn it; all must hold. Rules are tried best first."""

    model_config = ConfigDict(extra="forbid")

    grade: str = Field(max_length=16)
    min_orders: int = Field(default=0, description="kept (not returned) orders")
    min_spent: Decimal = Field(default=Decimal(0), description="money kept, in `currency`")
    currency: str = "CNY"

    @classmethod
    def of(cls, r: GradeRule) -> GradeRuleIO:
        return cls(
            grade=r.grade, min_orders=r.min_orders, min_spent=r.min_spent, currency=r.currency
        )


class GradeRulesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rules: list[GradeRuleIO] = Field(
        max_length=50, description="best grade first; an empty list restores the defaults"
    )


class GradeRulesOut(BaseModel):
    rules: list[GradeRuleIO]
    is_default: bool

    @classmethod
    def of(cls, g: GradeRules) -> GradeRulesOut:
        return cls(rules=[GradeRuleIO.of(r) for r in g.rules], is_default=g.is_default)
