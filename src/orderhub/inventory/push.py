"""Stock push to channels: the quantity each shop's listings show, pushed when it is due.

A shop's rule is `shops.settings["publish"]` (a `PublishRule`; default 100 % of every
warehouse), with per-SKU overrides in `shops.settings["publish_skus"][sku]` laid over it. Every
stock change marks the SKU's listings (`changed_at`, `first_changed_at`); `push_due` pushes a
marked listing once the `PushPlanner` says so from those timestamps: 30 s after its last change,
at most 5 min after its first, and at once when it drops to 0. Every 60 min per shop (or when
forced) a full push sends every listing whose quantity differs from the last pushed one, which
repairs refused pushes. Timings come from the `stock_push` setting.

One push per shop at a time (per process; across processes too on PostgreSQL). Results are
written one listing per transaction so that no stock transaction waits on several listing rows
held here. A transient failure (timeout, 429, 5xx) keeps the marks for the next run; a refusal
(unknown listing, bad credentials, missing setting) is stored in `last_error` and waits for
the next full push, so a bad listing is not hammered every few seconds.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Row

from orderhub.channels.http import ChannelError, ChannelHttp, TransientChannelError
from orderhub.channels.pull import HttpFactory
from orderhub.channels.shops import context_of, load_shop
from orderhub.channels.stock_push import (
    PushResult,
    StockLevel,
    StockPusher,
    StockPushInterrupted,
    StockPushNotConfigured,
    StockPushUnsupported,
    stock_pusher_for,
)
from orderhub.db import listings_repo, settings_repo, shops_repo, stock_repo
from orderhub.db.engine import writer
from orderhub.db.shops_repo import ShopRecord
from orderhub.errors import BusinessError, ErrorCode
from orderhub.inventory.actions import SkuNotFound, StockRefused
from orderhub.inventory.errors import StockError, StockErrorCode
from orderhub.inventory.publish import (
    PublishRule,
    PublishRuleError,
    PushPlanner,
    quantity_to_publish,
)
from orderhub.orders.domain import ShopRef, utc_now

log = logging.getLogger(__name__)

TIMING_KEY = "stock_push"  # {"debounce_seconds", "max_delay_seconds", "full_every_minutes", ...}
RULE_KEY, SKU_RULES_KEY = "publish", "publish_skus"
HTTP_TIMEOUT = 20.0


class ListingInvalid(BusinessError):
    code = ErrorCode.MAPPING_INVALID


@dataclass(frozen=True, slots=True)
class PushTiming:
    """The `stock_push` setting; `check_every_seconds` is how often the scheduler looks."""

    debounce_seconds: float = 30
    max_delay_seconds: float = 300
    full_every_minutes: float = 60
    check_every_seconds: float = 10

    @classmethod
    def from_dict(cls, data: object) -> PushTiming:
        """Raise `StockRefused` (`STOCK_SETTING_INVALID`, naming the field) if invalid."""
        known = [f.name for f in fields(cls)]
        if not isinstance(data, Mapping):
            raise _bad_setting(TIMING_KEY, f"must be an object with {', '.join(known)}")
        for name, value in data.items():
            if name not in known:
                raise _bad_setting(name, f"unknown setting; known: {', '.join(known)}")
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise _bad_setting(name, f"must be a number above zero, got {value!r}")
        timing = cls(**data)
        if timing.max_delay_seconds < timing.debounce_seconds:
            raise _bad_setting("max_delay_seconds", "must not be shorter than debounce_seconds")
        return timing

    def planner(self, last_full_push: datetime | None) -> PushPlanner:
        return PushPlanner(
            debounce=timedelta(seconds=self.debounce_seconds),
            max_delay=timedelta(seconds=self.max_delay_seconds),
            full_push_every=timedelta(minutes=self.full_every_minutes),
            last_full_push=last_full_push,
        )


def load_timing(conn: Connection) -> PushTiming:
    return PushTiming.from_dict(settings_repo.get_setting(conn, TIMING_KEY) or {})


def _bad_setting(name: str, message: str) -> StockRefused:
    error = StockError(StockErrorCode.STOCK_SETTING_INVALID, f"{name}: {message}", {"field": name})
    return StockRefused(error)


@dataclass(frozen=True, slots=True)
class ShopRules:
    """A shop's publish rule and its per-SKU overrides (partial rules laid over it)."""

    rule: PublishRule = field(default_factory=PublishRule)
    overrides: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    by_sku: Mapping[str, PublishRule] = field(default_factory=dict)

    @classmethod
    def parse(cls, rule: object, overrides: object) -> ShopRules:
        """Raise `StockRefused` (`STOCK_PUBLISH_RULE_INVALID`, naming the field) if invalid."""
        try:
            base = _rule("rule", rule or {})
            given = overrides or {}
            if not isinstance(given, Mapping):
                raise PublishRuleError("skus", "must be an object of SKU code: rule settings")
            by_sku = {sku: _rule(f"skus.{sku}", part, base) for sku, part in given.items()}
        except PublishRuleError as exc:
            raise StockRefused(exc) from None
        return cls(base, dict(given), by_sku)

    def for_sku(self, sku: str) -> PublishRule:
        return self.by_sku.get(sku, self.rule)

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule.to_dict(), "skus": dict(self.overrides)}


def _rule(where: str, data: object, base: PublishRule | None = None) -> PublishRule:
    """`data` as a rule (over `base`, for an override); errors name the field under `where`."""
    if not isinstance(data, Mapping):
        raise PublishRuleError(where, "must be an object of rule settings")
    try:
        return PublishRule.from_dict(data if base is None else {**base.to_dict(), **data})
    except PublishRuleError as exc:
        message = exc.message.removeprefix(f"{exc.field}: ")
        raise PublishRuleError(f"{where}.{exc.field}", message) from None


def shop_rules(conn: Connection, shop_code: str) -> ShopRules:
    return load_rules(conn, load_shop(conn, shop_code).ref.id)


def load_rules(conn: Connection, shop_id: int) -> ShopRules:
    stored = listings_repo.shop_settings(conn, shop_id)
    return ShopRules.parse(stored.get(RULE_KEY), stored.get(SKU_RULES_KEY))


def save_rules(conn: Connection, shop_code: str, document: object) -> ShopRules:
    """Set a shop's rules from `{"rule": {...}, "skus": {code: {...}}}` (in a `writer` transaction);
    its listings are recomputed, and pushed if different, after the debounce."""
    shop = load_shop(conn, shop_code).ref
    if not isinstance(document, Mapping) or set(document) - {"rule", "skus"}:
        raise StockRefused(PublishRuleError("rule", 'expected {"rule": {...}, "skus": {...}}'))
    rules = ShopRules.parse(document.get("rule"), document.get("skus"))
    _check_known(conn, rules)
    changes = {RULE_KEY: rules.rule.to_dict(), SKU_RULES_KEY: dict(rules.overrides)}
    listings_repo.update_shop_settings(conn, shop.id, changes)
    listings_repo.mark_shop_changed(conn, shop.id, now=utc_now())
    return rules


def _check_known(conn: Connection, rules: ShopRules) -> None:
    known = set(stock_repo.warehouse_ids(conn))
    found = stock_repo.sku_ids(conn, rules.overrides)
    for sku in sorted(rules.overrides):
        if sku not in found:
            raise StockRefused(PublishRuleError(f"skus.{sku}", f"there is no SKU {sku}"))
    checks = [("rule", rules.rule), *((f"skus.{sku}", r) for sku, r in rules.by_sku.items())]
    for where, rule in checks:
        unknown = sorted(rule.warehouses - known)
        if unknown:
            message = f"there is no warehouse {unknown[0]}"
            raise StockRefused(PublishRuleError(f"{where}.warehouses", message))


def compute(
    conn: Connection, shop: ShopRef, rows: Sequence[Row[Any]] | None = None
) -> list[tuple[Row[Any], int]]:
    """(listing row, quantity to publish now) for the shop's listings (or the `rows` given)."""
    rows = listings_repo.listings(conn, shop_id=shop.id) if rows is None else rows
    if not rows:
        return []
    rules = load_rules(conn, shop.id)
    available: dict[int, dict[str, int]] = {}
    for b in stock_repo.balances(conn, sku_ids=sorted({r.sku_id for r in rows})):
        available.setdefault(b.sku_id, {})[b.warehouse] = b.on_hand - b.reserved
    return [
        (r, quantity_to_publish(rules.for_sku(r.sku), available.get(r.sku_id, {}))) for r in rows
    ]


def listing_views(conn: Connection, shop_code: str | None = None) -> list[dict[str, Any]]:
    """Each listing with the quantity it should show now and what was last pushed."""
    if shop_code:
        shop_ids = [load_shop(conn, shop_code).ref.id]
    else:
        shop_ids = listings_repo.shop_ids_with_listings(conn)
    views = []
    for record in filter(None, (shops_repo.shop_record_by_id(conn, i) for i in shop_ids)):
        for row, quantity in compute(conn, record.ref):
            views.append({"shop": row.shop, "sku": row.sku, "listing_id": row.listing_id,
                          "computed": quantity, "last_pushed": row.last_pushed,
                          "last_pushed_at": row.last_pushed_at, "last_error": row.last_error,
                          "changed_at": row.changed_at})  # fmt: skip
    return views


def map_listing(conn: Connection, shop_code: str, sku: str, listing_id: str) -> dict[str, Any]:
    """Create or replace the platform id under which the shop sells `sku` (in a `writer`
    transaction: SQLite must lock at BEGIN)."""
    shop = load_shop(conn, shop_code).ref
    listing_id = listing_id.strip()
    if not listing_id or len(listing_id) > 128 or any(ch.isspace() for ch in listing_id):
        raise ListingInvalid(
            "listing id must be the platform's item/variant id: 1-128 characters, no spaces",
            field="listing_id",
        )
    sku_id = stock_repo.sku_ids(conn, [sku]).get(sku)
    if sku_id is None:
        raise SkuNotFound(f"there is no SKU {sku}", sku=sku)
    listings_repo.upsert(conn, shop.id, sku_id, listing_id, now=utc_now())
    return next(v for v in listing_views(conn, shop_code) if v["sku"] == sku)


@dataclass(slots=True)
class ShopPush:
    """What one run did for one shop; `waiting`: changed listings still in their debounce."""

    shop: str
    platform: str
    full: bool
    pushed: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0
    waiting: int = 0
    note: str = ""
    completed: bool = True  # False: a full push to repeat on the next run


@dataclass(slots=True)
class PushSummary:
    at: datetime
    shops: list[ShopPush] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(int(getattr(s, name)) for s in self.shops)

    def to_dict(self) -> dict[str, Any]:
        totals = ("pushed", "unchanged", "failed", "skipped", "waiting")
        shops = [{k: v for k, v in asdict(s).items() if k != "completed"} for s in self.shops]
        return {"at": self.at.isoformat(), **{n: self.total(n) for n in totals}, "shops": shops}


def http_for(shop: ShopRecord, timeout: float) -> ChannelHttp:
    base_url = shop.credentials.get("base_url")
    if not base_url:
        raise StockPushNotConfigured(shop.ref.code, "base_url", "the platform's API address")
    return ChannelHttp(str(base_url), timeout=timeout)


def push_due(
    engine: Engine,
    *,
    now: datetime | None = None,
    force: bool = False,
    shop: str | None = None,
    http_factory: HttpFactory = http_for,
) -> PushSummary:
    """Push what is due in every shop with listings (or in `shop`); `force`: a full push now,
    still sending only quantities that differ from the last pushed ones."""
    now = now or utc_now()
    with engine.connect() as conn:
        timing = load_timing(conn)
        ids = [load_shop(conn, shop).ref.id] if shop else listings_repo.shop_ids_with_listings(conn)
        records = [shops_repo.shop_record_by_id(conn, shop_id) for shop_id in ids]
        last_full = listings_repo.full_push_times(conn)
    summary = PushSummary(at=now)
    every = timedelta(minutes=timing.full_every_minutes)
    for record in filter(None, records):
        last = last_full.get(record.ref.code)
        full = force or last is None or now - last >= every
        outcome = ShopPush(record.ref.code, record.ref.platform, full)
        _push_shop_guarded(engine, record, timing, outcome, now=now, http_factory=http_factory)
        summary.shops.append(outcome)
    done = [s.shop for s in summary.shops if s.full and s.completed]
    if done:
        with writer(engine).begin() as conn:  # read then write: SQLite locks at BEGIN
            listings_repo.save_full_push_times(conn, done, now=now)
    return summary


def _push_shop_guarded(
    engine: Engine, record: ShopRecord, timing: PushTiming, outcome: ShopPush, **kw: Any
) -> None:
    """One shop's push; whatever goes wrong is the shop's note, never the other shops' loss."""
    with listings_repo.push_turn(engine, record.ref.id) as mine:
        if not mine:
            outcome.note, outcome.completed = "another push of this shop is still running", False
            return
        try:
            _push_shop(engine, record, timing, outcome, **kw)
        except BusinessError as exc:
            outcome.note, outcome.completed = f"{exc.code.value}: {exc.message}", False
        except Exception as exc:
            log.exception("stock push to shop %s crashed", record.ref.code)
            outcome.note, outcome.completed = f"crashed: {type(exc).__name__}: {exc}", False


def _push_shop(
    engine: Engine,
    record: ShopRecord,
    timing: PushTiming,
    outcome: ShopPush,
    *,
    now: datetime,
    http_factory: HttpFactory,
) -> None:
    with engine.connect() as conn:
        rows = listings_repo.listings(conn, shop_id=record.ref.id, changed_only=not outcome.full)
        computed = compute(conn, record.ref, rows)
    due, unchanged, outcome.waiting = _plan(computed, timing, full=outcome.full, now=now)
    outcome.unchanged = len(unchanged)
    for row in (r for r in unchanged if r.changed_at is not None):
        with engine.begin() as conn:
            listings_repo.clear_mark(conn, row.id, seen_change=row.changed_at)
    if not due:
        return
    try:
        pusher = stock_pusher_for(record.ref.platform)
    except StockPushUnsupported as exc:
        outcome.skipped, outcome.note = len(due), str(exc)
        _record(engine, due, [], exc, now=now)
        return
    results, problem = _call(pusher, record, due, http_factory)
    _record(engine, due, results, problem, now=now)
    outcome.pushed = sum(r.ok for r in results)
    outcome.failed = len(due) - outcome.pushed
    outcome.note = f"{problem.code}: {problem}" if problem else ""
    outcome.completed = not isinstance(problem, TransientChannelError)


def _plan(
    computed: list[tuple[Row[Any], int]], timing: PushTiming, *, full: bool, now: datetime
) -> tuple[list[tuple[Row[Any], int]], list[Row[Any]], int]:
    """(listings to push with their quantity, listings already showing it, listings waiting)."""
    planner = timing.planner(None if full else now)
    for row, _ in computed:
        if row.changed_at is not None:
            planner.note_change(row.shop, row.sku, row.first_changed_at or row.changed_at)
            planner.note_change(row.shop, row.sku, row.changed_at)
    by_key = {(row.shop, row.sku): (row, quantity) for row, quantity in computed}
    last = {key: row.last_pushed for key, (row, _) in by_key.items() if row.last_pushed is not None}
    picked = planner.due(now, last, {key: quantity for key, (_, quantity) in by_key.items()})
    unchanged = [row for row, quantity in computed if quantity == row.last_pushed]
    return [by_key[(s, sku)] for s, sku, _ in picked], unchanged, len(planner.pending())


def _call(
    pusher: StockPusher,
    record: ShopRecord,
    due: list[tuple[Row[Any], int]],
    http_factory: HttpFactory,
) -> tuple[list[PushResult], ChannelError | None]:
    """The adapter's results, and the failure that stopped it (results before it are kept)."""
    levels = [StockLevel(row.sku, row.listing_id, quantity) for row, quantity in due]
    try:
        http = http_factory(record, HTTP_TIMEOUT)
    except ChannelError as exc:
        return [], exc
    try:
        return pusher.push_stock(http, context_of(record), levels), None
    except StockPushInterrupted as exc:
        return exc.results, exc
    except ChannelError as exc:
        return [], exc
    finally:
        http.close()


def _record(
    engine: Engine,
    due: list[tuple[Row[Any], int]],
    results: list[PushResult],
    problem: ChannelError | None,
    *,
    now: datetime,
) -> None:
    """Store each listing's result; listings the push did not reach get `problem` (a transient
    one keeps their change mark, so the next run retries them)."""
    for index, (row, quantity) in enumerate(due):
        result = results[index] if index < len(results) else None
        if result is not None and result.ok:
            args: dict[str, Any] = {"quantity": quantity, "error": ""}
        elif result is not None:
            args = {"quantity": None, "error": f"{result.error_code}: {result.message}"}
            args["clear_change"] = True
        else:
            retry = problem is None or isinstance(problem, TransientChannelError)
            reason = f"{problem.code}: {problem}" if problem else "the adapter gave no result"
            args = {"quantity": None, "error": reason, "clear_change": not retry}
        with engine.begin() as conn:
            listings_repo.record_push(conn, row.id, now=now, seen_change=row.changed_at, **args)
