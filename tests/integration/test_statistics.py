"""Planner statistics follow a table that grows fast (PostgreSQL): stale ones are refreshed
between batches, fresh ones are left alone."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, text

from orderhub.db import statistics
from orderhub.db.customers_repo import create_customers

NOW = datetime(2026, 11, 11, tzinfo=UTC)


def _grow(engine: Engine, n: int) -> None:
    with engine.begin() as conn:
        create_customers(conn, [(f"买家{i}", f"1{i:010d}", "") for i in range(n)], now=NOW)
        if conn.dialect.name == "postgresql":  # counters reach pg_stat_user_tables at once
            conn.execute(text("SELECT pg_stat_force_next_flush()"))


def _settle(engine: Engine) -> None:
    """Earlier tests on this database changed tables too: start from fresh statistics."""
    with engine.begin() as conn:
        statistics.refresh(conn)


def test_a_table_that_grew_past_its_statistics_is_analysed_once(engine: Engine) -> None:
    _settle(engine)
    _grow(engine, 1500)
    with engine.begin() as conn:
        first = statistics.refresh(conn, ("customers",))
    with engine.begin() as conn:
        second = statistics.refresh(conn, ("customers",))
    if engine.dialect.name != "postgresql":
        assert first == second == []  # SQLite's planner needs no statistics here
        return
    assert first == ["customers"] and second == []
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT reltuples FROM pg_class WHERE relname = 'customers'")
        ).scalar()
    assert rows == 1500  # what the planner now knows


def test_a_small_change_does_not_cost_an_analyse(engine: Engine) -> None:
    _settle(engine)
    _grow(engine, 200)
    with engine.begin() as conn:
        assert statistics.refresh(conn, ("customers",)) == []
