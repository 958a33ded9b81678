"""Cleaning, second half: recognise each order's buyer across channels, then catch duplicates."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Connection

from orderhub.customers.identity import BuyerFacts, IdentityIndex, identity_keys, match_batch
from orderhub.db import customers_repo
from orderhub.normalize.cleaning import CleanDecision, OrderFacts
from orderhub.orders.duplicates import DEFAULT_WINDOW, OrderFingerprint, find_duplicates

DUPLICATE_SUSPECTED = "DUPLICATE_SUSPECTED"


def buyer_facts(f: OrderFacts, d: CleanDecision) -> BuyerFacts:
    r = d.receiver
    masked = "*" in f.receiver.phone or "*" in f.receiver.name
    address = "|".join((r.province, r.city, r.district, r.street)) if r.street else ""
    return BuyerFacts(
        order_id=f.order_id,
        platform=f.channel,
        shop=f.shop_code,
        buyer_id=f.buyer_id,
        buyer_masked=masked,
        phone_key=d.phone_key,
        email=f.buyer_email,
        name=r.name,
        address_key=address,
    )


def link_customers(
    conn: Connection, facts: Sequence[OrderFacts], decisions: Sequence[CleanDecision], now: datetime
) -> dict[int, int]:
    """Match every order to a customer (creating new ones and their identities); return
    {order_id: customer_id} — the caller stores the links with the rest of the cleaned order."""
    buyers = [buyer_facts(f, d) for f, d in zip(facts, decisions, strict=True)]
    keys = [k for b in buyers for k in identity_keys(b)]
    index = IdentityIndex(customers_repo.identities_for(conn, keys))
    temporary = itertools.count(-1, -1)
    results = match_batch(buyers, index, lambda: next(temporary))
    fresh: dict[int, tuple[str, str, str]] = {}
    for buyer, match, _ in results:
        if match.customer_id is not None and match.customer_id < 0:
            fresh.setdefault(match.customer_id, (buyer.name, buyer.phone_key, buyer.email))
    made = customers_repo.create_customers(conn, list(fresh.values()), now=now)
    real = dict(zip(fresh, made, strict=True))
    rows = [(k, v, real.get(c, c)) for _, _, new_rows in results for k, v, c in new_rows]
    customers_repo.add_identities(conn, rows)
    by_order = {b.order_id: d for b, d in zip(buyers, decisions, strict=True)}
    links: dict[int, int] = {}
    for buyer, match, _ in results:
        if match.customer_id is None:
            continue
        links[buyer.order_id] = real.get(match.customer_id, match.customer_id)
        reason = re.sub(
            r"customer (-\d+)", lambda m: f"customer {real[int(m.group(1))]}", match.reason
        )  # new customers had temporary ids while matching
        by_order[buyer.order_id].notes.append(f"customer {links[buyer.order_id]}: {reason}")
    return links


def flag_duplicates(
    conn: Connection,
    facts: Sequence[OrderFacts],
    decisions: Sequence[CleanDecision],
    customers: dict[int, int],
    window: timedelta = DEFAULT_WINDOW,
) -> int:
    """Hold orders that look like another order of the same buyer (same items and amount)."""
    new = [
        _fingerprint(f, d, customers.get(f.order_id))
        for f, d in zip(facts, decisions, strict=True)
        if d.lines is not None and f.placed_at is not None
    ]
    if not new:
        return 0
    stored = customers_repo.recent_orders_of(
        conn,
        customer_ids=list(customers.values()),
        phone_keys=[n.phone_key for n in new if n.phone_key],
        since=min(n.placed_at for n in new) - window,
        until=max(n.placed_at for n in new) + window,
        exclude=[n.order_id for n in new],
    )
    items = customers_repo.items_of(conn, [r.id for r in stored])
    existing = [
        OrderFingerprint(
            order_id=r.id,
            shop=r.shop_code,
            channel=r.channel,
            platform_order_id=r.platform_order_id,
            customer_id=r.customer_id,
            phone_key=r.phone_key,
            name_address_key="",
            items=tuple(sorted(items[r.id])),
            total=r.total_amount,
            currency=r.currency,
            placed_at=r.placed_at,
            status=r.status,
        )
        for r in stored
    ]
    by_order = {d.order_id: d for d in decisions}
    found = find_duplicates(new, existing, window=window)
    for suspicion in found:
        by_order[suspicion.order_id].holds.append(
            (DUPLICATE_SUSPECTED, f"{suspicion.reason} (order {suspicion.other_order_id})")
        )
    return len(found)


def _fingerprint(f: OrderFacts, d: CleanDecision, customer_id: int | None) -> OrderFingerprint:
    assert d.lines is not None and f.placed_at is not None
    items = sorted((line.sku_code or "", line.quantity) for line in d.lines)
    return OrderFingerprint(
        order_id=f.order_id,
        shop=f.shop_code,
        channel=f.channel,
        platform_order_id=f.platform_order_id,
        customer_id=customer_id,
        phone_key=d.phone_key,
        name_address_key="",
        items=tuple(items),
        total=f.total,
        currency=f.currency,
        placed_at=f.placed_at,
        status="received",
    )
