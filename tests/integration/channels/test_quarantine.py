"""Nothing is lost: refused payloads wait in quarantine and go in once the cause is fixed."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, select

from orderhub.channels import quarantine as quarantine_service
from orderhub.channels.adapters.shopify import ShopifyAdapter
from orderhub.channels.base import ParseError
from orderhub.channels.errors import QuarantineNotOpen
from orderhub.channels.shops import add_shop
from orderhub.channels.simulators.shopify import make_orders, sign_webhook
from orderhub.channels.webhooks import handle_webhook
from orderhub.db import quarantine_repo
from orderhub.db.schema import orders


def webhook(engine: Engine, body: bytes) -> Any:
    headers = {"x-shopify-hmac-sha256": sign_webhook(body, "s"), "x-shopify-topic": "orders/create"}
    return handle_webhook(engine, "shopify-us", headers, body, remote_addr="127.0.0.1")


def test_a_payload_refused_by_a_bug_goes_in_when_replayed_after_the_fix(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with engine.begin() as conn:
        add_shop(
            conn,
            code="shopify-us",
            name="US",
            platform="shopify",
            currency="USD",
            credentials={"webhook_secret": "s"},
        )
    order = make_orders(1, seed=2, start=datetime(2026, 11, 11, tzinfo=UTC))[0]
    body = json.dumps(order).encode()

    def buggy(self: ShopifyAdapter, raw: str, shop: Any) -> Any:
        raise ParseError(
            "FIELD_INVALID", "unknown financial_status 'paid'", field="financial_status"
        )

    with monkeypatch.context() as patch:
        patch.setattr(ShopifyAdapter, "parse", buggy)
        assert webhook(engine, body).quarantined == 1
    with engine.connect() as conn:
        [item] = quarantine_repo.list_quarantined(conn)
    assert (item.error_code, item.error_field) == ("FIELD_INVALID", "financial_status")

    outcome = quarantine_service.replay(engine, item.id, actor="user:dev")
    assert outcome.replayed and outcome.order_id is not None
    with engine.connect() as conn:
        stored = conn.execute(select(orders.c.id, orders.c.platform_order_id)).one()
        [closed] = quarantine_repo.list_quarantined(conn, status="replayed")
    assert stored == (outcome.order_id, str(order["id"]))
    assert (closed.resolved_by, closed.order_id) == ("user:dev", outcome.order_id)
    with pytest.raises(QuarantineNotOpen):
        quarantine_service.replay(engine, item.id, actor="user:dev")
    assert webhook(engine, body).unchanged == 1  # the replayed order is the same order
