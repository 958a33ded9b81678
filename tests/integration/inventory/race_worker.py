"""One competing process of the reservation race: N reservations of random SKUs, each in its
own transaction, printing the units it *believes* it reserved (JSON) at the end.

    python -m tests.integration.inventory.race_worker URL ORDER_ID SEED COUNT
"""

from __future__ import annotations

import json
import random
import sys

from sqlalchemy import select

from orderhub.db import stock_repo
from orderhub.db.engine import make_engine, writer
from orderhub.db.schema import stock
from orderhub.inventory.actions import Reservation, reserve
from orderhub.orders.domain import utc_now


def main(url: str, order_id: int, seed: int, count: int) -> None:
    rng = random.Random(seed)
    engine = make_engine(url)
    with engine.connect() as conn:
        keys = [
            (r.warehouse_id, r.sku_id)
            for r in conn.execute(select(stock.c.warehouse_id, stock.c.sku_id))
        ]
    skus = sorted({s for _, s in keys})
    by_sku = {s: sorted(w for w, k in keys if k == s) for s in skus}
    units = successes = refused = errors = 0
    for line_no in range(1, count + 1):
        sku, qty = rng.choice(skus), rng.randint(1, 3)
        warehouses = by_sku[sku][:]
        rng.shuffle(warehouses)
        try:
            with writer(engine).begin() as conn:
                found = stock_repo.lock(conn, [(w, sku) for w in warehouses], now=utc_now())
                chosen = next(
                    (w for w in warehouses if found[(w, sku)][0] - found[(w, sku)][1] >= qty), None
                )
                if chosen is None:
                    refused += 1
                    continue
                reserve(
                    conn,
                    [Reservation(order_id, line_no, chosen, sku, qty)],
                    actor=f"race:{order_id}",
                )
            units += qty
            successes += 1
        except Exception as exc:  # a deadlock or lock timeout would land here and fail the test
            errors += 1
            print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
    engine.dispose()
    print(
        json.dumps({"units": units, "successes": successes, "refused": refused, "errors": errors})
    )


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
