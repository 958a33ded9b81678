"""The inventory side of the Shopify simulator: what `ShopifyAdapter.push_stock` calls.

- GET /admin/api/2024-04/variants/{id}.json -> `{"variant": {...}}` with its `inventory_item_id`;
  an unknown variant is 404 `{"errors": "Not Found"}`.
- POST /admin/api/2024-04/inventory_levels/set.json, JSON body `{"location_id",
  "inventory_item_id", "available"}` -> 200 `{"inventory_level": {...}}`. A missing or
  non-integer parameter is 400 `{"errors": {"<name>": "Required parameter missing or invalid"}}`;
  an unknown location or inventory item 404 `{"errors": "Not Found"}`; an item whose inventory is
  not tracked (gift cards) 422 `{"errors": ["Inventory item does not have inventory tracking
  enabled"]}`, as Shopify answers.
Both check `X-Shopify-Access-Token` (401) and draw from the `FailurePlan` (timeouts, 429, 5xx;
REPEAT_PAGE answers normally here). Every push is kept in `ShopifyInventory.log` (a `PushLog`
keyed by inventory item id) and `available` holds the quantities taken.

`run_shopify_store` serves orders (as `run_shopify`) and inventory on one URL.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

from orderhub.channels.simulators.base import Failure, FailurePlan, Reply, answer_failure, serve
from orderhub.channels.simulators.shopify import ShopifySimulator, SimulatorUrl
from orderhub.channels.simulators.stock_log import PushLog

SET_PATH = "/admin/api/2024-04/inventory_levels/set.json"
DEFAULT_LOCATION_ID = 655441491
INVENTORY_ITEM_BASE = 40_000_000_000  # inventory item id = this + variant id
UNTRACKED = "Inventory item does not have inventory tracking enabled"
_VARIANT_PATH = re.compile(r"^/admin/api/2024-04/variants/(\d+)\.json$")
_SHOP_TZ = timezone(timedelta(hours=-4))
_NOT_FOUND = Reply(404, b'{"errors":"Not Found"}')


@dataclass(frozen=True, slots=True)
class Variant:
    id: int
    sku: str
    inventory_item_id: int
    tracked: bool = True


def variants_of(orders: Iterable[dict[str, Any]]) -> list[Variant]:
    """The variants sold in `orders`; those without a SKU (gift cards) are not tracked."""
    found: dict[int, Variant] = {}
    for order in orders:
        for line in order.get("line_items") or []:
            variant_id, sku = line.get("variant_id"), line.get("sku") or ""
            if isinstance(variant_id, int) and variant_id not in found:
                item = INVENTORY_ITEM_BASE + variant_id
                found[variant_id] = Variant(variant_id, sku, item, tracked=bool(sku))
    return sorted(found.values(), key=lambda v: v.id)


class ShopifyInventory:
    """Inventory levels of one location; `handle` answers None for paths that are not its own."""

    def __init__(
        self,
        variants: Iterable[Variant],
        *,
        access_token: str,
        location_id: int = DEFAULT_LOCATION_ID,
        failures: FailurePlan | None = None,
    ) -> None:
        self.variants = {v.id: v for v in variants}
        self.by_item = {v.inventory_item_id: v for v in self.variants.values()}
        self.access_token = access_token
        self.location_id = location_id
        self.failures = failures or FailurePlan()
        self.available: dict[int, int] = {}  # inventory item id -> available at the location
        self.log = PushLog()
        self._lock = threading.Lock()

    def handle(
        self, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> Reply | None:
        path = urlsplit(target).path
        variant = _VARIANT_PATH.match(path)
        if variant is None and path != SET_PATH:
            return None
        if variant is None:
            self.log.count_call()
        if headers.get("x-shopify-access-token") != self.access_token:
            return Reply(401, b'{"errors":"[API] Invalid API key or access token"}')
        failure = self.failures.draw()
        if failure is not None and failure is not Failure.REPEAT_PAGE:
            return answer_failure(failure, self.failures) or Reply(503, b'{"errors":"unavailable"}')
        if variant is not None:
            return self._variant(int(variant[1])) if method == "GET" else _NOT_FOUND
        return self._set(body) if method == "POST" else _NOT_FOUND

    def _variant(self, variant_id: int) -> Reply:
        variant = self.variants.get(variant_id)
        if variant is None:
            return _NOT_FOUND
        with self._lock:
            quantity = self.available.get(variant.inventory_item_id, 0)
        doc = {
            "id": variant.id,
            "sku": variant.sku or None,
            "inventory_item_id": variant.inventory_item_id,
            "inventory_management": "shopify" if variant.tracked else None,
            "inventory_quantity": quantity,
            "admin_graphql_api_id": f"gid://shopify/ProductVariant/{variant.id}",
        }
        return _json(200, {"variant": doc})

    def _set(self, body: bytes) -> Reply:
        try:
            doc = json.loads(body)
        except ValueError:
            doc = None
        if not isinstance(doc, dict):
            return _missing("inventory_level")
        for name in ("location_id", "inventory_item_id", "available"):
            if isinstance(doc.get(name), bool) or not isinstance(doc.get(name), int):
                return _missing(name)
        item, quantity = doc["inventory_item_id"], doc["available"]
        variant = self.by_item.get(item)
        if doc["location_id"] != self.location_id or variant is None:
            self.log.record(str(item), quantity, error="404 Not Found")
            return _NOT_FOUND
        if not variant.tracked:
            self.log.record(str(item), quantity, error=f"422 {UNTRACKED}")
            return _json(422, {"errors": [UNTRACKED]})
        with self._lock:
            self.available[item] = quantity
        self.log.record(str(item), quantity)
        level = {
            "inventory_item_id": item,
            "location_id": self.location_id,
            "available": quantity,
            "updated_at": datetime.now(_SHOP_TZ).isoformat(timespec="seconds"),
            "admin_graphql_api_id": (
                f"gid://shopify/InventoryLevel/{self.location_id}?inventory_item_id={item}"
            ),
        }
        return _json(200, {"inventory_level": level})


class ShopifyStoreUrl(SimulatorUrl):
    """The store's base URL; `stats` counts order requests, `inventory` holds the stock side."""

    inventory: ShopifyInventory


@contextmanager
def run_shopify_store(
    orders: list[dict[str, Any]],
    *,
    access_token: str,
    location_id: int = DEFAULT_LOCATION_ID,
    variants: Iterable[Variant] | None = None,
    failures: FailurePlan | None = None,
) -> Iterator[ShopifyStoreUrl]:
    """Serve orders and inventory (variants default to those sold in `orders`) on 127.0.0.1."""
    store = ShopifySimulator(orders, access_token=access_token, failures=failures)
    inventory = ShopifyInventory(
        variants_of(orders) if variants is None else variants,
        access_token=access_token,
        location_id=location_id,
        failures=failures,
    )

    def handle(method: str, target: str, headers: dict[str, str], body: bytes) -> Reply:
        reply = inventory.handle(method, target, headers, body)
        return reply if reply is not None else store.handle(method, target, headers, body)

    with serve(handle) as base_url:
        url = ShopifyStoreUrl(base_url)
        url.stats, url.inventory = store.stats, inventory
        yield url


def _missing(name: str) -> Reply:
    return _json(400, {"errors": {name: "Required parameter missing or invalid"}})


def _json(status: int, doc: dict[str, Any]) -> Reply:
    return Reply(status, json.dumps(doc).encode())
