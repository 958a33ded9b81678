"""Orders keyed in by the seller (phone, wholesale, POS), through the same ingest path as channels."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import Connection

from orderhub.channels.ingest import ingest_orders
from orderhub.channels.ingest_updates import payload_digest
from orderhub.db import ingest_repo, shops_repo
from orderhub.orders.domain import OrderDraft
from orderhub.orders.errors import DuplicateConflict, InvalidOrder, ShopNotFound

_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: readable over the phone


def new_order_no(now: datetime) -> str:
    """A readable reference like M20261127-7KX4Q2 for orders that bring none."""
    suffix = "".join(secrets.choice(_ALPHABET) for _ in range(6))
    return f"M{now:%Y%m%d}-{suffix}"


def create_manual_order(
    conn: Connection, shop_code: str, draft: OrderDraft, *, actor: str
) -> tuple[int, bool]:
    """Store the order; return (order id, created). The same reference sent again is the same order."""
    shop = shops_repo.shop_by_code(conn, shop_code)
    if shop is None:
        raise ShopNotFound(shop_code)
    existing = ingest_repo.existing_channel_orders(conn, shop.id, [draft.platform_order_id])
    known = existing.get(draft.platform_order_id)
    if known is not None:
        if known.payload_sha256 != payload_digest(draft.raw_payload):
            raise DuplicateConflict(shop_code, draft.platform_order_id, known.order_id)
        return known.order_id, False
    result = ingest_orders(conn, shop, [draft], actor=actor)
    if result.invalid:
        raise InvalidOrder(result.invalid[0][1])
    return result.order_ids[draft.platform_order_id], True
