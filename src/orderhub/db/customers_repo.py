"""SQL of customers: identities by key, new customers, recent orders of buyers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from orderhub.db.bulk import bulk_insert
from orderhub.db.hints import among, not_indexed
from orderhub.db.records import records
from orderhub.db.schema import customer_identities, customers, order_lines, orders, shops


def identities_for(conn: Connection, keys: Sequence[tuple[str, str]]) -> list[tuple[str, str, int]]:
    """Stored (kind, value, customer_id) rows for these keys only."""
    by_kind: dict[str, set[str]] = defaultdict(set)
    for kind, value in keys:
        by_kind[kind].add(value)
    found: list[tuple[str, str, int]] = []
    # One query per kind (a handful): each is an index range on (kind, value); a row-value IN
    # list of thousands of pairs was planned as a scan of every identity on PostgreSQL.
    for kind, values in sorted(by_kind.items()):
        query = select(customer_identities.c.value, customer_identities.c.customer_id).where(
            customer_identities.c.kind == kind, among(customer_identities.c.value, sorted(values))
        )
        found += [(kind, v, c) for v, c in conn.execute(query)]
    return found


def create_customer(conn: Connection, *, name: str, phone: str, email: str, now: datetime) -> int:
    return int(
        conn.execute(
            customers.insert().returning(customers.c.id),
            {"name": name[:128], "phone": phone[:64], "email": email[:254], "created_at": now},
        ).scalar_one()
    )


def create_customers(
    conn: Connection, people: Sequence[tuple[str, str, str]], *, now: datetime
) -> list[int]:
    """Create customers [(name, phone, email)] in one statement; their ids in the same order.
    Ids come from the table's sequence on PostgreSQL; on SQLite the caller holds the write lock
    (`engine.writer`), so the next ids are the maximum's successors."""
    if not people:
        return []
    if conn.dialect.name == "postgresql":
        seq = select(func.nextval(func.pg_get_serial_sequence("customers", "id"))).select_from(
            func.generate_series(1, len(people))
        )
        ids = [int(r[0]) for r in conn.execute(seq)]
    else:
        start = int(conn.execute(select(func.coalesce(func.max(customers.c.id), 0))).scalar_one())
        ids = list(range(start + 1, start + 1 + len(people)))
    bulk_insert(
        conn,
        customers,
        [
            {"id": i, "name": n[:128], "phone": p[:64], "email": e[:254], "created_at": now}
            for i, (n, p, e) in zip(ids, people, strict=True)
        ],
    )
    return ids


def add_identities(conn: Connection, rows: Sequence[tuple[str, str, int]]) -> None:
    bulk_insert(
        conn,
        customer_identities,
        # Sorted: concurrent workers inserting overlapping keys then wait instead of deadlocking.
        [{"kind": k, "value": v[:254], "customer_id": c} for k, v, c in sorted(rows)],
        ignore_conflicts=True,
    )


def recent_orders_of(
    conn: Connection,
    *,
    customer_ids: Sequence[int],
    phone_keys: Sequence[str],
    since: datetime,
    until: datetime,
    exclude: Sequence[int],
) -> list[Any]:
    """Orders of these buyers placed in [since, until], for duplicate checks.

    One query per way of knowing the buyer, each on its own index: with the two joined by OR
    (or left to choose), SQLite walked the whole time window instead — every order of the day
    at a 双11 peak."""
    columns = (
        orders.c.id,
        orders.c.channel,
        orders.c.platform_order_id,
        orders.c.customer_id,
        orders.c.phone_key,
        orders.c.total_amount,
        orders.c.currency,
        orders.c.placed_at,
        orders.c.status,
        shops.c.code.label("shop_code"),
    )
    skip = set(exclude)
    found: dict[int, Any] = {}
    for column, values in (
        (orders.c.customer_id, sorted(set(customer_ids))),
        (orders.c.phone_key, sorted(set(phone_keys))),
    ):
        if not values:
            continue
        query = (
            select(*columns)
            .join(shops, shops.c.id == orders.c.shop_id)
            .where(among(column, values), not_indexed(orders.c.placed_at).between(since, until))
        )
        for row in records(conn.execute(query)):
            if row.id not in skip:
                found.setdefault(row.id, row)
    return [found[i] for i in sorted(found)]


def items_of(conn: Connection, order_ids: Sequence[int]) -> dict[int, list[tuple[str, int]]]:
    found: dict[int, list[tuple[str, int]]] = defaultdict(list)
    if order_ids:
        query = select(
            order_lines.c.order_id, order_lines.c.sku_code, order_lines.c.quantity
        ).where(among(order_lines.c.order_id, list(order_ids)))
        for order_id, code, qty in conn.execute(query):
            found[order_id].append((code or "", qty))
    return found
