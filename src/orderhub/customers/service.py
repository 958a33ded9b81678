"""Customers as a seller sees them: profile, grade, identities, match reasons, the blacklist.

Which orders make a profile: every order linked to the customer by cleaning, except orders
absorbed by a merge (status `merged`: their lines live on in the order they joined) and cancelled
orders without a refund on record (never paid, or refunded outside OrderHub: not a sale). A
*returned* order is, for now, one whose payment status is `refunded` (returns are not tracked on
their own yet; a partial refund is not a return). Returned orders count as orders and returns
but neither as money spent nor toward a grade (`customers.profile`).

Grades follow the seller's rules in the `grade_rules` setting (`{"rules": [...]}`, best first),
or `DEFAULT_GRADE_RULES` when unset or set to an empty list.

Why an order joined its customer is kept by cleaning in the order's `cleaned` event
("…; customer 12: same phone +8613812345678 as customer 12"); the profile shows those reasons.

Phones are personal data: lists show them masked (+86138****5678); only the view of one
customer shows full values.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Row

from orderhub.customers.grades import grade_rules
from orderhub.customers.identity import PRIVACY_MARK
from orderhub.customers.profile import (
    GradeRule,
    OrderSummaryForProfile,
    Profile,
    build_profile,
    grade_of,
)
from orderhub.db import customers_views_repo as repo
from orderhub.db.quarantine_repo import record_security_event
from orderhub.db.records import Record
from orderhub.errors import BusinessError, ErrorCode
from orderhub.orders.domain import utc_now

RECENT_ORDERS = 20
MAX_MATCHES = 200  # newest match reasons shown in a profile
MAX_REASON_LENGTH = 2000
BLACKLISTED = "customer_blacklisted"
UNBLACKLISTED = "customer_unblacklisted"


class CustomerNotFound(BusinessError):
    code = ErrorCode.CUSTOMER_NOT_FOUND

    def __init__(self, customer_id: int) -> None:
        super().__init__(f"customer {customer_id} does not exist", customer_id=customer_id)


class CustomerInvalid(BusinessError):
    code = ErrorCode.CUSTOMER_INVALID

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message, **details)


@dataclass(frozen=True, slots=True)
class AddressView:
    country: str
    province: str
    city: str
    district: str
    street: str
    postcode: str


@dataclass(frozen=True, slots=True)
class OrderBrief:
    id: int
    shop_code: str
    channel: str
    platform_order_id: str
    status: str
    payment_status: str
    total: Decimal
    currency: str
    placed_at: datetime


@dataclass(frozen=True, slots=True)
class MatchView:
    """Why cleaning linked an order to this customer."""

    order_id: int
    shop_code: str
    platform_order_id: str
    reason: str
    matched_at: datetime


@dataclass(frozen=True, slots=True)
class CustomerView:
    id: int
    name: str
    phone: str
    email: str
    blacklisted: bool
    blacklist_reason: str
    created_at: datetime
    identities: tuple[tuple[str, str], ...]  # (kind, value), full values
    profile: Profile
    grade: str
    shops: tuple[str, ...]  # shop codes the customer bought from, sorted
    usual_address: AddressView | None
    recent_orders: tuple[OrderBrief, ...]  # newest first, at most RECENT_ORDERS
    matches: tuple[MatchView, ...]  # newest first, at most MAX_MATCHES


@dataclass(frozen=True, slots=True)
class CustomerSummary:
    id: int
    name: str
    phone: str  # masked
    email: str
    blacklisted: bool
    grade: str
    order_count: int
    returns: int
    total_spent: dict[str, Decimal]  # per currency, returned orders excluded
    first_order_at: datetime | None
    last_order_at: datetime | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class CustomerPage:
    items: tuple[CustomerSummary, ...]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class BlacklistChange:
    customer_id: int
    blacklisted: bool
    blacklist_reason: str
    changed: bool  # False when the customer already was in that state (nothing recorded)


# --- one customer -------------------------------------------------------------------------


def customer_profile(conn: Connection, customer_id: int) -> CustomerView:
    """One customer with full identities, profile, grade, recent orders and match reasons."""
    row = repo.get_customer(conn, customer_id)
    if row is None:
        raise CustomerNotFound(customer_id)
    rows = repo.orders_of(conn, customer_id)
    keys = [_address_key(r) for r in rows]
    profile = build_profile(
        [
            OrderSummaryForProfile(
                order_id=r.id,
                placed_at=r.placed_at,
                total=r.total_amount,
                currency=r.currency,
                channel=r.channel,
                address_key=key,
                returned=r.payment_status == repo.RETURNED,
            )
            for r, key in zip(rows, keys, strict=True)
        ]
    )
    usual = next(
        (
            _address(r)
            for r, key in zip(rows, keys, strict=True)
            if key and key == profile.usual_address_key
        ),
        None,
    )
    notes = repo.cleaning_notes_of(conn, customer_id, limit=MAX_MATCHES)
    matches = [
        MatchView(n.order_id, n.shop_code, n.platform_order_id, reason, n.created_at)
        for n in notes
        if (reason := match_reason(n.reason, customer_id)) is not None
    ]
    return CustomerView(
        id=row.id,
        name=row.name,
        phone=row.phone,
        email=row.email,
        blacklisted=bool(row.blacklisted),
        blacklist_reason=row.blacklist_reason,
        created_at=row.created_at,
        identities=tuple(repo.identities_of(conn, customer_id)),
        profile=profile,
        grade=grade_of(profile, grade_rules(conn).rules),
        shops=tuple(sorted({r.shop_code for r in rows})),
        usual_address=usual,
        recent_orders=tuple(_brief(r) for r in rows[:RECENT_ORDERS]),
        matches=tuple(matches),
    )


def _address_key(r: Row[Any]) -> str:
    street = " ".join(unicodedata.normalize("NFKC", r.receiver_street or "").split()).casefold()
    if not street or "*" in street:
        return ""
    return "|".join(
        (r.receiver_country, r.receiver_province, r.receiver_city, r.receiver_district, street)
    )


def _address(r: Row[Any]) -> AddressView:
    return AddressView(
        country=r.receiver_country,
        province=r.receiver_province,
        city=r.receiver_city,
        district=r.receiver_district,
        street=r.receiver_street,
        postcode=r.receiver_postcode,
    )


def _brief(r: Row[Any]) -> OrderBrief:
    return OrderBrief(
        id=r.id,
        shop_code=r.shop_code,
        channel=r.channel,
        platform_order_id=r.platform_order_id,
        status=r.status,
        payment_status=r.payment_status,
        total=r.total_amount,
        currency=r.currency,
        placed_at=r.placed_at,
    )


_NOTE = re.compile(r"(?:^|; )customer (\d+): ")


def match_reason(text: str, customer_id: int) -> str | None:
    """The "customer N: <reason>" note for this customer in a `cleaned` event's reason.

    Notes are joined with "; "; a reason may itself hold "; " inside parentheses (conflicts).
    """
    for found in _NOTE.finditer(text):
        if int(found.group(1)) != customer_id:
            continue
        depth, start, i = 0, found.end(), found.end()
        while i < len(text):
            ch = text[i]
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth = max(0, depth - 1)
            elif depth == 0 and text.startswith("; ", i):
                break
            i += 1
        return text[start:i]
    return None


# --- many customers -------------------------------------------------------------------------


def list_customers(
    conn: Connection,
    *,
    grade: str | None = None,
    blacklisted: bool | None = None,
    search: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> CustomerPage:
    """Newest customers first, with order count, money spent and grade; phones masked.

    `search` finds a part of the name, the last (4+) digits of a phone, an email, or an
    identity value such as a platform buyer id. Two queries per page, whatever its size.
    """
    rules = grade_rules(conn).rules
    limit = max(1, limit)
    rows, next_cursor = repo.page_of_customers(
        conn,
        repo.CustomerFilter(grade=grade, blacklisted=blacklisted, text=search),
        rules,
        limit=limit,
        cursor=cursor,
    )
    stats: dict[int, list[Record]] = defaultdict(list)
    for s in repo.order_stats(conn, [r.id for r in rows]):
        stats[s.customer_id].append(s)
    return CustomerPage(
        items=tuple(_summary(r, stats[r.id], rules) for r in rows), next_cursor=next_cursor
    )


def _summary(row: Row[Any], stats: Sequence[Record], rules: Sequence[GradeRule]) -> CustomerSummary:
    order_count = sum(int(s.orders) for s in stats)
    returns = sum(int(s.returns or 0) for s in stats)
    spent = {
        s.currency: s.spent or Decimal(0) for s in stats if int(s.orders) > int(s.returns or 0)
    }
    first = min((s.first_order_at for s in stats), default=None)
    last = max((s.last_order_at for s in stats), default=None)
    # What a grade rule looks at (kept orders, money per currency); the rest is not needed.
    profile = Profile(
        first_order_at=first,
        last_order_at=last,
        order_count=order_count,
        total_spent=spent,
        average_spent={},
        channels=(),
        usual_address_key="",
        returns=returns,
    )
    return CustomerSummary(
        id=row.id,
        name=row.name,
        phone=mask_phone(row.phone),
        email=row.email,
        blacklisted=bool(row.blacklisted),
        grade=grade_of(profile, rules),
        order_count=order_count,
        returns=returns,
        total_spent=spent,
        first_order_at=first,
        last_order_at=last,
        created_at=row.created_at,
    )


def mask_phone(value: str) -> str:
    """+8613812345678 -> +86138****5678: at least four digits hidden, the last four shown."""
    host, mark, extension = value.partition(PRIVACY_MARK)
    if not host or "*" in host:
        return value
    if len(host) <= 4:
        return "*" * len(host) + mark + extension
    keep = min(6, max(0, len(host) - 8))
    return f"{host[:keep]}****{host[-4:]}{mark}{extension}"


def mask_identity(kind: str, value: str) -> str:
    return mask_phone(value) if kind == "phone" or kind.startswith("phone:") else value


# --- blacklist --------------------------------------------------------------------------------


def blacklist(
    conn: Connection,
    customer_id: int,
    *,
    reason: str,
    actor: str,
    remote_addr: str = "",
    now: datetime | None = None,
) -> BlacklistChange:
    """Blacklist a customer (or change the reason); audited as a `customer_blacklisted` event."""
    return _set_blacklist(conn, customer_id, True, reason, actor, remote_addr, now)


def unblacklist(
    conn: Connection,
    customer_id: int,
    *,
    reason: str,
    actor: str,
    remote_addr: str = "",
    now: datetime | None = None,
) -> BlacklistChange:
    """Take a customer off the blacklist; audited as a `customer_unblacklisted` event."""
    return _set_blacklist(conn, customer_id, False, reason, actor, remote_addr, now)


def _set_blacklist(
    conn: Connection,
    customer_id: int,
    on: bool,
    reason: str,
    actor: str,
    remote_addr: str,
    now: datetime | None,
) -> BlacklistChange:
    reason = " ".join(reason.split())[:MAX_REASON_LENGTH]
    if not reason:
        raise CustomerInvalid("a reason is required", field="reason")
    row = repo.get_customer(conn, customer_id, lock=True)
    if row is None:
        raise CustomerNotFound(customer_id)
    stored = reason if on else ""
    if bool(row.blacklisted) == on and row.blacklist_reason == stored:
        return BlacklistChange(customer_id, on, row.blacklist_reason, changed=False)
    repo.set_blacklist(conn, customer_id, blacklisted=on, reason=stored)
    record_security_event(
        conn,
        kind=BLACKLISTED if on else UNBLACKLISTED,
        shop_id=None,
        remote_addr=remote_addr,
        detail={"customer_id": customer_id, "reason": reason, "actor": actor},
        now=now or utc_now(),
    )
    return BlacklistChange(customer_id, on, stored, changed=True)
