"""The demo generator: reproducible, valid and realistic enough to demo every feature."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from orderhub.demo.catalog import ean13
from orderhub.demo.generator import DEFAULT_NOW, allocate, generate_demo
from orderhub.demo.model import DemoData
from orderhub.orders.domain import OrderType, validate_order
from orderhub.orders.lifecycle import OrderStatus, PaymentStatus

CHINA = timezone(timedelta(hours=8))
CN_SHOPS = {"tmall-flagship", "jd-store", "pdd-store", "douyin-live"}
ORDER_ID_FORMATS = {
    "tmall": r"\d{18,19}",
    "jd": r"\d{12}",
    "pdd": r"\d{6}-\d{15}",
    "douyin": r"69\d{17}",
    "shopify": r"\d{13}",
    "woocommerce": r"\d{4,6}",
    "pos": r"POS-SH-\d{8}-\d{4}",
    "manual": r"PO-\d{4}-\d{4}",
}


@pytest.fixture(scope="module")
def demo() -> DemoData:
    return generate_demo(orders=2000, seed=42)


def test_same_seed_same_data_and_another_seed_differs() -> None:
    first = generate_demo(orders=300, seed=7)
    assert first == generate_demo(orders=300, seed=7)
    other = generate_demo(orders=300, seed=8)
    assert [o.draft for o in other.orders] != [o.draft for o in first.orders]


def test_orders_are_placed_in_the_month_before_now(demo: DemoData) -> None:
    assert len(demo.orders) == 2000
    for order in demo.orders:
        placed = order.draft.placed_at
        assert placed.tzinfo is not None
        assert DEFAULT_NOW - timedelta(days=30) <= placed < DEFAULT_NOW


def test_a_given_now_moves_the_window() -> None:
    now = datetime(2025, 3, 1, 4, 30, tzinfo=UTC)
    data = generate_demo(orders=200, now=now)
    assert all(now - timedelta(days=30) <= o.draft.placed_at < now for o in data.orders)
    with pytest.raises(ValueError):
        generate_demo(orders=10, now=datetime(2025, 3, 1))  # naive


def test_small_runs_work() -> None:
    for n in (0, 1, 9):
        data = generate_demo(orders=n)
        assert len(data.orders) == n
        assert all(not validate_order(o.draft) for o in data.orders)


def test_allocate_keeps_the_total() -> None:
    assert sum(allocate(2001, [0.27, 0.17, 0.16, 0.4])) == 2001
    assert allocate(0, [1.0, 2.0]) == [0, 0]


def test_shops_cover_many_platforms(demo: DemoData) -> None:
    codes = [s.code for s in demo.shops]
    assert len(codes) == len(set(codes))
    assert 6 <= len(demo.shops) <= 8
    assert len({s.platform for s in demo.shops}) >= 5
    assert {s.currency for s in demo.shops} >= {"CNY", "USD", "EUR"}
    assert all(s.home_province for s in demo.shops if s.currency == "CNY")
    per_shop = Counter(o.shop_code for o in demo.orders)
    assert set(per_shop) == set(codes)
    biggest = {code for code, _ in per_shop.most_common(4)}
    assert biggest == CN_SHOPS


def test_catalog_has_real_skus_and_bundles(demo: DemoData) -> None:
    codes = {s.code for s in demo.skus}
    assert len(demo.skus) >= 100
    assert len(codes) == len(demo.skus)
    assert len({s.category for s in demo.skus}) >= 5
    for sku in demo.skus:
        assert re.fullmatch(r"[A-Z]+(-[A-Z0-9]+)*", sku.code)
        assert sku.attributes
        assert sku.price.as_tuple().exponent == -2
        assert sku.cost.as_tuple().exponent == -2
        assert 0 < sku.cost < sku.price
        assert len(sku.barcode) == 13
        assert ean13(sku.barcode[:12]) == sku.barcode
    by_code = {s.code: s for s in demo.skus}
    assert 3 <= len(demo.bundles) <= 5
    for bundle in demo.bundles:
        assert bundle.code not in codes
        assert all(c in codes and q > 0 for c, q in bundle.components)
        assert bundle.price < sum(by_code[c].price * q for c, q in bundle.components)


def test_ean13_check_digit() -> None:
    assert ean13("690123456789") == "6901234567892"
    with pytest.raises(ValueError):
        ean13("12345")


def test_warehouses_and_stock(demo: DemoData) -> None:
    assert len(demo.warehouses) >= 3
    assert len({w.province for w in demo.warehouses}) == len(demo.warehouses)
    for w in demo.warehouses:
        if w.province in ("北京市", "上海市", "天津市", "重庆市"):
            assert w.city == w.province
    wh_codes = {w.code for w in demo.warehouses}
    sku_codes = {s.code for s in demo.skus}
    pairs = {(w, s) for w, s, _ in demo.stock}
    assert len(pairs) == len(demo.stock)
    assert all(w in wh_codes and s in sku_codes and q >= 0 for w, s, q in demo.stock)
    assert len(pairs) >= 0.8 * len(wh_codes) * len(sku_codes)
    assert any(q == 0 for _, _, q in demo.stock)
    assert max(q for _, _, q in demo.stock) >= 300


def test_every_order_validates_and_adds_up(demo: DemoData) -> None:
    for order in demo.orders:
        draft = order.draft
        assert validate_order(draft) == [], draft.platform_order_id
        assert draft.total == draft.expected_total
        for amount in (draft.total, draft.shipping_fee, draft.order_discount):
            assert amount.as_tuple().exponent == -2
        assert all(line.sku_code for line in draft.lines)


def test_order_numbers_are_unique_and_platform_shaped(demo: DemoData) -> None:
    platform = {s.code: s.platform for s in demo.shops}
    keys = [(o.shop_code, o.draft.platform_order_id) for o in demo.orders]
    assert len(keys) == len(set(keys))
    for shop, order_id in keys:
        assert re.fullmatch(ORDER_ID_FORMATS[platform[shop]], order_id), (shop, order_id)


def test_raw_payloads_are_json_with_the_order_number(demo: DemoData) -> None:
    for order in demo.orders:
        payload = json.loads(order.draft.raw_payload)
        assert isinstance(payload, dict)
        assert order.draft.platform_order_id in order.draft.raw_payload
    assert any("颜色分类:" in o.draft.raw_payload for o in demo.orders)


def test_repeat_and_cross_channel_buyers(demo: DemoData) -> None:
    shops_of: dict[str, set[str]] = defaultdict(set)
    orders_of: Counter[str] = Counter()
    ids: dict[tuple[str, str], set[str | None]] = defaultdict(set)
    for order in demo.orders:
        phone = order.draft.receiver.phone
        if not phone:
            continue
        shops_of[phone].add(order.shop_code)
        orders_of[phone] += 1
        ids[(order.shop_code, phone)].add(order.draft.buyer_id)
    assert sum(1 for n in orders_of.values() if n > 1) >= 50
    assert max(orders_of.values()) >= 5
    cross = [p for p, shops in shops_of.items() if len(shops & CN_SHOPS) > 1]
    assert len(cross) >= 20
    assert all(len(found) == 1 for found in ids.values())  # one buyer id per person and shop


def test_chinese_receivers_look_real(demo: DemoData) -> None:
    provinces = set()
    for order in demo.orders:
        r = order.draft.receiver
        if r.country != "CN":
            continue
        provinces.add(r.province)
        assert r.name and r.province and r.city and r.district and r.street
        if r.phone:
            assert re.fullmatch(r"1(3\d|5[0-35-9]|7[235-8]|8\d|9[0-35-9])\d{8}", r.phone)
        assert re.fullmatch(r"\d{6}", r.postcode)
        if r.province in ("北京市", "上海市", "天津市", "重庆市"):
            assert r.city == r.province
    assert len(provinces) >= 20
    assert {"广西壮族自治区", "内蒙古自治区", "新疆维吾尔自治区"} & provinces


def test_international_orders(demo: DemoData) -> None:
    foreign = [o for o in demo.orders if o.draft.receiver.country != "CN"]
    assert len({o.draft.receiver.country for o in foreign}) >= 5
    for order in foreign:
        draft = order.draft
        assert draft.currency in ("USD", "EUR")
        assert draft.buyer_email and "@" in draft.buyer_email
        assert draft.receiver.phone.startswith("+")
        assert re.fullmatch(r"[A-Z]{2}", draft.receiver.country)
        assert all(line.spec.isascii() for line in draft.lines)
    assert any(o.draft.shipping_fee > 0 for o in foreign)


def test_channel_order_types(demo: DemoData) -> None:
    types = {o.shop_code: o.draft.order_type for o in demo.orders}
    assert types["douyin-live"] is OrderType.LIVE
    assert types["pos-shanghai"] is OrderType.POS
    assert types["b2b-wholesale"] is OrderType.WHOLESALE
    wholesale = [o for o in demo.orders if o.shop_code == "b2b-wholesale"]
    assert all(line.quantity >= 10 for o in wholesale for line in o.draft.lines)
    assert any(line.sku_code.startswith("BDL-") for o in demo.orders for line in o.draft.lines)


def test_evening_is_busier_than_the_small_hours(demo: DemoData) -> None:
    hours = Counter(o.draft.placed_at.astimezone(CHINA).hour for o in demo.orders)
    evening = sum(hours[h] for h in range(20, 24))
    night = sum(hours[h] for h in range(2, 6))
    assert evening > 3 * night
    live = Counter(
        o.draft.placed_at.astimezone(CHINA).hour
        for o in demo.orders
        if o.shop_code == "douyin-live"
    )
    assert sum(live[h] for h in range(19, 24)) > sum(live.values()) / 2


def test_payment_and_target_status(demo: DemoData) -> None:
    unpaid = [o for o in demo.orders if o.draft.payment_status is PaymentStatus.UNPAID]
    assert 0.02 <= len(unpaid) / len(demo.orders) <= 0.06
    assert all(o.draft.paid_at is None for o in unpaid)
    assert all(o.target_status is OrderStatus.RECEIVED for o in unpaid)
    for order in demo.orders:
        draft = order.draft
        assert order.target_status not in (OrderStatus.MERGED, OrderStatus.PRESALE)
        if draft.paid_at is not None:
            assert draft.placed_at <= draft.paid_at <= DEFAULT_NOW
            assert draft.platform_updated_at == draft.paid_at
    statuses = Counter(o.target_status for o in demo.orders)
    assert statuses[OrderStatus.COMPLETED] > len(demo.orders) / 4
    assert 0 < statuses[OrderStatus.CANCELLED] < len(demo.orders) / 15
    old = [o for o in demo.orders if DEFAULT_NOW - o.draft.placed_at > timedelta(days=8)]
    done = {OrderStatus.DELIVERED, OrderStatus.COMPLETED}
    assert sum(o.target_status in done for o in old) > 0.8 * len(old)


def test_money_has_two_places_everywhere(demo: DemoData) -> None:
    cent = Decimal("0.01")
    for order in demo.orders:
        for line in order.draft.lines:
            assert line.unit_price == line.unit_price.quantize(cent)
            assert line.discount == line.discount.quantize(cent)
