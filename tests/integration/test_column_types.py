"""Money stays exact and times stay UTC through both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select

from orderhub.channels.ingest import ingest_orders
from orderhub.db import shops_repo
from orderhub.db.records import records
from orderhub.db.schema import orders
from orderhub.orders.domain import ShopRef
from tests.factories import draft


def _shop(engine: Engine) -> ShopRef:
    with engine.begin() as conn:
        shop = shops_repo.shop_by_code(conn, "manual")
    assert shop is not None
    return shop


def test_large_and_fine_amounts_round_trip_exactly(engine: Engine) -> None:
    big = Decimal("98765432109876.5432")
    goods = draft().goods_amount
    order = draft(shipping_fee=big - goods + Decimal("5.00"), total=big)
    with engine.begin() as conn:
        result = ingest_orders(conn, _shop(engine), [order])
        assert result.created == 1, result.invalid
        row = conn.execute(select(orders.c.total_amount, orders.c.shipping_fee)).one()
    assert row.total_amount == big
    assert isinstance(row.total_amount, Decimal)


def test_sums_in_sql_are_exact(engine: Engine) -> None:
    with engine.begin() as conn:
        ingest_orders(conn, _shop(engine), [draft(f"T{i}") for i in range(10)])
        total = conn.execute(select(func.sum(orders.c.total_amount))).scalar_one()
    assert total == Decimal("2029.00")


def test_times_come_back_as_the_same_instant_in_utc(engine: Engine) -> None:
    beijing = timezone(timedelta(hours=8))
    placed = datetime(2026, 11, 11, 0, 0, 1, 123456, tzinfo=beijing)
    with engine.begin() as conn:
        ingest_orders(
            conn,
            _shop(engine),
            [draft(placed_at=placed, paid_at=placed, platform_updated_at=placed)],
        )
        stored = conn.execute(select(orders.c.placed_at)).scalar_one()
    assert stored == placed
    assert stored.tzinfo is not None and stored.utcoffset() == timedelta(0)
    assert stored.hour == 16 and stored.day == 10


def test_naive_times_are_refused_before_they_reach_the_database(engine: Engine) -> None:
    from orderhub.db.types import UTCDateTime

    with pytest.raises(ValueError, match="naive"):
        UTCDateTime().process_bind_param(datetime(2026, 1, 1), engine.dialect)
    assert UTCDateTime().process_result_value(datetime(2026, 1, 1), engine.dialect) == datetime(
        2026, 1, 1, tzinfo=UTC
    )


def test_records_read_like_rows_with_the_same_exact_types(engine: Engine) -> None:
    """The pipeline's reads as named tuples: same values and types as SQLAlchemy's rows
    (exact amounts, UTC times), fields by column name or label, by index, unpacked."""
    with engine.begin() as conn:
        ingest_orders(conn, _shop(engine), [draft("R1"), draft("R2")])
        query = select(
            orders.c.platform_order_id, orders.c.total_amount, orders.c.placed_at.label("at")
        ).order_by(orders.c.platform_order_id)
        rows = conn.execute(query).all()
        found = records(conn.execute(query))
    assert [tuple(r) for r in found] == [tuple(r) for r in rows]
    first = found[0]
    assert first.platform_order_id == "R1" and isinstance(first.total_amount, Decimal)
    assert first.at.tzinfo is not None and first.at.utcoffset() == timedelta(0)
    number, total, _ = first
    assert (number, total) == (first[0], rows[0].total_amount)


def test_records_refuse_a_label_that_cannot_be_a_field_name(engine: Engine) -> None:
    with engine.begin() as conn, pytest.raises(ValueError, match="identifier"):
        records(conn.execute(select(func.count().label("order count"))))
