"""The seller's items in the TOP simulator, answering `taobao.item.quantity.update`.

`run_top(..., items=TopItems(...))` routes the call here once the gateway's own checks (app_key,
signature, session, timestamp, failure injection) have passed. Like TOP:
- `num_iid` required and numeric (40 Missing required arguments / 41 Invalid arguments), as is
  `quantity`; `type` 1 (default) sets the quantity, 2 adds to it;
- a full update below zero, or an increment taking the stock below zero, is
  `isv.invalid-parameter:quantity`;
- an unknown `num_iid` is code 15 `isv.item-not-exist:invalid-numIid-or-iid` (商品id对应的商品不存在);
  an item with SKUs updated without `sku_id` is `isv.item-quantity-item-update-service-error`;
  an unknown `sku_id` is `isv.invalid-parameter:sku-id` (that sub_code is our assumption: TOP
  documents no list for this API);
- the answer is `item_quantity_update_response.item` with num_iid, num (the item's total),
  modified and every SKU's quantity.
Pushes are kept in `log` (a `PushLog` keyed `num_iid` or `num_iid:sku_id`); `quantities` holds
the stock per such key.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from orderhub.channels.adapters.taobao_sign import top_timestamp
from orderhub.channels.simulators.base import Reply
from orderhub.channels.simulators.stock_log import PushLog

QUANTITY_UPDATE = "taobao.item.quantity.update"


class TopItems:
    """`listings` maps each num_iid to its sku_ids (empty for an item without SKUs)."""

    def __init__(self, listings: Mapping[str, Iterable[str]]) -> None:
        self.skus = {str(num_iid): [str(s) for s in skus] for num_iid, skus in listings.items()}
        self.quantities: dict[str, int] = {}
        self.log = PushLog()
        self._lock = threading.Lock()

    def quantity_update(self, params: Mapping[str, str]) -> Reply:
        invalid = _invalid(params)
        if invalid is not None:
            return invalid
        num_iid, sku_id = params["num_iid"], params.get("sku_id") or ""
        key = f"{num_iid}:{sku_id}" if sku_id else num_iid
        quantity = int(params["quantity"])
        with self._lock:
            refusal = self._refusal(num_iid, sku_id) or self._apply(
                key, quantity, incremental=params.get("type") == "2"
            )
            item = None if refusal else self._item(num_iid)
        self.log.record(key, quantity, error=refusal[0] if refusal else "")
        if refusal:
            return _error(15, "Remote service error", *refusal)
        body = {"item": item, "request_id": uuid.uuid4().hex[:13]}
        return _json({"item_quantity_update_response": body})

    def _refusal(self, num_iid: str, sku_id: str) -> tuple[str, str] | None:
        skus = self.skus.get(num_iid)
        if skus is None:
            return ("isv.item-not-exist:invalid-numIid-or-iid", "商品id对应的商品不存在")
        if sku_id and sku_id not in skus:
            return ("isv.invalid-parameter:sku-id", "sku_id对应的SKU不存在")
        if skus and not sku_id:
            return (
                "isv.item-quantity-item-update-service-error",
                "商品含有销售属性，请按SKU更新库存",
            )
        return None

    def _apply(self, key: str, quantity: int, *, incremental: bool) -> tuple[str, str] | None:
        new = self.quantities.get(key, 0) + quantity if incremental else quantity
        if new < 0:
            return ("isv.invalid-parameter:quantity", "库存数量不能为负数")
        self.quantities[key] = new
        return None

    def _item(self, num_iid: str) -> dict[str, Any]:
        """The answer's item (call with the lock held)."""
        modified = top_timestamp(datetime.now(UTC))
        counts = {s: self.quantities.get(f"{num_iid}:{s}", 0) for s in self.skus[num_iid]}
        skus = [{"sku_id": int(s), "quantity": n, "modified": modified} for s, n in counts.items()]
        total = sum(counts.values()) if counts else self.quantities.get(num_iid, 0)
        item: dict[str, Any] = {
            "iid": num_iid,
            "num_iid": int(num_iid),
            "num": total,
            "modified": modified,
        }
        if skus:
            item["skus"] = {"sku": skus}
        return item


def items_of(trades: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    """The listings sold in `trades` (num_iid -> sku_ids), for `TopItems`."""
    listings: dict[str, list[str]] = {}
    for trade in trades:
        for sub in (trade.get("orders") or {}).get("order") or []:
            skus = listings.setdefault(str(sub["num_iid"]), [])
            sku_id = str(sub.get("sku_id") or "")
            if sku_id and sku_id not in skus:
                skus.append(sku_id)
    return listings


def _invalid(params: Mapping[str, str]) -> Reply | None:
    for name in ("num_iid", "quantity"):
        if not params.get(name):
            return _error(40, f"Missing required arguments:{name}")
        if not params[name].removeprefix("-").isdigit():
            return _error(41, f"Invalid arguments:{name}")
    return None


def _error(code: int, msg: str, sub_code: str = "", sub_msg: str = "") -> Reply:
    err: dict[str, Any] = {"code": code, "msg": msg}
    if sub_code:
        err.update(sub_code=sub_code, sub_msg=sub_msg)
    err["request_id"] = uuid.uuid4().hex[:13]
    return _json({"error_response": err})


def _json(doc: dict[str, Any]) -> Reply:
    return Reply(200, json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode())
