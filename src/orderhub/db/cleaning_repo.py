"""SQL of the cleaning stage: batches of orders to clean, the catalog index, holds, results."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, select, update

from orderhub.db import settings_repo
from orderhub.db.bulk import bulk_insert, bulk_update
from orderhub.db.hints import among
from orderhub.db.records import records
from orderhub.db.schema import (
    bundle_components,
    order_holds,
    order_lines,
    orders,
    shops,
    sku_mappings,
    skus,
)
from orderhub.normalize.cleaning import CleanDecision, OrderFacts
from orderhub.normalize.sku_mapping import SkuCatalog, SkuInfo
from orderhub.normalize.specs import SpecAliases, default_aliases
from orderhub.orders.domain import Address, LineDraft

SPEC_ALIASES = "spec_aliases"
_RECEIVER = ("name", "phone", "country", "province", "city", "district", "street", "postcode")


def claim(conn: Connection, query: Any) -> Any:
    """On PostgreSQL, lock the selected orders and skip those another worker holds, so several
    pipeline processes each take their own batch (`FOR UPDATE SKIP LOCKED`)."""
    if conn.dialect.name == "postgresql":
        return query.with_for_update(skip_locked=True, of=orders)
    return query


def orders_to_clean(
    conn: Connection, *, after_id: int, limit: int, only: Sequence[int] | None = None
) -> list[OrderFacts]:
    """Received orders not cleaned yet (or exactly `only`), by id, with their lines."""
    query = (
        select(
            orders.c.id,
            shops.c.code,
            *(orders.c[f"receiver_{n}"] for n in _RECEIVER),
            orders.c.channel,
            orders.c.platform_order_id,
            orders.c.buyer_id,
            orders.c.buyer_email,
            orders.c.total_amount,
            orders.c.currency,
            orders.c.placed_at,
        )
        .join(shops, shops.c.id == orders.c.shop_id)
        .where(orders.c.id > after_id)
        .order_by(orders.c.id)
        .limit(limit)
    )
    if only is not None:
        query = query.where(among(orders.c.id, list(only)))
    else:
        query = claim(
            conn, query.where(orders.c.status == "received", orders.c.cleaned_at.is_(None))
        )
    heads = records(conn.execute(query))
    lines, numbers = _lines(conn, [h.id for h in heads])
    return [
        OrderFacts(
            order_id=h.id,
            shop_code=h.code,
            receiver=Address(**{n: getattr(h, f"receiver_{n}") for n in _RECEIVER}),
            lines=tuple(lines[h.id]),
            line_nos=tuple(numbers[h.id]),
            channel=h.channel,
            platform_order_id=h.platform_order_id,
            buyer_id=h.buyer_id,
            buyer_email=h.buyer_email or "",
            total=h.total_amount,
            currency=h.currency,
            placed_at=h.placed_at,
        )
        for h in heads
    ]


def _lines(
    conn: Connection, order_ids: Sequence[int]
) -> tuple[dict[int, list[LineDraft]], dict[int, list[int]]]:
    """Each order's lines in order, and their stored line numbers."""
    found: dict[int, list[LineDraft]] = defaultdict(list)
    numbers: dict[int, list[int]] = defaultdict(list)
    if not order_ids:
        return found, numbers
    query = (
        select(order_lines)
        .where(among(order_lines.c.order_id, order_ids))
        .order_by(order_lines.c.order_id, order_lines.c.line_no)
    )
    for r in records(conn.execute(query)):
        numbers[r.order_id].append(r.line_no)
        found[r.order_id].append(
            LineDraft(
                title=r.title,
                quantity=r.quantity,
                unit_price=r.unit_price,
                discount=r.discount,
                sku_code=r.sku_code,
                platform_sku_id=r.platform_sku_id,
                spec=r.spec,
            )
        )
    return found, numbers


def load_catalog(conn: Connection) -> SkuCatalog:
    """Every SKU, bundle, mapping and the spec aliases: the in-memory index cleaning decides with."""
    parts: dict[int, list[tuple[str, int]]] = defaultdict(list)
    codes = dict(conn.execute(select(skus.c.id, skus.c.code)).all())
    for b, c, q in conn.execute(select(bundle_components)):
        parts[b].append((codes[c], q))
    rows = conn.execute(
        select(
            skus.c.id,
            skus.c.code,
            skus.c.title,
            skus.c.price,
            skus.c.product_code,
            skus.c.attributes,
        )
    )
    stored_aliases = settings_repo.get_setting(conn, SPEC_ALIASES)
    catalog = SkuCatalog(
        skus={
            r.code: SkuInfo(
                r.code,
                r.title,
                r.price,
                tuple(parts[r.id]),
                r.product_code,
                tuple(sorted((r.attributes or {}).items())),
            )
            for r in rows
        },
        aliases=SpecAliases.from_dict(stored_aliases) if stored_aliases else default_aliases(),
    )
    query = select(
        sku_mappings.c.scope,
        sku_mappings.c.platform_sku_id,
        sku_mappings.c.sku_id,
        sku_mappings.c.product_code,
    )
    for scope, pid, sku_id, product in conn.execute(query):
        key = (None if scope == "*" else scope, pid)
        if sku_id is not None:
            catalog.mappings[key] = codes[sku_id]
        else:
            catalog.product_mappings[key] = product
    return catalog


def sku_ids(conn: Connection) -> dict[str, int]:
    return {code: sku_id for sku_id, code in conn.execute(select(skus.c.id, skus.c.code))}


def write_decisions(
    conn: Connection, decisions: Sequence[CleanDecision], customers: dict[int, int], now: datetime
) -> None:
    """Normalised receivers, customer links ({order_id: customer_id}; an order without one keeps
    what it had) and cleaning marks, one UPDATE per order; re-mapped lines in bulk."""
    if not decisions:
        return
    linked: list[dict[str, Any]] = []
    unlinked: list[dict[str, Any]] = []
    for d in decisions:
        row = {
            "id": d.order_id,
            **{f"receiver_{n}": getattr(d.receiver, n) for n in _RECEIVER},
            "receiver_division_code": d.division_code,
            "address_confidence": d.address_confidence,
            "phone_kind": d.phone_kind,
            "phone_key": d.phone_key[:64],
            "cleaned_at": now,
            "updated_at": now,
        }
        if d.order_id in customers:
            row["customer_id"] = customers[d.order_id]
            linked.append(row)
        else:
            unlinked.append(row)
    for rows in (linked, unlinked):
        bulk_update(conn, orders, key="id", rows=rows)
    mapped = [d for d in decisions if d.lines is not None]
    if mapped:
        ids = sku_ids(conn)
        _replace_lines(conn, [d for d in mapped if d.changed_lines is None], ids)
        _remap_lines(conn, [d for d in mapped if d.changed_lines is not None], ids)


def _remap_lines(conn: Connection, decisions: Sequence[CleanDecision], ids: dict[str, int]) -> None:
    """Lines that keep their place: only those mapped to another SKU are written, and any line
    whose SKU did not exist when it arrived gets the SKU's id now."""
    if not decisions:
        return
    rows = [
        {"o": d.order_id, "n": no, "code": code, "sku": ids.get(code)}
        for d in decisions
        for no, code in d.changed_lines or ()
    ]
    if rows:
        conn.execute(
            update(order_lines)
            .where(
                order_lines.c.order_id == bindparam("o"), order_lines.c.line_no == bindparam("n")
            )
            .values(sku_code=bindparam("code"), sku_id=bindparam("sku")),
            rows,
        )
    missing = select(skus.c.id).where(skus.c.code == order_lines.c.sku_code).scalar_subquery()
    conn.execute(
        update(order_lines)
        .where(
            among(order_lines.c.order_id, [d.order_id for d in decisions]),
            order_lines.c.sku_id.is_(None),
            order_lines.c.sku_code.is_not(None),
        )
        .values(sku_id=missing)
    )


def _replace_lines(
    conn: Connection, decisions: Sequence[CleanDecision], ids: dict[str, int]
) -> None:
    if not decisions:
        return
    conn.execute(
        delete(order_lines).where(among(order_lines.c.order_id, [d.order_id for d in decisions]))
    )
    rows: list[dict[str, Any]] = []
    for d in decisions:
        assert d.lines is not None
        for no, line in enumerate(d.lines, start=1):
            rows.append(
                {
                    "order_id": d.order_id,
                    "line_no": no,
                    "sku_id": ids.get(line.sku_code or ""),
                    "sku_code": line.sku_code,
                    "platform_sku_id": line.platform_sku_id,
                    "title": line.title,
                    "spec": line.spec[:255],
                    "quantity": line.quantity,
                    "unit_price": line.unit_price,
                    "discount": line.discount,
                    "bundle_sku_code": d.bundles.get(no - 1),
                }
            )
    bulk_insert(conn, order_lines, rows)


def open_holds(conn: Connection, order_ids: Sequence[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    if order_ids:
        query = select(order_holds.c.order_id, order_holds.c.code).where(
            among(order_holds.c.order_id, list(order_ids)), order_holds.c.released_at.is_(None)
        )
        for order_id, code in conn.execute(query):
            found[order_id].add(code)
    return found


def insert_holds(conn: Connection, holds: Sequence[tuple[int, str, str]], now: datetime) -> None:
    bulk_insert(
        conn,
        order_holds,
        [
            {
                "order_id": o,
                "code": c,
                "detail": d,
                "created_at": now,
                "released_at": None,
                "released_by": None,
            }
            for o, c, d in holds
        ],
    )


def release_holds(
    conn: Connection, order_ids: Sequence[int], code: str, *, actor: str, now: datetime
) -> None:
    if order_ids:
        conn.execute(
            update(order_holds)
            .where(
                among(order_holds.c.order_id, list(order_ids)),
                order_holds.c.code == code,
                order_holds.c.released_at.is_(None),
            )
            .values(released_at=now, released_by=actor)
        )


def orders_held_for_platform_sku(
    conn: Connection, platform_sku_id: str | None, shop_code: str | None
) -> list[int]:
    """Orders waiting with SKU_UNMAPPED (with a line of this platform SKU id, if one is given)."""
    query = (
        select(orders.c.id)
        .distinct()
        .join(order_lines, order_lines.c.order_id == orders.c.id)
        .join(order_holds, order_holds.c.order_id == orders.c.id)
        .join(shops, shops.c.id == orders.c.shop_id)
        .where(order_holds.c.code == "SKU_UNMAPPED", order_holds.c.released_at.is_(None))
    )
    if platform_sku_id is not None:
        query = query.where(order_lines.c.platform_sku_id == platform_sku_id)
    if shop_code is not None:
        query = query.where(shops.c.code == shop_code)
    return [r[0] for r in conn.execute(query)]
