from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from orderhub.db import migrate
from orderhub.db.schema import metadata


def test_migrations_build_exactly_the_schema_the_code_expects(engine: Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_upgrading_an_up_to_date_database_changes_nothing(engine: Engine) -> None:
    before = set(inspect(engine).get_table_names())
    migrate.upgrade(engine)
    assert set(inspect(engine).get_table_names()) == before
    assert {
        "orders",
        "order_lines",
        "order_events",
        "channel_orders",
        "shops",
        "skus",
        "bundle_components",
        "warehouses",
        "stock",
        "customers",
        "customer_identities",
    } <= before


def test_orders_are_unique_per_shop_and_platform_order_id(engine: Engine) -> None:
    uniques = inspect(engine).get_unique_constraints("orders")
    assert any(u["column_names"] == ["shop_id", "platform_order_id"] for u in uniques)


def test_a_database_with_orders_in_it_upgrades_from_the_first_schema(migrated_url: str) -> None:
    """Every migration must work on a filled database (SQLite may not rebuild orders)."""
    from sqlalchemy import text

    from orderhub.db.engine import make_engine

    engine = make_engine(migrated_url)
    try:
        migrate.downgrade(engine, "0001")
        now = "2026-11-11 00:00:00"
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO shops (code, name, platform, currency, home_province, created_at)"
                    f" VALUES ('s1', 'S', 'tmall', 'CNY', '', '{now}')"
                )
            )
            shop_id = conn.execute(text("SELECT id FROM shops WHERE code = 's1'")).scalar()
            conn.execute(
                text(
                    "INSERT INTO orders (shop_id, platform_order_id, channel, order_type, status,"
                    " payment_status, currency, goods_amount, discount_amount, shipping_fee,"
                    " total_amount, buyer_note, seller_note, receiver_name, receiver_phone,"
                    " receiver_country, receiver_province, receiver_city, receiver_district,"
                    " receiver_street, receiver_postcode, placed_at, platform_updated_at, created_at,"
                    f" updated_at, version) VALUES ({shop_id}, 'T1', 'tmall', 'retail', 'received',"
                    " 'paid', 'CNY', 1, 0, 0, 1, '', '', 'n', 'p', 'CN', 'x', 'y', 'z', 's', '',"
                    f" '{now}', '{now}', '{now}', '{now}', 1)"
                )
            )
            order_id = conn.execute(text("SELECT id FROM orders")).scalar()
            conn.execute(
                text(
                    "INSERT INTO order_lines (order_id, line_no, title, spec, quantity, unit_price,"
                    f" discount) VALUES ({order_id}, 1, 't', '', 1, 1, 0)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO order_events (order_id, kind, actor, reason, created_at)"
                    f" VALUES ({order_id}, 'received', 'a', '', '{now}')"
                )
            )
        migrate.upgrade(engine)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM order_lines")).scalar() == 1
            assert conn.execute(text("SELECT status FROM orders")).scalar() == "received"
    finally:
        with engine.begin() as conn:
            for table in ("order_events", "order_lines", "orders", "shops"):
                conn.execute(text(f"DELETE FROM {table}"))
        migrate.upgrade(engine)
        engine.dispose()
