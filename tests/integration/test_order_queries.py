"""Listing and searching orders: filters, text search, keyset pagination."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from orderhub.channels.ingest import ingest_orders
from orderhub.db import orders_repo
from orderhub.db.orders_repo import BadCursor
from orderhub.orders.actions import transition_many
from orderhub.orders.lifecycle import OrderStatus
from orderhub.orders.views import OrderFilter
from tests.factories import BASE_TIME, draft
from tests.integration.test_ingest import make_shop


@pytest.fixture
def shop_with_orders(engine: Engine) -> dict[str, int]:
    shop, other = make_shop(engine, "tmall-flagship"), make_shop(engine, "jd-store")
    people = [("王芳", "13900001111"), ("李娜", "13700002222"), ("刘洋", "18600003333")]
    drafts = [
        draft(
            f"10{i:02d}",
            minutes=i * 60,
            receiver=replace(draft().receiver, name=people[i % 3][0], phone=people[i % 3][1]),
        )
        for i in range(30)
    ]
    with engine.begin() as conn:
        ids = ingest_orders(conn, shop, drafts).order_ids
        ids.update(ingest_orders(conn, other, [draft("JD-777", minutes=5)]).order_ids)
        transition_many(
            conn, [ids["1000"], ids["1001"]], OrderStatus.APPROVED, actor="t", reason="r"
        )
    return ids


def page(engine: Engine, limit: int = 50, cursor: str | None = None, **filters: object):
    with engine.connect() as conn:
        return orders_repo.list_orders(conn, OrderFilter(**filters), limit=limit, cursor=cursor)


def test_pages_walk_every_order_once_newest_first(engine: Engine, shop_with_orders) -> None:
    seen, cursor = [], None
    while True:
        result = page(engine, limit=7, cursor=cursor)
        seen += [o.platform_order_id for o in result.items]
        cursor = result.next_cursor
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 31
    placed = [o.placed_at for o in page(engine, limit=100).items]
    assert placed == sorted(placed, reverse=True)


def test_filters_by_status_shop_and_time(engine: Engine, shop_with_orders) -> None:
    assert {o.platform_order_id for o in page(engine, statuses=("approved",)).items} == {
        "1000",
        "1001",
    }
    assert [o.platform_order_id for o in page(engine, shop_code="jd-store").items] == ["JD-777"]
    window = page(
        engine,
        placed_from=BASE_TIME + timedelta(hours=10),
        placed_to=BASE_TIME + timedelta(hours=13),
    )
    assert sorted(o.platform_order_id for o in window.items) == ["1010", "1011", "1012"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1007", {"1007"}),  # the order number
        ("JD-7", {"JD-777"}),  # a number's beginning
        ("13900001111", 10),  # the receiver's whole phone
        ("2222", 10),  # the last digits, as buyers read them out
        ("王", 10),  # part of the receiver's name
        ("100%", set()),  # wildcards are taken literally
    ],
)
def test_text_search(engine: Engine, shop_with_orders, text: str, expected) -> None:
    found = {o.platform_order_id for o in page(engine, text=text).items}
    if isinstance(expected, int):
        assert len(found) == expected
    else:
        assert found == expected


def test_a_forged_cursor_is_refused(engine: Engine) -> None:
    with pytest.raises(BadCursor):
        page(engine, cursor="not-a-cursor!!")


def test_one_order_comes_with_lines_and_history(engine: Engine, shop_with_orders) -> None:
    with engine.connect() as conn:
        detail = orders_repo.get_order(conn, shop_with_orders["1000"])
        assert orders_repo.get_order(conn, 10**9) is None
    assert detail is not None
    assert detail.summary.shop_code == "tmall-flagship" and detail.summary.status == "approved"
    assert [ln.sku_code for ln in detail.lines] == ["TS-BLK-XL", "BAG-CNV"]
    assert [e.kind for e in detail.events] == ["received", "status_changed"]
