"""Customers over a demo shop: a cross-channel buyer's profile, lists, grades, the blacklist, CLI.

The demo (300 orders, cleaned on load) gives the crowd; on top of it one buyer, 欧阳晓梅, orders
over a month on Tmall, JD and the Shopify store (in USD), returns one order and abandons an
unpaid one, each order arriving and being cleaned on its own day as in real life.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from orderhub.bootstrap import Container
from orderhub.channels.ingest import ingest_orders
from orderhub.customers import grades, service
from orderhub.customers.profile import DEFAULT_GRADE_RULES
from orderhub.db import shops_repo
from orderhub.db.schema import customers, orders, security_events
from orderhub.demo.generator import generate_demo
from orderhub.demo.load import load_demo
from orderhub.orders.domain import Address, ChannelState, LineDraft, OrderDraft
from orderhub.orders.lifecycle import PaymentStatus
from orderhub.pipeline.clean import run_cleaning

D = Decimal
ORDERHUB = str(Path(sys.executable).with_name("orderhub"))
START = datetime(2026, 10, 1, 2, 30, tzinfo=UTC)
PHONE_KEY = "+8615967123456"
HOME = Address(
    name="欧阳晓梅",
    phone="15967123456",
    province="浙江省",
    city="杭州市",
    district="西湖区",
    street="文三路478号华星时代广场A座1201室",
    postcode="310012",
)
OFFICE = replace(
    HOME, district="滨江区", street="网商路699号阿里巴巴滨江园区3号楼", postcode="310052"
)


@dataclass(frozen=True)
class Scenario:
    customer_id: int
    order_ids: dict[str, int]
    prices: tuple[Decimal, Decimal, Decimal]
    demo_customers: int


def order(
    no: str,
    *,
    day: int,
    lines: tuple[LineDraft, ...],
    receiver: Address = HOME,
    currency: str = "CNY",
    buyer_id: str | None = None,
    email: str | None = None,
    payment: PaymentStatus = PaymentStatus.PAID,
    state: ChannelState = ChannelState.PAID,
    updated_days: int | None = None,
) -> OrderDraft:
    placed = START + timedelta(days=day, minutes=7 * day)
    updated = START + timedelta(days=updated_days if updated_days is not None else day, hours=1)
    total = sum((line.amount for line in lines), D(0))
    raw = {
        "id": no,
        "state": state.value,
        "payment": payment.value,
        "modified": updated.isoformat(),
    }
    return OrderDraft(
        platform_order_id=no,
        currency=currency,
        lines=lines,
        receiver=receiver,
        placed_at=placed,
        paid_at=placed + timedelta(minutes=1) if payment is not PaymentStatus.UNPAID else None,
        platform_updated_at=updated,
        total=total,
        payment_status=payment,
        channel_state=state,
        buyer_id=buyer_id,
        buyer_email=email,
        raw_payload=json.dumps(raw),
    )


def arrive(engine: Engine, shop: str, draft: OrderDraft) -> int:
    """One order arrives from its channel and is cleaned, as the pipeline does every few minutes."""
    with engine.begin() as conn:
        ref = shops_repo.shop_by_code(conn, shop)
        assert ref is not None
        result = ingest_orders(conn, ref, [draft])
    assert not result.invalid, result.invalid
    run_cleaning(engine)
    return result.order_ids[draft.platform_order_id]


def load_scenario(engine: Engine) -> Scenario:
    data = generate_demo(orders=300, seed=11)
    load_demo(engine, data)
    run_cleaning(engine)
    with engine.connect() as conn:
        demo_customers = conn.execute(select(func.count()).select_from(customers)).scalar_one()
    skus = sorted((s for s in data.skus if D(100) <= s.price <= D(400)), key=lambda s: s.code)[:3]
    a, b, c = (
        LineDraft(title=s.title, quantity=1, unit_price=s.price, sku_code=s.code) for s in skus
    )
    ids: dict[str, int] = {}
    ids["T-1"] = arrive(
        engine,
        "tmall-flagship",
        order("T-1", day=0, lines=(replace(a, quantity=2),), buyer_id="tb_oyxm"),
    )
    t2 = order("T-2", day=10, lines=(b,), buyer_id="tb_oyxm")
    ids["T-2"] = arrive(engine, "tmall-flagship", t2)
    ids["J-1"] = arrive(
        engine,
        "jd-store",
        order(
            "J-1",
            day=20,
            lines=(a,),
            buyer_id="jd_oyxm_88",
            receiver=replace(HOME, phone="+86 159-6712-3456"),
        ),
    )
    ids["J-2"] = arrive(
        engine, "jd-store", order("J-2", day=25, lines=(c,), buyer_id="jd_oyxm_88", receiver=OFFICE)
    )
    usd = LineDraft(title=b.title, quantity=1, unit_price=D("39.90"), sku_code=b.sku_code)
    ids["S-1"] = arrive(
        engine,
        "shopify-intl",
        order(
            "S-1",
            day=30,
            lines=(usd,),
            currency="USD",
            buyer_id="7012345678901",
            email="Xiaomei.Ouyang@example.com",
            receiver=replace(HOME, phone="+86 159 6712 3456"),
        ),
    )
    unpaid = order(
        "P-1",
        day=31,
        lines=(c,),
        payment=PaymentStatus.UNPAID,
        state=ChannelState.AWAITING_PAYMENT,
    )
    ids["P-1"] = arrive(engine, "pdd-store", unpaid)
    with engine.begin() as conn:  # the platforms report: T-2 refunded, P-1 never paid and closed
        tmall, pdd = (
            shops_repo.shop_by_code(conn, code) for code in ("tmall-flagship", "pdd-store")
        )
        assert tmall is not None and pdd is not None
        refunded = replace(
            t2,
            payment_status=PaymentStatus.REFUNDED,
            channel_state=ChannelState.CANCELLED,
            platform_updated_at=START + timedelta(days=12),
            raw_payload=json.dumps({"id": "T-2", "state": "cancelled", "payment": "refunded"}),
        )
        closed = replace(
            unpaid,
            channel_state=ChannelState.CANCELLED,
            platform_updated_at=START + timedelta(days=32),
            raw_payload=json.dumps({"id": "P-1", "state": "cancelled"}),
        )
        assert ingest_orders(conn, tmall, [refunded]).updated == 1
        assert ingest_orders(conn, pdd, [closed]).updated == 1
    with engine.connect() as conn:
        owners = dict(
            conn.execute(
                select(orders.c.platform_order_id, orders.c.customer_id).where(
                    orders.c.id.in_(ids.values())
                )
            ).all()
        )
        statuses = dict(
            conn.execute(
                select(orders.c.platform_order_id, orders.c.status).where(
                    orders.c.id.in_(ids.values())
                )
            ).all()
        )
    assert len(set(owners.values())) == 1 and None not in owners.values(), owners
    assert statuses["T-2"] == statuses["P-1"] == "cancelled"
    return Scenario(
        customer_id=owners["T-1"],
        order_ids=ids,
        prices=(a.unit_price, b.unit_price, c.unit_price),
        demo_customers=demo_customers,
    )


@pytest.fixture
def scenario(engine: Engine) -> Scenario:
    return load_scenario(engine)


def test_a_cross_channel_buyer_has_one_profile(engine: Engine, scenario: Scenario) -> None:
    pa, _, pc = scenario.prices
    with engine.connect() as conn:
        view = service.customer_profile(conn, scenario.customer_id)
    p = view.profile
    assert (view.name, view.phone) == ("欧阳晓梅", PHONE_KEY)
    assert p.order_count == 5 and p.returns == 1 and p.kept_orders == 4  # P-1 never was a sale
    assert p.channels == ("jd", "shopify", "tmall")
    assert view.shops == ("jd-store", "shopify-intl", "tmall-flagship")
    assert p.total_spent == {"CNY": 2 * pa + pa + pc, "USD": D("39.90")}
    assert p.average_spent["CNY"] == ((3 * pa + pc) / 3).quantize(D("0.01"), ROUND_HALF_UP)
    assert p.first_order_at == START and p.last_order_at == START + timedelta(days=30, minutes=210)
    assert view.usual_address is not None
    assert (view.usual_address.district, view.usual_address.street) == ("西湖区", HOME.street)
    assert view.grade == "B"  # 4 kept orders: not the 5 grade A asks for
    assert [o.platform_order_id for o in view.recent_orders] == ["S-1", "J-2", "J-1", "T-2", "T-1"]
    refunded = next(o for o in view.recent_orders if o.platform_order_id == "T-2")
    assert (refunded.status, refunded.payment_status) == ("cancelled", "refunded")
    identities = dict(view.identities)
    assert identities["phone"] == PHONE_KEY  # full values in the view of one customer
    assert identities["buyer:tmall"] == "tb_oyxm" and identities["buyer:jd"] == "jd_oyxm_88"
    assert identities["email"] == "xiaomei.ouyang@example.com"
    reasons = {m.platform_order_id: m.reason for m in view.matches}
    assert reasons["T-1"] == "new customer"
    assert reasons["T-2"] == f"same tmall buyer id tb_oyxm as customer {view.id}"
    assert reasons["J-1"] == f"same phone {PHONE_KEY} as customer {view.id}"
    assert reasons["J-2"].startswith("same jd buyer id jd_oyxm_88")
    assert reasons["S-1"] == f"same phone {PHONE_KEY} as customer {view.id}"
    assert "P-1" in reasons  # linked by cleaning, even though it is not a sale


def test_lists_agree_with_profiles_and_filter(engine: Engine, scenario: Scenario) -> None:
    with engine.connect() as conn:
        seen: list[service.CustomerSummary] = []
        cursor = None
        while True:
            page = service.list_customers(conn, limit=17, cursor=cursor)
            seen += page.items
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        ids = [c.id for c in seen]
        assert ids == sorted(set(ids), reverse=True)  # newest first, no repeats
        assert len(ids) == scenario.demo_customers + 1
        profiles = {i: service.customer_profile(conn, i) for i in ids}
        by_grade = {
            g: {c.id for c in service.list_customers(conn, grade=g, limit=1000).items}
            for g in ("A", "B", "C")
        }
        found = {
            q: [c.id for c in service.list_customers(conn, search=q, limit=10).items]
            for q in (
                "欧阳晓梅",
                "3456",
                "159 6712 3456",
                "xiaomei.ouyang@example.com",
                "jd_oyxm_88",
            )
        }
    for summary in seen:
        view = profiles[summary.id]
        assert summary.order_count == view.profile.order_count
        assert summary.total_spent == view.profile.total_spent
        assert summary.grade == view.grade
        assert summary.grade in by_grade and summary.id in by_grade[summary.grade]
    assert sum(len(v) for v in by_grade.values()) == len(seen)
    assert all(v for v in by_grade.values())  # the demo crowd has every grade
    crowd = [v for i, v in profiles.items() if i != scenario.customer_id]
    assert any(len(v.shops) >= 2 for v in crowd)  # the demo's own cross-channel buyers
    ours = next(c for c in seen if c.id == scenario.customer_id)
    assert ours.phone == "+86159****3456"  # masked in lists
    assert ours.total_spent == profiles[ours.id].profile.total_spent and ours.order_count == 5
    assert all(scenario.customer_id in hits for hits in found.values()), found
    assert found["欧阳晓梅"] == [scenario.customer_id]


def test_grade_rules_change_the_grade(engine: Engine, scenario: Scenario) -> None:
    vip = {
        "rules": [
            {"grade": "VIP", "min_orders": 4, "min_spent": "300", "currency": "CNY"},
            {"grade": "USD buyer", "min_spent": 30, "currency": "USD"},
            {"grade": "Regular"},
        ]
    }
    with engine.begin() as conn:
        assert grades.grade_rules(conn).is_default
        stored = grades.set_grade_rules(conn, vip, actor="user:li")
    assert [r.grade for r in stored.rules] == ["VIP", "USD buyer", "Regular"]
    with engine.connect() as conn:
        assert service.customer_profile(conn, scenario.customer_id).grade == "VIP"
        listed = service.list_customers(conn, grade="VIP", limit=1000).items
        regular = service.list_customers(conn, grade="Regular", limit=1000).items
        assert not grades.grade_rules(conn).is_default
    assert scenario.customer_id in [c.id for c in listed] and all(c.grade == "VIP" for c in listed)
    assert regular and all(c.grade == "Regular" for c in regular)
    with engine.begin() as conn:
        tougher = {"rules": [{"grade": "VIP", "min_orders": 5}, {"grade": "Regular"}]}
        grades.set_grade_rules(conn, tougher, actor="user:li")
        assert service.customer_profile(conn, scenario.customer_id).grade == "Regular"
        back = grades.set_grade_rules(conn, {"rules": []}, actor="user:li")
        assert back.is_default and back.rules == DEFAULT_GRADE_RULES
        assert service.customer_profile(conn, scenario.customer_id).grade == "B"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "JSON object"),
        ({"rules": "A"}, "list of rules"),
        ({"rules": [{"grade": "A", "min_orders": -1}]}, "rule 1: grade A: min_orders"),
        ({"rules": [{"grade": "A"}, {"min_orders": 2}]}, "rule 2: grade rule has no grade"),
        ({"rules": [{"grade": "A", "min_order": 5}]}, "rule 1: unknown field(s) min_order"),
        ({"rules": [{"grade": "A", "currency": "XYZ"}]}, "unknown currency"),
        ({"rules": [{"grade": "A", "min_spent": "lots"}]}, "not an amount"),
    ],
)
def test_invalid_grade_rules_are_refused_with_the_reason(
    engine: Engine, document: Any, message: str
) -> None:
    with engine.begin() as conn, pytest.raises(grades.GradeRulesInvalid) as caught:
        grades.set_grade_rules(conn, document, actor="user:li")
    assert message in caught.value.message
    assert caught.value.code.value == "GRADE_RULES_INVALID"
    with engine.connect() as conn:
        assert grades.grade_rules(conn).is_default


def test_blacklist_round_trip_is_audited(engine: Engine, scenario: Scenario) -> None:
    cid = scenario.customer_id
    with engine.begin() as conn:
        on = service.blacklist(conn, cid, reason="chargeback fraud x3", actor="user:li")
        again = service.blacklist(conn, cid, reason="chargeback fraud x3", actor="user:li")
    assert (on.blacklisted, on.changed, again.changed) == (True, True, False)
    with engine.connect() as conn:
        view = service.customer_profile(conn, cid)
        black = service.list_customers(conn, blacklisted=True, limit=100).items
        white = service.list_customers(conn, blacklisted=False, limit=1000).items
    assert (view.blacklisted, view.blacklist_reason) == (True, "chargeback fraud x3")
    assert [c.id for c in black] == [cid] and cid not in [c.id for c in white]
    with engine.begin() as conn:
        off = service.unblacklist(
            conn, cid, reason="bank confirmed the payments", actor="user:wang"
        )
        assert not service.unblacklist(conn, cid, reason="again", actor="user:wang").changed
        assert not service.customer_profile(conn, cid).blacklisted
    assert (off.blacklisted, off.blacklist_reason, off.changed) == (False, "", True)
    with engine.connect() as conn:
        events = conn.execute(
            select(security_events.c.kind, security_events.c.detail).order_by(security_events.c.id)
        ).all()
    assert [(k, d) for k, d in events] == [
        (
            "customer_blacklisted",
            {"customer_id": cid, "reason": "chargeback fraud x3", "actor": "user:li"},
        ),
        (
            "customer_unblacklisted",
            {"customer_id": cid, "reason": "bank confirmed the payments", "actor": "user:wang"},
        ),
    ]


def test_unknown_customers_and_missing_reasons_are_refused(engine: Engine) -> None:
    with engine.begin() as conn:
        with pytest.raises(service.CustomerNotFound) as missing:
            service.customer_profile(conn, 999_999)
        assert missing.value.code.value == "CUSTOMER_NOT_FOUND"
        with pytest.raises(service.CustomerNotFound):
            service.blacklist(conn, 999_999, reason="spam", actor="user:li")
        cid = conn.execute(
            customers.insert().returning(customers.c.id),
            {"name": "无订单", "created_at": START},
        ).scalar_one()
        with pytest.raises(service.CustomerInvalid):
            service.blacklist(conn, cid, reason="   ", actor="user:li")
        empty = service.customer_profile(conn, cid)
    assert empty.profile.order_count == 0 and empty.usual_address is None
    assert empty.grade == "C" and empty.matches == () and empty.recent_orders == ()


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("+8613812345678", "+86138****5678"),
        ("+12065550100", "+120****0100"),
        ("+8695013;ext=1234", "****5013;ext=1234"),
        ("138****8000", "138****8000"),
        ("12345", "****2345"),
        ("", ""),
    ],
)
def test_phones_are_masked_in_lists(value: str, masked: str) -> None:
    assert service.mask_phone(value) == masked


def test_match_reasons_are_read_from_cleaning_notes() -> None:
    text = (
        "address completed; customer 7: same phone +86 as customer 7 "
        "(conflict: phone → 7; email → 9 ignored); phone mobile"
    )
    assert service.match_reason(text, 7) == (
        "same phone +86 as customer 7 (conflict: phone → 7; email → 9 ignored)"
    )
    assert service.match_reason("customer 17: new customer", 7) is None
    assert service.match_reason("customer 7: new customer", 7) == "new customer"


# --- the `orderhub customers` command -----------------------------------------------------


def run(container: Container, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    url = container.engine.url.render_as_string(hide_password=False)
    env = {**os.environ, "ORDERHUB_DATABASE_URL": url, "COLUMNS": "200"}
    done = subprocess.run([ORDERHUB, *args], env=env, capture_output=True, text=True, timeout=120)
    if ok:
        assert done.returncode == 0, done.stderr
    return done


def run_json(container: Container, *args: str, ok: bool = True) -> Any:
    return json.loads(run(container, *args, "--json", ok=ok).stdout)


def test_cli_lists_shows_grades_and_blacklists(
    container: Container, scenario: Scenario, tmp_path: Path
) -> None:
    cid = scenario.customer_id
    found = run_json(container, "customers", "list", "-q", "3456")
    ours = next(c for c in found if c["id"] == cid)
    assert ours["phone"] == "+86159****3456" and ours["order_count"] == 5
    assert set(ours["total_spent"]) == {"CNY", "USD"} and ours["total_spent"]["USD"] == "39.90"
    shown = run_json(container, "customers", "show", str(cid))
    assert shown["profile"]["channels"] == ["jd", "shopify", "tmall"]
    assert shown["profile"]["usual_address"]["street"] == HOME.street
    assert {"kind": "phone", "value": PHONE_KEY} in shown["identities"]
    assert len(shown["recent_orders"]) == 5 and shown["grade"] == "B"
    assert "customer" in run(container, "customers", "show", str(cid)).stdout.lower()

    rules = tmp_path / "grades.json"
    rules.write_text(json.dumps({"rules": [{"grade": "VIP", "min_orders": 4}, {"grade": "-"}]}))
    assert run_json(container, "customers", "grades", "--set", str(rules))["is_default"] is False
    assert run_json(container, "customers", "show", str(cid))["grade"] == "VIP"
    vips = run_json(container, "customers", "list", "--grade", "VIP", "--limit", "1000")
    assert cid in [c["id"] for c in vips] and {c["grade"] for c in vips} == {"VIP"}
    rules.write_text(json.dumps({"rules": [{"grade": "VIP", "min_orders": "many"}]}))
    refused = run(container, "customers", "grades", "--set", str(rules), "--json", ok=False)
    assert refused.returncode == 1
    error = json.loads(refused.stdout)["error"]
    assert error["code"] == "GRADE_RULES_INVALID" and "min_orders" in error["message"]
    assert run_json(container, "customers", "grades")["rules"][0] == {
        "grade": "VIP",
        "min_orders": 4,
        "min_spent": "0",
        "currency": "CNY",
    }

    done = run_json(container, "customers", "blacklist", str(cid), "--reason", "fake returns")
    assert done == {
        "customer_id": cid,
        "blacklisted": True,
        "blacklist_reason": "fake returns",
        "changed": True,
    }
    listed = run_json(container, "customers", "list", "--blacklisted")
    assert [c["id"] for c in listed] == [cid]
    assert (
        "blacklisted"
        in run(container, "customers", "unblacklist", str(cid), "--reason", "ok").stdout
    )
    assert run_json(container, "customers", "list", "--blacklisted") == []
    missing = run(container, "customers", "show", "999999", "--json", ok=False)
    assert missing.returncode == 1
    assert json.loads(missing.stdout)["error"]["code"] == "CUSTOMER_NOT_FOUND"
    with container.engine.connect() as conn:
        kinds = [r[0] for r in conn.execute(select(security_events.c.kind))]
    assert sorted(kinds) == ["customer_blacklisted", "customer_unblacklisted"]
