"""The review stage on real databases: the issue's example, stages, holds, gifts, versions."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Engine, select

from orderhub.db import review_repo
from orderhub.db.schema import order_events, orders
from orderhub.db.schema_review import order_reviews, review_tasks
from orderhub.pipeline.review import run_review
from orderhub.pipeline.review_actions import decide_stage, explanation, release
from tests.integration.review.world import (
    SEED_RULES,
    US,
    ZJ,
    gift_lines,
    ids,
    ingest,
    open_holds,
    order,
    rules,
    set_customer,
    setup,
    status,
)


def test_the_issues_example_routes_each_order_as_written(engine: Engine) -> None:
    shop = setup(engine)
    ingest(
        engine,
        shop,
        [
            order("A-SMALL-1", "300.00", buyer="loyal", minutes=1),
            order("A-SMALL-2", "300.00", buyer="loyal", minutes=2),
            order("MID", "8000.00", buyer="b2", minutes=3),
            order("BIG", "25000.00", buyer="b3", minutes=4),
            order("CREDIT-C", "100.00", buyer="b4", minutes=5),
            order("ABROAD", "100.00", buyer="b5", receiver=US, minutes=6),
            order("HOME", "100.00", buyer="b6", receiver=ZJ, minutes=7),
            order("NOBODY", "100.00", buyer="b7", minutes=8),
        ],
    )
    set_customer(engine, "CREDIT-C", credit_rating="C")
    version = rules(engine)
    result = run_review(engine)
    assert result.reviewed == 8 and result.version == version
    assert status(engine) == {
        "A-SMALL-1": "approved",
        "A-SMALL-2": "approved",
        "MID": "pending_review",
        "BIG": "pending_review",
        "CREDIT-C": "pending_review",
        "ABROAD": "on_hold",
        "HOME": "approved",
        "NOBODY": "approved",  # no rule routes it: the default is approve
    }
    by_no = ids(engine)
    with engine.connect() as conn:
        sales = [r.order_id for r in review_repo.queue(conn, "sales_manager", after_id=0, limit=10)]
        finance = review_repo.queue(conn, "finance", after_id=0, limit=10)
        tags = conn.execute(select(orders.c.tags).where(orders.c.id == by_no["HOME"])).scalar_one()
    assert sales == [by_no["MID"]]
    assert [(r.order_id, r.why, r.rule_set_version) for r in finance] == [
        (by_no["BIG"], "finance", version),
        (by_no["CREDIT-C"], "finance", version),
    ]
    assert tags == ["local"]
    assert open_holds(engine, by_no["ABROAD"]) == ["RULE_HOLD"]
    # Nothing is left to review: a second run changes nothing.
    assert run_review(engine).reviewed == 0


def test_every_order_explains_the_rules_facts_and_action(engine: Engine) -> None:
    shop = setup(engine)
    ingest(engine, shop, [order("MID", "8000.00")])
    version = rules(engine)
    run_review(engine)
    with engine.connect() as conn:
        found = explanation(conn, ids(engine)["MID"])
    assert found is not None
    assert (found["outcome"], found["rule_set_version"]) == ("review", version)
    assert found["matched"] == [
        {
            "rule": "sales manager",
            "facts": {"order.amount": "8000.00"},
            "actions": ["review_stage sales_manager"],
        }
    ]
    assert found["stages"][0] | {"decided_at": None} == {
        "stage": "sales_manager",
        "status": "pending",
        "why": "sales manager",
        "decided_by": None,
        "decided_at": None,
        "reason": "",
    }


def test_an_order_passes_its_stages_in_order_and_each_decision_is_kept(engine: Engine) -> None:
    shop = setup(engine)
    ingest(engine, shop, [order("MID-C", "8000.00")])
    set_customer(engine, "MID-C", credit_rating="C")
    version = rules(engine)
    run_review(engine)
    oid = ids(engine)["MID-C"]
    with engine.begin() as conn:
        wrong = decide_stage(
            conn, [oid], stage="finance", approve=True, actor="user:fin", reason=""
        )
    assert wrong.done == [] and "waits in stage sales_manager" in wrong.refused[oid]
    with engine.begin() as conn:
        first = decide_stage(
            conn, [oid], stage="sales_manager", approve=True, actor="user:wang", reason="ok"
        )
    assert (first.done, first.approved) == ([oid], [])
    assert status(engine)["MID-C"] == "pending_review"
    with engine.connect() as conn:
        assert [r.order_id for r in review_repo.queue(conn, "finance", after_id=0, limit=5)] == [
            oid
        ]
    with engine.begin() as conn:
        last = decide_stage(
            conn, [oid], stage="finance", approve=True, actor="user:li", reason="paid"
        )
    assert last.approved == [oid]
    assert status(engine)["MID-C"] == "approved"
    with engine.connect() as conn:
        tasks = conn.execute(
            select(review_tasks).where(review_tasks.c.order_id == oid).order_by(review_tasks.c.seq)
        ).all()
        events = conn.execute(
            select(order_events.c.actor, order_events.c.data).where(
                order_events.c.order_id == oid, order_events.c.kind == "review_decision"
            )
        ).all()
    assert [
        (t.stage, t.status, t.decided_by, t.decision_reason, t.rule_set_version) for t in tasks
    ] == [
        ("sales_manager", "approved", "user:wang", "ok", version),
        ("finance", "approved", "user:li", "paid", version),
    ]
    assert all(t.decided_at is not None for t in tasks)
    assert [(e.actor, e.data["stage"], e.data["rule_set_version"]) for e in events] == [
        ("user:wang", "sales_manager", version),
        ("user:li", "finance", version),
    ]


def test_rejecting_holds_or_cancels_and_a_second_decision_is_refused(engine: Engine) -> None:
    shop = setup(engine)
    ingest(
        engine,
        shop,
        [order("R1", "8000.00", buyer="x1"), order("R2", "8000.00", buyer="x2", minutes=1)],
    )
    rules(engine)
    run_review(engine)
    r1, r2 = ids(engine)["R1"], ids(engine)["R2"]
    with engine.begin() as conn:
        decide_stage(
            conn, [r1], stage="sales_manager", approve=False, actor="user:w", reason="fake"
        )
        decide_stage(
            conn,
            [r2],
            stage="sales_manager",
            approve=False,
            actor="user:w",
            reason="x",
            cancel=True,
        )
    assert status(engine) == {"R1": "on_hold", "R2": "cancelled"}
    assert open_holds(engine, r1) == ["REVIEW_REJECTED"]
    with engine.begin() as conn:
        again = decide_stage(
            conn, [r1], stage="sales_manager", approve=True, actor="user:w", reason=""
        )
    assert again.done == [] and r1 in again.refused
    # Released by a person: back to the stage it had not passed.
    with engine.begin() as conn:
        freed = release(conn, [r1], actor="user:boss", reason="buyer verified")
    assert freed.done == [r1]
    assert status(engine)["R1"] == "pending_review"
    with engine.connect() as conn:
        assert [
            r.order_id for r in review_repo.queue(conn, "sales_manager", after_id=0, limit=5)
        ] == [r1]


def test_a_held_order_released_goes_on_to_approval(engine: Engine) -> None:
    shop = setup(engine)
    ingest(engine, shop, [order("ABROAD", "100.00", receiver=US)])
    rules(engine)
    run_review(engine)
    oid = ids(engine)["ABROAD"]
    with engine.begin() as conn:
        freed = release(conn, [oid], actor="user:customs", reason="ID checked")
    assert (freed.done, freed.approved) == ([oid], [oid])
    assert status(engine)["ABROAD"] == "approved"
    assert open_holds(engine, oid) == []


def test_a_new_version_never_changes_decisions_already_made(engine: Engine) -> None:
    shop = setup(engine)
    ingest(engine, shop, [order("MID", "8000.00")])
    v1 = rules(engine)
    run_review(engine)
    stricter = {
        "rules": [
            {"name": "all to finance", "when": "order.amount > 0", "then": {"review": "finance"}}
        ]
    }
    v2 = rules(engine, stricter)
    ingest(engine, shop, [order("MID-2", "8000.00", buyer="b9", minutes=9)])
    run_review(engine)
    by_no = ids(engine)
    with engine.connect() as conn:
        versions = dict(
            conn.execute(select(order_reviews.c.order_id, order_reviews.c.rule_set_version)).all()
        )
        sales = [r.order_id for r in review_repo.queue(conn, "sales_manager", after_id=0, limit=5)]
        rows = {r.version: r.status for r in review_repo.list_rule_sets(conn)}
    assert versions == {by_no["MID"]: v1, by_no["MID-2"]: v2}
    assert sales == [by_no["MID"]]
    assert rows == {v1: "retired", v2: "active"}


def test_gifts_once_per_customer_and_only_while_stock_lasts(engine: Engine) -> None:
    shop = setup(engine, gift_stock=2)
    ingest(
        engine,
        shop,
        [
            order("G1", "300.00", buyer="c1", minutes=1),
            order("G2", "300.00", buyer="c1", minutes=2),
            order("G3", "300.00", buyer="c2", minutes=3),
            order("G4", "300.00", buyer="c3", minutes=4),
            order("G5", "100.00", buyer="c4", minutes=5),
        ],
    )
    doc = {
        "rules": [
            {
                "name": "gift",
                "when": "order.amount >= 300",
                "then": [{"gift": "GIFT-BOX", "once_per": "customer"}],
            },
            {
                "name": "vip",
                "when": "order.amount >= 300",
                "then": [
                    {"tag": "vip"},
                    {"priority": 5},
                    {"prefer_carrier": "SF"},
                    {"prefer_warehouse": "WH-SH"},
                ],
            },
        ]
    }
    rules(engine, doc)
    run_review(engine)
    # c1 gets one gift across two orders; the stock of 2 runs out before c3.
    assert gift_lines(engine) == {"G1": [("GIFT-BOX", 1)], "G3": [("GIFT-BOX", 1)]}
    with engine.connect() as conn:
        row = conn.execute(
            select(
                orders.c.total_amount,
                orders.c.priority,
                orders.c.preferred_carrier,
                orders.c.preferred_warehouse,
                orders.c.tags,
            ).where(orders.c.platform_order_id == "G1")
        ).one()
        skipped = explanation(conn, ids(engine)["G4"])
    assert (
        row.total_amount,
        row.priority,
        row.preferred_carrier,
        row.preferred_warehouse,
        row.tags,
    ) == (
        Decimal("300"),
        5,
        "SF",
        "WH-SH",
        ["vip"],
    )
    assert skipped is not None
    assert skipped["skipped_gifts"] == [
        {"rule": "gift", "gift": "gift GIFT-BOX x1 (once per customer)", "reason": "OUT_OF_STOCK"}
    ]
    assert status(engine)["G1"] == "approved"  # the zero-price gift line is no price anomaly


def test_cancel_rule(engine: Engine) -> None:
    shop = setup(engine)
    ingest(engine, shop, [order("BAD", "100.00", buyer_note="刷单 测试")])
    rules(
        engine,
        {
            "rules": [
                {
                    "name": "brush",
                    "when": 'contains(order.buyer_note, "刷单")',
                    "then": {"cancel": "fake order"},
                }
            ]
        },
    )
    run_review(engine)
    assert status(engine)["BAD"] == "cancelled"
    with engine.connect() as conn:
        reason = conn.execute(
            select(order_events.c.reason).where(order_events.c.to_status == "cancelled")
        ).scalar_one()
    assert reason == "cancelled by rule brush: fake order"


def test_without_an_active_rule_set_orders_are_approved(engine: Engine) -> None:
    shop = setup(engine)
    ingest(engine, shop, [order("ANY", "9000.00")])
    result = run_review(engine)
    assert (result.reviewed, result.version, result.outcomes) == (1, None, {"approve": 1})
    assert SEED_RULES["rules"]  # the seed stays untouched by the run
