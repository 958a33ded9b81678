"""Taobao Open Platform (TOP) request signing and TOP time strings.

The string to sign (TOP doc "签名算法", docId=101617; see the shared TOP_SIGNING_NOTE.md):
every request parameter except `sign` whose key and value are both non-empty, sorted by key in
ASCII order, joined as ``key1value1key2value2...`` with no separators and no URL-encoding,
encoded as UTF-8. Then, by `sign_method`:

- ``md5``: upper hex of MD5(secret + joined + secret)
- ``hmac``: upper hex of HMAC-MD5(key=secret, joined); the secret does not wrap the string
- ``hmac-sha256``: upper hex of HMAC-SHA256(key=secret, joined)

MD5 here is the platform's protocol, not our choice of a secure hash.

TOP times are Beijing time (UTC+8, no daylight saving) written ``yyyy-MM-dd HH:mm:ss``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8), "CST")
TOP_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_TOP_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", re.ASCII)
SIGN_METHODS = ("md5", "hmac", "hmac-sha256")


def sign_string(params: Mapping[str, str]) -> str:
    """The parameters joined as TOP signs them (without the secret)."""
    return "".join(
        f"{key}{params[key]}" for key in sorted(params) if key != "sign" and key and params[key]
    )


def sign_top(params: Mapping[str, str], secret: str, method: str) -> str:
    """The `sign` value of a TOP request; `method` is the request's `sign_method`."""
    joined = sign_string(params).encode("utf-8")
    key = secret.encode("utf-8")
    if method == "md5":
        digest = hashlib.md5(key + joined + key, usedforsecurity=False).hexdigest()
    elif method == "hmac":
        digest = hmac.new(key, joined, hashlib.md5).hexdigest()
    elif method == "hmac-sha256":
        digest = hmac.new(key, joined, hashlib.sha256).hexdigest()
    else:
        raise ValueError(f"unknown TOP sign_method {method!r}; expected one of {SIGN_METHODS}")
    return digest.upper()


def top_timestamp(moment: datetime) -> str:
    """`moment` (time-zone aware) as a TOP time string, in Beijing time."""
    if moment.tzinfo is None:
        raise ValueError("TOP times need a time-zone aware datetime")
    return moment.astimezone(BEIJING).strftime(TOP_TIME_FORMAT)


def parse_top_time(text: str) -> datetime:
    """A TOP ``yyyy-MM-dd HH:mm:ss`` Beijing time as an aware UTC datetime (ValueError if not)."""
    if _TOP_TIME.fullmatch(text):  # the usual zero-padded form: ISO parsing is ~20x strptime
        return datetime.fromisoformat(text).replace(tzinfo=BEIJING).astimezone(UTC)
    return datetime.strptime(text, TOP_TIME_FORMAT).replace(tzinfo=BEIJING).astimezone(UTC)
