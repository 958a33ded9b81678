"""The shared ingest path: idempotent on (shop, platform order id), ordered by platform time."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from sqlalchemy import Engine, func, select

from orderhub.channels.ingest import ingest_orders
from orderhub.db import shops_repo
from orderhub.db.schema import channel_orders, order_events, order_lines, orders
from orderhub.orders.domain import ChannelState, ShopRef, utc_now
from orderhub.orders.lifecycle import PaymentStatus
from tests.factories import draft


def make_shop(engine: Engine, code: str = "tmall-flagship") -> ShopRef:
    with engine.begin() as conn:
        return shops_repo.create_shop(
            conn, code=code, name="天猫旗舰店", platform="tmall", currency="CNY", now=utc_now()
        )


def count(engine: Engine, table: object, *where: object) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())


def test_a_new_order_is_stored_with_lines_payload_and_a_received_event(engine: Engine) -> None:
    shop = make_shop(engine)
    order = draft()
    with engine.begin() as conn:
        result = ingest_orders(conn, shop, [order])
    assert result.as_counts() == {
        "received": 1,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "invalid": 0,
    }
    with engine.connect() as conn:
        header = conn.execute(select(orders)).one()
        lines = conn.execute(select(order_lines).order_by(order_lines.c.line_no)).all()
        payload = conn.execute(select(channel_orders.c.payload, channel_orders.c.order_id)).one()
        event = conn.execute(select(order_events)).one()
    assert (header.channel, header.status, header.payment_status) == ("tmall", "received", "paid")
    assert header.total_amount == Decimal("202.90") and header.goods_amount == Decimal("207.90")
    assert header.receiver_district == "浦东新区"
    assert [(ln.sku_code, ln.quantity, ln.spec) for ln in lines] == [
        ("TS-BLK-XL", 2, "颜色分类:黑色;尺码:XL"),
        ("BAG-CNV", 1, ""),
    ]
    assert payload.payload == order.raw_payload and payload.order_id == header.id
    assert (event.kind, event.from_status, event.to_status, event.actor) == (
        "received",
        None,
        "received",
        "channel:tmall-flagship",
    )


def test_the_same_order_delivered_100_times_is_one_order_with_one_received_event(
    engine: Engine,
) -> None:
    shop = make_shop(engine)
    with engine.begin() as conn:
        first = ingest_orders(conn, shop, [draft()] * 50)
    totals = {"created": first.created, "unchanged": first.unchanged}
    for _ in range(50):
        with engine.begin() as conn:
            again = ingest_orders(conn, shop, [draft()])
        totals["unchanged"] += again.unchanged
        assert again.created == 0 and again.updated == 0
    assert totals == {"created": 1, "unchanged": 99}
    assert count(engine, orders) == 1 and count(engine, channel_orders) == 1
    assert count(engine, order_events, order_events.c.kind == "received") == 1


def test_the_same_platform_id_in_two_shops_is_two_orders(engine: Engine) -> None:
    for code in ("tmall-a", "tmall-b"):
        with engine.begin() as conn:
            ingest_orders(conn, make_shop(engine, code), [draft("1001")])
    assert count(engine, orders) == 2


def test_a_newer_version_updates_what_the_platform_may_change_and_says_what(
    engine: Engine,
) -> None:
    shop = make_shop(engine)
    old = draft(
        payment_status=PaymentStatus.UNPAID,
        paid_at=None,
        channel_state=ChannelState.AWAITING_PAYMENT,
    )
    new = draft(
        minutes=30,
        buyer_note="请周末送货",
        receiver=replace(old.receiver, street="世纪大道200号 5栋101室"),
    )
    new = replace(new, placed_at=old.placed_at)
    with engine.begin() as conn:
        ingest_orders(conn, shop, [old])
    with engine.begin() as conn:
        result = ingest_orders(conn, shop, [new])
    assert (result.updated, result.created) == (1, 0)
    with engine.connect() as conn:
        header = conn.execute(select(orders)).one()
        event = conn.execute(select(order_events).where(order_events.c.kind == "updated")).one()
        payload = conn.execute(select(channel_orders.c.payload)).scalar_one()
    assert header.payment_status == "paid" and header.buyer_note == "请周末送货"
    assert header.receiver_street == "世纪大道200号 5栋101室"
    assert header.version == 2
    assert set(event.data["changed"]) == {
        "payment_status",
        "paid_at",
        "buyer_note",
        "receiver_street",
        "channel_state",
    }
    assert event.data["changed"]["payment_status"] == ["unpaid", "paid"]
    assert payload == new.raw_payload


def test_an_older_version_arriving_late_changes_nothing(engine: Engine) -> None:
    shop = make_shop(engine)
    newer = draft(minutes=30, buyer_note="新备注")
    older = draft(buyer_note="旧备注")
    with engine.begin() as conn:
        ingest_orders(conn, shop, [newer])
    with engine.begin() as conn:
        result = ingest_orders(conn, shop, [older])
    assert (result.unchanged, result.updated) == (1, 0)
    with engine.connect() as conn:
        assert conn.execute(select(orders.c.buyer_note)).scalar_one() == "新备注"
        assert conn.execute(select(channel_orders.c.payload)).scalar_one() == newer.raw_payload


def test_within_one_batch_the_newest_version_wins(engine: Engine) -> None:
    shop = make_shop(engine)
    versions = [draft(minutes=m, buyer_note=f"v{m}") for m in (5, 30, 10)]
    with engine.begin() as conn:
        result = ingest_orders(conn, shop, versions)
    assert (result.created, result.unchanged) == (1, 2)
    with engine.connect() as conn:
        assert conn.execute(select(orders.c.buyer_note)).scalar_one() == "v30"


def test_invalid_orders_are_reported_and_not_stored_while_the_rest_go_in(engine: Engine) -> None:
    shop = make_shop(engine)
    bad = draft("BAD-1", total=Decimal("1.00"))
    with engine.begin() as conn:
        result = ingest_orders(conn, shop, [draft("GOOD-1"), bad])
    assert result.created == 1
    assert [(pid, [c for c, _, _ in problems]) for pid, problems in result.invalid] == [
        ("BAD-1", ["AMOUNT_MISMATCH"])
    ]
    assert count(engine, orders) == 1


def test_the_address_is_not_rewritten_after_the_parcel_left(engine: Engine) -> None:
    shop = make_shop(engine)
    with engine.begin() as conn:
        order_id = ingest_orders(conn, shop, [draft()]).order_ids[draft().platform_order_id]
        conn.execute(orders.update().values(status="shipped").where(orders.c.id == order_id))
    moved = draft(minutes=60, receiver=replace(draft().receiver, city="杭州市"))
    with engine.begin() as conn:
        ingest_orders(conn, shop, [moved])
    with engine.connect() as conn:
        assert conn.execute(select(orders.c.receiver_city)).scalar_one() == "上海市"


def test_platform_state_changes_move_the_order_or_leave_a_notice(engine: Engine) -> None:
    shop = make_shop(engine)
    with engine.begin() as conn:
        ids = ingest_orders(conn, shop, [draft("A"), draft("B"), draft("C")]).order_ids
        conn.execute(orders.update().values(status="shipped").where(orders.c.id == ids["C"]))
    later = [
        draft("A", minutes=10, channel_state=ChannelState.REFUND_REQUESTED),
        draft("B", minutes=10, channel_state=ChannelState.CANCELLED),
        draft("C", minutes=10, channel_state=ChannelState.CANCELLED),
    ]
    with engine.begin() as conn:
        assert ingest_orders(conn, shop, later).updated == 3
    with engine.connect() as conn:
        status = dict(conn.execute(select(orders.c.platform_order_id, orders.c.status)).all())
        notice = conn.execute(
            select(order_events).where(order_events.c.kind == "channel_notice")
        ).one()
    assert status == {"A": "on_hold", "B": "cancelled", "C": "shipped"}
    assert notice.order_id == ids["C"]
    assert notice.data == {"code": "PLATFORM_CLOSED_AFTER_SHIPMENT"}


def test_an_order_arrives_in_the_status_its_platform_state_calls_for(engine: Engine) -> None:
    shop = make_shop(engine)
    states = {
        "P": ChannelState.AWAITING_PAYMENT,
        "R": ChannelState.REFUND_REQUESTED,
        "X": ChannelState.CANCELLED,
        "F": ChannelState.COMPLETED,
    }
    with engine.begin() as conn:
        ingest_orders(conn, shop, [draft(k, channel_state=v) for k, v in states.items()])
        status = dict(conn.execute(select(orders.c.platform_order_id, orders.c.status)).all())
    assert status == {"P": "received", "R": "on_hold", "X": "cancelled", "F": "completed"}
