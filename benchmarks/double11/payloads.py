"""From a planned order to the raw text a platform delivers, and the ways a delivery arrives
broken: cut off mid-way, without its order number, with a negative quantity, or with a total
that does not add up. Each is refused by the real adapter or by `validate_order`."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from benchmarks.double11 import formats_cn, formats_intl
from benchmarks.double11.basket import PlannedOrder, yuan
from benchmarks.double11.formats_cn import Json, Rendered

MALFORMED_KINDS = ("truncated", "missing_order_id", "negative_quantity", "amount_mismatch")
_BUMP = 1_000  # cents (or fen) added to a total that then no longer adds up
_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class Format:
    """How one platform writes an order, and where its breakable fields are."""

    write: Callable[[PlannedOrder], Rendered]
    id_keys: tuple[str, ...]  # the order number's fields in the order object
    quantity_key: str  # a line's quantity field
    total_key: str  # the order total the adapter reads
    derives_discount: bool = False  # the adapter reads the order discount off the total


FORMATS: dict[str, Format] = {
    "tmall": Format(formats_cn.taobao, ("tid", "tid_str"), "num", "payment", True),
    "taobao": Format(formats_cn.taobao, ("tid", "tid_str"), "num", "payment", True),
    "jd": Format(formats_cn.jd, ("orderId",), "itemTotal", "orderSellerPrice"),
    "pdd": Format(formats_cn.pdd, ("order_sn",), "goods_count", "pay_amount"),
    "douyin": Format(formats_cn.douyin, ("order_id",), "combo_num", "order_total_amount"),
    "shopify": Format(formats_intl.shopify, ("id",), "quantity", "total_price"),
    "woocommerce": Format(formats_intl.woocommerce, ("id",), "quantity", "total"),
}


def dumps(doc: Json) -> str:
    """Compact UTF-8 JSON, as the platforms send it."""
    return _ENCODER.encode(doc)


def raw_order(order: PlannedOrder) -> str:
    doc, _, _ = FORMATS[order.shop.platform].write(order)
    return dumps(doc)


def malformed_order(order: PlannedOrder, kind: str, rng: random.Random) -> str:
    """The raw text of `order` broken in the way `kind` names (see `MALFORMED_KINDS`)."""
    fmt = FORMATS[order.shop.platform]
    doc, body, lines = fmt.write(order)
    if kind == "truncated":
        text = dumps(doc)
        return text[: rng.randint(len(text) // 3, len(text) - 2)]
    if kind == "missing_order_id":
        for key in fmt.id_keys:
            body.pop(key, None)
    elif kind == "negative_quantity":
        line = lines[rng.randrange(len(lines))]
        quantity = line[fmt.quantity_key]
        line[fmt.quantity_key] = f"-{quantity}" if isinstance(quantity, str) else -quantity
    elif kind == "amount_mismatch":
        # A derived discount would absorb a smaller error: pay more than goods and postage.
        extra = order.order_discount if fmt.derives_discount else 0
        body[fmt.total_key] = _bumped(body[fmt.total_key], _BUMP + extra)
    else:
        raise ValueError(f"unknown malformed kind {kind!r}")
    return dumps(doc)


def _bumped(value: object, cents: int) -> object:
    """The same amount in the same JSON type, `cents` (or fen) more."""
    if isinstance(value, int):
        return value + cents
    if isinstance(value, float):
        return (round(value * 100) + cents) / 100
    return yuan(int(Decimal(str(value)) * 100) + cents)
