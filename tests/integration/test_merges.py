"""Merging orders to one receiver, undoing merges, splitting: on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, select, update

from orderhub.bootstrap import Container
from orderhub.channels.ingest import ingest_orders
from orderhub.db import catalog_repo, shops_repo
from orderhub.db.ingest_repo import sku_ids
from orderhub.db.schema import order_events, order_lines, orders
from orderhub.normalize.phones import normalize_phone
from orderhub.orders.actions import transition_order
from orderhub.orders.domain import LineDraft, ShopRef, utc_now
from orderhub.orders.errors import OrderNotFound
from orderhub.orders.lifecycle import OrderStatus as S
from orderhub.orders.lifecycle import PaymentStatus
from orderhub.orders.merge_actions import (
    MergeRefused,
    MergeUndoRefused,
    SplitInvalid,
    SplitRefused,
    load_policy,
    merge_orders,
    split_order,
    unmerge,
)
from orderhub.orders.merging import MergePolicy
from orderhub.pipeline.clean import run_cleaning
from orderhub.pipeline.merge import run_merging, update_policy
from tests.factories import draft
from tests.integration.test_cli import run, run_json

D = Decimal
AMOUNTS = ("goods_amount", "discount_amount", "shipping_fee", "tax_amount", "total_amount")


def make_shop(engine: Engine, code: str = "tmall-flagship", currency: str = "CNY") -> ShopRef:
    """A shop, and (once) the SKUs the test orders carry, so cleaning lets them go on."""
    with engine.begin() as conn:
        if sku_ids(conn, {"TS-BLK-XL"}) == {}:
            catalog_repo.insert_skus(
                conn,
                [
                    {
                        "code": c,
                        "title": c,
                        "category": "",
                        "attributes": {},
                        "price": D("10.00"),
                        "cost": None,
                        "weight_g": 0,
                        "barcode": None,
                        "is_bundle": False,
                        "created_at": utc_now(),
                    }
                    for c in ("TS-BLK-XL", "BAG-CNV")
                ],
            )
        return shops_repo.create_shop(
            conn, code=code, name=code, platform="tmall", currency=currency, now=utc_now()
        )


def second(order_no: str, *, minutes: int = 30, **changes: Any) -> Any:
    """Another order to the same receiver: 3 × 10.00 less 1.00, shipping 6.00, total 35.00."""
    line = LineDraft(
        title="袜子", quantity=3, unit_price=D("10.00"), discount=D("1.00"), sku_code="BAG-CNV"
    )
    base = draft(
        order_no,
        minutes=minutes,
        lines=(line,),
        order_discount=D("0"),
        shipping_fee=D("6.00"),
        total=D("35.00"),
    )
    return replace(base, **changes)


def add_orders(engine: Engine, shop: ShopRef, *drafts: Any, clean: bool = True) -> list[int]:
    """Ingest the orders and, as cleaning would, set their receivers' phone keys."""
    with engine.begin() as conn:
        result = ingest_orders(conn, shop, list(drafts))
        ids = [result.order_ids[d.platform_order_id] for d in drafts]
        if clean:
            for d, order_id in zip(drafts, ids, strict=True):
                key = normalize_phone(d.receiver.phone, default_country=d.receiver.country)
                conn.execute(
                    update(orders)
                    .where(orders.c.id == order_id)
                    .values(
                        phone_key=key.match_key, phone_kind=key.kind.value, cleaned_at=utc_now()
                    )
                )
    return ids


def set_columns(engine: Engine, order_id: int, **values: Any) -> None:
    with engine.begin() as conn:
        conn.execute(update(orders).where(orders.c.id == order_id).values(**values))


def head(engine: Engine, order_id: int) -> dict[str, Any]:
    with engine.connect() as conn:
        row = conn.execute(select(orders).where(orders.c.id == order_id)).one()
    return dict(row._mapping)


def lines(engine: Engine, order_id: int) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(order_lines)
            .where(order_lines.c.order_id == order_id)
            .order_by(order_lines.c.line_no)
        ).all()
    return [{k: v for k, v in r._mapping.items() if k != "id"} for r in rows]


def events(engine: Engine, order_id: int, kind: str | None = None) -> list[Any]:
    query = select(order_events).where(order_events.c.order_id == order_id)
    if kind:
        query = query.where(order_events.c.kind == kind)
    with engine.connect() as conn:
        return list(conn.execute(query.order_by(order_events.c.id)))


def amounts(engine: Engine, order_id: int) -> dict[str, Decimal]:
    h = head(engine, order_id)
    return {name: h[name] for name in AMOUNTS}


def to_status(engine: Engine, order_id: int, *path: S) -> None:
    with engine.begin() as conn:
        for target in path:
            transition_order(conn, order_id, target, actor="test", reason="test")


SHIP = (S.APPROVED, S.ALLOCATED, S.PICKING, S.PACKED, S.SHIPPED)


def test_two_orders_to_one_receiver_merge_into_the_earliest(engine: Engine) -> None:
    shop = make_shop(engine)
    later, earlier = add_orders(engine, shop, second("B-2"), draft("A-1"))
    own_before, absorbed_lines = lines(engine, earlier), lines(engine, later)
    with engine.begin() as conn:
        result = merge_orders(conn, [later, earlier], actor="user:li", reason="one parcel")
    assert (result.target_id, result.merged) == (earlier, (later,))
    assert amounts(engine, earlier) == {
        "goods_amount": D("207.90") + D("29.00"),
        "discount_amount": D("5.00"),
        "shipping_fee": D("6.00"),
        "tax_amount": D("0"),
        "total_amount": D("202.90") + D("35.00"),
    }
    merged_lines = lines(engine, earlier)
    assert merged_lines[:2] == own_before
    [copied] = merged_lines[2:]
    assert copied["line_no"] == 3 and copied["title"] == "袜子" and copied["quantity"] == 3
    assert (copied["origin_order_id"], copied["origin_line_no"]) == (later, 1)
    assert (copied["unit_price"], copied["discount"]) == (D("10.00"), D("1.00"))
    absorbed = head(engine, later)
    assert (absorbed["status"], absorbed["merged_into_id"]) == ("merged", earlier)
    assert lines(engine, later) == absorbed_lines  # its own lines stay, as history
    assert head(engine, earlier)["status"] == "received"
    [merged_event] = events(engine, earlier, "merged")
    assert merged_event.data["absorbed"] == [later]
    assert merged_event.reason == "one parcel" and merged_event.actor == "user:li"
    moved = events(engine, later, "status_changed")[-1]
    assert (moved.from_status, moved.to_status) == ("received", "merged")
    assert moved.reason == f"merged into order {earlier}"


def refuse_payment(engine: Engine, a: int, b: int) -> None:
    set_columns(engine, b, payment_status=PaymentStatus.UNPAID.value)


def refuse_cross_border(engine: Engine, a: int, b: int) -> None:
    set_columns(engine, b, receiver_country="HK")


def refuse_flag(engine: Engine, a: int, b: int) -> None:
    set_columns(engine, a, do_not_merge=True)


def refuse_shipped(engine: Engine, a: int, b: int) -> None:
    to_status(engine, a, *SHIP)


def refuse_receiver(engine: Engine, a: int, b: int) -> None:
    set_columns(engine, b, receiver_street="世纪大道200号")


def refuse_uncleaned(engine: Engine, a: int, b: int) -> None:
    set_columns(engine, b, phone_key="")


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        (refuse_payment, "payment_differs"),
        (refuse_cross_border, "cross_border"),
        (refuse_flag, "do_not_merge"),
        (refuse_shipped, "status"),
        (refuse_receiver, "receiver_differs"),
        (refuse_uncleaned, "receiver_unknown"),
    ],
)
def test_merges_are_refused_naming_the_rule(engine: Engine, change: Any, rule: str) -> None:
    shop = make_shop(engine)
    a, b = add_orders(engine, shop, draft("A-1"), second("B-2"))
    change(engine, a, b)
    before = (amounts(engine, a), lines(engine, a), head(engine, b)["status"])
    with pytest.raises(MergeRefused) as refused, engine.begin() as conn:
        merge_orders(conn, [a, b], actor="user:li", reason="one parcel")
    assert refused.value.code == "ORDER_MERGE_REFUSED"
    assert refused.value.details["rule"] == rule
    assert (amounts(engine, a), lines(engine, a), head(engine, b)["status"]) == before
    assert events(engine, a, "merged") == []


def test_unknown_orders_and_single_orders_are_refused(engine: Engine) -> None:
    [a] = add_orders(engine, make_shop(engine), draft("A-1"))
    with pytest.raises(OrderNotFound), engine.begin() as conn:
        merge_orders(conn, [a, 999_999], actor="t", reason="r")
    with pytest.raises(MergeRefused), engine.begin() as conn:
        merge_orders(conn, [a, a], actor="t", reason="r")


def test_orders_of_two_shops_merge_only_when_the_seller_allows_it(engine: Engine) -> None:
    tmall, jd = make_shop(engine), make_shop(engine, "jd-store")
    [a] = add_orders(engine, tmall, draft("A-1"))
    [b] = add_orders(engine, jd, second("B-2"))
    with pytest.raises(MergeRefused) as refused, engine.begin() as conn:
        merge_orders(conn, [a, b], actor="t", reason="r")
    assert refused.value.details["rule"] == "shops_not_allowed"
    policy = update_policy(engine, actor="t", allow_together=[["jd-store", "tmall-flagship"]])
    assert policy.shops_allowed("jd-store", "tmall-flagship")
    with engine.begin() as conn:
        assert merge_orders(conn, [a, b], actor="t", reason="r").target_id == a


def test_undo_restores_the_orders_exactly_and_can_be_repeated(engine: Engine) -> None:
    shop = make_shop(engine)
    a, b, c = add_orders(engine, shop, draft("A-1"), second("B-2"), second("C-3", minutes=60))
    snapshot = {i: (amounts(engine, i), lines(engine, i)) for i in (a, b, c)}
    for _ in range(2):
        with engine.begin() as conn:
            merge_orders(conn, [a, b], actor="t", reason="first")
            merge_orders(conn, [a, c], actor="t", reason="a later order joins")
        assert len(lines(engine, a)) == 4
        with engine.begin() as conn:
            result = unmerge(conn, a, actor="user:li", reason="buyer wants two parcels")
        assert sorted(result.released) == [b, c]
        assert {i: (amounts(engine, i), lines(engine, i)) for i in (a, b, c)} == snapshot
        for order_id in (b, c):
            h = head(engine, order_id)
            assert (h["status"], h["merged_into_id"]) == ("received", None)
            last = events(engine, order_id, "status_changed")[-1]
            assert (last.from_status, last.to_status) == ("merged", "received")
    undone = events(engine, a, "unmerged")
    assert len(undone) == 2 and sorted(undone[-1].data["released"]) == [b, c]
    with pytest.raises(MergeUndoRefused), engine.begin() as conn:
        unmerge(conn, a, actor="t", reason="nothing merged any more")


def test_a_shipped_merge_cannot_be_undone(engine: Engine) -> None:
    a, b = add_orders(engine, make_shop(engine), draft("A-1"), second("B-2"))
    with engine.begin() as conn:
        merge_orders(conn, [a, b], actor="t", reason="r")
    to_status(engine, a, *SHIP)
    with pytest.raises(MergeUndoRefused) as refused, engine.begin() as conn:
        unmerge(conn, a, actor="t", reason="too late")
    assert refused.value.code == "ORDER_MERGE_UNDO_REFUSED"
    assert head(engine, b)["status"] == "merged"


def test_split_by_quantity_shares_the_discount_to_the_cent(engine: Engine) -> None:
    shop = make_shop(engine)
    [a] = add_orders(engine, shop, second("B-2"))  # 3 × 10.00 less 1.00; shipping 6.00
    before = lines(engine, a)
    with engine.begin() as conn:
        result = split_order(conn, a, {1: 1}, actor="user:li", reason="ship one now")
    assert result.new_platform_order_id == "B-2-S1"
    [kept] = lines(engine, a)
    [moved] = lines(engine, result.new_order_id)
    assert (kept["quantity"], kept["discount"]) == (2, D("0.67"))
    assert (moved["quantity"], moved["discount"]) == (1, D("0.33"))
    assert (moved["origin_order_id"], moved["origin_line_no"], moved["line_no"]) == (a, 1, 1)
    assert kept["discount"] + moved["discount"] == before[0]["discount"]
    assert amounts(engine, a) == {
        "goods_amount": D("19.33"),
        "discount_amount": D("0"),
        "shipping_fee": D("6.00"),
        "tax_amount": D("0"),
        "total_amount": D("25.33"),
    }
    new = head(engine, result.new_order_id)
    assert new["status"] == "received" and new["shop_id"] == shop.id
    assert (new["goods_amount"], new["shipping_fee"], new["total_amount"]) == (
        D("9.67"),
        D("0"),
        D("9.67"),
    )
    original = head(engine, a)
    for name in ("receiver_name", "receiver_street", "phone_key", "payment_status", "buyer_id"):
        assert new[name] == original[name]
    [split_event] = events(engine, a, "split")
    assert split_event.data["new_order_id"] == result.new_order_id
    assert split_event.data["moved"] == [{"line_no": 1, "quantity": 1, "new_line_no": 1}]
    [born] = events(engine, result.new_order_id)
    assert (born.kind, born.to_status, born.data["from_order_id"]) == ("split", "received", a)
    with engine.begin() as conn:
        again = split_order(conn, a, {1: 1}, actor="t", reason="and another one")
    assert again.new_platform_order_id == "B-2-S2"
    assert lines(engine, a)[0]["quantity"] == 1


def test_split_of_a_whole_line_moves_it(engine: Engine) -> None:
    [a] = add_orders(engine, make_shop(engine), draft("A-1"))
    with engine.begin() as conn:
        result = split_order(conn, a, {2: 1}, actor="t", reason="bag ships later")
    assert [ln["line_no"] for ln in lines(engine, a)] == [1]
    [bag] = lines(engine, result.new_order_id)
    assert (bag["title"], bag["origin_line_no"]) == ("帆布托特包", 2)
    assert amounts(engine, a)["total_amount"] + amounts(engine, result.new_order_id)[
        "total_amount"
    ] == D("202.90")


@pytest.mark.parametrize("take", [{}, {9: 1}, {1: 3}, {1: 0}, {1: 2, 2: 1}])
def test_invalid_splits_are_refused(engine: Engine, take: dict[int, int]) -> None:
    [a] = add_orders(engine, make_shop(engine), draft("A-1"))
    with pytest.raises(SplitInvalid) as refused, engine.begin() as conn:
        split_order(conn, a, take, actor="t", reason="r")
    assert refused.value.code == "ORDER_SPLIT_INVALID"
    assert len(lines(engine, a)) == 2


def test_only_unallocated_orders_can_be_split(engine: Engine) -> None:
    a, b = add_orders(engine, make_shop(engine), draft("A-1"), second("B-2"))
    to_status(engine, a, S.APPROVED, S.ALLOCATED)
    with pytest.raises(SplitRefused), engine.begin() as conn:
        split_order(conn, a, {1: 1}, actor="t", reason="r")
    [c] = add_orders(engine, make_shop(engine, "jd-store"), draft("C-3", minutes=60))
    update_policy(engine, actor="t", allow_together=[["jd-store", "tmall-flagship"]])
    with engine.begin() as conn:
        merge_orders(conn, [b, c], actor="t", reason="r")
    with pytest.raises(SplitRefused) as refused, engine.begin() as conn:
        split_order(conn, b, {1: 1}, actor="t", reason="r")
    assert "undo the merge" in refused.value.message
    with pytest.raises(SplitRefused), engine.begin() as conn:
        split_order(conn, c, {1: 1}, actor="t", reason="merged orders are not split")
    with pytest.raises(OrderNotFound), engine.begin() as conn:
        split_order(conn, 999_999, {1: 1}, actor="t", reason="r")


def test_the_stage_suggests_once_then_merges_when_the_seller_enables_it(engine: Engine) -> None:
    shop = make_shop(engine)
    elsewhere = replace(draft().receiver, street="南京东路1号", phone="13900001111")
    a, b, other, unpaid = add_orders(
        engine,
        shop,
        draft("A-1"),
        second("B-2"),
        second("C-3", receiver=elsewhere),
        second("D-4", minutes=90, payment_status=PaymentStatus.UNPAID),
        clean=False,
    )
    run_cleaning(engine)  # the real stage sets the receivers' phone keys
    assert load_policy_of(engine) == MergePolicy()
    first = run_merging(engine)
    assert [(s.order_ids, s.new) for s in first.suggestions] == [((a, b), True)]
    assert first.merged == []
    assert {r.order_ids for r in first.refused} == {(a, unpaid), (b, unpaid)}
    assert "payment states differ" in first.refused[0].reason
    for order_id in (a, b):
        [suggested] = events(engine, order_id, "merge_suggested")
        assert suggested.data["order_ids"] == [a, b]
    assert events(engine, other, "merge_suggested") == []
    assert len(events(engine, unpaid, "merge_refused")) == 2
    again = run_merging(engine)
    assert [(s.order_ids, s.new) for s in again.suggestions] == [((a, b), False)]
    assert len(events(engine, a, "merge_suggested")) == 1
    assert len(events(engine, unpaid, "merge_refused")) == 2

    update_policy(engine, actor="t", enabled_auto=True)
    auto = run_merging(engine)
    assert [(m.target_id, m.merged) for m in auto.merged] == [(a, (b,))]
    assert head(engine, b)["merged_into_id"] == a
    [merged] = events(engine, a, "merged")
    assert merged.actor == "system:merge" and "same receiver" in merged.reason

    with engine.begin() as conn:
        unmerge(conn, a, actor="user:li", reason="two parcels please")
    after_undo = run_merging(engine)
    assert after_undo.merged == []  # a person's undo is not redone by the machine
    assert [s.order_ids for s in after_undo.suggestions] == [(a, b)]
    assert head(engine, b)["status"] != "merged"


def test_the_stage_never_puts_split_orders_back_together(engine: Engine) -> None:
    [a] = add_orders(engine, make_shop(engine), draft("A-1"))
    with engine.begin() as conn:
        child = split_order(conn, a, {2: 1}, actor="user:li", reason="bag later").new_order_id
    update_policy(engine, actor="t", enabled_auto=True)
    run = run_merging(engine)
    assert (run.merged, run.suggestions) == ([], [])
    [b] = add_orders(engine, make_shop(engine, "jd-store"), second("B-2"))
    update_policy(engine, actor="t", allow_together=[["jd-store", "tmall-flagship"]])
    third = run_merging(engine)  # a new order joins: offered, not merged by the machine
    assert third.merged == [] and [s.order_ids for s in third.suggestions] == [(a, child, b)]


def test_orders_outside_the_window_are_not_grouped(engine: Engine) -> None:
    add_orders(engine, make_shop(engine), draft("A-1"), second("B-2", minutes=72 * 60))
    assert run_merging(engine).suggestions == []
    update_policy(engine, actor="t", window_hours=80)
    assert len(run_merging(engine).suggestions) == 1


def load_policy_of(engine: Engine) -> MergePolicy:
    with engine.connect() as conn:
        return load_policy(conn)


def test_cli_merge_undo_split_policy_and_suggest(container: Container) -> None:
    engine = container.engine
    a, b = add_orders(engine, make_shop(engine), draft("A-1"), second("B-2"))
    assert run_json(container, "merges", "policy") == {
        "enabled_auto": False,
        "window_hours": 48,
        "shop_groups": [],
    }
    suggested = run_json(container, "merges", "suggest")
    assert [s["order_ids"] for s in suggested["suggestions"]] == [[a, b]]
    assert suggested["merged"] == [] and suggested["suggestions"][0]["new"] is True

    merged = run_json(container, "merges", "merge", str(b), str(a), "--reason", "one parcel")
    assert merged == {"target_id": a, "merged": [b]}
    refused = run(container, "merges", "merge", str(a), str(b), "--reason", "x", "--json", ok=False)
    assert refused.returncode == 1
    assert json.loads(refused.stdout)["error"]["code"] == "ORDER_MERGE_REFUSED"

    assert run_json(container, "merges", "undo", str(a), "--reason", "two parcels") == {
        "order_id": a,
        "released": [b],
    }
    split = run_json(
        container, "merges", "split", str(a), "--take", "1:1", "--reason", "ship one now"
    )
    assert split["order_id"] == a and split["new_order_no"] == "A-1-S1"
    plain = run(container, "merges", "split", str(a), "--take", "2:1", "--reason", "bag later")
    assert plain.stdout.strip() == str(split["new_order_id"] + 1)
    bad = run(container, "merges", "split", str(a), "--take", "one", "--reason", "r", ok=False)
    assert bad.returncode == 1 and "ORDER_SPLIT_INVALID" in bad.stderr

    policy = run_json(
        container,
        "merges",
        "policy",
        "--auto",
        "--window-hours",
        "24",
        "--allow-together",
        "tmall-flagship,manual",
    )
    assert policy == {
        "enabled_auto": True,
        "window_hours": 24,
        "shop_groups": [["manual", "tmall-flagship"]],
    }
    unknown = run(container, "merges", "policy", "--allow-together", "a,b", "--json", ok=False)
    assert json.loads(unknown.stdout)["error"]["code"] == "SHOP_NOT_FOUND"
