"""Gather what review reads for a batch of orders: rule facts and built-in check findings.

Five queries per batch (orders with shop and customer, lines with SKUs, customer order stats,
open balances, and the seller's grade rules), then pure code.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection

from orderhub.customers.grades import grade_rules
from orderhub.customers.profile import GradeRule, Profile, grade_of
from orderhub.db import customers_views_repo, review_repo
from orderhub.db.records import Record
from orderhub.review.exceptions import ExceptionFacts, Finding, LineFacts, check_exceptions
from orderhub.review.facts import OrderFacts
from orderhub.review.outcome import ReviewSettings


@dataclass(frozen=True)
class ReviewInput:
    order_id: int
    platform_order_id: str
    status: str
    customer_id: int | None
    facts: OrderFacts
    findings: tuple[Finding, ...]
    next_line_no: int


def load_inputs(
    conn: Connection, order_ids: Sequence[int], settings: ReviewSettings
) -> list[ReviewInput]:
    rows = review_repo.order_rows(conn, order_ids)
    lines = review_repo.line_rows(conn, order_ids)
    customer_ids = {r.customer_id for r in rows if r.customer_id is not None}
    stats = _customer_stats(conn, customer_ids, grade_rules(conn).rules)
    balances = review_repo.open_balances(conn, customer_ids)
    out = []
    for row in rows:
        own = lines.get(row.id, [])
        grade, count = stats.get(row.customer_id, ("", 0)) if row.customer_id else ("", 0)
        checks = _check_facts(row, own, balances)
        findings = tuple(check_exceptions(checks, settings.thresholds))
        facts = _order_facts(row, own, grade, count, frozenset(f.code for f in findings))
        next_no = max((ln.line_no for ln in own), default=0) + 1
        out.append(
            ReviewInput(
                row.id, row.platform_order_id, row.status, row.customer_id, facts, findings, next_no
            )
        )
    return out


def _customer_stats(
    conn: Connection, customer_ids: set[int], rules: Sequence[GradeRule]
) -> dict[int, tuple[str, int]]:
    """Customer -> (grade, orders before this one)."""
    per: dict[int, list[Record]] = defaultdict(list)
    for s in customers_views_repo.order_stats(conn, sorted(customer_ids)):
        per[s.customer_id].append(s)
    out: dict[int, tuple[str, int]] = {}
    for customer_id, stats in per.items():
        orders = sum(int(s.orders) for s in stats)
        returns = sum(int(s.returns or 0) for s in stats)
        spent = {s.currency: s.spent or Decimal(0) for s in stats}
        profile = Profile(None, None, orders, spent, {}, (), "", returns)
        out[customer_id] = (grade_of(profile, rules), max(orders - 1, 0))
    return out


def _order_facts(
    row: Record, lines: Sequence[Record], grade: str, count: int, codes: frozenset[str]
) -> OrderFacts:
    goods = [ln for ln in lines if not ln.is_gift]
    home_country = str((row.shop_settings or {}).get("country", "CN")).upper()
    confidence = row.address_confidence
    return OrderFacts(
        order_amount=row.total_amount,
        order_currency=row.currency,
        order_line_count=len(goods),
        order_quantity=sum(ln.quantity for ln in goods),
        order_skus=frozenset(ln.sku_code for ln in goods if ln.sku_code),
        order_categories=frozenset(ln.category for ln in goods if ln.category),
        order_type=row.order_type,
        order_payment_status=row.payment_status,
        order_buyer_note=row.buyer_note or "",
        order_seller_flags=frozenset(row.seller_flags or ()),
        order_is_cross_border=row.receiver_country.upper() != home_country,
        order_is_presale=bool(row.is_presale),
        order_exceptions=codes,
        shop_code=row.shop_code,
        shop_platform=row.shop_platform,
        shop_home_province=row.shop_home_province or "",
        address_province=row.receiver_province,
        address_city=row.receiver_city,
        address_district=row.receiver_district,
        address_confidence=confidence / 100 if confidence is not None else 1.0,
        customer_grade=grade,
        customer_credit=row.c_credit or "",
        customer_order_count=count,
        customer_blacklisted=bool(row.c_blacklisted),
    )


def _check_facts(
    row: Record, lines: Sequence[Record], balances: dict[tuple[int, str], Decimal]
) -> ExceptionFacts:
    is_cn = row.receiver_country.upper() == "CN"
    balance = balances.get((row.customer_id, row.currency), Decimal(0))
    if row.payment_status == "unpaid":
        balance -= row.total_amount  # the open balance before this order
    confidence = row.address_confidence
    return ExceptionFacts(
        lines=tuple(_line_facts(ln, row.currency) for ln in lines),
        goods_amount=row.goods_amount,
        order_discount=row.discount_amount,
        shipping_fee=row.shipping_fee,
        tax=row.tax_amount,
        total=row.total_amount,
        currency=row.currency,
        address_confidence=Decimal(confidence) / 100 if is_cn and confidence is not None else None,
        address_resolved=bool(row.receiver_division_code) if is_cn else True,
        customer_type=row.c_type or "retail",
        credit_limit=row.c_credit_limit if row.c_type == "wholesale" else None,
        open_balance=balance,
        blacklisted=bool(row.c_blacklisted),
        blacklist_reason=row.c_blacklist_reason or "",
        buyer_note=row.buyer_note or "",
        refund_requested=row.channel_state == "refund_requested",
    )


def _line_facts(ln: Record, currency: str) -> LineFacts:
    """A bundle component's price is its share of the bundle: not comparable to its own price."""
    comparable = ln.sku_currency == currency and not ln.bundle_sku_code
    return LineFacts(
        sku_code=ln.sku_code,
        quantity=ln.quantity,
        unit_price=ln.unit_price,
        discount=ln.discount,
        usual_price=ln.sku_price if comparable else None,
        cost=ln.sku_cost if comparable else None,
        is_gift=bool(ln.is_gift),
    )
