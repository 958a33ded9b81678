"""The cleaning stage: normalise receivers, map lines to SKUs, hold what cannot go on.

Reads a batch in two queries, decides in pure Python (`normalize.cleaning`), writes in bulk.
Safe to re-run: a cleaned order is marked (`cleaned_at`) and skipped; an order held for a
reason that a person then fixes (e.g. a new SKU mapping) is cleaned again on purpose.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import Connection, Engine

from orderhub.db import cleaning_repo, orders_repo, settings_repo
from orderhub.db.engine import writer
from orderhub.normalize.cleaning import CleanDecision, CnAddress, OrderFacts, clean_order
from orderhub.normalize.sku_mapping import SkuCatalog
from orderhub.orders.actions import transition_many
from orderhub.orders.domain import Address, utc_now
from orderhub.orders.lifecycle import OrderStatus
from orderhub.pipeline.buyers import flag_duplicates, link_customers

ACTOR = "system:cleaning"
CLEANING_SETTINGS = "cleaning"


@dataclass(frozen=True, slots=True)
class CleaningSettings:
    """Seller-set thresholds (settings key `cleaning`)."""

    min_address_confidence: float = 0.6  # below it an order waits with ADDRESS_UNRESOLVED
    duplicate_window_hours: float = 24.0  # same buyer, items and amount within it: a duplicate

    @classmethod
    def load(cls, conn: Connection) -> CleaningSettings:
        stored = settings_repo.get_setting(conn, CLEANING_SETTINGS) or {}
        return cls(**{k: float(v) for k, v in stored.items() if k in cls.__slots__})


@dataclass(slots=True)
class CleanResult:
    cleaned: int = 0
    held: int = 0
    holds: dict[str, int] | None = None

    def add(self, other: CleanResult) -> None:
        self.cleaned += other.cleaned
        self.held += other.held
        merged = dict(self.holds or {})
        for code, n in (other.holds or {}).items():
            merged[code] = merged.get(code, 0) + n
        self.holds = merged


def normalize_cn(receiver: Address) -> CnAddress:
    return _normalize_cn(receiver.province, receiver.city, receiver.district, receiver.street)


@lru_cache(maxsize=65_536)
def _normalize_cn(province: str, city: str, district: str, street: str) -> CnAddress:
    """Cached: repeat buyers, merge candidates and shared delivery points come back often, and
    the result depends on nothing but the text (a frozen value)."""
    from orderhub.normalize.address import normalize_address

    text = f"{province}{city}{district}{street}"
    found = normalize_address(text, province=province, city=city, district=district)
    return CnAddress(
        found.province,
        found.city,
        found.district,
        found.street,
        found.code,
        found.confidence,
        tuple(found.notes),
    )


def run_cleaning(
    engine: Engine, *, batch_size: int = 1000, progress: Callable[[int], None] | None = None
) -> CleanResult:
    """Clean every received order not cleaned yet, batch by batch, one transaction each."""
    with engine.connect() as conn:
        catalog = cleaning_repo.load_catalog(conn)
    total, after = CleanResult(holds={}), 0
    while True:
        with writer(engine).begin() as conn:  # new customers take the next ids (see buyers)
            facts = cleaning_repo.orders_to_clean(conn, after_id=after, limit=batch_size)
            if not facts:
                return total
            total.add(clean_batch(conn, catalog, [f.order_id for f in facts], facts=facts))
        after = facts[-1].order_id
        if progress:
            progress(len(facts))


def clean_batch(
    conn: Connection,
    catalog: SkuCatalog,
    order_ids: Sequence[int],
    *,
    facts: Sequence[OrderFacts] | None = None,
) -> CleanResult:
    """Clean the given orders in the caller's transaction."""
    if facts is None:
        facts = cleaning_repo.orders_to_clean(
            conn, after_id=0, limit=len(order_ids) or 1, only=order_ids
        )
    settings = CleaningSettings.load(conn)
    decisions = [
        clean_order(f, catalog, normalize_cn, min_confidence=settings.min_address_confidence)
        for f in facts
    ]
    now = utc_now()
    customers = link_customers(conn, facts, decisions, now)
    cleaning_repo.write_decisions(conn, decisions, customers, now)
    window = timedelta(hours=settings.duplicate_window_hours)
    flag_duplicates(conn, facts, decisions, customers, window=window)
    held = _hold(conn, [d for d in decisions if d.holds], now)
    orders_repo.insert_events(conn, [_event(d, now) for d in decisions])
    return CleanResult(cleaned=len(decisions), held=held, holds=_count(decisions))


def _hold(conn: Connection, decisions: Sequence[CleanDecision], now: datetime) -> int:
    """Record each new reason to wait, and move the orders to on_hold."""
    if not decisions:
        return 0
    existing = cleaning_repo.open_holds(conn, [d.order_id for d in decisions])
    fresh = [
        (d.order_id, code, detail)
        for d in decisions
        for code, detail in _unique(d.holds)
        if code not in existing[d.order_id]
    ]
    cleaning_repo.insert_holds(conn, fresh, now)
    reasons: dict[str, list[int]] = {}
    for d in decisions:
        reasons.setdefault(", ".join(sorted({c for c, _ in d.holds})), []).append(d.order_id)
    for codes, ids in reasons.items():
        transition_many(conn, ids, OrderStatus.ON_HOLD, actor=ACTOR, reason=codes)
    return len(decisions)


def _unique(holds: list[tuple[str, str]]) -> list[tuple[str, str]]:
    merged: dict[str, list[str]] = {}
    for code, detail in holds:
        merged.setdefault(code, []).append(detail)
    return [(code, "; ".join(details)) for code, details in merged.items()]


def _event(d: CleanDecision, now: datetime) -> dict[str, object]:
    """A `cleaned` event with every decision's reasons, shown in the order's history."""
    return {
        "order_id": d.order_id,
        "kind": "cleaned",
        "from_status": None,
        "to_status": None,
        "actor": ACTOR,
        "reason": "; ".join(d.notes)[:2000] or "clean",
        "data": {
            "holds": [c for c, _ in d.holds],
            "division_code": d.division_code,
            "address_confidence": d.address_confidence,
            "phone_kind": d.phone_kind,
            "bundles": sorted(set(d.bundles.values())),
        },
        "created_at": now,
    }


def _count(decisions: Sequence[CleanDecision]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for d in decisions:
        for code in {c for c, _ in d.holds}:
            counts[code] = counts.get(code, 0) + 1
    return counts
