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
