"""The cleaning stage over real orders: addresses, phones, SKUs, bundles, holds, re-runs."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from sqlalchemy import Engine, select

from orderhub.bootstrap import Container
from orderhub.channels.ingest import ingest_orders
from orderhub.db import catalog_repo, shops_repo
from orderhub.db.schema import order_events, order_holds, order_lines, orders, skus
from orderhub.orders.domain import Address, LineDraft, ShopRef, utc_now
from orderhub.pipeline.clean import run_cleaning
from orderhub.pipeline.mapping import map_platform_sku, recheck_unmapped
from tests.factories import draft

D = Decimal


def setup_shop(engine: Engine) -> ShopRef:
    now = utc_now()
    with engine.begin() as conn:
        shop = shops_repo.create_shop(
            conn, code="tmall-flagship", name="天猫", platform="tmall", currency="CNY", now=now
        )
        ids = catalog_repo.insert_skus(
            conn,
            [
                {
                    "code": c,
                    "title": t,
                    "category": "",
                    "attributes": {},
                    "price": D(p),
                    "cost": None,
                    "weight_g": 0,
                    "barcode": None,
                    "is_bundle": b,
                    "created_at": now,
                }
                for c, t, p, b in [
                    ("TS-BLK-XL", "T恤 黑 XL", "79.00", False),
                    ("BAG-CNV", "帆布包", "59.90", False),
                    ("TS-3PACK", "T恤三件装", "199.00", True),
                ]
            ],
        )
        catalog_repo.insert_bundle_components(conn, ids["TS-3PACK"], [(ids["TS-BLK-XL"], 3)])
    return shop


def state(engine: Engine) -> dict[str, tuple[str, list[str]]]:
    with engine.connect() as conn:
        rows = conn.execute(select(orders.c.id, orders.c.platform_order_id, orders.c.status)).all()
        holds = conn.execute(
            select(order_holds.c.order_id, order_holds.c.code).where(
                order_holds.c.released_at.is_(None)
            )
        ).all()
    by_order: dict[int, list[str]] = {}
    for order_id, code in holds:
        by_order.setdefault(order_id, []).append(code)
    return {r.platform_order_id: (r.status, sorted(by_order.get(r.id, []))) for r in rows}


def test_clean_orders_go_on_and_the_rest_wait_with_their_reason(engine: Engine) -> None:
    shop = setup_shop(engine)
    partial = replace(
        draft().receiver, province="", city="深圳市", district="", street="南山区科技园科苑路15号"
    )
    unmapped = (LineDraft(title="神秘赠品", quantity=1, unit_price=D("0"), platform_sku_id="404"),)
    foreign = Address(
        name="Jane Roe",
        phone="+1 206 555 0100",
        country="US",
        province="WA",
        city="Seattle",
        street="1 Pike St",
        postcode="9810",
    )
    with engine.begin() as conn:
        ingest_orders(
            conn,
            shop,
            [
                draft("OK-1", receiver=partial),
                draft("NOSKU-1", lines=unmapped, total=D("0"), order_discount=D("0")),
                draft("ABROAD-1", receiver=foreign),
            ],
        )
    result = run_cleaning(engine)
    assert (result.cleaned, result.held) == (3, 2)
    assert state(engine) == {
        "OK-1": ("received", []),
        "NOSKU-1": ("on_hold", ["SKU_UNMAPPED"]),
        "ABROAD-1": ("on_hold", ["ADDRESS_UNRESOLVED"]),
    }
    with engine.connect() as conn:
        ok = conn.execute(select(orders).where(orders.c.platform_order_id == "OK-1")).one()
    assert (ok.receiver_province, ok.receiver_city, ok.receiver_district) == (
        "广东省",
        "深圳市",
        "南山区",
    )
    assert ok.receiver_division_code.startswith("440305") and ok.address_confidence >= 60
    assert ok.phone_kind == "mobile" and ok.phone_key == "+8613812345678"
    assert run_cleaning(engine).cleaned == 0  # a re-run finds nothing to do


def test_mapping_the_platform_sku_lets_waiting_orders_go_on(engine: Engine) -> None:
    shop = setup_shop(engine)
    lines = (
        LineDraft(
            title="T恤 黑色 XL", quantity=2, unit_price=D("79.00"), platform_sku_id="5012345678"
        ),
    )
    with engine.begin() as conn:
        ingest_orders(
            conn,
            shop,
            [
                draft(f"W-{i}", lines=lines, total=D("153.00"), order_discount=D("5.00"))
                for i in range(3)
            ],
        )
    run_cleaning(engine)
    assert {s for s, _ in state(engine).values()} == {"on_hold"}
    result = map_platform_sku(
        engine,
        platform_sku_id="5012345678",
        sku_code="TS-BLK-XL",
        shop="tmall-flagship",
        actor="user:li",
    )
    assert (result.waiting, result.released, result.still_held) == (3, 3, 0)
    assert list(state(engine).values()) == [("received", [])] * 3
    with engine.connect() as conn:
        stored = {
            tuple(r)
            for r in conn.execute(
                select(
                    order_lines.c.line_no,
                    order_lines.c.title,
                    order_lines.c.sku_code,
                    order_lines.c.sku_id,
                    order_lines.c.quantity,
                )
            )
        }
        kinds = [
            r[0] for r in conn.execute(select(order_events.c.kind).order_by(order_events.c.id))
        ]
        sku_id = conn.execute(select(skus.c.id).where(skus.c.code == "TS-BLK-XL")).scalar()
    assert stored == {(1, "T恤 黑色 XL", "TS-BLK-XL", sku_id, 2)}  # mapped in place
    assert kinds.count("cleaned") == 6 and "status_changed" in kinds


def test_a_seller_code_whose_sku_is_created_later_gets_the_skus_id(engine: Engine) -> None:
    shop = setup_shop(engine)
    lines = (
        LineDraft(title="新品", quantity=1, unit_price=D("20.00"), sku_code="NEW-1"),
        LineDraft(title="帆布包", quantity=1, unit_price=D("59.90"), sku_code="BAG-CNV"),
    )
    with engine.begin() as conn:
        ingest_orders(conn, shop, [draft("LATE-1", lines=lines, total=D("74.90"))])
    run_cleaning(engine)
    assert state(engine) == {"LATE-1": ("on_hold", ["SKU_UNMAPPED"])}
    with engine.begin() as conn:
        new = catalog_repo.insert_skus(
            conn,
            [
                {
                    "code": "NEW-1",
                    "title": "新品",
                    "category": "",
                    "attributes": {},
                    "price": D("20.00"),
                    "cost": None,
                    "weight_g": 0,
                    "barcode": None,
                    "is_bundle": False,
                    "created_at": utc_now(),
                }
            ],
        )
        result = recheck_unmapped(
            conn, platform_sku_id=None, shop=None, actor="user:li", reason="SKU NEW-1 created"
        )
    assert (result.released, result.still_held) == (1, 0)
    with engine.connect() as conn:
        stored = {
            r.sku_code: r.sku_id
            for r in conn.execute(select(order_lines.c.sku_code, order_lines.c.sku_id))
        }
        bag = conn.execute(select(skus.c.id).where(skus.c.code == "BAG-CNV")).scalar()
    assert stored == {"NEW-1": new["NEW-1"], "BAG-CNV": bag}


def test_a_bundle_line_becomes_its_components_with_the_same_amount(engine: Engine) -> None:
    shop = setup_shop(engine)
    bundle = (
        LineDraft(title="T恤三件装", quantity=1, unit_price=D("199.00"), sku_code="TS-3PACK"),
    )
    with engine.begin() as conn:
        ingest_orders(
            conn, shop, [draft("B-1", lines=bundle, total=D("194.00"), order_discount=D("5.00"))]
        )
    run_cleaning(engine)
    with engine.connect() as conn:
        rows = conn.execute(select(order_lines)).all()
    assert [(r.sku_code, r.quantity, r.bundle_sku_code) for r in rows] == [
        ("TS-BLK-XL", 3, "TS-3PACK")
    ]
    assert sum(r.unit_price * r.quantity - r.discount for r in rows) == D("199.00")
    assert state(engine)["B-1"] == ("received", [])


def jd_shop(engine: Engine) -> ShopRef:
    with engine.begin() as conn:
        return shops_repo.create_shop(
            conn, code="jd-store", name="京东", platform="jd", currency="CNY", now=utc_now()
        )


def customer_of(engine: Engine) -> dict[str, int | None]:
    with engine.connect() as conn:
        return dict(conn.execute(select(orders.c.platform_order_id, orders.c.customer_id)).all())


def test_the_same_buyer_on_two_channels_is_one_customer(engine: Engine) -> None:
    tmall, jd = setup_shop(engine), jd_shop(engine)
    other = replace(draft().receiver, name="李娜", phone="139 0000 1111")
    with engine.begin() as conn:
        ingest_orders(conn, tmall, [draft("T-1"), draft("T-2", receiver=other, buyer_id="tb_2")])
        ingest_orders(
            conn,
            jd,
            [
                draft(
                    "J-1",
                    minutes=60 * 30,
                    buyer_id="jd_zhang",
                    receiver=replace(draft().receiver, phone="+86 138-1234-5678"),
                )
            ],
        )
    run_cleaning(engine)
    owners = customer_of(engine)
    assert owners["T-1"] == owners["J-1"] is not None and owners["T-2"] not in (None, owners["T-1"])
    with engine.connect() as conn:
        reason = conn.execute(
            select(order_events.c.reason).where(
                order_events.c.kind == "cleaned",
                order_events.c.order_id
                == select(orders.c.id).where(orders.c.platform_order_id == "J-1").scalar_subquery(),
            )
        ).scalar_one()
    assert "same phone" in reason


def test_the_same_order_placed_again_on_another_channel_waits_as_a_suspected_duplicate(
    engine: Engine,
) -> None:
    tmall, jd = setup_shop(engine), jd_shop(engine)
    with engine.begin() as conn:
        ingest_orders(conn, tmall, [draft("T-9")])
    run_cleaning(engine)
    with engine.begin() as conn:
        ingest_orders(conn, jd, [draft("J-9", minutes=90, buyer_id="jd_zhang")])
    run_cleaning(engine)
    assert state(engine)["T-9"] == ("received", [])
    assert state(engine)["J-9"] == ("on_hold", ["DUPLICATE_SUSPECTED"])
    with engine.connect() as conn:
        detail = conn.execute(select(order_holds.c.detail)).scalar_one()
        first = conn.execute(
            select(orders.c.id).where(orders.c.platform_order_id == "T-9")
        ).scalar()
    assert f"(order {first})" in detail and "tmall-flagship" in detail


def test_a_product_mapping_and_a_sellers_alias_find_the_variant(engine: Engine) -> None:
    from orderhub.pipeline.mapping import add_spec_alias

    shop = setup_shop(engine)
    now = utc_now()
    with engine.begin() as conn:
        catalog_repo.insert_skus(
            conn,
            [
                {
                    "code": f"TS-{c}-XL",
                    "title": f"T恤 {n} XL",
                    "product_code": "TS",
                    "category": "",
                    "attributes": {"colour": n, "size": "XL"},
                    "price": D("79.00"),
                    "cost": None,
                    "weight_g": 0,
                    "barcode": None,
                    "is_bundle": False,
                    "created_at": now,
                }
                for c, n in (("BLACK", "黑色"), ("WHITE", "白色"))
            ],
        )
    line = LineDraft(
        title="纯棉T恤",
        quantity=1,
        unit_price=D("79.00"),
        platform_sku_id="ITEM-88",
        spec="颜色分类:黑色;尺码:加大",
    )
    with engine.begin() as conn:
        ingest_orders(
            conn, shop, [draft("P-1", lines=(line,), total=D("74.00"), order_discount=D("5.00"))]
        )
    run_cleaning(engine)
    mapped = map_platform_sku(
        engine, platform_sku_id="ITEM-88", sku_code="TS", shop=None, actor="user:li", product=True
    )
    assert (mapped.waiting, mapped.still_held) == (1, 1)  # 加大 is not a size it knows yet
    with engine.connect() as conn:
        detail = conn.execute(
            select(order_holds.c.detail).where(order_holds.c.released_at.is_(None))
        ).scalar_one()
    assert "product TS" in detail and "加大" in detail
    added = add_spec_alias(
        engine, attribute="size", canonical="XL", aliases=["加大"], actor="user:li"
    )
    assert (added.waiting, added.released) == (1, 1)
    assert state(engine)["P-1"] == ("received", [])
    with engine.connect() as conn:
        assert conn.execute(select(order_lines.c.sku_code)).scalar_one() == "TS-BLACK-XL"


def test_the_duplicate_window_is_the_sellers_setting(engine: Engine) -> None:
    from orderhub.db import settings_repo
    from orderhub.pipeline.clean import CLEANING_SETTINGS

    tmall, jd = setup_shop(engine), jd_shop(engine)
    with engine.begin() as conn:
        settings_repo.put_setting(
            conn, CLEANING_SETTINGS, {"duplicate_window_hours": 1}, actor="user:li", now=utc_now()
        )
        ingest_orders(conn, tmall, [draft("T-5")])
        ingest_orders(conn, jd, [draft("J-5", minutes=90, buyer_id="jd_zhang")])
    run_cleaning(engine)
    assert state(engine)["J-5"] == ("received", [])  # 90 minutes apart: outside a 1-hour window


def test_a_new_buyers_second_order_in_the_same_batch_names_the_real_customer(
    engine: Engine,
) -> None:
    shop = setup_shop(engine)
    with engine.begin() as conn:
        ingest_orders(conn, shop, [draft("N-1"), draft("N-2", minutes=3 * 24 * 60)])
    run_cleaning(engine)
    owners = customer_of(engine)
    assert owners["N-1"] == owners["N-2"] is not None
    with engine.connect() as conn:
        reasons = [
            r[0]
            for r in conn.execute(
                select(order_events.c.reason).where(order_events.c.kind == "cleaned")
            )
        ]
    assert all("-1" not in r for r in reasons)
    assert any(f"as customer {owners['N-1']}" in r for r in reasons)


def test_pipeline_run_and_address_normalize_from_the_command_line(container: Container) -> None:
    from tests.integration.test_cli import run_json

    engine = container.engine
    shop = setup_shop(engine)
    bag = (LineDraft(title="帆布包", quantity=1, unit_price=D("59.90"), sku_code="BAG-CNV"),)
    with engine.begin() as conn:
        ingest_orders(
            conn, shop, [draft("C-1"), draft("C-2", minutes=45, lines=bag, total=D("54.90"))]
        )
    first = run_json(container, "pipeline", "run")
    assert (first["cleaned"], first["held"], first["merge_suggestions"]) == (2, 0, 1)
    assert run_json(container, "pipeline", "run")["cleaned"] == 0
    found = run_json(container, "address", "normalize", "深圳市南山区科技园")
    assert (found["province"], found["city"], found["district"]) == ("广东省", "深圳市", "南山区")
    assert found["code"].startswith("440305") and found["notes"]
