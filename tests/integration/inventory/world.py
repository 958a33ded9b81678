"""A seller with two warehouses (上海 华东, 广州 华南), carriers and rates, and orders that reach
`approved` through the real ingest, cleaning and review stages."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from importlib import resources
from typing import Any

from sqlalchemy import Engine, select

from orderhub.allocation import demo_carriers
from orderhub.channels.ingest import ingest_orders
from orderhub.db import catalog_repo, settings_repo, shops_repo
from orderhub.db.engine import writer
from orderhub.db.schema import order_holds, orders
from orderhub.inventory.actions import move, resolve
from orderhub.inventory.ledger import MovementKind
from orderhub.orders.domain import Address, LineDraft, OrderDraft, ShopRef, utc_now
from orderhub.pipeline.clean import run_cleaning
from orderhub.pipeline.review import run_review
from tests.factories import draft

D = Decimal
SKUS = {
    # code: (title, price, weight g, attributes)
    "TEE": ("T恤", "79.00", 200, {}),
    "MUG": ("陶瓷杯", "39.00", 400, {"fragile": True}),
    "ICE": ("冰淇淋", "59.00", 1000, {"cold_chain": True}),
    "SOFA": ("沙发", "1999.00", 40000, {"bulky": True, "volume_cm3": 900000}),
}
SHANGHAI = Address(
    name="张伟",
    phone="13812345678",
    province="上海市",
    city="上海市",
    district="浦东新区",
    street="世纪大道100号",
)
GUANGZHOU = Address(
    name="陈静",
    phone="13900002222",
    province="广东省",
    city="广州市",
    district="天河区",
    street="天河路385号",
)


def setup(
    engine: Engine, stock: dict[tuple[str, str], int], *, allocation: dict[str, Any] | None = None
) -> ShopRef:
    now = utc_now()
    with engine.begin() as conn:
        shop = shops_repo.create_shop(
            conn, code="tmall", name="天猫", platform="tmall", currency="CNY", now=now
        )
        if allocation is not None:
            shops_repo_settings(conn, shop.id, {"allocation": allocation})
        catalog_repo.insert_skus(
            conn,
            [
                {
                    "code": code,
                    "title": title,
                    "category": "",
                    "attributes": attrs,
                    "price": D(price),
                    "cost": None,
                    "weight_g": weight,
                    "barcode": None,
                    "is_bundle": False,
                    "created_at": now,
                }
                for code, (title, price, weight, attrs) in SKUS.items()
            ],
        )
        catalog_repo.insert_warehouses(
            conn,
            [
                {
                    "code": "WH-SH",
                    "name": "上海仓",
                    "region": "华东",
                    "province": "上海市",
                    "city": "上海市",
                    "district": "青浦区",
                },
                {
                    "code": "WH-GZ",
                    "name": "广州仓",
                    "region": "华南",
                    "province": "广东省",
                    "city": "广州市",
                    "district": "白云区",
                },
            ],
        )
        carriers = [c.to_dict() for c in demo_carriers()]
        settings_repo.put_setting(conn, "carriers", carriers, actor="test", now=now)
        rates = resources.files("orderhub.allocation").joinpath("demo_rates.csv").read_text("utf-8")
        settings_repo.put_setting(conn, "carrier_rates", rates, actor="test", now=now)
    receive(engine, stock)
    return shop


def shops_repo_settings(conn: Any, shop_id: int, settings: dict[str, Any]) -> None:
    from sqlalchemy import update

    from orderhub.db.schema import shops

    conn.execute(update(shops).where(shops.c.id == shop_id).values(settings=settings))


def receive(engine: Engine, stock: dict[tuple[str, str], int]) -> None:
    with writer(engine).begin() as conn:
        for (warehouse, sku), qty in stock.items():
            move(
                conn,
                resolve(conn, warehouse, sku),
                MovementKind.RECEIPT,
                qty,
                actor="test",
                reason="receipt",
            )


def order(
    no: str, items: dict[str, int], *, to: Address = SHANGHAI, minutes: int = 0, **changes: Any
) -> OrderDraft:
    lines = tuple(
        LineDraft(title=SKUS[sku][0], quantity=qty, unit_price=D(SKUS[sku][1]), sku_code=sku)
        for sku, qty in items.items()
    )
    total = sum((line.unit_price * line.quantity for line in lines), D(0))
    digits = f"{zlib.crc32(no.encode()) % 10**8:08d}"
    receiver = replace(to, phone=f"137{digits}", name=f"{to.name}{no}")
    return draft(
        no,
        minutes=minutes,
        lines=lines,
        total=total,
        order_discount=D(0),
        receiver=receiver,
        buyer_id=f"b-{no}",
        **changes,
    )


def approve(engine: Engine, shop: ShopRef, drafts: Sequence[OrderDraft]) -> None:
    with engine.begin() as conn:
        ingest_orders(conn, shop, list(drafts))
    run_cleaning(engine)
    run_review(engine)  # no rule set: every clean order is approved


def by_no(engine: Engine) -> dict[str, tuple[int, str]]:
    with engine.connect() as conn:
        return {
            r.platform_order_id: (r.id, r.status)
            for r in conn.execute(select(orders.c.id, orders.c.platform_order_id, orders.c.status))
        }


def holds(engine: Engine, order_id: int) -> list[str]:
    with engine.connect() as conn:
        query = select(order_holds.c.code).where(
            order_holds.c.order_id == order_id, order_holds.c.released_at.is_(None)
        )
        return sorted(r[0] for r in conn.execute(query))
