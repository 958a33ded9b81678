"""Review persistence: rule set versions, the facts review reads, decisions and the stage queues."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Row, and_, func, insert, select, update

from orderhub.db.bulk import bulk_insert
from orderhub.db.cleaning_repo import claim
from orderhub.db.hints import among
from orderhub.db.records import Record, records
from orderhub.db.schema import customers, order_lines, orders, shops, skus, stock
from orderhub.db.schema_review import order_reviews, review_tasks, rule_sets

# --- rule sets -------------------------------------------------------------------------


def insert_rule_set(
    conn: Connection, *, note: str, document: dict[str, Any], actor: str, now: datetime
) -> int:
    """Save a new draft version (one more than the highest) and return its number."""
    version = int(
        conn.execute(select(func.coalesce(func.max(rule_sets.c.version), 0))).scalar_one()
    )
    version += 1
    conn.execute(
        insert(rule_sets).values(
            version=version,
            status="draft",
            note=note,
            document=document,
            created_at=now,
            created_by=actor,
        )
    )
    return version


def activate_rule_set(conn: Connection, version: int, *, actor: str, now: datetime) -> None:
    """Make `version` the active one; the previously active version is retired."""
    conn.execute(
        update(rule_sets)
        .where(rule_sets.c.status == "active", rule_sets.c.version != version)
        .values(status="retired")
    )
    conn.execute(
        update(rule_sets)
        .where(rule_sets.c.version == version)
        .values(status="active", activated_at=now, activated_by=actor)
    )


def rule_set(conn: Connection, version: int) -> Row[Any] | None:
    return conn.execute(select(rule_sets).where(rule_sets.c.version == version)).first()


def active_rule_set(conn: Connection) -> Row[Any] | None:
    return conn.execute(select(rule_sets).where(rule_sets.c.status == "active")).first()


def list_rule_sets(conn: Connection) -> list[Row[Any]]:
    return list(conn.execute(select(rule_sets).order_by(rule_sets.c.version.desc())))


# --- what review reads ------------------------------------------------------------------


def orders_to_review(conn: Connection, *, after_id: int, limit: int) -> list[int]:
    """Cleaned orders still `received` (not merged away), in id order."""
    query = (
        select(orders.c.id)
        .where(
            orders.c.status == "received",
            orders.c.cleaned_at.is_not(None),
            orders.c.id > after_id,
        )
        .order_by(orders.c.id)
        .limit(limit)
    )
    return [r[0] for r in conn.execute(claim(conn, query))]


def order_rows(conn: Connection, order_ids: Sequence[int]) -> list[Record]:
    """Each order with its shop and customer columns review needs (`db.records`)."""
    if not order_ids:
        return []
    query = (
        select(
            *(
                orders.c[name]
                for name in (
                    "id",
                    "platform_order_id",
                    "status",
                    "customer_id",
                    "total_amount",
                    "currency",
                    "order_type",
                    "payment_status",
                    "buyer_note",
                    "seller_flags",
                    "receiver_country",
                    "is_presale",
                    "receiver_province",
                    "receiver_city",
                    "receiver_district",
                    "address_confidence",
                    "goods_amount",
                    "discount_amount",
                    "shipping_fee",
                    "tax_amount",
                    "receiver_division_code",
                    "channel_state",
                )
            ),
            shops.c.code.label("shop_code"),
            shops.c.platform.label("shop_platform"),
            shops.c.home_province.label("shop_home_province"),
            shops.c.settings.label("shop_settings"),
            customers.c.blacklisted.label("c_blacklisted"),
            customers.c.blacklist_reason.label("c_blacklist_reason"),
            customers.c.customer_type.label("c_type"),
            customers.c.credit_rating.label("c_credit"),
            customers.c.credit_limit.label("c_credit_limit"),
        )
        .join(shops, shops.c.id == orders.c.shop_id)
        .outerjoin(customers, customers.c.id == orders.c.customer_id)
        .where(among(orders.c.id, list(order_ids)))
        .order_by(orders.c.id)
    )
    return records(conn.execute(query))


def line_rows(conn: Connection, order_ids: Sequence[int]) -> dict[int, list[Record]]:
    """Lines per order with their SKU's category, usual price and cost (`db.records`)."""
    out: dict[int, list[Record]] = defaultdict(list)
    if not order_ids:
        return out
    query = (
        select(
            order_lines,
            skus.c.category,
            skus.c.price.label("sku_price"),
            skus.c.cost.label("sku_cost"),
            skus.c.currency.label("sku_currency"),
        )
        .outerjoin(skus, skus.c.id == order_lines.c.sku_id)
        .where(among(order_lines.c.order_id, list(order_ids)))
        .order_by(order_lines.c.order_id, order_lines.c.line_no)
    )
    for row in records(conn.execute(query)):
        out[row.order_id].append(row)
    return out


def open_balances(conn: Connection, customer_ids: Iterable[int]) -> dict[tuple[int, str], Decimal]:
    """Unpaid orders' totals per customer and currency (a wholesale customer's open balance)."""
    ids = sorted(set(customer_ids))
    if not ids:
        return {}
    query = (
        select(orders.c.customer_id, orders.c.currency, func.sum(orders.c.total_amount))
        .where(
            among(orders.c.customer_id, ids),
            orders.c.payment_status == "unpaid",
            orders.c.status.not_in(("cancelled", "merged")),
        )
        .group_by(orders.c.customer_id, orders.c.currency)
    )
    return {(r[0], r[1]): r[2] or Decimal(0) for r in conn.execute(query)}


def gifts_given(conn: Connection, customer_ids: Iterable[int]) -> dict[int, frozenset[str]]:
    """Gift SKUs each customer has received on orders that were not cancelled."""
    ids = sorted(set(customer_ids))
    if not ids:
        return {}
    query = (
        select(orders.c.customer_id, order_lines.c.sku_code)
        .distinct()
        .join(orders, orders.c.id == order_lines.c.order_id)
        .where(
            order_lines.c.is_gift.is_(True),
            among(orders.c.customer_id, ids),
            orders.c.status != "cancelled",
        )
    )
    out: dict[int, set[str]] = defaultdict(set)
    for customer_id, sku_code in conn.execute(query):
        out[customer_id].add(sku_code)
    return {k: frozenset(v) for k, v in out.items()}


def gift_stock(conn: Connection, sku_codes: Iterable[str]) -> dict[str, int]:
    """Units of each gift SKU still free to give: available stock in every warehouse, less
    gift lines of orders that hold no reservation yet (reviewed, not allocated)."""
    codes = sorted(set(sku_codes))
    if not codes:
        return {}
    free = (
        select(skus.c.code, func.coalesce(func.sum(stock.c.on_hand - stock.c.reserved), 0))
        .outerjoin(stock, stock.c.sku_id == skus.c.id)
        .where(skus.c.code.in_(codes))
        .group_by(skus.c.code)
    )
    out = {code: int(n) for code, n in conn.execute(free)}
    promised = (
        select(order_lines.c.sku_code, func.sum(order_lines.c.quantity))
        .join(orders, orders.c.id == order_lines.c.order_id)
        .where(
            order_lines.c.is_gift.is_(True),
            order_lines.c.sku_code.in_(codes),
            orders.c.status.in_(("pending_review", "on_hold", "approved")),
        )
        .group_by(order_lines.c.sku_code)
    )
    for code, n in conn.execute(promised):
        out[code] = out.get(code, 0) - int(n)
    return out


def sku_titles(conn: Connection, codes: Iterable[str]) -> dict[str, tuple[int, str]]:
    query = select(skus.c.code, skus.c.id, skus.c.title).where(skus.c.code.in_(sorted(set(codes))))
    return {r.code: (r.id, r.title) for r in conn.execute(query)}


# --- writing decisions ------------------------------------------------------------------


def insert_reviews(conn: Connection, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert one review row per order (orders distinct); their ids in the same order.
    (A RETURNING that keeps parameter order costs SQLite one statement per row.)"""
    if not rows:
        return []
    bulk_insert(conn, order_reviews, rows)
    ids = [r["order_id"] for r in rows]
    newest = (
        select(order_reviews.c.order_id, func.max(order_reviews.c.id))
        .where(among(order_reviews.c.order_id, ids))
        .group_by(order_reviews.c.order_id)
    )
    found = {r[0]: r[1] for r in conn.execute(newest)}
    return [found[i] for i in ids]


def insert_tasks(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        conn.execute(insert(review_tasks), rows)


def insert_gift_lines(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        conn.execute(insert(order_lines), rows)


# --- reading decisions and queues -------------------------------------------------------


def latest_reviews(conn: Connection, order_ids: Sequence[int]) -> dict[int, Row[Any]]:
    if not order_ids:
        return {}
    newest = (
        select(func.max(order_reviews.c.id))
        .where(among(order_reviews.c.order_id, list(order_ids)))
        .group_by(order_reviews.c.order_id)
    )
    query = select(order_reviews).where(order_reviews.c.id.in_(newest))
    return {r.order_id: r for r in conn.execute(query)}


def tasks_of_reviews(conn: Connection, review_ids: Sequence[int]) -> dict[int, list[Row[Any]]]:
    out: dict[int, list[Row[Any]]] = defaultdict(list)
    if review_ids:
        query = (
            select(review_tasks)
            .where(review_tasks.c.review_id.in_(list(review_ids)))
            .order_by(review_tasks.c.review_id, review_tasks.c.seq, review_tasks.c.id)
        )
        for r in conn.execute(query):
            out[r.review_id].append(r)
    return out


def set_task_status(
    conn: Connection,
    task_ids: Sequence[int],
    *,
    expected: str,
    status: str,
    values: dict[str, Any] | None = None,
) -> set[int]:
    """Compare-and-set in one statement: move the tasks still in `expected`; the ids moved."""
    if not task_ids:
        return set()
    result = conn.execute(
        update(review_tasks)
        .where(review_tasks.c.id.in_(list(task_ids)), review_tasks.c.status == expected)
        .values(status=status, **(values or {}))
        .returning(review_tasks.c.id)
    )
    return {r[0] for r in result}


def queue(conn: Connection, stage: str, *, after_id: int, limit: int) -> list[Row[Any]]:
    """Orders waiting in `stage`, oldest first, with why they are there."""
    query = (
        select(
            review_tasks.c.id.label("task_id"),
            review_tasks.c.order_id,
            review_tasks.c.why,
            review_tasks.c.rule_set_version,
            review_tasks.c.created_at.label("queued_at"),
            orders.c.platform_order_id,
            orders.c.total_amount,
            orders.c.currency,
            orders.c.receiver_name,
            orders.c.priority,
            shops.c.code.label("shop_code"),
        )
        .join(
            orders,
            and_(orders.c.id == review_tasks.c.order_id, orders.c.status == "pending_review"),
        )
        .join(shops, shops.c.id == orders.c.shop_id)
        .where(review_tasks.c.stage == stage, review_tasks.c.status == "pending")
        .where(review_tasks.c.order_id > after_id)
        .order_by(review_tasks.c.order_id)
        .limit(limit)
    )
    return list(conn.execute(query))


def queue_sizes(conn: Connection) -> dict[str, int]:
    query = (
        select(review_tasks.c.stage, func.count())
        .join(
            orders,
            and_(orders.c.id == review_tasks.c.order_id, orders.c.status == "pending_review"),
        )
        .where(review_tasks.c.status == "pending")
        .group_by(review_tasks.c.stage)
    )
    return {stage: int(n) for stage, n in conn.execute(query)}


def pending_tasks(conn: Connection, order_ids: Sequence[int]) -> dict[int, Row[Any]]:
    """The current (pending) task of each order, if any."""
    if not order_ids:
        return {}
    query = select(review_tasks).where(
        review_tasks.c.order_id.in_(list(order_ids)), review_tasks.c.status == "pending"
    )
    return {r.order_id: r for r in conn.execute(query)}


def next_waiting(conn: Connection, review_ids: Sequence[int]) -> dict[int, Row[Any]]:
    """The lowest-seq waiting task of each review."""
    out: dict[int, Row[Any]] = {}
    if review_ids:
        query = (
            select(review_tasks)
            .where(
                review_tasks.c.review_id.in_(list(review_ids)), review_tasks.c.status == "waiting"
            )
            .order_by(review_tasks.c.review_id, review_tasks.c.seq)
        )
        for r in conn.execute(query):
            out.setdefault(r.review_id, r)
    return out


def void_waiting(conn: Connection, review_ids: Sequence[int]) -> None:
    if review_ids:
        conn.execute(
            update(review_tasks)
            .where(
                review_tasks.c.review_id.in_(list(review_ids)), review_tasks.c.status == "waiting"
            )
            .values(status="void")
        )


def recent_order_ids(
    conn: Connection,
    *,
    last: int | None,
    since: datetime | None,
    until: datetime | None,
) -> list[int]:
    """Orders for a backtest: the last N placed, or those placed in [since, until)."""
    query = select(orders.c.id).where(orders.c.status != "merged")
    if since is not None:
        query = query.where(orders.c.placed_at >= since)
    if until is not None:
        query = query.where(orders.c.placed_at < until)
    query = query.order_by(orders.c.placed_at.desc(), orders.c.id.desc())
    if last is not None:
        query = query.limit(last)
    return sorted(r[0] for r in conn.execute(query))
