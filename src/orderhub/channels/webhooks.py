"""Webhook deliveries: signature first, then the same parse/receive path as pulls."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from sqlalchemy import Engine

from orderhub.channels import registry
from orderhub.channels.errors import PlatformUnsupported, WebhookSignatureInvalid
from orderhub.channels.receive import ReceiveResult, parse_raw, receive
from orderhub.channels.shops import context_of, known_platforms, load_shop
from orderhub.db import quarantine_repo
from orderhub.orders.domain import utc_now


def handle_webhook(
    engine: Engine, code: str, headers: Mapping[str, str], body: bytes, *, remote_addr: str
) -> ReceiveResult:
    """Verify and store one delivery. A bad signature stores nothing but a security event.

    One transaction (one pooled connection) per delivery: the shop is read, and the orders or
    the security event written, in it.
    """
    with engine.begin() as conn:
        shop = load_shop(conn, code)
        try:
            adapter = registry.adapter_for(shop.ref.platform)
        except LookupError:
            raise PlatformUnsupported(shop.ref.platform, known_platforms()) from None
        context = context_of(shop)
        if adapter.verify_webhook(headers, body, context):
            parsed = [
                parse_raw(adapter, context, raw, source_ref="webhook")
                for raw in adapter.webhook_orders(headers, body)
            ]
            return receive(conn, shop.ref, parsed, source="webhook")
        quarantine_repo.record_security_event(
            conn,
            kind="webhook_signature_invalid",
            shop_id=shop.ref.id,
            remote_addr=remote_addr,
            now=utc_now(),
            detail={
                "bytes": len(body),
                "sha256": hashlib.sha256(body).hexdigest(),
                "headers": sorted(k.lower() for k in headers),
            },
        )
    raise WebhookSignatureInvalid(code)
