"""Cell text clean-up and exact parsing of the values found in platform export files. Pure.

Judgement calls:
- Text guards that back offices add so Excel keeps long numbers as text are removed: `="…"`,
  a leading apostrophe before a digit (`'3915…`) and tab/space padding (抖店 puts `\\t` before
  every id). Anything else is kept verbatim.
- Spreadsheet numbers are IEEE doubles. An integral float below 2**53 is turned back into its
  exact integer text (1.0 → "1"); an integral float at or above 2**53 cannot be trusted (Excel
  itself keeps only 15 significant digits, so an 18/19-digit order number typed or stored as a
  number has already lost its tail): it is written in scientific notation (never as made-up
  digits) and flagged as lossy.
- Fractional floats are written with 15 significant digits (what Excel shows), so 12.3 stays
  "12.3" even when the file holds 12.300000000000001.
- Amounts are `Decimal`, never float: "￥1,299.00", "¥ 12", "12.50元" are accepted.
- Naive times are local to the profile's time zone and converted to UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

EXACT_FLOAT_LIMIT = 2**53

# Placeholders platforms write for "no value".
EMPTY_MARKERS = frozenset({"", "-", "--", "—", "/", "null", "NULL", "None", "none", "N/A", "n/a"})
_AMOUNT_JUNK = str.maketrans("", "", "¥￥,，  元RMBrmb$\u3000")
_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:\.\d+)?[eE][+-]?\d+$")
_TIME_FORMATS = (
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y-%m-%d %H:%M",
    "%Y.%m.%d %H:%M:%S",
    "%Y.%m.%d",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日",
    "%Y%m%d%H%M%S",
)
_ZERO_TIMES = frozenset({"0000-00-00 00:00:00", "0000-00-00", "1970-01-01 08:00:00"})
_OFFSETS = {"Asia/Shanghai": 8, "Asia/Hong_Kong": 8, "Asia/Taipei": 8, "Asia/Singapore": 8}


class CellError(ValueError):
    """A cell that cannot be read as the value its column needs; `code` is the import code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def clean_text(value: str) -> str:
    """Strip padding and unwrap the `="…"` / leading-apostrophe text guards."""
    text = value.strip()
    if not text:
        return text
    first = text[0]
    if first == "=" and len(text) >= 3 and text[1] == '"' and text[-1] == '"':
        return text[2:-1].replace('""', '"').strip()
    if first == "'" and len(text) > 1 and text[1].isdigit():
        return text[1:]
    return text


def needs_cleaning(value: str) -> bool:
    """True when `clean_text` could change the value (cheap pre-check for the hot path)."""
    return bool(value) and (
        value[0] in "=' \t\u3000\r\n" or value[-1] in " \t\u3000\r\n" or value[0].isspace()
    )


def float_text(value: float) -> tuple[str, bool]:
    """A spreadsheet number as text, and whether its digits can no longer be trusted."""
    if value != value or value in (float("inf"), float("-inf")):
        return str(value), True
    if value.is_integer():
        if abs(value) < EXACT_FLOAT_LIMIT:
            return str(int(value)), False
        return repr(value), True  # "3.915562010231235e+18": plainly not an exact number
    return format(value, ".15g"), False


def datetime_text(value: datetime | date | time) -> str:
    """ISO text for a spreadsheet date/time; float noise below a millisecond is rounded away."""
    if isinstance(value, datetime):
        micro = value.microsecond
        if micro:
            value = _round_to_ms(value)
        return value.isoformat(sep=" ")
    return value.isoformat()


def _round_to_ms(value: datetime) -> datetime:
    rounded = value + timedelta(microseconds=500)
    return rounded.replace(microsecond=(rounded.microsecond // 1000) * 1000)


def is_empty(text: str) -> bool:
    return text in EMPTY_MARKERS


def is_scientific(text: str) -> bool:
    """True for "3.91556E+18"-style text: a long number that Excel already rounded."""
    return bool(_SCIENTIFIC.match(text))


def parse_amount(text: str) -> Decimal | None:
    """An exact amount, or None for an empty cell; raises `CellError` when it is not a number."""
    if text in EMPTY_MARKERS:
        return None
    cleaned = text.translate(_AMOUNT_JUNK)
    if cleaned.startswith("(") and cleaned.endswith(")"):
        cleaned = "-" + cleaned[1:-1]
    try:
        result = Decimal(cleaned)
    except InvalidOperation:
        raise CellError("IMPORT_BAD_NUMBER", f"{text!r} is not an amount") from None
    if not result.is_finite():
        raise CellError("IMPORT_BAD_NUMBER", f"{text!r} is not an amount")
    return result


def parse_quantity(text: str) -> int | None:
    """A whole quantity ("2", "2.0", "2件"), None when empty; raises `CellError` otherwise."""
    if text in EMPTY_MARKERS:
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = Decimal(text.rstrip("件个只套双盒箱袋瓶包条张台 "))
    except InvalidOperation:
        raise CellError("IMPORT_BAD_NUMBER", f"{text!r} is not a quantity") from None
    if not value.is_finite() or value != value.to_integral_value():
        raise CellError("IMPORT_BAD_NUMBER", f"{text!r} is not a whole quantity")
    return int(value)


def parse_time(text: str, zone: tzinfo) -> datetime | None:
    """A tz-aware UTC time, None when empty; naive text is local to `zone`."""
    if text in EMPTY_MARKERS or text in _ZERO_TIMES:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = _parse_other_time(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.astimezone(UTC)


def _parse_other_time(text: str) -> datetime:
    candidate = text.replace("T", " ").strip()
    for fmt in _TIME_FORMATS:
        try:
            return datetime.strptime(candidate, fmt)
        except ValueError:
            continue
    raise CellError("IMPORT_BAD_DATE", f"{text!r} is not a date/time")


@lru_cache(maxsize=32)
def zone_named(name: str) -> tzinfo:
    """The time zone called `name`; known fixed-offset zones still work without a tz database."""
    if name.upper() in ("UTC", "Z", "GMT"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        if name in _OFFSETS:
            return timezone(timedelta(hours=_OFFSETS[name]), name)
        raise
