"""Scenario double11: the real pipeline (ingest → clean → merge → review → allocate + reserve)
over a seeded day of platform payloads, against the raw insert rate of the same rows.

    python -m benchmarks.double11 [--orders 200000] [--runs 3] [--chunk 2000] [--seed 11]
                                  [--db sqlite|postgresql|both] [--pg-url URL] [--workers 2]
                                  [--profile FILE]

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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks.common import database_urls, fresh_database

STAGES = ("ingest", "clean", "merge", "review", "allocate")
BASELINE = "raw insert baseline"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pipeline_run(
    url: str, orders: int, seed: int, chunk: int, workers: int = 1, profile: str = ""
) -> dict[str, Any]:
    """One timed pipeline run; returns stage seconds, counts and checks. The day is generated
    in this process (its time is not counted); with `workers` > 1 (PostgreSQL) the chunks go
    through a queue to worker processes that each receive theirs and run every stage,
    claiming batches; the end-to-end time is the busiest worker's time plus the final drain
    (one process: the time of every stage, i.e. the wall time less the generator's)."""
    from benchmarks.double11 import StreamCounts, build_world, deliveries, load_world

    world = build_world(seed, orders=orders)
    counts = StreamCounts()
    with fresh_database(url) as c:
        load_world(c.engine, world)
        stream = deliveries(world, orders, seed, chunk=chunk, counts=counts)
        started, generating = time.perf_counter(), 0.0
        if workers > 1:
            ctx = multiprocessing.get_context("spawn")
            queue: Any = ctx.Queue(maxsize=workers * 2)
            results: Any = ctx.Queue()
            procs = [
                ctx.Process(target=_work, args=(url, seed, queue, w, results))
                for w in range(workers)
            ]
            for proc in procs:
                proc.start()
            generating = _feed(stream, queue.put)
            for _ in procs:
                queue.put(None)
            parts = [_result(results, procs) for _ in procs]
            for proc in procs:
                proc.join()
            parts.append(_work(url, seed, None, 0, None))  # whatever a worker left behind
        else:
            part = _Worker(url, seed, 0)
            with profiled(profile) as sampled:
                generating = _feed(stream, sampled(part.take))
                parts = [sampled(part.finish)()]
        wall = time.perf_counter() - started - generating
        # The day's pipeline time: workers run side by side, so the busiest one's time, then
        # the drain after them (not the wall less the generator: it ran alongside the workers).
        busy = [sum(p["seconds"].values()) for p in parts]
        elapsed = max(busy[:-1]) + busy[-1] if workers > 1 else sum(busy)
        checks = check(c.engine, counts)
    seconds: dict[str, float] = defaultdict(float)
    received: dict[str, int] = defaultdict(int)
    for p in parts:
        for k, v in p["seconds"].items():
            seconds[k] += v
        for k, n in p["received"].items():
            received[k] += n
    return {
        "seconds": dict(seconds),
        "wall": wall,
        "elapsed": elapsed,
        "workers": workers,
        "valid": counts.valid,
        "deliveries": counts.deliveries,
        "received": dict(received),
        "checks": checks,
        "peak_mb": max([p["peak_mb"] for p in parts] + [_peak_mb()]),
    }


@contextmanager
def profiled(path: str) -> Iterator[Callable[[Callable[..., Any]], Callable[..., Any]]]:
    """With a `path`, sample what the wrapped calls do (the pipeline, not the generator) with
    pyinstrument: the call tree to `path` (HTML when it ends in .html), the functions with the
    most time of their own to stdout. Without one, calls are left as they are."""
    if not path:
        yield lambda call: call
        return
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.001)

    def sampled(call: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any) -> Any:
            profiler.start()  # sessions of successive calls are combined
            try:
                return call(*args)
            finally:
                profiler.stop()

        return run

    yield sampled
    html = path.endswith(".html")
    text = profiler.output_html() if html else profiler.output_text(color=False, show_all=False)
    Path(path).write_text(text, encoding="utf-8")
    _print_own_time(profiler.last_session, path)


def _print_own_time(session: Any, path: str, top: int = 25) -> None:
    own: dict[str, float] = defaultdict(float)
    frames = [session.root_frame()]
    while frames:
        frame = frames.pop()
        if frame is None:
            continue
        frames.extend(frame.children)
        if frame.is_synthetic:
            continue
        where = f"{frame.function} ({frame.file_path_short}:{frame.line_no})"
        own[where] += frame.total_self_time
    total = session.duration or 1.0
    print(f"\nprofile: {session.duration:.1f} s sampled; call tree in {path}")
    print(f"{'own %':>6}  function")
    for where, seconds in sorted(own.items(), key=lambda kv: -kv[1])[:top]:
        print(f"{seconds / total:>6.1%}  {where}")


def _result(results: Any, procs: list[Any]) -> dict[str, Any]:
    """The next worker's figures; fails (instead of waiting for ever) when a worker died."""
    import queue

    while True:
        try:
            found: dict[str, Any] = results.get(timeout=5)
            return found
        except queue.Empty:
            dead = [p.exitcode for p in procs if p.exitcode not in (None, 0)]
            if dead:
                raise RuntimeError(f"a pipeline worker failed (exit codes {dead})") from None


def _feed(stream: Any, put: Any) -> float:
    """Hand every chunk on; the seconds spent generating them."""
    spent = 0.0
    while True:
        start = time.perf_counter()
        batch = next(stream, None)
        spent += time.perf_counter() - start
        if batch is None:
            return spent
        put(batch)


class _Worker:
    """Receives chunks and runs every stage after each (merging only in worker 0)."""

    def __init__(self, url: str, seed: int, index: int) -> None:
        from benchmarks.double11 import build_world
        from orderhub.channels.registry import adapter_for
        from orderhub.db.engine import make_engine
        from orderhub.db.shops_repo import shop_refs

        world = build_world(seed, orders=1)
        self.engine = make_engine(url)
        self.index = index
        self.seconds: dict[str, float] = defaultdict(float)
        self.received: dict[str, int] = defaultdict(int)
        with self.engine.connect() as conn:
            self.shops = shop_refs(conn)
        self.contexts = {s.code: s.context for s in world.shops}
        self.adapters = {s.code: adapter_for(s.platform) for s in world.shops}

    def take(self, batch: list[Any]) -> None:
        from orderhub.channels.receive import parse_raw, receive

        start = time.perf_counter()
        by_shop: dict[str, list[Any]] = defaultdict(list)
        for d in batch:
            by_shop[d.shop_code].append(
                parse_raw(self.adapters[d.shop_code], self.contexts[d.shop_code], d.raw)
            )
        with self.engine.begin() as conn:
            for code, parsed in sorted(by_shop.items()):  # shops in one order in every worker
                for name, n in (
                    receive(conn, self.shops[code], parsed, source="webhook").as_counts().items()
                ):
                    self.received[name] += n
        self.seconds["ingest"] += time.perf_counter() - start
        self.stages(len(batch))

    def stages(self, batch_size: int = 2000) -> None:
        from orderhub.pipeline.runner import run_stages

        done = run_stages(self.engine, batch_size=batch_size, merge=self.index == 0)
        for stage, s in done.seconds.items():
            self.seconds[stage] += s

    def finish(self) -> dict[str, Any]:
        self.stages()
        self.engine.dispose()
        return {
            "seconds": dict(self.seconds),
            "received": dict(self.received),
            "peak_mb": _peak_mb(),
        }


def _work(url: str, seed: int, queue: Any, index: int, results: Any) -> dict[str, Any]:
    """A worker process: chunks from `queue` until None; its figures to `results`."""
    worker = _Worker(url, seed, index)
    while queue is not None:
        batch = queue.get()
        if batch is None:
            break
        worker.take(batch)
    done = worker.finish()
    if results is not None:
        results.put(done)
    return done


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


def _in_process(
    kind: str, url: str, orders: int, seed: int, chunk: int, workers: int, profile: str = ""
) -> dict[str, Any]:
    """Run one measurement in a fresh process (not a pool's daemon: it may start workers)."""
    ctx = multiprocessing.get_context("spawn")
    results: Any = ctx.Queue()
    args = (kind, url, orders, seed, chunk, workers, profile, results)
    proc = ctx.Process(target=_measure, args=args)
    proc.start()
    found = results.get()
    proc.join()
    if isinstance(found, BaseException):
        raise found
    return dict(found)


def _measure(
    kind: str,
    url: str,
    orders: int,
    seed: int,
    chunk: int,
    workers: int,
    profile: str,
    results: Any,
) -> None:
    try:
        if kind == "pipeline":
            results.put(pipeline_run(url, orders, seed, chunk, workers, profile))
        else:
            results.put(baseline_run(url, orders, seed, chunk))
    except Exception as exc:
        results.put(RuntimeError(f"{kind} run failed: {exc!r}"))
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=200_000, help="deliveries in the day")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chunk", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--pg-url")
    parser.add_argument("--workers", type=int, default=2, help="pipeline processes on PostgreSQL")
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="instead of the table: one pipeline run in one process under pyinstrument; "
        "its call tree to FILE (FILE-DB.txt|.html), the top functions by own time printed",
    )
    args = parser.parse_args(argv)
    failed = False
    for backend, url in database_urls(args.pg_url):
        if args.db not in (backend, "both"):
            continue
        if args.profile:
            stem, dot, ext = args.profile.rpartition(".")
            path = f"{stem}-{backend}.{ext}" if dot else f"{args.profile}-{backend}"
            run = _in_process("pipeline", url, args.orders, args.seed, args.chunk, 1, path)
            problems = run["checks"]["problems"]
            print(f"{backend}: {'CHECK FAILED: ' + str(problems) if problems else 'checks passed'}")
            failed = failed or bool(problems)
            continue
        results: dict[str, list[dict[str, Any]]] = {"baseline": [], "pipeline": []}
        workers = args.workers if backend == "postgresql" else 1
        for _ in range(args.runs):
            results["baseline"].append(
                _in_process("baseline", url, args.orders, args.seed, args.chunk, 1)
            )
            run = _in_process("pipeline", url, args.orders, args.seed, args.chunk, workers)
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
          f"median of {len(runs)} runs; {last['workers']} pipeline process(es); checks passed")  # fmt: skip
    print(f"{'stage':<22} {'orders/s':>10} {'min-max':>19} {'peak MB':>8} {'vs raw':>7}")
    rows = [(BASELINE, base, [r["peak_mb"] for r in results["baseline"]])]
    for stage in STAGES:
        rows.append(
            (stage, [valid / r["seconds"][stage] for r in runs], [r["peak_mb"] for r in runs])
        )
    rows.append(
        (
            "end to end",
            [valid / r["elapsed"] for r in runs],
            [r["peak_mb"] for r in runs],
        )
    )
    for name, rates, peaks in rows:
        median = statistics.median(rates)
        span = f"{min(rates):,.0f}-{max(rates):,.0f}"
        print(f"{name:<22} {median:>10,.0f} {span:>19} {max(peaks):>8,.0f} {median / raw:>7.0%}")
    refreshes = [r["seconds"].get("statistics", 0.0) for r in runs]
    if backend == "postgresql":  # part of end to end, not of any stage above
        print(
            f"planner statistics refreshed between batches: {statistics.median(refreshes):.1f} s per run"
        )
    print(f"statuses: {last['checks']['statuses']}")


if __name__ == "__main__":
    sys.exit(main())
