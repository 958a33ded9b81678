"""Stock push to Taobao and Tmall: `taobao.item.quantity.update` with type=1 (full update).

A listing id is `num_iid` (an item without SKUs) or `num_iid:sku_id` (one SKU of an item): TOP
needs the item's num_iid even to update one SKU, while an order line only carries the sku_id, so
the SKU mapping has to keep both (`listing_id` writes the text).

The call is signed like every TOP call (`TopClient`). The answer is
`{"item_quantity_update_response": {"item": {"num_iid", "num", "modified", "skus": {"sku":
[{"sku_id", "quantity", "modified"}]}}}}`; it is checked to name the item pushed (a stale answer
raises `TransientChannelError`). A business error about the item (unknown or deleted item, unknown
SKU, ...) becomes a failed result with TOP's sub_code and sub_msg; auth errors and rate limits
raise, as `top_error` sorts them. Tmall shops get the same sub_codes with a `-tmall` suffix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from orderhub.channels.http import ChannelRequestError, TransientChannelError
from orderhub.channels.stock_push import (
    PushErrorCode,
    PushResult,
    StockLevel,
    push_each,
    unmapped,
)

if TYPE_CHECKING:
    from orderhub.channels.adapters.taobao import TopClient

QUANTITY_UPDATE = "taobao.item.quantity.update"
FULL_UPDATE = "1"
LISTING_IDS = "num_iid or num_iid:sku_id"
NOT_FOUND_SUB_CODES = (
    "isv.item-not-exist",
    "isv.item-is-delete",
    "isv.invalid-parameter:sku-id",
)
_LISTING = re.compile(r"^(\d+)(?::(\d+))?$")


def listing_id(num_iid: str | int, sku_id: str | int | None = None) -> str:
    """The platform_sku_id under which stock of this item (or of one of its SKUs) is pushed."""
    return f"{num_iid}:{sku_id}" if sku_id else str(num_iid)


def quantity_update_params(num_iid: str, sku_id: str | None, quantity: int) -> dict[str, str]:
    """The business parameters of one full update (the signed call adds the common ones)."""
    params = {"num_iid": num_iid, "quantity": str(quantity), "type": FULL_UPDATE}
    if sku_id:
        params["sku_id"] = sku_id
    return params


def push_quantities(client: TopClient, items: Sequence[StockLevel]) -> list[PushResult]:
    return push_each(items, lambda level: _push_one(client, level))


def _push_one(client: TopClient, level: StockLevel) -> PushResult:
    found = _LISTING.match((level.platform_sku_id or "").strip())
    if found is None:
        return unmapped(level, "Taobao", LISTING_IDS)
    num_iid, sku_id = found[1], found[2]
    try:
        _, doc = client.call(
            QUANTITY_UPDATE, quantity_update_params(num_iid, sku_id, level.quantity)
        )
    except ChannelRequestError as exc:
        return _refusal(level, exc)
    _check_answer(doc, num_iid, sku_id, level.quantity)
    return PushResult.pushed(level.sku_code)


def _check_answer(doc: Mapping[str, Any], num_iid: str, sku_id: str | None, quantity: int) -> None:
    """Raise `TransientChannelError` unless the answer is about this item (and quantity)."""
    body = doc.get("item_quantity_update_response")
    item = body.get("item") if isinstance(body, dict) else None
    if not isinstance(item, dict) or str(item.get("num_iid")) != num_iid:
        raise TransientChannelError(f"{QUANTITY_UPDATE}: the answer is not about item {num_iid}")
    answered = item.get("num") if sku_id is None else _sku_quantity(item, sku_id)
    if answered is not None and str(answered) != str(quantity):
        raise TransientChannelError(
            f"{QUANTITY_UPDATE}: asked {quantity} for {listing_id(num_iid, sku_id)}, "
            f"TOP answered {answered}"
        )


def _sku_quantity(item: Mapping[str, Any], sku_id: str) -> Any:
    skus = item.get("skus")
    listed = skus.get("sku") if isinstance(skus, dict) else None
    for sku in listed if isinstance(listed, list) else []:
        if isinstance(sku, dict) and str(sku.get("sku_id")) == sku_id:
            return sku.get("quantity")
    return None


def _refusal(level: StockLevel, exc: ChannelRequestError) -> PushResult:
    sub_code = exc.platform_code
    not_found = sub_code.startswith(NOT_FOUND_SUB_CODES)
    code = PushErrorCode.ITEM_NOT_FOUND if not_found else PushErrorCode.REFUSED
    reason = f"{exc.platform_message} ({sub_code})" if sub_code else str(exc)
    return PushResult.failed(
        level.sku_code, code, f"Taobao refused {level.platform_sku_id}: {reason}"
    )
