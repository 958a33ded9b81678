"""A Shopify REST Admin API (2024-04) stand-in for tests and demos: realistic orders and
GET /admin/api/2024-04/orders.json with Shopify's paging rules.

- `make_orders` builds Order objects in the real format whose figures reconcile under
  `ShopifyAdapter` (total_price = line prices − total_discounts + shipping + tax when not
  included), with a spread of financial/fulfillment statuses, discounts and tax regimes.
- `run_shopify` serves them: `X-Shopify-Access-Token` required (401), `status` (default open),
  `updated_at_min`/`updated_at_max` (inclusive), sorted by updated_at then id, `limit` (default
  50, at most 250), opaque `page_info` cursors in a `Link` header (rel="next" and
  rel="previous"); a cursor with any parameter other than `limit`/`fields` is a 400, as on
  Shopify. Failures come from a `FailurePlan`: timeouts, 429, 5xx, and REPEAT_PAGE, which
  answers the previous page's body with a Link to the same cursor the client asked for, so the
  client sees duplicates but loses nothing.
- The URL it yields is a `str` with a `stats` attribute counting the requests served.
"""

from __future__ import annotations

import base64
import json
import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from orderhub.channels.adapters.json_payload import hmac_base64
from orderhub.channels.simulators.base import Failure, FailurePlan, Reply, answer_failure, serve

ORDERS_PATH = "/admin/api/2024-04/orders.json"
DEFAULT_LIMIT, MAX_LIMIT = 50, 250
CENT = Decimal("0.01")
_SHOP_TZ = timezone(timedelta(hours=-4))
_PRODUCTS = [  # product id, title, [(variant id, variant title, sku, price)]
    (632910392, "IPod Nano - 8gb", [(39072856, "green", "IPOD2008GREEN", "199.00")]),
    (921728736, "IPod Touch 8GB", [(447654529, "Black", "IPOD2009BLACK", "199.00")]),
    (
        788032119,
        "Cotton Tee",
        [(1001, "S / White", "TEE-S-WHT", "19.90"), (1002, "M / Navy", "TEE-M-NVY", "21.50")],
    ),
    (788032120, "Gift Card", [(1101, "", "", "25.00")]),
    (788032121, "Espresso Beans 1kg", [(1201, "Dark", "BEAN-1KG-D", "32.75")]),
    (788032122, "Enamel Mug", [(1301, "Blue", "MUG-BLU", "12.00")]),
]
_ADDRESS_KEYS = [
    "first_name",
    "last_name",
    "phone",
    "country_code",
    "province",
    "province_code",
    "city",
    "address1",
    "address2",
    "zip",
]
_PEOPLE = [  # the _ADDRESS_KEYS, "|"-separated
    "Bob|Norman|+1 502-459-2181|US|Kentucky|KY|Louisville|Chestnut Street 92||40202",
    "Jane|Smith|777-777-7777|CA|Ontario|ON|Ottawa|123 Fake Street|Unit 4|K2P 1L4",
    "Amelia|Jones|+44 20 7946 0018|GB|England|ENG|London|10 Downing Street||SW1A 2AA",
    "Liam|Nguyen|+61 2 9374 4000|AU|New South Wales|NSW|Sydney|1 Macquarie St|Level 3|2000",
    "María|García||US|California|CA|San Francisco|969 Market||94103",
]
_TAX = {
    "US": ("State Tax", "0.06", False),
    "CA": ("HST", "0.13", False),
    "GB": ("VAT", "0.20", True),
    "AU": ("GST", "0.10", True),
}
_SHIPPING = [("Standard", "5.00"), ("Express", "15.00"), ("Free Shipping", "0.00")]
_STATES = [  # financial, fulfillment, cancelled, closed, weight
    ("paid", None, False, False, 40),
    ("paid", "fulfilled", False, False, 12),
    ("paid", "fulfilled", False, True, 10),
    ("paid", "partial", False, False, 5),
    ("pending", None, False, False, 10),
    ("authorized", None, False, False, 5),
    ("partially_refunded", "fulfilled", False, True, 5),
    ("refunded", None, True, True, 5),
    ("voided", None, True, True, 4),
    ("paid", None, True, True, 4),
]


def make_orders(
    n: int, *, seed: int, start: datetime, currency: str = "USD"
) -> list[dict[str, Any]]:
    """`n` Shopify Order objects, updated_at non-decreasing from `start` (ties happen)."""
    rng = random.Random(seed)
    moment = start.astimezone(_SHOP_TZ).replace(microsecond=0)
    orders = []
    for i in range(n):
        moment += timedelta(seconds=rng.choice((0, 7, 30, 61, 300)))
        orders.append(_order(rng, i, moment, currency))
    return orders


def sign_webhook(body: bytes, secret: str) -> str:
    """The `X-Shopify-Hmac-Sha256` value Shopify would send with `body`."""
    return hmac_base64(secret, body)


def _order(rng: random.Random, i: int, updated: datetime, cur: str) -> dict[str, Any]:
    address: dict[str, Any] = dict(zip(_ADDRESS_KEYS, rng.choice(_PEOPLE).split("|"), strict=True))
    first, last, country = address["first_name"], address["last_name"], address["country_code"]
    address.update(name=f"{first} {last}", phone=address["phone"] or None, company=None)
    tax_title, rate, included = _TAX[country]
    financial, fulfillment, cancelled, closed, _ = rng.choices(_STATES, [s[4] for s in _STATES])[0]
    code_pct = Decimal("0.10") if rng.random() < 0.3 else None
    lines = [_line(rng, i, n, code_pct, cur) for n in range(rng.randint(1, 4))]
    ship_title, ship_price = rng.choice(_SHIPPING)
    free_ship = ship_price != "0.00" and rng.random() < 0.1
    gross = sum((Decimal(li["price"]) * li["quantity"] for li in lines), Decimal(0))
    line_disc = sum((_allocated(li) for li in lines), Decimal(0))
    ship_disc = Decimal(ship_price) if free_ship else Decimal(0)
    base = gross - line_disc + Decimal(ship_price) - ship_disc
    tax = _tax(base, Decimal(rate), included)
    total = base + (Decimal(0) if included else tax)
    created = updated - timedelta(minutes=rng.randint(0, 4000))
    order_id = 5_600_000_000_000 + i * 1013 + rng.randint(0, 999)
    return {
        "id": order_id,
        "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
        "name": f"#{1001 + i}",
        "number": i + 1,
        "order_number": 1001 + i,
        "email": f"{first.lower()}.{last.lower()}@example.com",
        "created_at": _ts(created),
        "updated_at": _ts(updated),
        "processed_at": _ts(created),
        "cancelled_at": _ts(updated) if cancelled else None,
        "cancel_reason": "customer" if cancelled else None,
        "closed_at": _ts(updated) if closed else None,
        "currency": cur,
        "presentment_currency": cur,
        "financial_status": financial,
        "fulfillment_status": fulfillment,
        "taxes_included": included,
        "total_line_items_price": _m(gross),
        "subtotal_price": _m(gross - line_disc),
        "total_discounts": _m(line_disc + ship_disc),
        "total_tax": _m(tax),
        "total_price": _m(total),
        "total_price_set": _money_set(total, cur),
        "total_shipping_price_set": _money_set(Decimal(ship_price), cur),
        "discount_codes": [{"code": "SAVE10", "amount": _m(line_disc), "type": "percentage"}]
        if code_pct
        else [],
        "tax_lines": [{"title": tax_title, "rate": float(rate), "price": _m(tax)}] if tax else [],
        "note": rng.choice([None, None, "Please leave at the door", "送货前请来电"]),
        "customer": {
            "id": 7_000_000 + rng.randint(0, 99_999),
            "first_name": first,
            "last_name": last,
            "email": f"{first.lower()}@example.com",
        },
        "billing_address": dict(address),
        "shipping_address": address,
        "line_items": lines,
        "shipping_lines": [_shipping_line(ship_title, ship_price, free_ship, cur)],
        "refunds": [],
        "test": False,
    }


def _line(rng: random.Random, i: int, n: int, pct: Decimal | None, cur: str) -> dict[str, Any]:
    product_id, title, variants = rng.choice(_PRODUCTS)
    variant_id, variant_title, sku, price = rng.choice(variants)
    qty = rng.randint(1, 3)
    discount = (Decimal(price) * qty * pct).quantize(CENT, ROUND_HALF_UP) if pct else None
    allocations = []
    if discount is not None:
        allocations.append({"amount": _m(discount), "discount_application_index": 0})
    return {
        "id": 10_000_000 + i * 10 + n,
        "product_id": product_id,
        "variant_id": variant_id,
        "title": title,
        "variant_title": variant_title or None,
        "name": f"{title} - {variant_title}" if variant_title else title,
        "sku": sku or None,
        "quantity": qty,
        "current_quantity": qty,
        "price": price,
        "price_set": _money_set(Decimal(price), cur),
        "total_discount": "0.00",
        "discount_allocations": allocations,
        "requires_shipping": bool(sku),
        "taxable": True,
        "grams": 200,
        "vendor": "OrderHub Demo",
    }


def _allocated(line: dict[str, Any]) -> Decimal:
    return sum((Decimal(a["amount"]) for a in line["discount_allocations"]), Decimal(0))


def _shipping_line(title: str, price: str, free: bool, cur: str) -> dict[str, Any]:
    allocations = [{"amount": price, "discount_application_index": 1}] if free else []
    return {
        "title": title,
        "code": title,
        "price": price,
        "price_set": _money_set(Decimal(price), cur),
        "discounted_price": "0.00" if free else price,
        "discount_allocations": allocations,
    }


def _tax(base: Decimal, rate: Decimal, included: bool) -> Decimal:
    raw = base - base / (1 + rate) if included else base * rate
    return raw.quantize(CENT, ROUND_HALF_UP)


def _m(value: Decimal) -> str:
    return str(value.quantize(CENT))


def _money_set(value: Decimal, cur: str) -> dict[str, Any]:
    money = {"amount": _m(value), "currency_code": cur}
    return {"shop_money": money, "presentment_money": dict(money)}


def _ts(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


# --- the server -------------------------------------------------------------------------------


@dataclass(slots=True)
class SimulatorStats:
    requests: int = 0
    by_status: dict[int, int] = field(default_factory=dict)


class SimulatorUrl(str):
    """The simulator's base URL; `stats` counts what it served."""

    stats: SimulatorStats


@dataclass(frozen=True, slots=True)
class _Entry:
    key: tuple[datetime, int]
    text: str
    open: bool
    cancelled: bool


class _Refusal(Exception):
    def __init__(self, status: int, errors: Any) -> None:
        super().__init__(status)
        self.reply = Reply(status, json.dumps({"errors": errors}).encode())


class ShopifySimulator:
    """The request handler behind `run_shopify` (usable directly with `serve`)."""

    def __init__(
        self, orders: list[dict[str, Any]], *, access_token: str, failures: FailurePlan | None
    ) -> None:
        self.access_token = access_token
        self.failures = failures or FailurePlan()
        self.stats = SimulatorStats()
        self._lock = threading.Lock()
        self._last_body: bytes | None = None
        self._entries = sorted((_entry(o) for o in orders), key=lambda e: e.key)

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Reply:
        reply = self._answer(method, target, headers)
        with self._lock:
            self.stats.requests += 1
            self.stats.by_status[reply.status] = self.stats.by_status.get(reply.status, 0) + 1
        return reply

    def _answer(self, method: str, target: str, headers: dict[str, str]) -> Reply:
        url = urlsplit(target)
        if method != "GET" or url.path != ORDERS_PATH:
            return Reply(404, b'{"errors":"Not Found"}')
        if headers.get("x-shopify-access-token") != self.access_token:
            return Reply(401, b'{"errors":"[API] Invalid API key or access token"}')
        failure = self.failures.draw()
        query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        if failure is not None and failure is not Failure.REPEAT_PAGE:
            reply = answer_failure(failure, self.failures)
            return reply or Reply(503, b'{"errors":"service unavailable"}')
        base = f"http://{headers.get('host', '127.0.0.1')}"
        if failure is Failure.REPEAT_PAGE and "page_info" in query:
            with self._lock:
                last = self._last_body
            if last is not None:
                limit = query.get("limit", str(DEFAULT_LIMIT))
                link = _link(base, {"next": query["page_info"]}, limit)
                return Reply(200, last, {"Link": link})
        try:
            return self._page(query, base)
        except _Refusal as refusal:
            return refusal.reply

    def _page(self, query: dict[str, str], base: str) -> Reply:
        limit = _limit(query.get("limit"))
        if "page_info" in query:
            extra = set(query) - {"page_info", "limit", "fields"}
            if extra:
                raise _Refusal(400, {"page_info": f"cannot be used with {sorted(extra)}"})
            cursor = _decode(query["page_info"])
        else:
            cursor = {
                "s": query.get("status", "open"),
                "min": query.get("updated_at_min"),
                "max": query.get("updated_at_max"),
            }
        selected = [e for e in self._entries if _matches(e, cursor)]
        page, before, after = _slice(selected, cursor, limit)
        body = ('{"orders":[' + ",".join(e.text for e in page) + "]}").encode()
        with self._lock:
            self._last_body = body
        cursors = {}
        if after and page:
            cursors["next"] = _encode(cursor, "next", page[-1].key)
        if before and page:
            cursors["previous"] = _encode(cursor, "prev", page[0].key)
        headers = {"Link": _link(base, cursors, str(limit))} if cursors else {}
        return Reply(200, body, headers)


@contextmanager
def run_shopify(
    orders: list[dict[str, Any]], *, access_token: str, failures: FailurePlan | None = None
) -> Iterator[SimulatorUrl]:
    """Serve `orders` on 127.0.0.1; yield the base URL (with `.stats`)."""
    simulator = ShopifySimulator(orders, access_token=access_token, failures=failures)
    with serve(simulator.handle) as base_url:
        url = SimulatorUrl(base_url)
        url.stats = simulator.stats
        yield url


def _entry(order: dict[str, Any]) -> _Entry:
    key = (datetime.fromisoformat(order["updated_at"]), int(order["id"]))
    text = json.dumps(order, ensure_ascii=False)
    return _Entry(key, text, order.get("closed_at") is None, order.get("cancelled_at") is not None)


def _limit(value: str | None) -> int:
    try:
        limit = int(value) if value else DEFAULT_LIMIT
    except ValueError:
        raise _Refusal(400, {"limit": "expected Integer"}) from None
    if limit < 1:
        raise _Refusal(400, {"limit": "must be at least 1"})
    return min(limit, MAX_LIMIT)


def _matches(entry: _Entry, cursor: dict[str, Any]) -> bool:
    status = cursor.get("s") or "open"
    if entry.open != (status == "open") and status in ("open", "closed"):
        return False
    if status == "cancelled" and not entry.cancelled:
        return False
    low, high = (
        _when(cursor.get("min"), "updated_at_min"),
        _when(cursor.get("max"), "updated_at_max"),
    )
    return (low is None or entry.key[0] >= low) and (high is None or entry.key[0] <= high)


def _slice(
    selected: list[_Entry], cursor: dict[str, Any], limit: int
) -> tuple[list[_Entry], bool, bool]:
    """(page, more before it, more after it)."""
    key = tuple(cursor["k"]) if cursor.get("k") else None
    if key is not None:
        key = (datetime.fromisoformat(key[0]), int(key[1]))
    if cursor.get("d") == "prev" and key is not None:
        earlier = [e for e in selected if e.key < key]
        page = earlier[-limit:]
        return page, len(earlier) > len(page), True
    later = [e for e in selected if key is None or e.key > key]
    return later[:limit], len(selected) > len(later), len(later) > limit


def _when(value: Any, name: str) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise _Refusal(400, {name: "invalid date"}) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=_SHOP_TZ)


def _encode(cursor: dict[str, Any], direction: str, key: tuple[datetime, int]) -> str:
    state = {**cursor, "d": direction, "k": [key[0].isoformat(), key[1]]}
    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")


def _decode(token: str) -> dict[str, Any]:
    try:
        state = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except ValueError:
        raise _Refusal(400, {"page_info": "Invalid value."}) from None
    if not isinstance(state, dict):
        raise _Refusal(400, {"page_info": "Invalid value."})
    return state


def _link(base: str, cursors: dict[str, str], limit: str) -> str:
    parts = []
    for rel, token in cursors.items():
        query = urlencode({"limit": limit, "page_info": token})
        parts.append(f'<{base}{ORDERS_PATH}?{query}>; rel="{rel}"')
    return ", ".join(parts)
