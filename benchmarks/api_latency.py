"""API latency with a big day stored: order search by number, phone and receiver name, the
filtered order list, and the day's summary — through a real `orderhub serve` over HTTP.

    python -m benchmarks.api_latency [--orders 1000000] [--requests 200] [--db PATH]

The day's orders (the double11 stream's valid orders) are written with the raw bulk path
(they are what matters for reads), then the server is started on 127.0.0.1 and each kind of
request is timed from the client; p50, p95 and max are printed. `--db` keeps the SQLite file
for another run (`--reuse`).
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

ORDERHUB = str(Path(sys.executable).with_name("orderhub"))


def load(url: str, orders: int, seed: int) -> None:
    from benchmarks.common import fresh_database
    from benchmarks.double11 import build_world, deliveries, load_world
    from benchmarks.ingest import raw_insert
    from orderhub.channels.ingest import _line_row, _order_row
    from orderhub.channels.receive import parse_raw
    from orderhub.channels.registry import adapter_for
    from orderhub.orders.domain import OrderDraft, utc_now, validate_order

    world = build_world(seed, orders=orders)
    with fresh_database(url) as c:
        shops = load_world(c.engine, world)
        contexts = {s.code: s.context for s in world.shops}
        adapters = {s.code: adapter_for(s.platform) for s in world.shops}
        seen: set[tuple[str, str]] = set()
        next_id = 1
        for batch in deliveries(world, orders, seed, chunk=5000):
            now, headers, lines = utc_now(), [], []
            for d in batch:
                draft = parse_raw(adapters[d.shop_code], contexts[d.shop_code], d.raw)
                key = (d.shop_code, d.platform_order_id)
                if not isinstance(draft, OrderDraft) or validate_order(draft) or key in seen:
                    continue
                seen.add(key)
                headers.append({"id": next_id, **_order_row(shops[d.shop_code], draft, now)})
                lines += [_line_row(next_id, n, ln, {}) for n, ln in enumerate(draft.lines, 1)]
                next_id += 1
            raw_insert(c.engine, headers, lines)
        print(f"loaded {next_id - 1:,} orders", file=sys.stderr)


def samples(url: str, n: int, seed: int) -> dict[str, list[dict[str, str]]]:
    from orderhub.db.engine import make_engine
    from orderhub.db.schema import orders, shops

    engine = make_engine(url)
    rng = random.Random(seed)
    with engine.connect() as conn:
        top = int(conn.execute(select(func.max(orders.c.id))).scalar_one())
        ids = [rng.randint(1, top) for _ in range(n)]
        rows = conn.execute(
            select(
                orders.c.platform_order_id,
                orders.c.receiver_phone,
                orders.c.receiver_name,
                shops.c.code,
            )
            .join(shops, shops.c.id == orders.c.shop_id)
            .where(orders.c.id.in_(ids))
        ).all()
    engine.dispose()
    return {
        "search by order number": [{"q": r.platform_order_id} for r in rows],
        "search by phone": [{"q": r.receiver_phone} for r in rows],
        "search by receiver name": [{"q": r.receiver_name} for r in rows],
        "list: status + shop": [{"status": "received", "shop": r.code} for r in rows],
    }


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def measure(url: str, requests: int, seed: int) -> None:
    port = _port()
    env = {**os.environ, "ORDERHUB_DATABASE_URL": url, "ORDERHUB_SCHEDULER": "false"}
    server = subprocess.Popen(
        [ORDERHUB, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            for _ in range(300):
                try:
                    if client.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            kinds: dict[str, list[dict[str, Any]]] = samples(url, requests, seed)
            kinds["day summary"] = [{"day": "2026-11-11"}] * max(5, requests // 20)
            print(f"{'request':<26} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
            for kind, params in kinds.items():
                path = "/api/v1/reports/day" if kind == "day summary" else "/api/v1/orders"
                timings = []
                for p in params:
                    start = time.perf_counter()
                    response = client.get(path, params=p)
                    timings.append((time.perf_counter() - start) * 1000)
                    response.raise_for_status()
                timings.sort()
                p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
                print(
                    f"{kind:<26} {len(timings):>5} {statistics.median(timings):>8.1f} {p95:>8.1f} {timings[-1]:>8.1f}"
                )
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--db", help="SQLite file (default: a temporary one)")
    parser.add_argument("--reuse", action="store_true", help="the --db file is loaded already")
    parser.add_argument("--pg-url", help="measure on PostgreSQL instead")
    args = parser.parse_args()
    url = args.pg_url or f"sqlite:///{args.db or Path(tempfile.mkdtemp()) / 'latency.db'}"
    if not args.reuse:
        load(url, args.orders, args.seed)
    measure(url, args.requests, args.seed)


if __name__ == "__main__":
    main()
