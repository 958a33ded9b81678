"""SKUs, bundles, warehouses and stock rows, written in bulk."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from orderhub.db.schema import bundle_components, skus, stock, warehouses
from orderhub.db.schema_inventory import stock_movements


def insert_skus(conn: Connection, rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Insert SKUs (and bundle headers); return {code: id}."""
    if not rows:
        return {}
    result = conn.execute(skus.insert().returning(skus.c.id, skus.c.code), list(rows))
    return {row.code: row.id for row in result}


def insert_bundle_components(
    conn: Connection, bundle_id: int, components: Sequence[tuple[int, int]]
) -> None:
    conn.execute(
        bundle_components.insert(),
        [{"bundle_sku_id": bundle_id, "component_sku_id": c, "quantity": q} for c, q in components],
    )


def insert_warehouses(conn: Connection, rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    result = conn.execute(
        warehouses.insert().returning(warehouses.c.id, warehouses.c.code), list(rows)
    )
    return {row.code: row.id for row in result}


def insert_stock(
    conn: Connection, levels: Sequence[tuple[int, int, int]], *, now: datetime
) -> None:
    """Opening stock: [(warehouse_id, sku_id, on_hand)], each with its receipt in the ledger."""
    if levels:
        conn.execute(
            stock.insert(),
            [
                {"warehouse_id": w, "sku_id": s, "on_hand": q, "reserved": 0, "updated_at": now}
                for w, s, q in levels
            ],
        )
        receipts = [(w, s, q) for w, s, q in levels if q]
        if not receipts:
            return
        conn.execute(
            stock_movements.insert(),
            [
                {
                    "warehouse_id": w,
                    "sku_id": s,
                    "kind": "receipt",
                    "on_hand_delta": q,
                    "reserved_delta": 0,
                    "reason": "opening stock",
                    "reference": "opening",
                    "actor": "system",
                    "created_at": now,
                }
                for w, s, q in receipts
            ],
        )
