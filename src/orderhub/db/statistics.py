"""Planner statistics kept up with a fast-growing day (PostgreSQL).

PostgreSQL plans from table statistics. Autovacuum refreshes them when a table has changed by
a tenth, but it looks at most once a minute — at a sales peak the order tables double in less
than that, and plans made for a near-empty table (sequential scans, wrong join orders) stay in
use while the day grows. The pipeline calls `refresh` between batches: a table changed by more
rows since its last ANALYZE than the planner knows it has (and a floor) is analysed again — a
few times over a day as tables double, each from a small sample.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

# The tables the pipeline writes and reads back in every batch.
PIPELINE_TABLES = (
    "orders",
    "order_lines",
    "order_events",
    "order_holds",
    "order_reviews",
    "order_allocations",
    "channel_orders",
    "customers",
    "customer_identities",
    "stock_reservations",
    "stock_movements",
)
FLOOR = 1000  # rows changed before a table is worth analysing at all
SAMPLE_TARGET = 10  # statistics target while refreshing: a sample of 300 × 10 rows


def refresh(conn: Connection, tables: tuple[str, ...] = PIPELINE_TABLES) -> list[str]:
    """ANALYZE the tables whose statistics are stale; their names (nothing on SQLite, whose
    planner works without statistics here)."""
    if conn.dialect.name != "postgresql":
        return []
    stale = [
        str(name)
        for name in conn.execute(
            text(
                "SELECT s.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid"
                " WHERE s.relname = ANY(:names)"
                " AND s.n_mod_since_analyze > :floor + greatest(c.reltuples, 0)"
                " ORDER BY s.relname"
            ),
            {"names": list(tables), "floor": FLOOR},
        ).scalars()
    ]
    if stale:
        # A coarse sample (3,000 rows instead of 30,000) is enough to choose between an index
        # and a scan; autovacuum's own ANALYZE refines the statistics when it comes round.
        conn.execute(text(f"SET LOCAL default_statistics_target = {SAMPLE_TARGET}"))
    for name in stale:
        conn.execute(text(f'ANALYZE "{name}"'))  # a name from our own list, not user input
    return stale
