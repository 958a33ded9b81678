"""A small shop for review tests: SKUs with prices and costs, a gift, stock, orders in, cleaned."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, select, update

from orderhub.channels.ingest import ingest_orders
from orderhub.customers.grades import set_grade_rules
from orderhub.db import catalog_repo, shops_repo
from orderhub.db.schema import customers, order_holds, order_lines, orders
from orderhub.orders.domain import Address, LineDraft, OrderDraft, ShopRef, utc_now
from orderhub.pipeline.clean import run_cleaning
from orderhub.pipeline.review_actions import save_rule_set
from tests.factories import draft

D = Decimal

SEED_RULES: dict[str, Any] = {
    "note": "the issue's example",
    "rules": [
        {
            "name": "cross border",
            "when": "order.is_cross_border",
            "then": [{"hold": "customs/ID check"}],
        },
        {
            "name": "small A",
            "when": 'order.amount < 5000 and customer.grade == "A"',
            "then": ["approve"],
        },
        {
            "name": "sales manager",
            "when": "order.amount >= 5000 and order.amount < 20000",
            "then": [{"review": "sales_manager"}],
        },
        {
            "name": "finance",
            "when": 'order.amount >= 20000 or customer.credit == "C"',
            "then": [{"review": "finance"}],
        },
        {
            "name": "home",
            "when": "address.province == shop.home_province",
            "then": ["approve", {"tag": "local"}],
        },
    ],
}


def setup(engine: Engine, *, gift_stock: int = 10) -> ShopRef:
    now = utc_now()
    with engine.begin() as conn:
        shop = shops_repo.create_shop(
            conn,
            code="tmall",
            name="天猫",
            platform="tmall",
            currency="CNY",
            home_province="浙江省",
            now=now,
        )
        rows = [
            ("TS-BLK-XL", "T恤 黑 XL", "79.00", "30.00", "apparel"),
            ("BAG-CNV", "帆布包", "59.90", "20.00", "bags"),
            ("WATCH", "手表", "8000.00", "5000.00", "watches"),
            ("GIFT-BOX", "礼盒", "0.00", "3.00", "gifts"),
            ("ITEM", "定制商品", "1.00", "0.50", "custom"),  # priced per order: never an anomaly
        ]
        ids = catalog_repo.insert_skus(
            conn,
            [
                {
                    "code": c,
                    "title": t,
                    "category": cat,
                    "attributes": {},
                    "price": D(p),
                    "cost": D(cost),
                    "weight_g": 100,
                    "barcode": None,
                    "is_bundle": False,
                    "created_at": now,
                }
                for c, t, p, cost, cat in rows
            ],
        )
        wh = catalog_repo.insert_warehouses(
            conn,
            [
                {
                    "code": "WH-SH",
                    "name": "上海仓",
                    "region": "华东",
                    "province": "上海市",
                    "city": "上海市",
                }
            ],
        )
        catalog_repo.insert_stock(conn, [(wh["WH-SH"], ids["GIFT-BOX"], gift_stock)], now=now)
        # A: two orders or more; B: everyone else.
        set_grade_rules(
            conn, {"rules": [{"grade": "A", "min_orders": 2}, {"grade": "B"}]}, actor="test"
        )
    return shop


def order(
    no: str, amount: str | None = None, *, buyer: str = "buyer-1", **changes: Any
) -> OrderDraft:
    """A one-line order of `amount` (one custom item priced to match) to 上海 by `buyer`
    (each buyer with their own name and phone, so each is a customer of their own)."""
    digits = f"{zlib.crc32(buyer.encode()) % 10**8:08d}"
    person = replace(draft().receiver, name=f"买家{buyer}", phone=f"139{digits}")
    base = draft(no, buyer_id=buyer, **({"receiver": person} | changes))
    if amount is None:
        return base
    line = LineDraft(title="定制商品", quantity=1, unit_price=D(amount), sku_code="ITEM")
    return replace(base, lines=(line,), total=D(amount), order_discount=D(0), shipping_fee=D(0))


ZJ = Address(
    name="李娜",
    phone="13900001111",
    province="浙江省",
    city="杭州市",
    district="西湖区",
    street="文三路90号",
)
US = Address(
    name="Jane Roe",
    phone="+1 206 555 0100",
    country="US",
    province="WA",
    city="Seattle",
    street="1 Pike St",
    postcode="98101",
)


def ingest(engine: Engine, shop: ShopRef, drafts: Sequence[OrderDraft]) -> None:
    with engine.begin() as conn:
        ingest_orders(conn, shop, list(drafts))
    run_cleaning(engine)


def rules(engine: Engine, document: dict[str, Any] = SEED_RULES) -> int:
    with engine.begin() as conn:
        return save_rule_set(conn, document, actor="test", activate=True)


def ids(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            r.platform_order_id: r.id
            for r in conn.execute(select(orders.c.id, orders.c.platform_order_id))
        }


def status(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return {
            r.platform_order_id: r.status
            for r in conn.execute(select(orders.c.platform_order_id, orders.c.status))
        }


def open_holds(engine: Engine, order_id: int) -> list[str]:
    with engine.connect() as conn:
        query = select(order_holds.c.code).where(
            order_holds.c.order_id == order_id, order_holds.c.released_at.is_(None)
        )
        return sorted(r[0] for r in conn.execute(query))


def gift_lines(engine: Engine) -> dict[str, list[tuple[str, int]]]:
    with engine.connect() as conn:
        query = (
            select(orders.c.platform_order_id, order_lines.c.sku_code, order_lines.c.quantity)
            .join(orders, orders.c.id == order_lines.c.order_id)
            .where(order_lines.c.is_gift.is_(True))
        )
        out: dict[str, list[tuple[str, int]]] = {}
        for r in conn.execute(query):
            out.setdefault(r.platform_order_id, []).append((r.sku_code, r.quantity))
        return out


def set_customer(engine: Engine, order_no: str, **values: Any) -> None:
    with engine.begin() as conn:
        customer_id = conn.execute(
            select(orders.c.customer_id).where(orders.c.platform_order_id == order_no)
        ).scalar_one()
        conn.execute(update(customers).where(customers.c.id == customer_id).values(**values))
