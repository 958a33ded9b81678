"""Scenario double11: the real pipeline (ingest → clean → merge → review → allocate + reserve)
over a seeded day of platform payloads, against the raw insert rate of the same rows.

    python -m benchmarks.double11 [--orders 200000] [--runs 3] [--chunk 2000] [--seed 11]
                                  [--db sqlite|postgresql|both] [--pg-url URL] [--workers 2]

Each run is a fresh database in a fresh process (so its peak memory is its own). The pipeline
run streams the day chunk by chunk: each chunk is parsed and received (new, re-delivered or
quarantined), then every stage runs over what is waiting for it, exactly as `orderhub
pipeline run` does. The raw baseline writes the same order and line rows (the valid, distinct
orders) with the driver's fastest plain bulk path — sqlite3 `executemany` in one transaction
per chunk, psycopg `COPY` — in the same invocation. A run whose result fails its checks
(every valid order once, every malformed one quarantined, no SKU oversold, statuses add up)
reports failure instead of a speed.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import statistics
import sys
import time
from collections import defaultdict
from typing import Any

from benchmarks.common import database_urls, fresh_database

STAGES = ("ingest", "clean", "merge", "review", "allocate")
BASELINE = "raw insert baseline"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pipeline_run(url: str, orders: int, seed: int, chunk: int) -> dict[str, Any]:
    """One timed pipeline run in this process; returns stage seconds, counts and checks."""
    from benchmarks.double11 import StreamCounts, build_world, deliveries, load_world
    from orderhub.channels.receive import parse_raw, receive
    from orderhub.channels.registry import adapter_for
    from orderhub.pipeline.allocate import run_allocation
    from orderhub.pipeline.clean import run_cleaning
    from orderhub.pipeline.merge import run_merging
    from orderhub.pipeline.review import run_review

    world = build_world(seed, orders=orders)
    seconds: dict[str, float] = defaultdict(float)
    counts = StreamCounts()
    with fresh_database(url) as c:
        engine = c.engine
        shops = load_world(engine, world)
        contexts = {s.code: s.context for s in world.shops}
        adapters = {s.code: adapter_for(s.platform) for s in world.shops}
        received: dict[str, int] = defaultdict(int)
        for batch in deliveries(world, orders, seed, chunk=chunk, counts=counts):
            start = time.perf_counter()
            by_shop: dict[str, list[Any]] = defaultdict(list)
            for d in batch:
                by_shop[d.shop_code].append(
                    parse_raw(adapters[d.shop_code], contexts[d.shop_code], d.raw)
                )
            with engine.begin() as conn:
                for code, parsed in by_shop.items():
                    result = receive(conn, shops[code], parsed, source="webhook")
                    for name, n in result.as_counts().items():
                        received[name] += n
            seconds["ingest"] += time.perf_counter() - start
            for stage, run in (
                ("clean", run_cleaning),
                ("merge", run_merging),
                ("review", run_review),
                ("allocate", run_allocation),
            ):
                start = time.perf_counter()
                run(engine)
                seconds[stage] += time.perf_counter() - start
        checks = check(engine, counts)
    return {
        "seconds": dict(seconds),
        "valid": counts.valid,
        "deliveries": counts.deliveries,
        "received": dict(received),
        "checks": checks,
        "peak_mb": _peak_mb(),
    }


def check(engine: Any, counts: Any) -> dict[str, Any]:
    """The run's own result: problems (empty = correct) and the status counts."""
    from sqlalchemy import func, select

    from orderhub.db.schema import orders, quarantine, stock
    from orderhub.inventory.actions import verify

    with engine.connect() as conn:
        statuses = dict(
            conn.execute(select(orders.c.status, func.count()).group_by(orders.c.status)).all()
        )
        stored = conn.execute(select(func.count()).select_from(orders)).scalar_one()
        distinct = conn.execute(
            select(func.count()).select_from(
                select(orders.c.shop_id, orders.c.platform_order_id).distinct().subquery()
            )
        ).scalar_one()
        quarantined = conn.execute(select(func.count()).select_from(quarantine)).scalar_one()
        oversold = conn.execute(
            select(func.count()).select_from(stock).where(stock.c.reserved > stock.c.on_hand)
        ).scalar_one()
        ledger = verify(conn)
    problems = []
    if stored != counts.valid or distinct != stored:
        problems.append(
            f"{stored} orders stored ({distinct} distinct), {counts.valid} valid delivered"
        )
    if quarantined != counts.malformed:
        problems.append(f"{quarantined} quarantined, {counts.malformed} malformed delivered")
    if oversold or ledger:
        problems.append(f"{oversold} stock rows oversold; ledger problems: {ledger[:3]}")
    if sum(statuses.values()) != stored:
        problems.append(f"statuses {statuses} do not add up to {stored}")
    if statuses.get("received"):
        problems.append(f"{statuses['received']} orders left unprocessed in received")
    return {"problems": problems, "statuses": statuses, "quarantined": quarantined}


def baseline_run(url: str, orders: int, seed: int, chunk: int) -> dict[str, Any]:
    """The same order and line rows written with the driver's plain bulk path, chunk by chunk."""
    from benchmarks.double11 import build_world, deliveries, load_world
    from benchmarks.ingest import raw_insert
    from orderhub.channels.ingest import _line_row, _order_row
    from orderhub.channels.receive import parse_raw
    from orderhub.channels.registry import adapter_for
    from orderhub.orders.domain import OrderDraft, utc_now, validate_order

    world = build_world(seed, orders=orders)
    seconds, rows = 0.0, 0
    with fresh_database(url) as c:
        shops = load_world(c.engine, world)
        contexts = {s.code: s.context for s in world.shops}
        adapters = {s.code: adapter_for(s.platform) for s in world.shops}
        seen: set[tuple[str, str]] = set()
        next_id = 1
        for batch in deliveries(world, orders, seed, chunk=chunk):
            now = utc_now()
            headers, lines = [], []
            for d in batch:
                draft = parse_raw(adapters[d.shop_code], contexts[d.shop_code], d.raw)
                key = (d.shop_code, d.platform_order_id)
                if not isinstance(draft, OrderDraft) or validate_order(draft) or key in seen:
                    continue
                seen.add(key)
                headers.append({"id": next_id, **_order_row(shops[d.shop_code], draft, now)})
                lines += [
                    _line_row(next_id, no, ln, {}) for no, ln in enumerate(draft.lines, start=1)
                ]
                next_id += 1
            if headers:
                start = time.perf_counter()
                raw_insert(c.engine, headers, lines)
                seconds += time.perf_counter() - start
                rows += len(headers)
    return {"seconds": {BASELINE: seconds}, "valid": rows, "peak_mb": _peak_mb()}


def _in_process(kind: str, url: str, orders: int, seed: int, chunk: int) -> dict[str, Any]:
    run = pipeline_run if kind == "pipeline" else baseline_run
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(run, (url, orders, seed, chunk))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=200_000, help="deliveries in the day")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chunk", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--pg-url")
    args = parser.parse_args(argv)
    failed = False
    for backend, url in database_urls(args.pg_url):
        if args.db not in (backend, "both"):
            continue
        results: dict[str, list[dict[str, Any]]] = {"baseline": [], "pipeline": []}
        for _ in range(args.runs):
            results["baseline"].append(
                _in_process("baseline", url, args.orders, args.seed, args.chunk)
            )
            run = _in_process("pipeline", url, args.orders, args.seed, args.chunk)
            if run["checks"]["problems"]:
                print(f"{backend}: CHECK FAILED: {run['checks']['problems']}", file=sys.stderr)
                failed = True
                break
            results["pipeline"].append(run)
        if results["pipeline"]:
            print_table(backend, args, results)
    return 1 if failed else 0


def print_table(backend: str, args: Any, results: dict[str, list[dict[str, Any]]]) -> None:
    runs = results["pipeline"]
    valid = runs[0]["valid"]
    base = [r["valid"] / r["seconds"][BASELINE] for r in results["baseline"]]
    raw = statistics.median(base)
    last = runs[-1]
    print(f"\n{backend}: {args.orders:,} deliveries = {valid:,} valid orders "
          f"(+{last['received'].get('unchanged', 0):,} re-deliveries, {last['checks']['quarantined']:,} quarantined); "
          f"median of {len(runs)} runs; checks passed")  # fmt: skip
    print(f"{'stage':<22} {'orders/s':>10} {'min-max':>19} {'peak MB':>8} {'vs raw':>7}")
    rows = [(BASELINE, base, [r["peak_mb"] for r in results["baseline"]])]
    for stage in STAGES:
        rows.append(
            (stage, [valid / r["seconds"][stage] for r in runs], [r["peak_mb"] for r in runs])
        )
    rows.append(
        (
            "end to end",
            [valid / sum(r["seconds"].values()) for r in runs],
            [r["peak_mb"] for r in runs],
        )
    )
    for name, rates, peaks in rows:
        median = statistics.median(rates)
        span = f"{min(rates):,.0f}-{max(rates):,.0f}"
        print(f"{name:<22} {median:>10,.0f} {span:>19} {max(peaks):>8,.0f} {median / raw:>7.0%}")
    print(f"statuses: {last['checks']['statuses']}")


if __name__ == "__main__":
    sys.exit(main())
