"""Many-row writes on each driver's fast path keep what the column types promise: exact
amounts, UTC times, JSON; updates touch only the rows named; conflicts are skipped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import Engine, select

from orderhub.db.bulk import bulk_insert, bulk_update
from orderhub.db.customers_repo import create_customers
from orderhub.db.schema import customer_identities, customers, settings

NOW = datetime(2026, 11, 11, 0, 0, 1, tzinfo=UTC)
BEIJING = timezone(timedelta(hours=8))


def test_bulk_update_sets_each_named_row_and_leaves_the_others(engine: Engine) -> None:
    with engine.begin() as conn:
        a, b, c = create_customers(
            conn, [("甲", "1", ""), ("乙", "2", ""), ("丙", "3", "")], now=NOW
        )
        bulk_update(
            conn,
            customers,
            key="id",
            rows=[
                {
                    "id": a,
                    "name": "张三",
                    "credit_limit": Decimal("1234.5678"),
                    "created_at": datetime(2026, 11, 11, 8, 30, tzinfo=BEIJING),
                },
                {
                    "id": c,
                    "name": "李四",
                    "credit_limit": None,
                    "created_at": datetime(2026, 11, 12, 1, 2, 3, 456, tzinfo=UTC),
                },
            ],
        )
    with engine.connect() as conn:
        rows = {
            r.id: r
            for r in conn.execute(
                select(
                    customers.c.id,
                    customers.c.name,
                    customers.c.credit_limit,
                    customers.c.created_at,
                )
            )
        }
    assert (rows[a].name, rows[a].credit_limit) == ("张三", Decimal("1234.5678"))
    assert rows[a].created_at == datetime(2026, 11, 11, 0, 30, tzinfo=UTC)
    assert rows[a].created_at.tzinfo is not None
    assert rows[c].created_at == datetime(2026, 11, 12, 1, 2, 3, 456, tzinfo=UTC)
    assert (rows[c].name, rows[c].credit_limit) == ("李四", None)
    assert (rows[b].name, rows[b].created_at) == ("乙", NOW)  # not named: untouched


def test_bulk_writes_keep_json_documents(engine: Engine) -> None:
    with engine.begin() as conn:
        bulk_insert(
            conn,
            settings,
            [
                {"key": "x", "value": {"a": 1}, "updated_at": NOW, "updated_by": "t"},
                {"key": "y", "value": [1, "二"], "updated_at": NOW, "updated_by": "t"},
            ],
        )
        bulk_update(
            conn,
            settings,
            key="key",
            rows=[{"key": "x", "value": {"名": "值", 7: [1.5, None, True]}, "updated_by": "u"}],
        )
    with engine.connect() as conn:
        stored = {r.key: (r.value, r.updated_by) for r in conn.execute(select(settings))}
    assert stored["x"] == ({"名": "值", "7": [1.5, None, True]}, "u")
    assert stored["y"] == ([1, "二"], "t")


def test_bulk_insert_skips_conflicts_and_returns_only_new_rows(engine: Engine) -> None:
    with engine.begin() as conn:
        (owner,) = create_customers(conn, [("甲", "1", "")], now=NOW)
        first = bulk_insert(
            conn,
            customer_identities,
            [{"kind": "phone", "value": v, "customer_id": owner} for v in ("+861", "+862")],
            returning=("id", "value"),
            ignore_conflicts=True,
        )
        again = bulk_insert(
            conn,
            customer_identities,
            [{"kind": "phone", "value": v, "customer_id": owner} for v in ("+862", "+863")],
            returning=("id", "value"),
            ignore_conflicts=True,
        )
    assert sorted(r.value for r in first) == ["+861", "+862"]
    assert [r.value for r in again] == ["+863"]
    with engine.connect() as conn:
        values = conn.execute(select(customer_identities.c.value)).scalars().all()
    assert sorted(values) == ["+861", "+862", "+863"]
