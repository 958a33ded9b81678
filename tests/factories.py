"""Small builders of realistic orders for tests."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from orderhub.orders.domain import Address, LineDraft, OrderDraft

BASE_TIME = datetime(2026, 11, 11, 0, 5, tzinfo=UTC)


def draft(order_no: str = "3915562010231234567", *, minutes: int = 0, **changes: Any) -> OrderDraft:
    """A paid two-line Tmall-style order to 上海; `minutes` shifts its times."""
    placed = BASE_TIME + timedelta(minutes=minutes)
    lines = (
        LineDraft(
            title="纯棉短袖T恤",
            quantity=2,
            unit_price=Decimal("79.00"),
            discount=Decimal("10.00"),
            sku_code="TS-BLK-XL",
            platform_sku_id="5012345",
            spec="颜色分类:黑色;尺码:XL",
        ),
        LineDraft(title="帆布托特包", quantity=1, unit_price=Decimal("59.90"), sku_code="BAG-CNV"),
    )
    base = OrderDraft(
        platform_order_id=order_no,
        currency="CNY",
        lines=lines,
        receiver=Address(
            name="张伟",
            phone="13812345678",
            province="上海市",
            city="上海市",
            district="浦东新区",
            street="世纪大道100号 2栋1203室",
            postcode="200120",
        ),
        placed_at=placed,
        paid_at=placed + timedelta(minutes=2),
        platform_updated_at=placed + timedelta(minutes=2),
        total=Decimal("202.90"),
        order_discount=Decimal("5.00"),
        shipping_fee=Decimal("0"),
        buyer_id="tb_buyer_001",
        buyer_nick="小张",
    )
    result = replace(base, **changes)
    if "raw_payload" not in changes:
        result = replace(
            result,
            raw_payload=json.dumps(
                {
                    "tid": result.platform_order_id,
                    "modified": result.version_time.isoformat(),
                    "payment": str(result.total),
                    "receiver": result.receiver.name,
                    "buyer_message": result.buyer_note,
                },
                ensure_ascii=False,
            ),
        )
    return result
