from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from itertools import count
from typing import Any

import pytest

from orderhub.customers.identity import (
    BuyerFacts,
    IdentityIndex,
    Match,
    address_key,
    facts_from_draft,
    identity_keys,
    match_batch,
    normalize_name,
)
from orderhub.normalize.address import NormalizedAddress
from orderhub.normalize.phones import normalize_phone
from orderhub.orders.domain import Address, LineDraft, OrderDraft

SHANGHAI = "上海市|上海市|浦东新区|张杨路500号 10楼"


def facts(order_id: int, platform: str = "tmall", **changes: Any) -> BuyerFacts:
    base = BuyerFacts(order_id, platform, f"{platform}-flagship", None, False, "", "", "", "")
    return replace(base, **changes)


def phone(raw: str) -> str:
    return normalize_phone(raw).match_key


def ids(start: int = 1001) -> Callable[[], int]:
    counter: Iterator[int] = count(start)
    return lambda: next(counter)


def test_keys_in_strength_order() -> None:
    f = facts(
        1,
        buyer_id="t-88231",
        phone_key=phone("138 0013 8000"),
        email=" Li.Na@Example.COM ",
        name="李娜",
        address_key=SHANGHAI,
    )
    assert identity_keys(f) == [
        ("buyer:tmall", "t-88231"),
        ("phone", "+8613800138000"),
        ("email", "li.na@example.com"),
        ("name_address", f"李娜|{SHANGHAI}"),
    ]


def test_same_buyer_on_tmall_and_jd_matched_by_phone() -> None:
    index = IdentityIndex([("buyer:tmall", "t-88231", 42), ("phone", "+8613800138000", 42)])
    jd = facts(2, "jd", buyer_id="jd_li_na", phone_key=phone("+86 138-0013-8000"))
    match = index.match(jd)
    assert match == Match(42, "same phone +8613800138000 as customer 42")
    assert index.assign(jd, 42) == [("buyer:jd", "jd_li_na", 42)]
    assert index.match(facts(3, "jd", buyer_id="jd_li_na")).customer_id == 42


def test_masked_taobao_buyers_are_told_apart_by_buyer_id_only() -> None:
    masked = phone("138****8000")
    assert masked == ""
    first = facts(1, "taobao", buyer_id="AAF1x", buyer_masked=True, phone_key=masked, name="张**")
    second = facts(2, "taobao", buyer_id="AAH9q", buyer_masked=True, phone_key=masked, name="张**")
    assert identity_keys(first) == [("buyer:taobao", "AAF1x")]
    results = match_batch([first, second], IdentityIndex([]), ids())
    assert [m.customer_id for _, m, _ in results] == [1001, 1002]


def test_masked_buyer_gives_only_buyer_id_even_with_other_facts() -> None:
    f = facts(
        1,
        "taobao",
        buyer_id="AAF1x",
        buyer_masked=True,
        phone_key="+8613800138000",
        email="a@b.cn",
        name="张伟",
        address_key=SHANGHAI,
    )
    assert identity_keys(f) == [("buyer:taobao", "AAF1x")]
    assert identity_keys(facts(2, "taobao", buyer_masked=True, name="张伟")) == []


def test_masked_phone_in_a_draft_marks_the_buyer_masked() -> None:
    draft = OrderDraft(
        platform_order_id="4021337788990011",
        currency="CNY",
        lines=(LineDraft("纯棉T恤 白色 L", 1, Decimal("79.00")),),
        receiver=Address("张**", "138****8000", province="浙江省", city="杭州市"),
        placed_at=datetime(2024, 11, 11, 0, 3, tzinfo=UTC),
        total=Decimal("79.00"),
        buyer_id="AAF1x",
        buyer_email="zw@example.com",
    )
    f = facts_from_draft(7, "taobao", "tb-main", draft)
    assert f.buyer_masked
    assert identity_keys(f) == [("buyer:taobao", "AAF1x")]


def test_privacy_numbers_do_not_match_across_platforms() -> None:
    privacy = phone("13800138000-1234")
    assert ";ext=" in privacy
    index = IdentityIndex([("phone:pdd", privacy, 5)])
    assert identity_keys(facts(1, "pdd", phone_key=privacy)) == [("phone:pdd", privacy)]
    assert index.match(facts(1, "pdd", phone_key=privacy)).customer_id == 5
    other = index.match(facts(2, "douyin", phone_key=privacy))
    assert other == Match(None, "new customer")
    host_only = index.match(facts(3, "pdd", phone_key=phone("13800138000")))
    assert host_only.customer_id is None


def test_email_is_case_insensitive() -> None:
    index = IdentityIndex([("email", "anna.schmidt@example.de", 12)])
    match = index.match(facts(1, "shopify", email="  Anna.Schmidt@EXAMPLE.de"))
    assert match == Match(12, "same email anna.schmidt@example.de as customer 12")
    assert identity_keys(facts(2, email="not-an-email")) == []


def test_name_and_address() -> None:
    index = IdentityIndex([("name_address", f"zhang wei|{SHANGHAI}", 31)])
    f = facts(1, "wechat", name="  ＺＨＡＮＧ　 Wei ", address_key=SHANGHAI)
    assert index.match(f) == Match(31, f"same name and address zhang wei|{SHANGHAI} as customer 31")
    assert identity_keys(facts(2, name="张伟")) == []  # no address: no key


@pytest.mark.parametrize("name", ["门店散客", " 匿名 ", "", "   ", "王*"])
def test_placeholder_names_never_form_keys(name: str) -> None:
    assert normalize_name(name) == ""
    assert identity_keys(facts(1, "pos", name=name, address_key=SHANGHAI)) == []


def test_address_key_from_normalized_address() -> None:
    addr = NormalizedAddress(
        "上海市", "上海市", "浦东新区", "张杨路500号  10楼", "310115", 0.95, ()
    )
    assert address_key(addr) == SHANGHAI
    assert address_key(NormalizedAddress("", "", "", "某某路1号", "", 0.0, ())) == ""


def test_conflict_strongest_key_wins_and_reason_says_so() -> None:
    index = IdentityIndex([("buyer:jd", "jd_wang", 7), ("phone", "+8613911112222", 9)])
    f = facts(1, "jd", buyer_id="jd_wang", phone_key="+8613911112222", email="w@qq.com")
    match = index.match(f)
    assert match.customer_id == 7
    assert match.reason == (
        "same jd buyer id jd_wang as customer 7 (conflict: jd buyer id → 7; phone → 9 ignored)"
    )
    assert index.assign(f, 7) == [("email", "w@qq.com", 7)]
    assert index.owner("phone", "+8613911112222") == 9


def test_batch_groups_orders_of_the_same_new_buyer() -> None:
    index = IdentityIndex([("phone", "+8613700001111", 3)])
    batch = [
        facts(1, "tmall", buyer_id="t-1", phone_key="+8618612345678"),
        facts(2, "jd", buyer_id="jd-1", phone_key="+8618612345678"),
        facts(3, "douyin", phone_key="+8613700001111"),
        facts(4, "shopify", email="Chen@Example.com"),
        facts(5, "jd", buyer_id="jd-1", email="chen@example.com"),
        facts(6, "pos", name="门店散客"),
    ]
    results = match_batch(batch, index, ids())
    customers = [m.customer_id for _, m, _ in results]
    assert customers == [1001, 1001, 3, 1002, 1001, None]
    reasons = [m.reason for _, m, _ in results]
    assert reasons[0] == "new customer"
    assert reasons[1] == "same phone +8618612345678 as customer 1001 (new in this batch)"
    assert "conflict: jd buyer id → 1001; email → 1002 ignored" in reasons[4]
    assert reasons[5] == "no identifying facts: not linked to a customer"
    rows = [row for _, _, new_rows in results for row in new_rows]
    assert rows == [
        ("buyer:tmall", "t-1", 1001),
        ("phone", "+8618612345678", 1001),
        ("buyer:jd", "jd-1", 1001),
        ("email", "chen@example.com", 1002),
    ]


def test_existing_rows_keep_their_first_owner() -> None:
    index = IdentityIndex([("email", "a@b.cn", 1), ("email", "a@b.cn", 2)])
    assert index.owner("email", "a@b.cn") == 1
    assert len(index) == 1
