"""Reading REST/JSON order payloads (Shopify, WooCommerce) strictly: every bad field is a
`ParseError` naming the field. Also: exact splitting of a JSON array into its elements' raw text,
and base64 HMAC-SHA256 webhook signatures.

Money is read as `Decimal` (JSON numbers too: payloads are loaded with `parse_float=Decimal`),
never as float.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from orderhub.channels.base import ParseError
from orderhub.channels.jsontext import loads_exact
from orderhub.money import MoneyError, check_currency, to_decimal

JsonObject = dict[str, Any]
_DECODER = json.JSONDecoder(parse_float=Decimal)
_WHITESPACE = " \t\n\r"


def load_object(raw: str) -> JsonObject:
    """The JSON object in `raw`; PAYLOAD_NOT_JSON when it is not JSON or not an object."""
    try:
        value = loads_exact(raw)
    except (ValueError, TypeError) as exc:
        raise ParseError("PAYLOAD_NOT_JSON", f"payload is not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise ParseError(
            "PAYLOAD_NOT_OBJECT", f"payload is a JSON {type(value).__name__}, not an object"
        )
    return value


def require(obj: Mapping[str, Any], key: str, field: str) -> Any:
    value = obj.get(key)
    if value is None or value == "":
        raise ParseError("FIELD_MISSING", f"{field} is missing", field=field)
    return value


def order_id(obj: Mapping[str, Any], key: str = "id") -> str:
    value = obj.get(key)
    if value is None or isinstance(value, bool) or str(value).strip() == "":
        raise ParseError("ORDER_ID_MISSING", "the order has no id", field=key)
    if not isinstance(value, int | str):
        raise ParseError("FIELD_INVALID", f"order id {value!r} is not a number", field=key)
    return str(value).strip()


def text(obj: Mapping[str, Any] | None, key: str, field: str = "") -> str:
    """An optional text field ('' when absent or null); numbers are written as text."""
    value = (obj or {}).get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise ParseError("FIELD_INVALID", f"{field or key} is not text", field=field or key)
    return str(value).strip()


def mapping(obj: Mapping[str, Any], key: str, field: str) -> JsonObject | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ParseError("FIELD_INVALID", f"{field} is not an object", field=field)
    return value


def items(obj: Mapping[str, Any], key: str, field: str) -> list[JsonObject]:
    """A list of objects ([] when absent or null)."""
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ParseError("FIELD_INVALID", f"{field} is not a list of objects", field=field)
    return value


def amount(obj: Mapping[str, Any], key: str, field: str, default: Decimal | None = None) -> Decimal:
    """A money amount, exact. Absent/null → `default`, or FIELD_MISSING when there is none."""
    value = obj.get(key)
    if value is None or value == "":
        if default is None:
            raise ParseError("FIELD_MISSING", f"{field} is missing", field=field)
        return default
    try:
        return to_decimal(value)
    except MoneyError:
        raise ParseError(
            "FIELD_INVALID", f"{field} is not an amount: {value!r}", field=field
        ) from None


def quantity(value: Any, field: str) -> int:
    """An integer quantity; the sign is left to `validate_order` (LINE_QUANTITY_INVALID)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    if value is None:
        raise ParseError("FIELD_MISSING", f"{field} is missing", field=field)
    raise ParseError("FIELD_INVALID", f"{field} is not a whole number: {value!r}", field=field)


def currency(value: Any, field: str = "currency") -> str:
    if value is None or value == "":
        raise ParseError("FIELD_MISSING", "the order has no currency", field=field)
    try:
        return check_currency(str(value))
    except MoneyError as exc:
        raise ParseError(exc.code, exc.message, field=field) from None


def timestamp(value: Any, field: str, *, naive_is_utc: bool) -> datetime:
    """An ISO 8601 time as aware UTC. A string without offset is UTC only if `naive_is_utc`."""
    if value is None or value == "":
        raise ParseError("FIELD_MISSING", f"{field} is missing", field=field)
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        raise ParseError(
            "FIELD_INVALID", f"{field} is not a time: {value!r}", field=field
        ) from None
    if parsed.tzinfo is None:
        if not naive_is_utc:
            raise ParseError("FIELD_INVALID", f"{field} has no time zone: {value!r}", field=field)
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def optional_timestamp(value: Any, field: str, *, naive_is_utc: bool) -> datetime | None:
    if value is None or value == "":
        return None
    return timestamp(value, field, naive_is_utc=naive_is_utc)


def join_text(*parts: str, sep: str = ", ") -> str:
    return sep.join(p for p in (part.strip() for part in parts) if p)


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A header's value, looked up case-insensitively."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def hmac_base64(secret: str, body: bytes) -> str:
    """base64(HMAC-SHA256(key=secret, msg=body)), as Shopify and WooCommerce sign webhooks."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signature_matches(secret: Any, body: bytes, signature: str | None) -> bool:
    if not secret or not signature:
        return False
    expected = hmac_base64(str(secret), body)
    return hmac.compare_digest(expected.encode("ascii"), signature.strip().encode("utf-8"))


def array_elements(text_: str, key: str | None = None) -> list[str]:
    """The raw text of each element of a JSON array, exactly as written (numbers untouched).

    The array is the whole document (`key` None) or the value of `key` in the top-level object.
    Raises ValueError when the document does not have that shape.
    """
    pos = _skip(text_, 0)
    if key is not None:
        pos = _find_member(text_, pos, key)
    return _elements(text_, pos)


def _skip(text_: str, pos: int) -> int:
    while pos < len(text_) and text_[pos] in _WHITESPACE:
        pos += 1
    return pos


def _expect(text_: str, pos: int, char: str) -> int:
    if pos >= len(text_) or text_[pos] != char:
        raise ValueError(f"expected {char!r} at {pos}")
    return _skip(text_, pos + 1)


def _find_member(text_: str, pos: int, key: str) -> int:
    pos = _expect(text_, pos, "{")
    while pos < len(text_) and text_[pos] != "}":
        name, pos = _DECODER.raw_decode(text_, pos)
        pos = _expect(text_, _skip(text_, pos), ":")
        if name == key:
            return pos
        _, pos = _DECODER.raw_decode(text_, pos)
        pos = _skip(text_, pos)
        if pos < len(text_) and text_[pos] == ",":
            pos = _skip(text_, pos + 1)
    raise ValueError(f"no member {key!r}")


def _elements(text_: str, pos: int) -> list[str]:
    pos = _expect(text_, pos, "[")
    found: list[str] = []
    while pos < len(text_) and text_[pos] != "]":
        _, end = _DECODER.raw_decode(text_, pos)
        found.append(text_[pos:end])
        pos = _skip(text_, end)
        if pos < len(text_) and text_[pos] == ",":
            pos = _skip(text_, pos + 1)
    _expect(text_, pos, "]")
    return found
