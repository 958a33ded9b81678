"""Quarantine: list, inspect, replay (after a fix or a mapping) and discard refused payloads."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine

from orderhub.channels import registry
from orderhub.channels.errors import QuarantineNotFound, QuarantineNotOpen
from orderhub.channels.importer import reparse_import
from orderhub.channels.ingest import ingest_orders
from orderhub.channels.receive import Parsed, Rejected, parse_raw
from orderhub.channels.shops import context_of
from orderhub.db import quarantine_repo, shops_repo
from orderhub.db.quarantine_repo import QuarantineView
from orderhub.db.shops_repo import ShopRecord
from orderhub.orders.domain import utc_now, validate_order


@dataclass(frozen=True, slots=True)
class ReplayOutcome:
    item_id: int
    replayed: bool
    order_id: int | None
    error_code: str | None
    error_message: str | None


def show(conn: Connection, item_id: int) -> tuple[QuarantineView, bytes]:
    found = quarantine_repo.get_quarantined(conn, item_id)
    if found is None:
        raise QuarantineNotFound(item_id)
    view, raw, _ = found
    return view, raw


def replay(engine: Engine, item_id: int, *, actor: str) -> ReplayOutcome:
    """Parse, validate and ingest the payload again; on success the item closes with its order."""
    with engine.begin() as conn:
        found = quarantine_repo.get_quarantined(conn, item_id)
        if found is None:
            raise QuarantineNotFound(item_id)
        view, raw, shop_id = found
        if view.status != "open":
            raise QuarantineNotOpen(item_id, view.status)
        shop = shops_repo.shop_record_by_id(conn, shop_id) if shop_id is not None else None
        parsed = _reparse(shop, view, raw)
        if isinstance(parsed, Rejected):
            return _still_failing(conn, item_id, parsed)
        problems = validate_order(parsed)
        if problems:
            code, field, message = problems[0]
            return _still_failing(conn, item_id, Rejected(raw, code, message, field))
        assert shop is not None
        result = ingest_orders(conn, shop.ref, [parsed], actor=actor)
        order_id = result.order_ids[parsed.platform_order_id]
        quarantine_repo.resolve(
            conn, item_id, status="replayed", actor=actor, now=utc_now(), order_id=order_id
        )
        return ReplayOutcome(item_id, True, order_id, None, None)


def _reparse(shop: ShopRecord | None, view: QuarantineView, raw: bytes) -> Parsed:
    if shop is None:
        return Rejected(raw, "SHOP_UNKNOWN", "the payload's shop no longer exists")
    if view.source == "import":
        return reparse_import(shop, raw, view.source_ref)
    try:
        adapter = registry.adapter_for(shop.ref.platform)
    except LookupError:
        return Rejected(raw, "PLATFORM_UNSUPPORTED", f"no adapter for {shop.ref.platform}")
    return parse_raw(adapter, context_of(shop), raw, source_ref=view.source_ref)


def _still_failing(conn: Connection, item_id: int, rejected: Rejected) -> ReplayOutcome:
    quarantine_repo.record_failed_replay(
        conn, item_id, code=rejected.code, field=rejected.field, message=rejected.message
    )
    return ReplayOutcome(item_id, False, None, rejected.code, rejected.message)


def discard(engine: Engine, item_id: int, *, actor: str, reason: str) -> None:
    """Close an item without an order (e.g. a platform test payload); the bytes stay for audit."""
    with engine.begin() as conn:
        view, _ = show(conn, item_id)
        if not quarantine_repo.resolve(
            conn, item_id, status="discarded", actor=actor, now=utc_now(), note=reason
        ):
            raise QuarantineNotOpen(item_id, view.status)
