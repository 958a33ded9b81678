"""Ingest speed: file import and webhooks, next to the raw insert rate of the same rows.

    python -m benchmarks.ingest [--orders 20000] [--webhooks 2000] [--runs 3] [--pg-url URL]

The raw baseline writes exactly the order and line rows the ingest path writes, with the
driver's fastest plain bulk path (sqlite3 `executemany`, one transaction per 1,000 orders;
psycopg `COPY`), in the same run, on the same schema (indexes included).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.common import Row, database_urls, fresh_database, print_table, timed
from orderhub.channels.importer import ImportRequest, import_file
from orderhub.channels.ingest import _line_row, _order_row
from orderhub.channels.shops import add_shop
from orderhub.channels.simulators.shopify import make_orders, sign_webhook
from orderhub.channels.webhooks import handle_webhook
from orderhub.demo.exports import write_taobao_csv
from orderhub.demo.generator import generate_demo
from orderhub.orders.domain import OrderDraft, ShopRef, utc_now

BATCH = 1000


def cny_drafts(n: int) -> list[OrderDraft]:
    data = generate_demo(orders=int(n * 1.15) + 10, seed=11)
    return [o.draft for o in data.orders if o.draft.currency == "CNY"][:n]


def raw_rows(
    drafts: list[OrderDraft], shop_id: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The rows ingest writes, with ids assigned up front (a bulk loader's best case)."""
    now = utc_now()
    shop = ShopRef(id=shop_id, code="bench", platform="tmall")
    headers, lines = [], []
    for order_id, d in enumerate(drafts, start=1):
        headers.append({"id": order_id, **_order_row(shop, d, now)})
        lines += [_line_row(order_id, no, ln, {}) for no, ln in enumerate(d.lines, start=1)]
    return headers, lines


def raw_insert(engine: Any, headers: list[dict[str, Any]], lines: list[dict[str, Any]]) -> None:
    from orderhub.db.schema import order_lines, orders

    h_cols, l_cols = list(headers[0]), list(lines[0])
    h_bind = [orders.c[c].type.bind_processor(engine.dialect) for c in h_cols]
    l_bind = [order_lines.c[c].type.bind_processor(engine.dialect) for c in l_cols]

    def tuples(
        rows: list[dict[str, Any]], cols: list[str], bind: list[Any]
    ) -> list[tuple[Any, ...]]:
        return [
            tuple(b(r[c]) if b else r[c] for c, b in zip(cols, bind, strict=True)) for r in rows
        ]

    h_rows, l_rows = tuples(headers, h_cols, h_bind), tuples(lines, l_cols, l_bind)
    raw = engine.raw_connection()
    try:
        if engine.dialect.name == "sqlite":
            _sqlite_executemany(raw, h_cols, h_rows, l_cols, l_rows)
        else:
            _pg_copy(raw, h_cols, h_rows, l_cols, l_rows)
    finally:
        raw.close()


def _sqlite_executemany(
    raw: Any, h_cols: list[str], h_rows: list[Any], l_cols: list[str], l_rows: list[Any]
) -> None:
    cur = raw.cursor()
    h_sql = f"INSERT INTO orders ({','.join(h_cols)}) VALUES ({','.join('?' * len(h_cols))})"
    l_sql = f"INSERT INTO order_lines ({','.join(l_cols)}) VALUES ({','.join('?' * len(l_cols))})"
    by_order: dict[int, list[Any]] = {}
    for row in l_rows:
        by_order.setdefault(row[0], []).append(row)
    for start in range(0, len(h_rows), BATCH):
        chunk = h_rows[start : start + BATCH]
        cur.execute("BEGIN")
        cur.executemany(h_sql, chunk)
        cur.executemany(l_sql, [ln for h in chunk for ln in by_order[h[0]]])
        cur.execute("COMMIT")


def _pg_copy(
    raw: Any, h_cols: list[str], h_rows: list[Any], l_cols: list[str], l_rows: list[Any]
) -> None:
    cur = raw.cursor()
    with cur.copy(f"COPY orders ({','.join(h_cols)}) FROM STDIN") as copy:
        for row in h_rows:
            copy.write_row(row)
    with cur.copy(f"COPY order_lines ({','.join(l_cols)}) FROM STDIN") as copy:
        for row in l_rows:
            copy.write_row(row)
    raw.commit()


def bench_backend(
    backend: str,
    url: str,
    args: argparse.Namespace,
    csv_path: Path,
    drafts: list[OrderDraft],
    webhooks: list[bytes],
) -> list[Row]:
    base = Row(backend, "raw insert baseline (same rows)", len(drafts), [])
    file = Row(backend, "file import (taobao CSV)", len(drafts), [])
    hook = Row(backend, "webhooks (shopify, one per txn)", len(webhooks), [])
    for _ in range(args.runs):
        with fresh_database(url) as c:
            shop_id = _shop(c.engine, "bench", "tmall")
            headers, lines = raw_rows(drafts, shop_id)
            base.seconds.append(timed(lambda c=c, h=headers, ln=lines: raw_insert(c.engine, h, ln)))
        with fresh_database(url) as c:
            _shop(c.engine, "tmall-a", "tmall")
            request = ImportRequest(shop="tmall-a", format="csv", path=csv_path, profile="taobao")
            file.seconds.append(
                timed(lambda c=c, r=request: _check(import_file(c.engine, r), len(drafts)))
            )
        with fresh_database(url) as c:
            _shop(c.engine, "shopify-us", "shopify", {"webhook_secret": "s"})
            hook.seconds.append(timed(lambda c=c: _deliver(c.engine, webhooks)))
    return [base, file, hook]


def _shop(engine: Any, code: str, platform: str, credentials: dict[str, str] | None = None) -> int:
    with engine.begin() as conn:
        return add_shop(
            conn, code=code, name=code, platform=platform, credentials=credentials or {}
        ).ref.id


def _check(result: Any, expected: int) -> None:
    if (result.created, result.quarantined) != (expected, 0):
        raise SystemExit(f"import check failed: {result.as_counts()}")


def _deliver(engine: Any, bodies: list[bytes]) -> None:
    for body in bodies:
        headers = {
            "x-shopify-hmac-sha256": sign_webhook(body, "s"),
            "x-shopify-topic": "orders/create",
        }
        handle_webhook(engine, "shopify-us", headers, body, remote_addr="127.0.0.1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=20_000)
    parser.add_argument("--webhooks", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pg-url")
    args = parser.parse_args()
    drafts = cny_drafts(args.orders)
    csv_path = Path(tempfile.mkdtemp()) / "taobao-export.csv"
    rows_written = write_taobao_csv(csv_path, drafts)
    start = datetime(2026, 11, 11, tzinfo=UTC)
    webhooks = [json.dumps(o).encode() for o in make_orders(args.webhooks, seed=3, start=start)]
    print(
        f"{len(drafts)} orders ({rows_written} CSV rows), {len(webhooks)} webhooks, "
        f"median of {args.runs} runs"
    )
    rows: list[Row] = []
    for backend, url in database_urls(args.pg_url):
        rows += bench_backend(backend, url, args, csv_path, drafts, webhooks)
    print_table(rows, "raw insert baseline (same rows)")


if __name__ == "__main__":
    main()
