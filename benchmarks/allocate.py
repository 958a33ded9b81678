"""Allocation speed: orders allocated and reserved per second (warehouse + carrier choice with
reasons, rows locked, reservations and ledger rows written, orders moved) on SQLite and
PostgreSQL.

    python -m benchmarks.allocate [--orders 20000] [--runs 3] [--pg-url URL]

Each run loads the demo catalog (4 warehouses, demo carriers and rate table) and N demo orders
through ingest and cleaning (not timed), tops up stock so most orders can be served, marks the
clean orders approved, then times `run_allocation` and checks the result: the ledger, the
reservations and the stock agree, and nothing is oversold.
"""

from __future__ import annotations

import argparse
from importlib import resources
from typing import Any

from sqlalchemy import select, text, update

from benchmarks.clean import prepare
from benchmarks.common import Row, database_urls, fresh_database, timed
from orderhub.allocation import demo_carriers
from orderhub.db import settings_repo
from orderhub.db.engine import writer
from orderhub.db.schema import orders, stock
from orderhub.inventory.actions import move, verify
from orderhub.inventory.ledger import MovementKind
from orderhub.orders.domain import utc_now
from orderhub.pipeline.allocate import run_allocation
from orderhub.pipeline.clean import run_cleaning


def setup(engine: Any, count: int, top_up: int) -> int:
    prepare(engine, count)
    run_cleaning(engine)
    now = utc_now()
    with writer(engine).begin() as conn:
        settings_repo.put_setting(
            conn, "carriers", [c.to_dict() for c in demo_carriers()], actor="bench", now=now
        )
        rates = resources.files("orderhub.allocation").joinpath("demo_rates.csv").read_text("utf-8")
        settings_repo.put_setting(conn, "carrier_rates", rates, actor="bench", now=now)
        for w, s in conn.execute(select(stock.c.warehouse_id, stock.c.sku_id)).all():
            move(conn, (w, s), MovementKind.RECEIPT, top_up, actor="bench", reason="top up")
        moved = conn.execute(
            update(orders).where(orders.c.status == "received").values(status="approved")
        ).rowcount
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("ANALYZE"))
    return int(moved)


def check(engine: Any) -> None:
    with engine.connect() as conn:
        problems = verify(conn)
        oversold = conn.execute(select(stock).where(stock.c.reserved > stock.c.on_hand)).all()
    if problems or oversold:
        raise SystemExit(f"CHECK FAILED: {problems[:3]} {oversold[:3]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--top-up", type=int, default=150, help="units added per stock row")
    parser.add_argument("--pg-url")
    args = parser.parse_args()
    rows: list[Row] = []
    outcome: dict[str, Any] = {}
    for backend, url in database_urls(args.pg_url):
        row = Row(backend, "allocate + reserve (run_allocation)", 0, [])
        for _ in range(args.runs):
            with fresh_database(url) as c:
                approved = setup(c.engine, args.orders, args.top_up)
                result: list[Any] = []
                row.seconds.append(timed(lambda c=c, r=result: r.append(run_allocation(c.engine))))
                check(c.engine)
                row.orders = approved
                outcome[backend] = result[0]
        rows.append(row)
    print(
        f"{args.orders} demo orders, median of {args.runs} runs; result checked (ledger, no oversell)"
    )
    print(
        f"{'database':<11} {'approved':>8} {'orders/s':>9} {'min-max':>15} {'allocated':>9} {'presale':>7} {'waiting':>7}"
    )
    for r in rows:
        rates = sorted(r.orders / s for s in r.seconds)
        o = outcome[r.backend]
        print(
            f"{r.backend:<11} {r.orders:>8} {r.rate:>9,.0f} {f'{rates[0]:,.0f}-{rates[-1]:,.0f}':>15} "
            f"{o.allocated:>9} {o.presale:>7} {o.out_of_stock:>7}"
        )


if __name__ == "__main__":
    main()
