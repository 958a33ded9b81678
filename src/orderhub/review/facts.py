"""The typed facts a review rule may read, and the frozen record that holds them for one order.

A fact is named ``group.field`` (``order.amount``, ``customer.grade``). ``OrderFacts`` keeps
every fact as a flat slot named ``group_field`` so a compiled rule reads it with one attribute
lookup; ``OrderFacts.get("order.amount")`` is the readable form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

from orderhub.orders.domain import OrderType
from orderhub.orders.lifecycle import PaymentStatus


class FactType(Enum):
    """The kind of value a fact holds; the value is how sellers read it in error messages."""

    DECIMAL = "an amount of money"
    INT = "a whole number"
    FLOAT = "a number"
    STR = "text"
    BOOL = "true or false"
    STR_SET = "a set of text values"


NUMERIC = frozenset({FactType.DECIMAL, FactType.INT, FactType.FLOAT})

FACTS: dict[str, FactType] = {
    "order.amount": FactType.DECIMAL,
    "order.currency": FactType.STR,
    "order.line_count": FactType.INT,
    "order.quantity": FactType.INT,
    "order.skus": FactType.STR_SET,
    "order.categories": FactType.STR_SET,
    "order.type": FactType.STR,
    "order.payment_status": FactType.STR,
    "order.buyer_note": FactType.STR,
    "order.seller_flags": FactType.STR_SET,
    "order.is_cross_border": FactType.BOOL,
    "order.is_presale": FactType.BOOL,
    "order.exceptions": FactType.STR_SET,
    "shop.code": FactType.STR,
    "shop.platform": FactType.STR,
    "shop.home_province": FactType.STR,
    "address.province": FactType.STR,
    "address.city": FactType.STR,
    "address.district": FactType.STR,
    "address.confidence": FactType.FLOAT,
    "customer.grade": FactType.STR,
    "customer.credit": FactType.STR,
    "customer.order_count": FactType.INT,
    "customer.blacklisted": FactType.BOOL,
}

# Text facts with a closed set of values: comparing them with anything else is a seller's typo.
CHOICES: dict[str, frozenset[str]] = {
    "order.type": frozenset(t.value for t in OrderType),
    "order.payment_status": frozenset(s.value for s in PaymentStatus),
}


def attr_name(fact: str) -> str:
    """The ``OrderFacts`` attribute that holds ``fact``: ``order.amount`` -> ``order_amount``."""
    return fact.replace(".", "_")


@dataclass(frozen=True, slots=True)
class OrderFacts:
    """The values of every fact for one order, flat for speed (see ``attr_name``)."""

    order_amount: Decimal
    order_currency: str = "CNY"
    order_line_count: int = 1
    order_quantity: int = 1
    order_skus: frozenset[str] = field(default_factory=frozenset)
    order_categories: frozenset[str] = field(default_factory=frozenset)
    order_type: str = OrderType.RETAIL.value
    order_payment_status: str = PaymentStatus.PAID.value
    order_buyer_note: str = ""
    order_seller_flags: frozenset[str] = field(default_factory=frozenset)
    order_is_cross_border: bool = False
    order_is_presale: bool = False
    order_exceptions: frozenset[str] = field(default_factory=frozenset)  # built-in check codes
    shop_code: str = ""
    shop_platform: str = ""
    shop_home_province: str = ""
    address_province: str = ""
    address_city: str = ""
    address_district: str = ""
    address_confidence: float = 1.0
    customer_grade: str = ""
    customer_credit: str = ""
    customer_order_count: int = 0
    customer_blacklisted: bool = False

    def get(self, fact: str) -> object:
        """The value of ``fact`` by its dotted name; ``KeyError`` for an unknown fact."""
        if fact not in FACTS:
            raise KeyError(fact)
        return getattr(self, attr_name(fact))
