"""Order documents saved from a platform's API (a list response, one order, or JSON lines),
split into the raw orders each adapter parses. Used by `orderhub import --format …`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from orderhub.channels.base import ParseError
from orderhub.channels.jsontext import dumps_exact, loads_exact

# Where each platform's list responses keep their orders (first match wins).
LIST_PATHS: dict[str, tuple[tuple[str, ...], ...]] = {
    "shopify": (("orders",),),
    "woocommerce": ((),),
    "taobao": (
        ("trades_sold_get_response", "trades", "trade"),
        ("trades_sold_increment_get_response", "trades", "trade"),
    ),
    "douyin": (("data", "list"),),
    "amazon": (("payload", "Orders"),),
    "jd": (("jingdong_pop_order_search_responce", "searchorderinfo_result", "orderInfoList"),),
    "pdd": (("order_list_get_response", "order_list"),),
}
LIST_PATHS["tmall"] = LIST_PATHS["taobao"]


def split_document(text: str, platform: str) -> Iterator[str]:
    """Yield one raw order text per order in `text`; a single order is yielded as it is."""
    stripped = text.lstrip("\ufeff").strip()
    if "\n" in stripped and stripped.startswith("{") and _is_json_lines(stripped):
        yield from (line for line in stripped.splitlines() if line.strip())
        return
    try:
        document = loads_exact(stripped)
    except ValueError:
        yield text  # the adapter reports exactly what is wrong with it (or a tolerant parse)
        return
    orders = _find_list(document, platform)
    if orders is None:
        yield text
        return
    for order in orders:
        yield dumps_exact(order)


def _find_list(document: Any, platform: str) -> list[Any] | None:
    for path in LIST_PATHS.get(platform, ()):
        node = document
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, list):
            return node
    return None


def _is_json_lines(text: str) -> bool:
    first = text.splitlines()[0].strip()
    try:
        loads_exact(first)
    except ValueError:
        return False
    return True


def require_text(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError("PAYLOAD_NOT_UTF8", f"{name} is not UTF-8 JSON: {exc}") from None
