"""SQL behind customer views: one customer with their orders, pages of customers, the blacklist.

Every query here is one statement whatever the number of customers (aggregates, never a query
per customer). Grades are computed in SQL only to filter a page by grade; the grade shown is
always `customers.profile.grade_of` over the same aggregates.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    and_,
    case,
    exists,
    func,
    literal,
    not_,
    or_,
    select,
    true,
    update,
)

from orderhub.customers.profile import GradeRule
from orderhub.db.hints import among
from orderhub.db.orders_repo import BadCursor
from orderhub.db.records import Record, records
from orderhub.db.schema import customer_identities, customers, order_events, orders, shops
from orderhub.db.types import Amount

RETURNED = "refunded"  # payment status of a returned order (until returns are tracked)


def counted() -> ColumnElement[bool]:
    """Orders that belong in a profile: not absorbed by a merge, and not cancelled without a
    refund on record (never paid, or the money went back outside OrderHub: not a sale)."""
    return and_(
        orders.c.status != "merged",
        or_(orders.c.status != "cancelled", orders.c.payment_status == RETURNED),
    )


def returned() -> ColumnElement[bool]:
    return orders.c.payment_status == RETURNED


def get_customer(conn: Connection, customer_id: int, *, lock: bool = False) -> Row[Any] | None:
    query = select(customers).where(customers.c.id == customer_id)
    if lock:
        query = query.with_for_update()
    return conn.execute(query).first()


def identities_of(conn: Connection, customer_id: int) -> list[tuple[str, str]]:
    rows = conn.execute(
        select(customer_identities.c.kind, customer_identities.c.value)
        .where(customer_identities.c.customer_id == customer_id)
        .order_by(customer_identities.c.id)
    )
    return [(kind, value) for kind, value in rows]


def orders_of(conn: Connection, customer_id: int) -> list[Row[Any]]:
    """The customer's counted orders, newest first, with what a profile and a list need."""
    query = (
        select(
            orders.c.id,
            shops.c.code.label("shop_code"),
            orders.c.channel,
            orders.c.platform_order_id,
            orders.c.status,
            orders.c.payment_status,
            orders.c.total_amount,
            orders.c.currency,
            orders.c.placed_at,
            orders.c.receiver_country,
            orders.c.receiver_province,
            orders.c.receiver_city,
            orders.c.receiver_district,
            orders.c.receiver_street,
            orders.c.receiver_postcode,
        )
        .join(shops, shops.c.id == orders.c.shop_id)
        .where(orders.c.customer_id == customer_id, counted())
        .order_by(orders.c.placed_at.desc(), orders.c.id.desc())
    )
    return list(conn.execute(query))


def cleaning_notes_of(conn: Connection, customer_id: int, *, limit: int) -> list[Row[Any]]:
    """`cleaned` events of the customer's orders that name this customer, newest first."""
    query = (
        select(
            order_events.c.order_id,
            shops.c.code.label("shop_code"),
            orders.c.platform_order_id,
            order_events.c.reason,
            order_events.c.created_at,
        )
        .join(orders, orders.c.id == order_events.c.order_id)
        .join(shops, shops.c.id == orders.c.shop_id)
        .where(
            orders.c.customer_id == customer_id,
            order_events.c.kind == "cleaned",
            order_events.c.reason.contains(f"customer {customer_id}: ", autoescape=True),
        )
        .order_by(order_events.c.id.desc())
        .limit(limit)
    )
    return list(conn.execute(query))


@dataclass(frozen=True, slots=True)
class CustomerFilter:
    grade: str | None = None
    blacklisted: bool | None = None
    text: str | None = None


def page_of_customers(
    conn: Connection,
    f: CustomerFilter,
    rules: Sequence[GradeRule],
    *,
    limit: int,
    cursor: str | None,
) -> tuple[list[Row[Any]], str | None]:
    """Customers newest first (keyset on id); the cursor of the next page, if any."""
    query = select(customers)
    if f.blacklisted is not None:
        query = query.where(customers.c.blacklisted == f.blacklisted)
    text = (f.text or "").strip()
    if text:
        query = query.where(_search(text))
    if f.grade is not None:
        stats = _grade_stats(rules)
        query = query.outerjoin(stats, stats.c.customer_id == customers.c.id).where(
            _grade_case(stats, rules) == f.grade
        )
    if cursor:
        query = query.where(customers.c.id < decode_cursor(cursor))
    rows = list(conn.execute(query.order_by(customers.c.id.desc()).limit(limit + 1)))
    next_cursor = encode_cursor(rows[limit - 1].id) if len(rows) > limit else None
    return rows[:limit], next_cursor


def order_stats(conn: Connection, customer_ids: Sequence[int]) -> list[Record]:
    """Per customer and currency: orders, returned orders, money kept, last order."""
    if not customer_ids:
        return []
    kept_amount = case((returned(), literal(0, Amount())), else_=orders.c.total_amount)
    query = (
        select(
            orders.c.customer_id,
            orders.c.currency,
            func.count().label("orders"),
            func.sum(case((returned(), 1), else_=0)).label("returns"),
            func.sum(kept_amount).label("spent"),
            func.min(orders.c.placed_at).label("first_order_at"),
            func.max(orders.c.placed_at).label("last_order_at"),
        )
        .where(among(orders.c.customer_id, sorted(set(customer_ids))), counted())
        .group_by(orders.c.customer_id, orders.c.currency)
    )
    return records(conn.execute(query))


def _search(text: str) -> ColumnElement[bool]:
    """A name part, the last digits of a phone, an email, or an identity value (buyer id)."""
    conditions: list[ColumnElement[bool]] = [
        customers.c.name.icontains(text, autoescape=True),
        _has_identity(customer_identities.c.value == text),
    ]
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= 4 and all(ch.isdigit() or ch in "+-() " for ch in text):
        conditions.append(customers.c.phone.endswith(digits, autoescape=True))
        conditions.append(
            _has_identity(
                or_(
                    customer_identities.c.kind == "phone",
                    customer_identities.c.kind.startswith("phone:"),
                ),
                customer_identities.c.value.endswith(digits, autoescape=True),
            )
        )
    if "@" in text:
        email = text.lower()
        conditions.append(func.lower(customers.c.email) == email)
        conditions.append(
            _has_identity(
                customer_identities.c.kind == "email", customer_identities.c.value == email
            )
        )
    return or_(*conditions)


def _has_identity(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists().where(customer_identities.c.customer_id == customers.c.id, *conditions)


def _grade_stats(rules: Sequence[GradeRule]) -> Any:
    """Per customer: kept orders and money kept in every currency a rule names."""
    columns: list[Any] = [
        orders.c.customer_id,
        func.sum(case((returned(), 0), else_=1)).label("kept"),
    ]
    for i, currency in enumerate(sorted({r.currency for r in rules})):
        amount = case(
            (and_(orders.c.currency == currency, not_(returned())), orders.c.total_amount),
            else_=literal(0, Amount()),
        )
        columns.append(func.sum(amount).label(f"spent_{i}"))
    return (
        select(*columns)
        .where(orders.c.customer_id.is_not(None), counted())
        .group_by(orders.c.customer_id)
        .subquery("grade_stats")
    )


def _grade_case(stats: Any, rules: Sequence[GradeRule]) -> ColumnElement[Any]:
    """The grade of the first rule that holds, as `grade_of` decides; "" when none."""
    spent_col = {c: f"spent_{i}" for i, c in enumerate(sorted({r.currency for r in rules}))}
    kept = func.coalesce(stats.c.kept, 0)
    whens: list[tuple[ColumnElement[bool], str]] = []
    for rule in rules:
        spent = func.coalesce(stats.c[spent_col[rule.currency]], literal(0, Amount()))
        holds = and_(
            kept >= rule.min_orders if rule.min_orders > 0 else true(),
            spent >= literal(rule.min_spent, Amount()) if rule.min_spent > 0 else true(),
        )
        whens.append((holds, rule.grade))
    if not whens:
        return literal("")
    return case(*whens, else_=literal(""))


def set_blacklist(conn: Connection, customer_id: int, *, blacklisted: bool, reason: str) -> None:
    conn.execute(
        update(customers)
        .where(customers.c.id == customer_id)
        .values(blacklisted=blacklisted, blacklist_reason=reason)
    )


def encode_cursor(customer_id: int) -> str:
    return base64.urlsafe_b64encode(f"customer:{customer_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = raw.partition(":")
        if kind != "customer":
            raise ValueError(kind)
        return int(value)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadCursor(f"invalid cursor {cursor!r}") from exc
