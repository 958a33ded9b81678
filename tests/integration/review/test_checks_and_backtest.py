"""Built-in checks through the real stage (each code), seller actions per check, and backtests."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select, update

from orderhub.db.schema import order_events, orders
from orderhub.orders.domain import ChannelState, LineDraft
from orderhub.pipeline.backtest import backtest
from orderhub.pipeline.clean import run_cleaning
from orderhub.pipeline.review import run_review
from orderhub.pipeline.review_actions import RuleSetInvalid, explanation, save_settings
from tests.integration.review.world import (
    SEED_RULES,
    ids,
    ingest,
    open_holds,
    order,
    rules,
    set_customer,
    setup,
    status,
)

D = Decimal


def cheap(no: str, price: str, *, buyer: str = "p") -> object:
    """One T-shirt (usual price 79.00, cost 30.00) sold at `price`."""
    line = LineDraft(title="T恤", quantity=1, unit_price=D(price), sku_code="TS-BLK-XL")
    base = order(no, buyer=buyer)
    return replace(base, lines=(line,), total=D(price), order_discount=D(0), shipping_fee=D(0))


def checks_of(engine: Engine, order_no: str) -> list[str]:
    with engine.connect() as conn:
        found = explanation(conn, ids(engine)[order_no])
    assert found is not None
    return [c["code"] for c in found["checks"]]


def test_each_check_holds_the_order_with_its_code(engine: Engine) -> None:
    shop = setup(engine)
    ingest(
        engine,
        shop,
        [
            cheap("UNDER-COST", "25.00", buyer="u1"),
            cheap("ZERO", "0.00", buyer="u2"),
            order("NOTE", "100.00", buyer="u3", buyer_note="质量太差我要投诉"),
            order("BLACK", "100.00", buyer="u4"),
            order("WHOLESALE", "9000.00", buyer="u5"),
            order("LOW-CONF", "100.00", buyer="u6"),
            order("CLEAN", "100.00", buyer="u7"),
        ],
    )
    set_customer(engine, "BLACK", blacklisted=True, blacklist_reason="chargebacks")
    set_customer(engine, "WHOLESALE", customer_type="wholesale", credit_limit=D("5000"))
    with engine.begin() as conn:
        conn.execute(
            update(orders)
            .where(orders.c.platform_order_id == "LOW-CONF")
            .values(address_confidence=40)
        )
    run_review(engine)
    expected = {
        "UNDER-COST": "PRICE_ANOMALY",
        "ZERO": "ZERO_PRICE_LINE",
        "NOTE": "NOTE_KEYWORD",
        "BLACK": "BLACKLISTED",
        "WHOLESALE": "CREDIT_ANOMALY",
        "LOW-CONF": "ADDRESS_ANOMALY",
    }
    by_no = ids(engine)
    for no, code in expected.items():
        assert status(engine)[no] == "on_hold", no
        assert open_holds(engine, by_no[no]) == [code], no
        assert set(checks_of(engine, no)) == {code}
    assert status(engine)["CLEAN"] == "approved"


def test_a_refund_request_is_a_check_too(engine: Engine) -> None:
    """Refund requests normally hold at ingest; one released by hand still meets the check."""
    shop = setup(engine)
    ingest(engine, shop, [order("REFUND", "100.00", channel_state=ChannelState.REFUND_REQUESTED)])
    with engine.begin() as conn:
        conn.execute(update(orders).values(status="received"))
    run_cleaning(engine)
    run_review(engine)
    assert open_holds(engine, ids(engine)["REFUND"])[-1:] == ["REFUND_REQUESTED"]


def test_the_seller_decides_what_a_check_does_and_its_thresholds(engine: Engine) -> None:
    shop = setup(engine)
    ingest(engine, shop, [cheap("HALF", "35.00", buyer="h1"), cheap("UNDER", "25.00", buyer="h2")])
    with engine.begin() as conn:
        save_settings(
            conn,
            {
                "check_actions": {"PRICE_ANOMALY": "review:finance"},
                "thresholds": {"min_price_ratio": "0.4", "below_cost": False},
            },
            actor="test",
        )
    run_review(engine)
    # 35.00 is above 40 % of 79.00 (31.60) and cost is no longer checked: clean.
    assert status(engine) == {"HALF": "approved", "UNDER": "pending_review"}


def test_a_backtest_counts_outcomes_and_changes_nothing(engine: Engine) -> None:
    shop = setup(engine)
    ingest(
        engine,
        shop,
        [order(f"N{i}", str(1000 * (i + 1)), buyer=f"n{i}", minutes=i) for i in range(30)],
    )
    run_review(engine)  # no rule set: all approved
    with engine.connect() as conn:
        before = conn.execute(select(orders.c.id, orders.c.status, orders.c.version)).all()
        events = conn.execute(select(order_events.c.id)).all()
        report = backtest(conn, SEED_RULES, last=20, examples=2)
    assert report["orders"] == 20  # the last 20 placed: N10 … N29 (11,000 … 30,000)
    assert report["outcomes"] == {"review": 20}
    assert report["stages"] == {"finance": 11, "sales_manager": 9}
    assert report["rules_matched"] == {
        "cross border": 0,
        "small A": 0,
        "sales manager": 9,
        "finance": 11,
        "home": 0,
    }
    assert [e["platform_order_id"] for e in report["examples"]["review"]] == ["N10", "N11"]
    assert report["changed_from_recorded"] == 20
    assert report["changed_examples"][0]["recorded"] == "approve"
    with engine.connect() as conn:
        assert conn.execute(select(orders.c.id, orders.c.status, orders.c.version)).all() == before
        assert conn.execute(select(order_events.c.id)).all() == events


def test_a_backtest_by_date_range(engine: Engine) -> None:
    shop = setup(engine)
    ingest(
        engine, shop, [order(f"D{i}", "100.00", buyer=f"d{i}", minutes=60 * i) for i in range(5)]
    )
    with engine.connect() as conn:
        placed = sorted(r[0] for r in conn.execute(select(orders.c.placed_at)))
        report = backtest(conn, SEED_RULES, since=placed[1], until=placed[3])
    assert report["orders"] == 2


@pytest.mark.parametrize(
    ("when", "code", "column"),
    [
        ("order.amount >= ", "RULE_SYNTAX", 16),
        ("order.amout > 5", "RULE_UNKNOWN_FACT", 1),
        ('order.amount > "5000"', "RULE_TYPE_MISMATCH", 1),
        ("__import__('os')", "RULE_FORBIDDEN", 1),
    ],
)
def test_bad_rules_are_refused_when_saved_with_position(
    engine: Engine, when: str, code: str, column: int
) -> None:
    setup(engine)
    with pytest.raises(RuleSetInvalid) as info:
        rules(engine, {"rules": [{"name": "bad", "when": when, "then": "approve"}]})
    problem = info.value.details["problems"][0]
    assert (problem["rule"], problem["code"], problem["line"]) == ("bad", code, 1)
    assert problem["column"] is not None and problem["column"] >= column


def test_a_gift_sku_that_does_not_exist_is_refused(engine: Engine) -> None:
    setup(engine)
    doc = {"rules": [{"name": "g", "when": "order.amount > 0", "then": {"gift": "NOPE"}}]}
    with pytest.raises(RuleSetInvalid) as info:
        rules(engine, doc)
    assert info.value.details["problems"][0]["code"] == "RULE_GIFT_UNKNOWN_SKU"
