"""Cleaning speed: orders cleaned per second (addresses, phones, SKUs and bundles, customers,
duplicates, holds) on SQLite and PostgreSQL.

    python -m benchmarks.clean [--orders 20000] [--runs 3] [--pg-url URL]

Each run loads the demo catalog and N demo orders (through the ingest path, not timed) into a
fresh database, then times `run_cleaning` over all of them.
"""

from __future__ import annotations

import argparse
from typing import Any

from benchmarks.common import Row, database_urls, fresh_database, timed
from orderhub.channels.ingest import ingest_orders
from orderhub.channels.shops import add_shop
from orderhub.demo.generator import generate_demo
from orderhub.demo.load import _load_catalog
from orderhub.pipeline.clean import run_cleaning


def prepare(engine: Any, orders: int) -> int:
    data = generate_demo(orders=orders, seed=17)
    with engine.begin() as conn:
        _load_catalog(conn, data)
        shops = {
            s.code: add_shop(
                conn, code=s.code, name=s.name, platform=s.platform, currency=s.currency
            ).ref
            for s in data.shops
        }
    by_shop: dict[str, list[Any]] = {}
    for o in data.orders:
        by_shop.setdefault(o.shop_code, []).append(o.draft)
    for code, drafts in by_shop.items():
        for start in range(0, len(drafts), 1000):
            with engine.begin() as conn:
                ingest_orders(conn, shops[code], drafts[start : start + 1000])
    return len(data.orders)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pg-url")
    args = parser.parse_args()
    rows: list[Row] = []
    held: dict[str, int] = {}
    for backend, url in database_urls(args.pg_url):
        row = Row(backend, "cleaning stage (run_cleaning)", args.orders, [])
        for _ in range(args.runs):
            with fresh_database(url) as c:
                prepare(c.engine, args.orders)
                result: list[Any] = []
                row.seconds.append(timed(lambda c=c, r=result: r.append(run_cleaning(c.engine))))
                held[backend] = result[0].held
        rows.append(row)
    print(f"{args.orders} demo orders, median of {args.runs} runs")
    print(f"{'database':<11} {'orders/s':>9} {'median s':>9}  held")
    for r in rows:
        print(
            f"{r.backend:<11} {r.rate:>9,.0f} {sorted(r.seconds)[len(r.seconds) // 2]:>9.2f}  "
            f"{held[r.backend]}"
        )


if __name__ == "__main__":
    main()
