from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from orderhub.orders.domain import LineDraft
from orderhub.orders.merging import (
    MERGEABLE_STATUSES,
    MergeCandidate,
    MergeGroup,
    MergePolicy,
    merge_groups,
    split_lines,
)

T0 = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
POLICY = MergePolicy()


def cand(order_id: int, hours: float = 0, **changes: object) -> MergeCandidate:
    base = MergeCandidate(
        order_id=order_id,
        shop="tmall-flagship",
        status="approved",
        payment_status="paid",
        receiver_key="zhangsan|hangzhou|wensan rd 1|13812345678",
        is_cross_border=False,
        do_not_merge=False,
        placed_at=T0 + timedelta(hours=hours),
        currency="CNY",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def ids(groups: list[MergeGroup]) -> list[tuple[int, ...]]:
    return [g.order_ids for g in groups]


def test_mergeable_statuses_are_the_unallocated_ones() -> None:
    assert {str(s) for s in MERGEABLE_STATUSES} == {"received", "pending_review", "approved"}


def test_orders_to_the_same_receiver_merge_into_the_earliest() -> None:
    groups, refused = merge_groups([cand(3, 5), cand(1, 0), cand(2, 2)], POLICY)
    assert ids(groups) == [(1, 2, 3)]
    assert groups[0].automatic is False
    assert "same receiver, 3 orders" in groups[0].reason
    assert refused == []


def test_the_policy_decides_whether_merging_is_automatic() -> None:
    groups, _ = merge_groups([cand(1), cand(2, 1)], MergePolicy(enabled_auto=True))
    assert groups[0].automatic is True


def test_different_receivers_or_a_lone_order_make_no_group() -> None:
    groups, refused = merge_groups([cand(1), cand(2, 1, receiver_key="lisi|shanghai")], POLICY)
    assert groups == []
    assert refused == []


def test_an_empty_receiver_key_never_merges() -> None:
    groups, _ = merge_groups([cand(1, receiver_key=""), cand(2, 1, receiver_key=" ")], POLICY)
    assert groups == []


@pytest.mark.parametrize("status", ["allocated", "picking", "shipped", "cancelled", "merged"])
def test_orders_past_approval_are_not_candidates(status: str) -> None:
    groups, refused = merge_groups([cand(1), cand(2, 1, status=status)], POLICY)
    assert groups == []
    assert refused == []


@pytest.mark.parametrize("status", ["received", "pending_review"])
def test_orders_before_approval_merge(status: str) -> None:
    groups, _ = merge_groups([cand(1), cand(2, 1, status=status)], POLICY)
    assert ids(groups) == [(1, 2)]


def test_an_order_on_hold_waits_for_its_hold_before_it_can_merge() -> None:
    groups, _ = merge_groups([cand(1), cand(2, 1, status="on_hold")], POLICY)
    assert ids(groups) == []


def test_the_window_is_counted_from_the_groups_earliest_order() -> None:
    groups, refused = merge_groups([cand(1, 0), cand(2, 40), cand(3, 60)], POLICY)
    assert ids(groups) == [(1, 2)]  # 3 is 60 h after 1, even though only 20 h after 2
    assert refused == []


def test_a_custom_window() -> None:
    policy = MergePolicy(window=timedelta(hours=2))
    groups, _ = merge_groups([cand(1, 0), cand(2, 3), cand(3, 4)], policy)
    assert ids(groups) == [(2, 3)]


def test_different_payment_states_are_refused() -> None:
    groups, refused = merge_groups([cand(1), cand(2, 1, payment_status="unpaid")], POLICY)
    assert groups == []
    assert refused == [(1, 2, "payment states differ (paid vs unpaid)")]


def test_cross_border_orders_never_merge() -> None:
    groups, refused = merge_groups([cand(4), cand(5, 1, is_cross_border=True)], POLICY)
    assert groups == []
    assert refused == [(4, 5, "order 5 is cross-border")]


def test_do_not_merge_is_respected() -> None:
    candidates = [cand(7, do_not_merge=True), cand(8, 1), cand(9, 2)]
    groups, refused = merge_groups(candidates, POLICY)
    assert ids(groups) == [(8, 9)]
    assert refused == [(7, 8, "order 7 has do-not-merge"), (7, 9, "order 7 has do-not-merge")]


def test_different_currencies_are_refused() -> None:
    groups, refused = merge_groups([cand(1), cand(2, 1, currency="USD")], POLICY)
    assert groups == []
    assert refused == [(1, 2, "currencies differ (CNY vs USD)")]


def test_other_shops_merge_only_when_the_seller_allows_them_together() -> None:
    candidates = [cand(1), cand(2, 1, shop="jd-store")]
    groups, refused = merge_groups(candidates, POLICY)
    assert groups == []
    assert refused == [(1, 2, "shops tmall-flagship and jd-store are not allowed together")]
    allowed = MergePolicy(shop_groups=(frozenset({"tmall-flagship", "jd-store"}),))
    groups, refused = merge_groups(candidates, allowed)
    assert ids(groups) == [(1, 2)]
    assert refused == []


def test_allowed_shop_groups_are_not_transitive() -> None:
    policy = MergePolicy(shop_groups=(frozenset({"a", "b"}), frozenset({"b", "c"})))
    candidates = [cand(1, shop="a"), cand(2, 1, shop="b"), cand(3, 2, shop="c")]
    groups, refused = merge_groups(candidates, policy)
    assert ids(groups) == [(1, 2)]
    assert refused == [(1, 3, "shops a and c are not allowed together")]


def test_refusals_are_only_reported_within_the_window() -> None:
    groups, refused = merge_groups([cand(1), cand(2, 50, payment_status="unpaid")], POLICY)
    assert groups == []
    assert refused == []


def test_separate_receivers_form_separate_groups() -> None:
    other = "lisi|shanghai|13900000000"
    candidates = [
        cand(1),
        cand(2, 1, receiver_key=other),
        cand(3, 2),
        cand(4, 3, receiver_key=other),
    ]
    groups, _ = merge_groups(candidates, POLICY)
    assert ids(groups) == [(1, 3), (2, 4)]


# --- splitting ---

MUG = LineDraft("Mug", 3, Decimal("79.00"), Decimal("10.00"), sku_code="MUG-01")
TEA = LineDraft("Tea", 2, Decimal("35.50"), sku_code="TEA-500")


def test_a_partly_moved_line_shares_its_discount_to_the_cent() -> None:
    kept, moved = split_lines([MUG, TEA], {0: 1})
    assert kept == [replace(MUG, quantity=2, discount=Decimal("6.67")), TEA]
    assert moved == [replace(MUG, quantity=1, discount=Decimal("3.33"))]
    assert kept[0].amount + moved[0].amount == MUG.amount


def test_moving_two_of_three_rounds_the_moved_share() -> None:
    kept, moved = split_lines([MUG], {0: 2})
    assert (kept[0].discount, moved[0].discount) == (Decimal("3.33"), Decimal("6.67"))
    assert kept[0].amount + moved[0].amount == MUG.amount


@pytest.mark.parametrize("quantity", range(1, 7))
def test_both_parts_always_add_up_to_the_original(quantity: int) -> None:
    line = LineDraft("Cup", 7, Decimal("12.99"), Decimal("5.03"))
    kept, moved = split_lines([line], {0: quantity})
    assert kept[0].discount + moved[0].discount == line.discount
    assert kept[0].amount + moved[0].amount == line.amount
    assert kept[0].quantity + moved[0].quantity == line.quantity


def test_a_whole_line_moves_unchanged() -> None:
    kept, moved = split_lines([MUG, TEA], {1: 2})
    assert kept == [MUG]
    assert moved == [TEA]


def test_a_coarser_quantum_for_currencies_without_cents() -> None:
    line = LineDraft("Bowl", 3, Decimal(1000), Decimal(100))
    kept, moved = split_lines([line], {0: 1}, quantum=Decimal(1))
    assert (kept[0].discount, moved[0].discount) == (Decimal(67), Decimal(33))


@pytest.mark.parametrize(
    ("take", "message"),
    [
        ({}, "nothing to split"),
        ({0: 3, 1: 2}, "every line in full"),
        ({0: 0}, r"must be 1\.\.3, got 0"),
        ({0: 4}, r"must be 1\.\.3, got 4"),
        ({1: -1}, r"must be 1\.\.2, got -1"),
        ({2: 1}, "line 2 does not exist"),
        ({-1: 1}, "line -1 does not exist"),
    ],
)
def test_invalid_splits_are_refused(take: dict[int, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        split_lines([MUG, TEA], take)
