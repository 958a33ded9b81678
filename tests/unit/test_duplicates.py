from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from orderhub.orders.duplicates import DuplicateSuspicion, OrderFingerprint, find_duplicates

T0 = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
ITEMS = (("MUG-01", 2), ("TEA-500", 1))


def fp(order_id: int, **changes: object) -> OrderFingerprint:
    base = OrderFingerprint(
        order_id=order_id,
        shop="tmall-flagship",
        channel="tmall",
        platform_order_id=f"P{order_id}",
        customer_id=None,
        phone_key="+8613812345678",
        name_address_key="zhangsan|zhejiang|hangzhou|xihu|wensan rd 1",
        items=ITEMS,
        total=Decimal("202.90"),
        currency="CNY",
        placed_at=T0,
        status="received",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def pairs(found: list[DuplicateSuspicion]) -> list[tuple[int, int]]:
    return [(s.order_id, s.other_order_id) for s in found]


def test_cross_channel_duplicate_is_suspected_with_a_readable_reason() -> None:
    original = fp(17, shop="jd-store", channel="jd")
    again = fp(18, placed_at=T0 + timedelta(hours=3))
    found = find_duplicates([again], [original])
    assert found == [
        DuplicateSuspicion(
            18,
            17,
            "same buyer (phone +86138…), same items and amount 202.90 CNY as order 17 "
            "on jd-store, 3 h earlier",
        )
    ]


def test_manual_re_entry_with_another_order_number_is_suspected() -> None:
    first = fp(1, shop="manual", channel="manual", platform_order_id="M-0001")
    second = fp(2, shop="manual", channel="manual", platform_order_id="M-0002")
    second = replace(second, placed_at=T0 + timedelta(minutes=20))
    assert pairs(find_duplicates([second], [first])) == [(2, 1)]
    assert "20 min earlier" in find_duplicates([second], [first])[0].reason


def test_a_repeat_purchase_in_the_same_platform_shop_is_not_a_duplicate() -> None:
    first = fp(1)
    second = fp(2, placed_at=T0 + timedelta(hours=1))
    assert find_duplicates([second], [first]) == []


def test_the_same_platform_order_seen_twice_is_not_a_duplicate() -> None:
    stored = fp(1, shop="manual", channel="manual", platform_order_id="M-1")
    again = fp(2, shop="manual", channel="manual", platform_order_id="M-1")
    assert find_duplicates([again], [stored]) == []


def test_an_order_is_never_compared_with_itself() -> None:
    order = fp(5, shop="jd-store")
    assert find_duplicates([order], [order]) == []


@pytest.mark.parametrize(
    ("hours", "expected"),
    [(24, [(2, 1)]), (25, [])],
)
def test_only_orders_within_the_window_count(hours: int, expected: list[tuple[int, int]]) -> None:
    original = fp(1, shop="jd-store", channel="jd")
    later = fp(2, placed_at=T0 + timedelta(hours=hours))
    assert pairs(find_duplicates([later], [original])) == expected


def test_the_window_is_configurable() -> None:
    original = fp(1, shop="jd-store", channel="jd")
    later = fp(2, placed_at=T0 + timedelta(hours=30))
    found = find_duplicates([later], [original], window=timedelta(hours=48))
    assert pairs(found) == [(2, 1)]
    with pytest.raises(ValueError, match="negative"):
        find_duplicates([later], [original], window=timedelta(hours=-1))


def test_a_different_quantity_is_not_a_duplicate() -> None:
    original = fp(1, shop="jd-store", channel="jd")
    other = fp(2, items=(("MUG-01", 3), ("TEA-500", 1)))
    assert find_duplicates([other], [original]) == []


def test_a_different_amount_or_currency_is_not_a_duplicate() -> None:
    original = fp(1, shop="jd-store", channel="jd")
    assert find_duplicates([fp(2, total=Decimal("199.90"))], [original]) == []
    assert find_duplicates([fp(3, currency="HKD")], [original]) == []


def test_amounts_compare_by_value_and_items_by_content() -> None:
    original = fp(1, shop="jd-store", channel="jd", items=(("TEA-500", 1), ("MUG-01", 2)))
    same = fp(2, total=Decimal("202.9000"), currency="cny")
    assert pairs(find_duplicates([same], [original])) == [(2, 1)]


@pytest.mark.parametrize("status", ["cancelled", "merged"])
def test_a_cancelled_or_merged_original_does_not_count(status: str) -> None:
    original = fp(1, shop="jd-store", channel="jd", status=status)
    assert find_duplicates([fp(2)], [original]) == []


def test_a_cancelled_new_order_is_not_suspected() -> None:
    original = fp(1, shop="jd-store", channel="jd")
    assert find_duplicates([fp(2, status="cancelled")], [original]) == []


def test_the_same_buyer_by_customer_id_only() -> None:
    original = fp(1, shop="jd-store", channel="jd", customer_id=42, phone_key="+8613900000001")
    other = fp(2, customer_id=42, phone_key="", name_address_key="lisi|shanghai")
    found = find_duplicates([other], [original])
    assert pairs(found) == [(2, 1)]
    assert found[0].reason.startswith("same buyer (customer 42)")


def test_the_same_buyer_by_name_and_address_does_not_show_the_address() -> None:
    original = fp(1, shop="jd-store", channel="jd", phone_key="")
    other = fp(2, phone_key="+8613900000002", placed_at=T0 - timedelta(hours=2))
    found = find_duplicates([other], [original])
    assert pairs(found) == [(2, 1)]
    assert found[0].reason.startswith("same buyer (name and address)")
    assert found[0].reason.endswith("2 h later")
    assert "wensan" not in found[0].reason


def test_different_buyers_are_not_duplicates() -> None:
    original = fp(1, shop="jd-store", channel="jd")
    other = fp(2, phone_key="+8613900000003", name_address_key="lisi|shanghai")
    assert find_duplicates([other], [original]) == []


def test_orders_without_any_buyer_key_never_match() -> None:
    original = fp(1, shop="jd-store", channel="jd", phone_key="", name_address_key="")
    other = fp(2, phone_key="", name_address_key="")
    assert find_duplicates([other], [original]) == []


def test_within_a_batch_the_later_order_points_at_the_earlier() -> None:
    early = fp(7, shop="jd-store", channel="jd", placed_at=T0)
    late = fp(3, placed_at=T0 + timedelta(hours=1))
    assert pairs(find_duplicates([late, early], [])) == [(3, 7)]


def test_one_suspicion_per_pair_even_when_several_buyer_keys_match() -> None:
    original = fp(1, shop="jd-store", channel="jd", customer_id=9)
    found = find_duplicates([fp(2, customer_id=9)], [original])
    assert pairs(found) == [(2, 1)]
    assert "customer 9" in found[0].reason


def test_a_large_batch_is_handled_by_the_index() -> None:
    orders = [
        fp(i, phone_key=f"+86139{i:08d}", name_address_key=f"buyer-{i}", shop=f"shop-{i % 3}")
        for i in range(20_000)
    ]
    copy = fp(99_999, phone_key="+8613900000123", name_address_key="x", shop="manual")
    assert pairs(find_duplicates([*orders, copy], [])) == [(99_999, 123)]
