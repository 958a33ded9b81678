"""Load generated demo data: catalog in bulk, orders through the real ingest path and state machine."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine

from orderhub.channels.ingest import ingest_orders
from orderhub.db import catalog_repo, cleaning_repo, orders_repo, shops_repo
from orderhub.demo.model import DemoData, DemoOrder
from orderhub.normalize.sku_mapping import SkuCatalog
from orderhub.orders.actions import transition_many
from orderhub.orders.domain import ShopRef, utc_now
from orderhub.orders.lifecycle import MAIN_PATH, OrderStatus
from orderhub.pipeline.clean import clean_batch

S = OrderStatus
# Demo orders walk the main path (skipping manual review) up to their target status.
HAPPY_PATH = tuple(s for s in MAIN_PATH if s is not S.PENDING_REVIEW)
BATCH = 500

Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class LoadSummary:
    shops: int
    skus: int
    warehouses: int
    orders: int


def path_to(target: OrderStatus) -> list[OrderStatus]:
    """The statuses a new order passes through to reach `target` (excluding `received`)."""
    if target in HAPPY_PATH:
        return list(HAPPY_PATH[1 : HAPPY_PATH.index(target) + 1])
    return [target]


def load_demo(engine: Engine, data: DemoData, *, progress: Progress | None = None) -> LoadSummary:
    now = utc_now()
    with engine.begin() as conn:
        shops = {
            s.code: shops_repo.create_shop(
                conn,
                code=s.code,
                name=s.name,
                platform=s.platform,
                currency=s.currency,
                home_province=s.home_province,
                now=now,
            )
            for s in data.shops
        }
        _load_catalog(conn, data)
        catalog = cleaning_repo.load_catalog(conn)
    by_shop: dict[str, list[DemoOrder]] = defaultdict(list)
    for order in data.orders:
        by_shop[order.shop_code].append(order)
    for code, shop_orders in by_shop.items():
        for start in range(0, len(shop_orders), BATCH):
            batch = shop_orders[start : start + BATCH]
            with engine.begin() as conn:
                _ingest_and_advance(conn, shops[code], batch, catalog)
            if progress:
                progress(len(batch))
    _review(engine)
    return LoadSummary(
        shops=len(shops),
        skus=len(data.skus) + len(data.bundles),
        warehouses=len(data.warehouses),
        orders=len(data.orders),
    )


def _review(engine: Engine) -> None:
    """Activate the demo rules and carriers (once), then review and allocate the orders still
    waiting, like `pipeline run`."""
    from orderhub.db import review_repo
    from orderhub.demo.rules import DEMO_RULES
    from orderhub.pipeline.allocate import run_allocation
    from orderhub.pipeline.review import run_review
    from orderhub.pipeline.review_actions import save_rule_set

    with engine.begin() as conn:
        if review_repo.active_rule_set(conn) is None:
            save_rule_set(conn, DEMO_RULES, actor="demo", activate=True)
        _carriers(conn)
    run_review(engine)
    run_allocation(engine)


def _carriers(conn: Connection) -> None:
    """The demo carriers and their rate table, unless the seller has set their own."""
    from importlib import resources

    from orderhub.allocation import demo_carriers
    from orderhub.db import settings_repo

    now = utc_now()
    if settings_repo.get_setting(conn, "carriers") is None:
        carriers = [c.to_dict() for c in demo_carriers()]
        settings_repo.put_setting(conn, "carriers", carriers, actor="demo", now=now)
    if settings_repo.get_setting(conn, "carrier_rates") is None:
        rates = resources.files("orderhub.allocation").joinpath("demo_rates.csv").read_text("utf-8")
        settings_repo.put_setting(conn, "carrier_rates", rates, actor="demo", now=now)


def _load_catalog(conn: Connection, data: DemoData) -> None:
    now = utc_now()
    sku_rows = [
        {
            "code": s.code,
            "title": s.title,
            "product_code": s.product,
            "category": s.category,
            "attributes": s.attributes,
            "price": s.price,
            "cost": s.cost,
            "weight_g": s.weight_g,
            "barcode": s.barcode,
            "is_bundle": False,
            "created_at": now,
        }
        for s in data.skus
    ] + [
        {
            "code": b.code,
            "product_code": "",
            "title": b.title,
            "category": b.category,
            "attributes": {},
            "price": b.price,
            "cost": None,
            "weight_g": 0,
            "barcode": None,
            "is_bundle": True,
            "created_at": now,
        }
        for b in data.bundles
    ]
    sku_ids = catalog_repo.insert_skus(conn, sku_rows)
    for bundle in data.bundles:
        catalog_repo.insert_bundle_components(
            conn, sku_ids[bundle.code], [(sku_ids[c], q) for c, q in bundle.components]
        )
    wh_ids = catalog_repo.insert_warehouses(
        conn,
        [
            {
                "code": w.code,
                "name": w.name,
                "region": w.region,
                "province": w.province,
                "city": w.city,
                "district": w.district,
                "street": w.street,
                "active": True,
            }
            for w in data.warehouses
        ],
    )
    catalog_repo.insert_stock(conn, [(wh_ids[w], sku_ids[s], q) for w, s, q in data.stock], now=now)


def _ingest_and_advance(
    conn: Connection, shop: ShopRef, batch: list[DemoOrder], catalog: SkuCatalog
) -> None:
    """Ingest, clean (customers, SKUs, addresses: like real orders), then walk each order that
    is free to go on to its demo status; orders cleaning put on hold stay there."""
    result = ingest_orders(conn, shop, [o.draft for o in batch])
    if result.invalid:
        raise ValueError(f"demo generated invalid orders: {result.invalid[:3]}")
    ids = [result.order_ids[o.draft.platform_order_id] for o in batch]
    clean_batch(conn, catalog, ids)
    free = {i for i, status in orders_repo.statuses_of(conn, ids).items() if status == "received"}
    paths = {
        order_id: path_to(o.target_status)
        for order_id, o in zip(ids, batch, strict=True)
        if o.target_status is not OrderStatus.RECEIVED and order_id in free
    }
    for step in range(max((len(p) for p in paths.values()), default=0)):
        by_target: dict[OrderStatus, list[int]] = defaultdict(list)
        for order_id, path in paths.items():
            if step < len(path):
                by_target[path[step]].append(order_id)
        for target, ids in by_target.items():
            moved = transition_many(conn, ids, target, actor="demo", reason="demo: simulated work")
            if moved.refused:
                raise ValueError(f"demo could not move orders: {list(moved.refused.values())[:3]}")
