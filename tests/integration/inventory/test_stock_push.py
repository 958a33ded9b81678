"""Stock push on a real database, over HTTP to the Shopify and TOP simulators on 127.0.0.1:
rules, debounce, zero at once, the full push, refusals, unsupported platforms, the scheduler
and the CLI."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text, update

from orderhub.bootstrap import Container
from orderhub.channels.ingest import ingest_orders
from orderhub.channels.simulators.base import Failure, FailurePlan
from orderhub.channels.simulators.shopify_inventory import (
    DEFAULT_LOCATION_ID,
    INVENTORY_ITEM_BASE,
    ShopifyStoreUrl,
    Variant,
    run_shopify_store,
)
from orderhub.channels.simulators.taobao import run_top
from orderhub.channels.simulators.taobao_stock import TopItems
from orderhub.db import listings_repo, settings_repo, shops_repo, stock_repo
from orderhub.db.engine import writer
from orderhub.db.schema import skus
from orderhub.db.schema_inventory import channel_listings
from orderhub.errors import BusinessError
from orderhub.inventory import push
from orderhub.inventory.actions import Reservation, move, reserve, resolve
from orderhub.inventory.ledger import MovementKind
from orderhub.orders.domain import utc_now
from orderhub.workers.scheduler import PullScheduler
from tests.integration.inventory import world
from tests.integration.test_cli import run, run_json

TOKEN = "shpat_push"
VARIANT_IDS = {"TEE": 1001, "MUG": 1002, "ICE": 1003}
VARIANTS = [Variant(v, sku, INVENTORY_ITEM_BASE + v) for sku, v in VARIANT_IDS.items()]
SHOP = "shopify-cn"


def item(sku: str) -> int:
    return INVENTORY_ITEM_BASE + VARIANT_IDS[sku]


@pytest.fixture
def store() -> Iterator[ShopifyStoreUrl]:
    with run_shopify_store([], access_token=TOKEN, variants=VARIANTS) as url:
        yield url


def add_shop(engine: Engine, code: str, platform: str, credentials: dict[str, Any]) -> None:
    with engine.begin() as conn:
        shops_repo.create_shop(
            conn, code=code, name=code, platform=platform, currency="CNY",
            credentials=credentials, now=utc_now(),
        )  # fmt: skip


def add_shopify(engine: Engine, url: str, **changes: str) -> None:
    creds = {"base_url": url, "access_token": TOKEN, "location_id": str(DEFAULT_LOCATION_ID)}
    add_shop(engine, SHOP, "shopify", {**creds, **changes})


def map_skus(engine: Engine, shop: str = SHOP, **listings: str) -> None:
    with writer(engine).begin() as conn:
        for sku, listing_id in listings.items():
            push.map_listing(conn, shop, sku, listing_id)


def map_variants(engine: Engine, *skus: str) -> None:
    map_skus(engine, **{sku: str(VARIANT_IDS[sku]) for sku in skus})


def adjust(engine: Engine, warehouse: str, sku: str, quantity: int) -> None:
    with writer(engine).begin() as conn:
        key = resolve(conn, warehouse, sku)
        move(conn, key, MovementKind.ADJUSTMENT, quantity, actor="test", reason="sold offline")


def later(seconds: float) -> datetime:
    return utc_now() + timedelta(seconds=seconds)


def views(engine: Engine) -> dict[str, dict[str, Any]]:
    with engine.connect() as conn:
        return {f"{v['shop']}/{v['sku']}": v for v in push.listing_views(conn)}


def outcome(summary: push.PushSummary, shop: str = SHOP) -> push.ShopPush:
    (found,) = [s for s in summary.shops if s.shop == shop]
    return found


def counts(summary: push.PushSummary, shop: str = SHOP) -> tuple[int, int, int, int]:
    found = outcome(summary, shop)
    return found.pushed, found.unchanged, found.failed, found.skipped


def test_a_rule_of_half_with_reserve_and_cap_publishes_the_right_figures(
    engine: Engine, store: ShopifyStoreUrl
) -> None:
    stock = {("WH-SH", "TEE"): 30, ("WH-GZ", "TEE"): 20, ("WH-SH", "MUG"): 9, ("WH-GZ", "MUG"): 7}
    world.setup(engine, {**stock, ("WH-SH", "ICE"): 3})
    add_shopify(engine, store)
    rules = {
        "rule": {"percentage": 50, "fixed_reserve": 2, "maximum": 20},
        "skus": {"MUG": {"warehouses": ["WH-GZ"]}},
    }
    with writer(engine).begin() as conn:
        push.save_rules(conn, SHOP, rules)
    map_variants(engine, "TEE", "MUG", "ICE")
    with engine.connect() as conn:
        shop = shops_repo.shop_by_code(conn, SHOP)
        assert shop is not None
        computed = {row.sku: quantity for row, quantity in push.compute(conn, shop)}
    # TEE: 50 x 50 % - 2 = 23, capped at 20; MUG: only WH-GZ, 7 x 50 % = 3 - 2; ICE: 1 - 2 -> 0
    assert computed == {"TEE": 20, "MUG": 1, "ICE": 0}
    summary = push.push_due(engine, force=True)
    assert counts(summary) == (3, 0, 0, 0)
    assert store.inventory.available == {item("TEE"): 20, item("MUG"): 1, item("ICE"): 0}
    listed = views(engine)
    assert [listed[f"{SHOP}/{s}"]["last_pushed"] for s in ("TEE", "MUG", "ICE")] == [20, 1, 0]
    assert all(v["changed_at"] is None and v["last_error"] == "" for v in listed.values())


def test_a_tmall_shop_is_pushed_through_top(engine: Engine) -> None:
    world.setup(engine, {("WH-SH", "TEE"): 12, ("WH-GZ", "MUG"): 4})
    items = TopItems({"600000000000001": [], "600000000000002": ["5000000000000021"]})
    creds = {"app_key": "23456789", "app_secret": "top-secret", "session": "sess-9"}
    with run_top([], **creds, items=items) as url:
        add_shop(engine, "tmall-top", "tmall", {**creds, "base_url": url})
        map_skus(engine, "tmall-top", TEE="600000000000002:5000000000000021")
        map_skus(engine, "tmall-top", MUG="600000000000001")
        summary = push.push_due(engine, shop="tmall-top")
    assert counts(summary, "tmall-top") == (2, 0, 0, 0)  # the first run of a shop is a full push
    assert items.log.last_quantity() == {
        "600000000000002:5000000000000021": 12,
        "600000000000001": 4,
    }


def test_a_receipt_is_pushed_once_the_debounce_is_over(
    engine: Engine, store: ShopifyStoreUrl
) -> None:
    world.setup(engine, {("WH-SH", "TEE"): 10})
    add_shopify(engine, store)
    map_variants(engine, "TEE")
    push.push_due(engine, force=True)
    world.receive(engine, {("WH-GZ", "TEE"): 5})
    assert views(engine)[f"{SHOP}/TEE"]["changed_at"] is not None
    waiting = push.push_due(engine, now=later(20))
    assert counts(waiting) == (0, 0, 0, 0) and outcome(waiting).waiting == 1
    assert store.inventory.available[item("TEE")] == 10
    assert counts(push.push_due(engine, now=later(31))) == (1, 0, 0, 0)
    assert store.inventory.available[item("TEE")] == 15
    assert views(engine)[f"{SHOP}/TEE"]["changed_at"] is None


def test_a_burst_of_changes_is_one_push_and_max_delay_bounds_the_wait(
    engine: Engine, store: ShopifyStoreUrl
) -> None:
    world.setup(engine, {("WH-SH", "TEE"): 10, ("WH-SH", "MUG"): 10})
    add_shopify(engine, store)
    map_variants(engine, "TEE", "MUG")
    push.push_due(engine, force=True)
    calls = store.inventory.log.calls
    for _ in range(5):
        world.receive(engine, {("WH-SH", "TEE"): 1})
    assert counts(push.push_due(engine, now=later(5))) == (0, 0, 0, 0)
    assert counts(push.push_due(engine, now=later(31))) == (1, 0, 0, 0)
    assert counts(push.push_due(engine, now=later(62))) == (0, 0, 0, 0)
    assert store.inventory.log.calls == calls + 1
    assert store.inventory.available[item("TEE")] == 15

    world.receive(engine, {("WH-SH", "MUG"): 2})  # changes for 6 minutes, the last one just now
    with engine.begin() as conn:
        stmt = update(channel_listings).where(channel_listings.c.changed_at.is_not(None))
        conn.execute(stmt.values(first_changed_at=utc_now() - timedelta(minutes=6)))
    assert counts(push.push_due(engine)) == (1, 0, 0, 0)
    assert store.inventory.available[item("MUG")] == 12


def test_selling_the_last_unit_publishes_zero_at_once(
    engine: Engine, store: ShopifyStoreUrl
) -> None:
    shop = world.setup(engine, {("WH-SH", "TEE"): 1, ("WH-SH", "MUG"): 5, ("WH-GZ", "ICE"): 2})
    add_shopify(engine, store)
    map_variants(engine, "TEE", "MUG", "ICE")
    push.push_due(engine, force=True)
    with engine.begin() as conn:
        ingest_orders(conn, shop, [world.order("T1", {"TEE": 1})])
    order_id, _ = world.by_no(engine)["T1"]
    with writer(engine).begin() as conn:  # the last TEE is sold: held for the order
        key = resolve(conn, "WH-SH", "TEE")
        stock_repo.lock(conn, [key], now=utc_now())
        reserve(conn, [Reservation(order_id, 1, *key, 1)], actor="test")
    adjust(engine, "WH-GZ", "ICE", -2)
    world.receive(engine, {("WH-SH", "MUG"): 1})
    summary = push.push_due(engine)  # no waiting: the zeros go now, the other change waits
    assert counts(summary) == (2, 0, 0, 0) and outcome(summary).waiting == 1
    assert store.inventory.available == {item("TEE"): 0, item("MUG"): 5, item("ICE"): 0}
    assert [p.quantity for p in store.inventory.log.received if p.item == str(item("TEE"))] == [
        1,
        0,
    ]


def test_the_periodic_and_forced_full_push_send_only_changed_values(
    engine: Engine, store: ShopifyStoreUrl
) -> None:
    world.setup(engine, {("WH-SH", "TEE"): 10, ("WH-SH", "MUG"): 5, ("WH-SH", "ICE"): 3})
    add_shopify(engine, store)
    map_variants(engine, "TEE", "MUG", "ICE")
    assert counts(push.push_due(engine)) == (3, 0, 0, 0)  # first run: a full push
    mug = select(skus.c.id).where(skus.c.code == "MUG").scalar_subquery()
    with engine.begin() as conn:  # as if a push had been lost: the platform shows 4
        conn.execute(
            update(channel_listings).values(last_pushed=4).where(channel_listings.c.sku_id == mug)
        )
    assert counts(push.push_due(engine, now=later(600))) == (0, 0, 0, 0)  # nothing marked
    calls = store.inventory.log.calls
    summary = push.push_due(engine, now=later(3601))
    assert outcome(summary).full and counts(summary) == (1, 2, 0, 0)
    assert store.inventory.log.calls == calls + 1
    assert [(p.item, p.quantity) for p in store.inventory.log.received[-1:]] == [
        (str(item("MUG")), 5)
    ]
    assert counts(push.push_due(engine, force=True)) == (0, 3, 0, 0)
    assert store.inventory.log.calls == calls + 1


def test_an_unknown_listing_is_recorded_and_the_others_are_pushed(
    engine: Engine, store: ShopifyStoreUrl
) -> None:
    world.setup(engine, {("WH-SH", "TEE"): 6, ("WH-SH", "MUG"): 7, ("WH-SH", "ICE"): 8})
    add_shopify(engine, store)
    map_variants(engine, "TEE", "ICE")
    map_skus(engine, MUG="999999")
    assert counts(push.push_due(engine)) == (2, 0, 1, 0)
    assert store.inventory.available == {item("TEE"): 6, item("ICE"): 8}
    mug = views(engine)[f"{SHOP}/MUG"]
    assert mug["last_error"].startswith("STOCK_PUSH_ITEM_NOT_FOUND: Shopify refused 999999")
    assert mug["last_pushed"] is None and mug["changed_at"] is None  # not retried every run
    calls = store.inventory.log.calls
    assert counts(push.push_due(engine, now=later(60))) == (0, 0, 0, 0)
    assert store.inventory.log.calls == calls
    map_variants(engine, "MUG")  # the seller fixes the id
    assert counts(push.push_due(engine, now=later(31))) == (1, 0, 0, 0)
    assert views(engine)[f"{SHOP}/MUG"]["last_error"] == ""
    assert store.inventory.available[item("MUG")] == 7


def test_an_unsupported_platform_is_skipped_with_a_note(
    engine: Engine, store: ShopifyStoreUrl
) -> None:
    world.setup(engine, {("WH-SH", "TEE"): 4})
    add_shopify(engine, store)
    add_shop(engine, "jd-flagship", "jd", {"base_url": "http://127.0.0.1:9"})
    map_variants(engine, "TEE")
    map_skus(engine, "jd-flagship", TEE="10086")
    summary = push.push_due(engine)
    assert counts(summary, "jd-flagship") == (0, 0, 0, 1)
    assert "'jd' cannot receive stock pushes" in outcome(summary, "jd-flagship").note
    assert counts(summary) == (1, 0, 0, 0)
    assert views(engine)["jd-flagship/TEE"]["last_error"].startswith("STOCK_PUSH_UNSUPPORTED")


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"access_token": "shpat_old"}, "CHANNEL_AUTH"),
        ({"location_id": ""}, "STOCK_PUSH_NOT_CONFIGURED"),
        ({"base_url": ""}, "STOCK_PUSH_NOT_CONFIGURED"),
    ],
)
def test_a_shop_refused_as_a_whole_records_why_on_each_listing(
    engine: Engine, store: ShopifyStoreUrl, change: dict[str, str], code: str
) -> None:
    world.setup(engine, {("WH-SH", "TEE"): 2, ("WH-SH", "MUG"): 3})
    add_shopify(engine, store, **change)
    map_variants(engine, "TEE", "MUG")
    summary = push.push_due(engine)
    assert counts(summary) == (0, 0, 2, 0) and outcome(summary).note.startswith(code)
    assert {v["last_error"].split(":")[0] for v in views(engine).values()} == {code}
    assert store.inventory.log.accepted() == []
    assert counts(push.push_due(engine, now=later(60))) == (0, 0, 0, 0)  # not hammered


def test_a_transient_failure_keeps_the_change_for_the_next_run(
    engine: Engine, store: ShopifyStoreUrl
) -> None:
    world.setup(engine, {("WH-SH", "TEE"): 9})
    plan = FailurePlan(rate=1.0, kinds=(Failure.RATE_LIMIT,), retry_after=1)
    with run_shopify_store([], access_token=TOKEN, variants=VARIANTS, failures=plan) as busy:
        add_shopify(engine, busy)
        map_variants(engine, "TEE")
        failed = push.push_due(engine)
    assert counts(failed) == (0, 0, 1, 0) and "429" in outcome(failed).note
    tee = views(engine)[f"{SHOP}/TEE"]
    assert tee["changed_at"] is not None and tee["last_pushed"] is None
    assert tee["last_error"].startswith("CHANNEL_TRANSIENT")

    def healthy(shop: Any, timeout: float) -> Any:
        return push.http_for(_with_url(shop, store), timeout)

    assert counts(push.push_due(engine, http_factory=healthy)) == (1, 0, 0, 0)
    assert store.inventory.available == {item("TEE"): 9}
    assert views(engine)[f"{SHOP}/TEE"]["last_error"] == ""


def _with_url(shop: shops_repo.ShopRecord, url: str) -> shops_repo.ShopRecord:
    return replace(shop, credentials={**shop.credentials, "base_url": url})


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"rule": {"percentage": 150}}, "rule.percentage"),
        ({"rule": {"warehouses": ["WH-XX"]}}, "rule.warehouses"),
        ({"rule": {"minimum": 5, "maximum": 2}}, "rule.minimum"),
        ({"skus": {"NOPE": {}}}, "skus.NOPE"),
        ({"rule": {"maximum": 3}, "skus": {"MUG": {"minimum": 4}}}, "skus.MUG.minimum"),
        ({"rule": {"percent": 50}}, "rule.percent"),
        ({"percentage": 50}, "rule"),
    ],
)
def test_a_bad_rule_is_refused_with_the_field(
    engine: Engine, document: dict[str, Any], field: str
) -> None:
    world.setup(engine, {})
    with pytest.raises(BusinessError) as caught, writer(engine).begin() as conn:
        push.save_rules(conn, "tmall", document)
    assert caught.value.code == "STOCK_PUBLISH_RULE_INVALID"
    assert caught.value.details["field"] == field
    with engine.connect() as conn:
        assert push.shop_rules(conn, "tmall").to_dict()["rule"]["percentage"] == "100"


def test_timings_come_from_the_stock_push_setting(engine: Engine, store: ShopifyStoreUrl) -> None:
    world.setup(engine, {("WH-SH", "TEE"): 3})
    add_shopify(engine, store)
    map_variants(engine, "TEE")
    push.push_due(engine)
    with engine.begin() as conn:
        settings_repo.put_setting(
            conn, "stock_push", {"debounce_seconds": 5}, actor="test", now=utc_now()
        )
    world.receive(engine, {("WH-SH", "TEE"): 1})
    assert counts(push.push_due(engine, now=later(6))) == (1, 0, 0, 0)
    with engine.begin() as conn:
        bad = {"debounce_seconds": 600}  # longer than max_delay_seconds (300)
        settings_repo.put_setting(conn, "stock_push", bad, actor="test", now=utc_now())
    with pytest.raises(BusinessError) as caught:
        push.push_due(engine)
    assert caught.value.code == "STOCK_SETTING_INVALID"
    assert caught.value.details["field"] == "max_delay_seconds"


def test_the_scheduler_pushes_a_zero_at_once_and_survives_errors(
    engine: Engine, store: ShopifyStoreUrl
) -> None:
    world.setup(engine, {("WH-SH", "TEE"): 3})
    add_shopify(engine, store)
    with engine.begin() as conn:  # the periodic full push is not due: only the zero goes
        listings_repo.save_full_push_times(conn, [SHOP], now=utc_now())
    scheduler = PullScheduler(engine, push_every_seconds=0.1)
    scheduler.start()
    try:
        map_variants(engine, "MUG")  # no stock at all: published as 0 at once
        deadline = time.monotonic() + 10
        while item("MUG") not in store.inventory.available and time.monotonic() < deadline:
            time.sleep(0.05)
        assert store.inventory.available == {item("MUG"): 0}
        with engine.begin() as conn:
            settings_repo.put_setting(conn, "stock_push", {"x": 1}, actor="test", now=utc_now())
        scheduler.push_stock()  # refused setting: logged, not raised
        assert scheduler.scheduler.get_job("stock-push") is not None
    finally:
        scheduler.shutdown()


def test_the_cli_maps_sets_rules_lists_and_pushes(
    container: Container, store: ShopifyStoreUrl, tmp_path: Path
) -> None:
    world.setup(container.engine, {("WH-SH", "TEE"): 40})
    add_shopify(container.engine, store)
    run(container, "publish", "map", SHOP, "TEE", str(VARIANT_IDS["TEE"]))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"rule": {"percentage": "half"}}), encoding="utf-8")
    refused = run(container, "publish", "rule", SHOP, str(bad), ok=False)
    assert refused.returncode == 1 and "percentage" in refused.stderr
    good = tmp_path / "rule.json"
    good.write_text(json.dumps({"rule": {"percentage": 25, "fixed_reserve": 1}}), encoding="utf-8")
    assert run_json(container, "publish", "rule", SHOP, str(good))["rule"]["percentage"] == "25"
    (listed,) = run_json(container, "publish", "list", "--shop", SHOP)
    assert (listed["sku"], listed["computed"], listed["last_pushed"]) == ("TEE", 9, None)
    pushed = run_json(container, "publish", "push", "--force")
    assert (pushed["pushed"], pushed["failed"]) == (1, 0)
    assert store.inventory.available == {item("TEE"): 9}
    table = run(container, "publish", "list").stdout
    assert "TEE" in table and str(VARIANT_IDS["TEE"]) in table


def test_pushes_of_a_shop_at_once_send_each_quantity_once(
    engine: Engine, store: ShopifyStoreUrl
) -> None:
    world.setup(engine, {("WH-SH", "TEE"): 5, ("WH-SH", "MUG"): 6, ("WH-SH", "ICE"): 7})
    add_shopify(engine, store)
    map_variants(engine, "TEE", "MUG", "ICE")
    start = threading.Barrier(4)
    summaries: list[push.PushSummary] = []

    def run_push() -> None:
        start.wait()
        summaries.append(push.push_due(engine, force=True))

    threads = [threading.Thread(target=run_push) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(counts(s) for s in summaries) == [(0, 3, 0, 0)] * 3 + [(3, 0, 0, 0)]
    assert len(store.inventory.log.received) == 3


def test_a_push_waits_for_another_process_holding_the_shop(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("across processes the turn is a PostgreSQL advisory lock")
    world.setup(engine, {})
    with engine.connect() as conn:
        shop = shops_repo.shop_by_code(conn, "tmall")
    assert shop is not None
    with engine.connect() as other:  # another process's session holding the shop's turn
        other.execute(text("SELECT pg_advisory_lock(:c, :s)"), {"c": 0x5054, "s": shop.id})
        with listings_repo.push_turn(engine, shop.id, wait=0.3) as got:
            assert not got
        other.execute(text("SELECT pg_advisory_unlock(:c, :s)"), {"c": 0x5054, "s": shop.id})
    with listings_repo.push_turn(engine, shop.id, wait=0.3) as got:
        assert got
