"""The write floor on SQLite: what the database alone needs for the rows the pipeline writes.

    python -m benchmarks.double11.floor [--orders 200000] [--runs 3] [--chunk 2000] [--seed 11]

One pipeline run over the double11 day (as `benchmarks.double11` does it, checks included),
then the rows it left — orders, lines, events, channel payloads, customers and identities,
holds, reviews, review tasks, allocations, reservations, stock ledger, quarantine — are
replayed into a copy of the database as it was before the day, with the driver's plain
`executemany`, one transaction per chunk of 2,000 deliveries (foreign keys on, the same
indexes). Each order is inserted as received and then updated three times as the stages do
(cleaned receiver and customer; review marks and status; allocation status), and each
reservation takes its units with the guarded stock UPDATE. The rows are read before the clock
starts and are already in storage form: no parsing, no decisions, no reads, no conversions.

The replay is a floor, not a target: a pipeline whose Python were free would still need this
much time on this machine, so it bounds what any redesign can reach with one SQLite writer.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import tempfile
import time
from bisect import bisect_left
from pathlib import Path
from typing import Any

# In foreign-key order; every table the pipeline adds rows to on the double11 day.
TABLES = (
    "customers",
    "customer_identities",
    "orders",
    "order_lines",
    "channel_orders",
    "order_events",
    "order_holds",
    "order_reviews",
    "review_tasks",
    "order_allocations",
    "stock_reservations",
    "stock_movements",
    "quarantine",
)
# The columns each stage writes on the order row.
CLEANED = (
    "receiver_name",
    "receiver_phone",
    "receiver_country",
    "receiver_province",
    "receiver_city",
    "receiver_district",
    "receiver_street",
    "receiver_postcode",
    "customer_id",
    "receiver_division_code",
    "address_confidence",
    "phone_kind",
    "phone_key",
    "cleaned_at",
)
REVIEWED = ("tags", "priority", "preferred_warehouse", "preferred_carrier", "reviewed_at", "status")
ALLOCATED = ("status", "updated_at", "version")
LATER = ("customer_id", "cleaned_at", "tags", "reviewed_at")  # empty when an order arrives


def day_database(folder: Path, orders: int, seed: int, chunk: int) -> tuple[float, int]:
    """The pipeline's day in `folder/day.db` (one `benchmarks.double11` pipeline run, checks
    included) and the world before it in `world.db`; the pipeline's seconds and valid orders."""
    from benchmarks.common import fresh_database
    from benchmarks.double11 import build_world, load_world
    from benchmarks.double11.run import pipeline_run

    with fresh_database(f"sqlite:///{folder / 'world.db'}") as c:  # the seed makes it the same
        load_world(c.engine, build_world(seed, orders=orders))
    run = pipeline_run(f"sqlite:///{folder / 'day.db'}", orders, seed, chunk)
    if run["checks"]["problems"]:
        raise SystemExit(f"pipeline run failed its checks: {run['checks']['problems']}")
    return float(run["elapsed"]), int(run["valid"])


class Day:
    """The day's new rows, read chunk by chunk (an order's rows go with it; a customer and its
    identities with the first order that names it; ledger rows with the order in their
    reference), so that a 1,000,000-order day is never in memory at once."""

    def __init__(self, folder: Path, chunks: int) -> None:
        self.day = sqlite3.connect(folder / "day.db")
        world = sqlite3.connect(folder / "world.db")
        self.first = {
            t: world.execute(f"SELECT coalesce(max(rowid), 0) FROM {t}").fetchone()[0]
            for t in TABLES
        }
        world.close()
        self.columns = {
            t: [r[1] for r in self.day.execute(f"PRAGMA table_info({t})")] for t in TABLES
        }
        ids = [r[0] for r in self.day.execute("SELECT id FROM orders ORDER BY id")]
        per = max(1, -(-len(ids) // chunks))
        self.bounds = [(ids[i], ids[min(i + per, len(ids)) - 1]) for i in range(0, len(ids), per)]
        self.highest = [hi for _, hi in self.bounds]
        # Rows that name no order directly: which chunk each belongs to, by rowid.
        self.owned: dict[str, list[list[int]]] = {}
        self._own("customers", "SELECT customer_id, min(id) FROM orders GROUP BY customer_id")
        self._own(
            "stock_movements",
            "SELECT rowid, CAST(substr(reference, 7) AS INTEGER) FROM stock_movements "
            "WHERE reference LIKE 'order:%' AND rowid > ?",
            self.first["stock_movements"],
        )

    def _own(self, table: str, query: str, *params: Any) -> None:
        self.owned[table] = [[] for _ in self.bounds]
        for rowid, order_id in self.day.execute(query, params):
            if rowid is not None and rowid > self.first[table]:
                self.owned[table][self.chunk_of(order_id)].append(rowid)

    def chunk_of(self, order_id: int | None) -> int:
        if order_id is None:
            return 0
        return min(bisect_left(self.highest, order_id), len(self.bounds) - 1)

    def __len__(self) -> int:
        return len(self.bounds)

    def rows(self, k: int) -> dict[str, list[tuple[Any, ...]]]:
        """Chunk `k`'s new rows of every table."""
        lo, hi = self.bounds[k]
        lo = lo if k else 0  # rows of no order (quarantine, unreferenced ones) go with the first
        found: dict[str, list[tuple[Any, ...]]] = {}
        for table in TABLES:
            first = self.first[table]
            params: list[Any]
            if table == "customer_identities":
                where, params = (
                    "customer_id IN (SELECT value FROM json_each(?))",
                    [json.dumps(self.owned["customers"][k])],
                )
            elif table in self.owned:
                where, params = (
                    "rowid IN (SELECT value FROM json_each(?))",
                    [json.dumps(self.owned[table][k])],
                )
            elif table == "orders":
                where, params = "id BETWEEN ? AND ?", [lo, hi]
            elif table == "quarantine":  # no order: all with the first chunk
                if k:
                    found[table] = []
                    continue
                where, params = "1", []
            else:
                where, params = "order_id BETWEEN ? AND ?", [lo, hi]
            # `+rowid`: not a range to search by (that would scan the table for every chunk),
            # the chunk's own condition picks the rows by index.
            query = f"SELECT * FROM {table} WHERE +rowid > ? AND {where} ORDER BY rowid"
            found[table] = self.day.execute(query, [first, *params]).fetchall()
        return found


def replay(folder: Path, day: Day) -> tuple[float, int]:
    """Write every chunk's rows into a copy of the world; the seconds spent writing and the
    rows written (each chunk is read before its clock starts)."""
    target = folder / "replay.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copy(folder / "world.db", target)
    con = sqlite3.connect(target, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON"):
        con.execute(f"PRAGMA {pragma}")
    cols = day.columns["orders"]
    at = {name: cols.index(name) for name in cols}
    later = [at[name] for name in LATER]
    seconds, written = 0.0, 0
    for k in range(len(day)):
        rows = day.rows(k)
        written += sum(len(found) for found in rows.values())
        arriving = [_arriving(r, later, at["status"]) for r in rows["orders"]]
        updates = [
            (_update(group), [[r[at[c]] for c in group] + [r[0]] for r in rows["orders"]])
            for group in (CLEANED, REVIEWED, ALLOCATED)
        ]
        res = day.columns["stock_reservations"]
        w, s, q = res.index("warehouse_id"), res.index("sku_id"), res.index("quantity")
        taken = [(r[q], r[w], r[s], r[q]) for r in rows["stock_reservations"]]
        start = time.perf_counter()
        con.execute("BEGIN")
        for table in TABLES:
            marks = ", ".join("?" * len(day.columns[table]))
            found = arriving if table == "orders" else rows[table]
            if found:
                con.executemany(f"INSERT INTO {table} VALUES ({marks})", found)
            if table == "customer_identities":  # cleaning links the customer it has made
                con.executemany(*updates[0])
        for statement, params in updates[1:]:
            con.executemany(statement, params)
        con.executemany(
            "UPDATE stock SET reserved = reserved + ? WHERE warehouse_id = ? AND sku_id = ? "
            "AND on_hand - reserved >= ?",
            taken,
        )
        con.execute("COMMIT")
        seconds += time.perf_counter() - start
    con.close()
    _same(day.day, folder / "replay.db")
    return seconds, written


def _same(day: sqlite3.Connection, replayed: Path) -> None:
    """The replay wrote what the day holds: every table's rows, every stock row's reservations."""
    copy = sqlite3.connect(replayed)
    queries = [f"SELECT count(*) FROM {t}" for t in TABLES]
    queries.append(
        "SELECT group_concat(reserved) FROM (SELECT reserved FROM stock ORDER BY warehouse_id, sku_id)"
    )
    for query in queries:
        want, got = day.execute(query).fetchone(), copy.execute(query).fetchone()
        if want != got:
            raise SystemExit(f"replay differs from the day: {query} -> {got}, want {want}")
    copy.close()


def _arriving(row: tuple[Any, ...], later: list[int], status: int) -> list[Any]:
    values = list(row)
    for i in later:
        values[i] = None
    values[status] = "received"
    return values


def _update(columns: tuple[str, ...]) -> str:
    return f"UPDATE orders SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=200_000, help="deliveries in the day")
    parser.add_argument("--runs", type=int, default=3, help="replays (the median is shown)")
    parser.add_argument("--chunk", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="orderhub-floor-"))
    try:
        pipeline, valid = day_database(folder, args.orders, args.seed, args.chunk)
        day = Day(folder, chunks=-(-args.orders // args.chunk))
        replays = [replay(folder, day) for _ in range(args.runs)]
        runs, written = [s for s, _ in replays], replays[0][1]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    floor = statistics.median(runs)
    print(
        f"sqlite: {args.orders:,} deliveries = {valid:,} valid orders; "
        f"{written:,} rows written ({written / valid:.1f} per order) + 3 updates per order"
    )
    print(f"{'':<34} {'orders/s':>9} {'µs/order':>9}")
    print(
        f"{'write floor (median of ' + str(len(runs)) + ' replays)':<34} {valid / floor:>9,.0f} {floor / valid * 1e6:>9.0f}"
    )
    print(f"{'pipeline (one run)':<34} {valid / pipeline:>9,.0f} {pipeline / valid * 1e6:>9.0f}")
    print(f"the floor is {floor / pipeline:.0%} of the pipeline's time")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
