"""The Double 11 scenario generator (benchmarks/double11): every payload is what the real
adapters read, the mix and the day look like Double 11, and the same seed gives the same day."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
from benchmarks.double11 import (
    MALFORMED_KINDS,
    Delivery,
    StreamCounts,
    World,
    build_world,
    deliveries,
    sku_catalog,
)

from orderhub.channels.receive import Rejected, parse_raw
from orderhub.channels.registry import adapter_for
from orderhub.normalize.sku_mapping import resolve_line
from orderhub.orders.domain import OrderDraft, validate_order
from orderhub.orders.lifecycle import PaymentStatus
from orderhub.review.document import parse_document
from orderhub.review.ruleset import ActionKind, GiftAction, RuleSet

ORDERS = 4_000
SEED = 7
BEIJING = timezone(timedelta(hours=8))
DAY = datetime(2026, 11, 11, tzinfo=BEIJING)


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(SEED, orders=ORDERS)


@pytest.fixture(scope="module")
def day(world: World) -> tuple[list[Delivery], StreamCounts]:
    counts = StreamCounts()
    stream = [
        d for chunk in deliveries(world, ORDERS, SEED, chunk=500, counts=counts) for d in chunk
    ]
    return stream, counts


@pytest.fixture(scope="module")
def parsed(world: World, day: tuple[list[Delivery], StreamCounts]) -> list[object]:
    contexts = {s.code: s.context for s in world.shops}
    return [parse_raw(adapter_for(d.platform), contexts[d.shop_code], d.raw) for d in day[0]]


def _valid(
    day: tuple[list[Delivery], StreamCounts], parsed: list[object]
) -> Iterator[tuple[Delivery, OrderDraft]]:
    """The valid deliveries (new and re-delivered) with their drafts; each must be a draft."""
    for delivery, result in zip(day[0], parsed, strict=True):
        if delivery.kind != "malformed":
            assert isinstance(result, OrderDraft), (delivery.shop_code, result)
            yield delivery, result


def test_the_world_has_shops_on_many_platforms_in_their_currencies(world: World) -> None:
    platforms = {s.platform for s in world.shops}
    assert len(world.shops) >= 6
    assert len(platforms) >= 5
    for shop in world.shops:
        adapter_for(shop.platform)  # every shop is read by a real adapter
        assert shop.currency == {"shopify": "USD", "woocommerce": "EUR"}.get(shop.platform, "CNY")
    assert sum(s.share for s in world.shops) == pytest.approx(1.0)


def test_every_valid_payload_parses_validates_and_maps_to_our_skus(
    world: World, day: tuple[list[Delivery], StreamCounts], parsed: list[object]
) -> None:
    catalog, codes = sku_catalog(world), world.sku_codes
    seen: Counter[str] = Counter()
    for delivery, draft in _valid(day, parsed):
        assert validate_order(draft) == [], (delivery.shop_code, delivery.raw[:200])
        assert draft.platform_order_id == delivery.platform_order_id
        assert draft.currency == world.shop(delivery.shop_code).currency
        assert draft.payment_status is PaymentStatus.PAID
        assert DAY <= draft.placed_at < DAY + timedelta(days=1)
        for line in draft.lines:
            assert line.sku_code in codes
            assert resolve_line(line, delivery.shop_code, catalog).sku_code == line.sku_code
        seen[delivery.platform] += 1
    assert set(seen) == {s.platform for s in world.shops}


def test_every_malformed_payload_is_refused_by_the_adapter_or_validation(
    day: tuple[list[Delivery], StreamCounts], parsed: list[object]
) -> None:
    refused: Counter[str] = Counter()
    for delivery, result in zip(day[0], parsed, strict=True):
        if delivery.kind != "malformed":
            continue
        if isinstance(result, Rejected):
            refused[result.code] += 1
        else:
            assert isinstance(result, OrderDraft)
            problems = validate_order(result)
            assert problems, delivery.raw
            refused[problems[0][0]] += 1
    assert {"PAYLOAD_NOT_JSON", "ORDER_ID_MISSING", "AMOUNT_MISMATCH"} <= set(refused)
    assert refused["LINE_QUANTITY_INVALID"] + refused["FIELD_INVALID"] > 0
    assert set(day[1].malformed_kinds) == set(MALFORMED_KINDS)


def test_the_mix_has_the_asked_shares(day: tuple[list[Delivery], StreamCounts]) -> None:
    stream, counts = day
    kinds = Counter(d.kind for d in stream)
    merges = sum(1 for d in stream if d.merge_with)
    assert len(stream) == ORDERS == counts.deliveries
    assert kinds["redelivery"] / ORDERS == pytest.approx(0.05, abs=0.01)
    assert kinds["malformed"] / ORDERS == pytest.approx(0.02, abs=0.005)
    assert merges / ORDERS == pytest.approx(0.03, abs=0.01)
    assert (counts.redeliveries, counts.malformed) == (kinds["redelivery"], kinds["malformed"])
    assert (counts.valid, counts.merge_candidates) == (kinds["new"], merges)
    assert sum(s.valid for s in counts.by_shop.values()) == counts.valid


def test_valid_orders_have_unique_numbers_per_shop(
    day: tuple[list[Delivery], StreamCounts],
) -> None:
    numbers = Counter((d.shop_code, d.platform_order_id) for d in day[0] if d.kind == "new")
    assert numbers and max(numbers.values()) == 1


def test_redeliveries_repeat_the_exact_text_of_an_earlier_delivery_of_the_shop(
    day: tuple[list[Delivery], StreamCounts],
) -> None:
    earlier: dict[tuple[str, str], str] = {}
    redelivered = 0
    for d in day[0]:
        if d.kind == "redelivery":
            assert earlier[(d.shop_code, d.platform_order_id)] == d.raw
            redelivered += 1
        elif d.kind == "new":
            earlier[(d.shop_code, d.platform_order_id)] = d.raw
    assert redelivered > 0


def test_merge_candidates_are_a_second_order_of_the_same_buyer_and_receiver_minutes_later(
    day: tuple[list[Delivery], StreamCounts], parsed: list[object]
) -> None:
    drafts = {(d.shop_code, d.platform_order_id): draft for d, draft in _valid(day, parsed)}
    followers = [d for d in day[0] if d.merge_with]
    assert followers
    for d in followers:
        second, first = (
            drafts[(d.shop_code, d.platform_order_id)],
            drafts[(d.shop_code, d.merge_with)],
        )
        assert second.platform_order_id != first.platform_order_id
        assert (second.buyer_id, second.receiver) == (first.buyer_id, first.receiver)
        assert timedelta(0) <= second.placed_at - first.placed_at <= timedelta(minutes=30)


def test_the_same_seed_gives_the_same_stream_and_another_seed_another(world: World) -> None:
    def digest(seed: int) -> str:
        h = hashlib.sha256()
        for chunk in deliveries(world, 600, seed, chunk=128):
            for d in chunk:
                h.update(f"{d.shop_code}|{d.kind}|{d.merge_with}|{d.raw}".encode())
        return h.hexdigest()

    assert digest(3) == digest(3)
    assert digest(3) != digest(4)


def test_a_few_hot_skus_carry_a_large_share_of_units(
    world: World, day: tuple[list[Delivery], StreamCounts], parsed: list[object]
) -> None:
    units: Counter[str] = Counter()
    for delivery, draft in _valid(day, parsed):
        if delivery.kind == "new":
            for line in draft.lines:
                units[line.sku_code or ""] += line.quantity
    hot = sum(units[code] for code in world.hot_skus)
    assert len(world.hot_skus) <= 8
    assert hot / sum(units.values()) > 0.3
    assert len({code for code, _ in units.most_common(6)} & set(world.hot_skus)) >= 4
    assert day[1].units == dict(units)


def test_stock_is_scarce_on_hot_skus_and_plentiful_on_the_rest(world: World) -> None:
    on_hand: Counter[str] = Counter()
    for _, sku, quantity in world.stock:
        on_hand[sku] += quantity
    assert {w for w, _, _ in world.stock} == {"WH-SH", "WH-GZ", "WH-BJ", "WH-CD"}
    for code, demand in world.expected_units.items():
        if code in world.hot_skus:
            assert on_hand[code] < demand
        else:
            assert on_hand[code] >= 2 * demand


def test_the_day_follows_the_double_11_curve(
    day: tuple[list[Delivery], StreamCounts], parsed: list[object]
) -> None:
    hours = Counter(
        draft.placed_at.astimezone(BEIJING).hour
        for d, draft in _valid(day, parsed)
        if d.kind == "new"
    )
    total = sum(hours.values())
    assert hours[0] / total > 0.12  # the midnight rush
    assert sum(hours[h] for h in (20, 21, 22, 23)) / total > 0.2  # the evening peak
    assert sum(hours[h] for h in (3, 4, 5)) / total < 0.05


def test_the_stream_is_made_lazily_chunk_by_chunk(world: World) -> None:
    counts = StreamCounts()
    stream = deliveries(world, 10_000, SEED, chunk=250, counts=counts)
    first = next(stream)
    assert len(first) == 250
    assert counts.deliveries == 250


def test_the_20_rules_compile_and_mix_routes_tags_and_gifts(world: World) -> None:
    _, specs = parse_document(world.rules)
    rules = RuleSet.compile(specs, 1)
    kinds = Counter(
        ActionKind.GIFT if isinstance(a, GiftAction) else a.kind for s in specs for a in s.actions
    )
    gifts = {a.sku_code for s in specs for a in s.actions if isinstance(a, GiftAction)}
    assert len(specs) == 20 and rules.version == 1
    for kind in (ActionKind.APPROVE, ActionKind.HOLD, ActionKind.REVIEW_STAGE, ActionKind.TAG):
        assert kinds[kind] >= 2
    assert kinds[ActionKind.GIFT] == 1 and gifts <= world.sku_codes
