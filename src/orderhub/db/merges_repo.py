"""SQL of merging and splitting orders, merge candidates and the stored merge policy.

Connections come from the caller's transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Row, delete, func, select, update

from orderhub.db.bulk import bulk_insert
from orderhub.db.hints import among
from orderhub.db.schema import order_events, order_lines, orders, shops
from orderhub.orders.domain import LineDraft
from orderhub.orders.merging import MergeCandidate

AMOUNTS = ("goods_amount", "discount_amount", "shipping_fee", "tax_amount", "total_amount")

_HEAD = (
    orders.c.id,
    orders.c.shop_id,
    shops.c.code.label("shop_code"),
    shops.c.currency.label("shop_currency"),
    shops.c.settings.label("shop_settings"),
    orders.c.platform_order_id,
    orders.c.status,
    orders.c.payment_status,
    orders.c.currency,
    orders.c.receiver_country,
    orders.c.receiver_province,
    orders.c.receiver_city,
    orders.c.receiver_district,
    orders.c.receiver_street,
    orders.c.phone_key,
    orders.c.do_not_merge,
    orders.c.merged_into_id,
    orders.c.placed_at,
    *(orders.c[name] for name in AMOUNTS),
)

AnyRow = Row[*tuple[Any, ...]]
Head = AnyRow


def candidate_heads(conn: Connection, statuses: Collection[str]) -> list[Head]:
    """Orders that could join a parcel: in `statuses`, not merged, with a cleaned receiver, and
    sharing their phone key with another such order (a parcel needs two) — so the stage reads
    the few orders that could merge, not every order waiting in those statuses."""
    mergeable = (
        orders.c.status.in_(sorted(statuses)),
        orders.c.merged_into_id.is_(None),
        orders.c.phone_key != "",
        orders.c.receiver_street != "",
    )
    key = func.lower(func.trim(orders.c.phone_key))
    shared = select(key).where(*mergeable).group_by(key).having(func.count() > 1)
    query = (
        select(*_HEAD)
        .join(shops, shops.c.id == orders.c.shop_id)
        .where(*mergeable, key.in_(shared.scalar_subquery()))
        .order_by(orders.c.id)
    )
    return list(conn.execute(query))


def heads(conn: Connection, order_ids: Sequence[int], *, lock: bool = False) -> dict[int, Head]:
    """The orders by id; `lock` takes row locks (PostgreSQL) in id order against concurrent edits."""
    query = (
        select(*_HEAD)
        .join(shops, shops.c.id == orders.c.shop_id)
        .where(among(orders.c.id, list(order_ids)))
        .order_by(orders.c.id)
    )
    if lock:
        query = query.with_for_update(of=orders)
    return {row.id: row for row in conn.execute(query)}


def full_order(conn: Connection, order_id: int, *, lock: bool = False) -> dict[str, Any] | None:
    """Every column of one order (to copy it), or None."""
    query = select(orders).where(orders.c.id == order_id)
    if lock:
        query = query.with_for_update()
    row = conn.execute(query).first()
    return dict(row._mapping) if row else None


def lines_of(conn: Connection, order_ids: Sequence[int]) -> dict[int, list[AnyRow]]:
    found: dict[int, list[AnyRow]] = defaultdict(list)
    if order_ids:
        query = (
            select(order_lines)
            .where(among(order_lines.c.order_id, list(order_ids)))
            .order_by(order_lines.c.order_id, order_lines.c.line_no)
        )
        for row in conn.execute(query):
            found[row.order_id].append(row)
    return found


def insert_lines(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    bulk_insert(conn, order_lines, rows)


def delete_lines(conn: Connection, order_id: int, line_nos: Sequence[int]) -> None:
    if line_nos:
        conn.execute(
            delete(order_lines).where(
                order_lines.c.order_id == order_id, order_lines.c.line_no.in_(list(line_nos))
            )
        )


def delete_copied_lines(
    conn: Connection, target_id: int, *, after_line_no: int, origins: Sequence[int]
) -> int:
    """Remove the lines a merge appended to the target (after its own, copied from `origins`)."""
    result = conn.execute(
        delete(order_lines).where(
            order_lines.c.order_id == target_id,
            order_lines.c.line_no > after_line_no,
            order_lines.c.origin_order_id.in_(list(origins)),
        )
    )
    return int(result.rowcount or 0)


def set_line_quantity(
    conn: Connection, order_id: int, line_no: int, *, quantity: int, discount: Any
) -> None:
    conn.execute(
        update(order_lines)
        .where(order_lines.c.order_id == order_id, order_lines.c.line_no == line_no)
        .values(quantity=quantity, discount=discount)
    )


def set_amounts(conn: Connection, order_id: int, amounts: dict[str, Any], now: datetime) -> None:
    conn.execute(
        update(orders)
        .where(orders.c.id == order_id)
        .values(**amounts, updated_at=now, version=orders.c.version + 1)
    )


def set_merged_into(conn: Connection, order_ids: Sequence[int], target_id: int | None) -> None:
    if order_ids:
        conn.execute(
            update(orders).where(orders.c.id.in_(list(order_ids))).values(merged_into_id=target_id)
        )


def absorbed_by(conn: Connection, target_ids: Sequence[int]) -> dict[int, list[int]]:
    """{target id: ids of the orders merged into it} for the targets that absorbed any."""
    found: dict[int, list[int]] = defaultdict(list)
    if target_ids:
        query = (
            select(orders.c.merged_into_id, orders.c.id)
            .where(orders.c.merged_into_id.in_(list(target_ids)))
            .order_by(orders.c.id)
        )
        for target, order_id in conn.execute(query):
            found[target].append(order_id)
    return dict(found)


def merge_events(conn: Connection, target_id: int) -> list[AnyRow]:
    """The target's `merged` and `unmerged` events, oldest first."""
    query = (
        select(order_events.c.id, order_events.c.kind, order_events.c.data)
        .where(
            order_events.c.order_id == target_id,
            order_events.c.kind.in_(["merged", "unmerged"]),
        )
        .order_by(order_events.c.id)
    )
    return list(conn.execute(query))


def split_numbers_taken(conn: Connection, shop_id: int, prefix: str) -> list[str]:
    """Platform order ids of the shop starting with `prefix` (e.g. "123-S")."""
    query = select(orders.c.platform_order_id).where(
        orders.c.shop_id == shop_id,
        orders.c.platform_order_id.startswith(prefix, autoescape=True),
    )
    return [row[0] for row in conn.execute(query)]


def insert_split_order(
    conn: Connection, order: Mapping[str, Any], order_no: str, goods: Decimal, now: datetime
) -> int:
    """A copy of `order` (shop, channel, buyer, receiver, customer, payment …) numbered
    `order_no`, in `received`, holding `goods`; no order-level discount, shipping or tax."""
    row = {
        **{k: v for k, v in order.items() if k != "id"},
        "platform_order_id": order_no,
        "status": "received",
        "goods_amount": goods,
        "discount_amount": Decimal(0),
        "shipping_fee": Decimal(0),
        "tax_amount": Decimal(0),
        "total_amount": goods,
        "merged_into_id": None,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }
    return int(conn.execute(orders.insert().returning(orders.c.id), row).scalar_one())


def stage_history(conn: Connection, order_ids: Sequence[int], kinds: Sequence[str]) -> list[AnyRow]:
    """Events of `kinds` on these orders (what the merge stage already recorded about them)."""
    found: list[AnyRow] = []
    for part in _parts(order_ids):
        query = select(
            order_events.c.id, order_events.c.order_id, order_events.c.kind, order_events.c.data
        ).where(order_events.c.order_id.in_(part), order_events.c.kind.in_(list(kinds)))
        found += conn.execute(query)
    found.sort(key=lambda row: row.id)
    return found


def released_from_merges(conn: Connection, order_ids: Sequence[int]) -> set[int]:
    """Those of these orders that a person took out of a merge (merged -> received)."""
    found: set[int] = set()
    for part in _parts(order_ids):
        query = select(order_events.c.order_id).where(
            order_events.c.order_id.in_(part),
            order_events.c.from_status == "merged",
            order_events.c.to_status == "received",
        )
        found.update(row[0] for row in conn.execute(query))
    return found


def _parts(ids: Sequence[int], size: int = 5_000) -> list[list[int]]:
    ordered = sorted(set(ids))
    return [ordered[i : i + size] for i in range(0, len(ordered), size)]


def split_links(conn: Connection, statuses: Collection[str]) -> list[tuple[int, int]]:
    """(new order, order it was split from) for new orders now in `statuses`."""
    query = (
        select(order_events.c.order_id, order_events.c.data)
        .join(orders, orders.c.id == order_events.c.order_id)
        .where(orders.c.status.in_(sorted(statuses)), order_events.c.kind == "split")
    )
    return [
        (row.order_id, int(row.data["from_order_id"]))
        for row in conn.execute(query)
        if isinstance(row.data, dict) and row.data.get("from_order_id") is not None
    ]


# --- merge candidates ---------------------------------------------------------------------

# A shop's country of business when its settings do not name one (`settings["country"]`).
_CURRENCY_COUNTRY = {
    "CNY": "CN",
    "HKD": "HK",
    "MOP": "MO",
    "TWD": "TW",
    "USD": "US",
    "GBP": "GB",
    "JPY": "JP",
    "KRW": "KR",
    "SGD": "SG",
    "AUD": "AU",
    "CAD": "CA",
    "NZD": "NZ",
    "MYR": "MY",
    "THB": "TH",
}


def receiver_key(head: Head) -> str:
    """`province|city|district|street|phone_key` of the cleaned receiver; "" when unknown."""
    if not head.phone_key.strip() or not head.receiver_street.strip():
        return ""
    parts = (
        head.receiver_province,
        head.receiver_city,
        head.receiver_district,
        head.receiver_street,
        head.phone_key,
    )
    return "|".join(" ".join(p.split()).casefold() for p in parts)


def is_cross_border(head: Head) -> bool:
    """The receiver is outside the shop's country (or the shop's country cannot be told)."""
    settings = head.shop_settings if isinstance(head.shop_settings, dict) else {}
    home = str(settings.get("country") or _CURRENCY_COUNTRY.get(head.shop_currency.upper(), ""))
    return not home or head.receiver_country.strip().upper() != home.upper()


def candidate(head: Head) -> MergeCandidate:
    return MergeCandidate(
        order_id=head.id,
        shop=head.shop_code,
        status=head.status,
        payment_status=head.payment_status,
        receiver_key=receiver_key(head),
        is_cross_border=is_cross_border(head),
        do_not_merge=bool(head.do_not_merge),
        placed_at=head.placed_at,
        currency=head.currency,
    )


# --- lines --------------------------------------------------------------------------------


def line_copy(line: AnyRow) -> dict[str, Any]:
    """The columns of a line another order's copy keeps (not its order, number or origin)."""
    names = ("sku_id", "sku_code", "platform_sku_id", "title", "spec", "bundle_sku_code")
    return {
        **{name: line._mapping[name] for name in names},
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "discount": line.discount,
    }


def line_draft(line: AnyRow) -> LineDraft:
    return LineDraft(
        title=line.title,
        quantity=line.quantity,
        unit_price=line.unit_price,
        discount=line.discount,
        sku_code=line.sku_code,
        platform_sku_id=line.platform_sku_id,
        spec=line.spec,
    )


def first_merge_since_undo(conn: Connection, target_id: int) -> dict[str, Any] | None:
    """Data of the target's first `merged` event after its last `unmerged` one."""
    first: dict[str, Any] | None = None
    for event in merge_events(conn, target_id):
        if event.kind == "unmerged":
            first = None
        elif first is None:
            first = dict(event.data or {})
    return first


def next_split_number(conn: Connection, shop_id: int, platform_order_id: str) -> str:
    """`<order no>-S<n>` with the next n not taken in the shop."""
    prefix = f"{platform_order_id}-S"
    taken = split_numbers_taken(conn, shop_id, prefix)
    numbers = [int(t[len(prefix) :]) for t in taken if t[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1}"


def write_split(
    conn: Connection,
    order_id: int,
    new_id: int,
    lines: Sequence[AnyRow],
    take: Mapping[int, int],
    parts: tuple[Sequence[LineDraft], Sequence[LineDraft]],
) -> list[dict[str, Any]]:
    """Apply `split_lines`' (kept, moved) parts: lines reduced or removed on the original,
    moved ones inserted on the new order with their origin. Returns the new order's lines."""
    kept, moved = iter(parts[0]), iter(parts[1])
    new_rows: list[dict[str, Any]] = []
    gone: list[int] = []
    for line in lines:
        quantity = take.get(line.line_no, 0)
        if quantity == 0:
            next(kept)
            continue
        if quantity < line.quantity:
            stay = next(kept)
            set_line_quantity(
                conn, order_id, line.line_no, quantity=stay.quantity, discount=stay.discount
            )
        else:
            gone.append(line.line_no)
        go = next(moved)
        new_rows.append(
            {
                **line_copy(line),
                "order_id": new_id,
                "line_no": len(new_rows) + 1,
                "origin_order_id": order_id,
                "origin_line_no": line.line_no,
                "quantity": go.quantity,
                "discount": go.discount,
            }
        )
    delete_lines(conn, order_id, gone)
    insert_lines(conn, new_rows)
    return new_rows
