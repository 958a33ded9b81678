"""Column-mapping profiles: which export column holds which canonical field, and how to read it.

A `Profile` maps each canonical field (see `FIELDS`) to the header texts (aliases) it may have;
the first alias present in the file wins, except for fields listed in `summed`, where every
present alias column is added up (拼多多 states its discount in three columns). Header matching
is on normalised text: NFKC (full-width brackets, commas and spaces become ASCII), no
whitespace, lower case; an alias also matches a header that only differs by a unit suffix such
as "(元)" or "(件)".

`amount_rule` says how an export states money:
- `order_level`: total paid, shipping fee and order discount are order figures repeated on
  every row of the order (淘宝/天猫, 京东, 拼多多); differing non-empty values are an error;
- `row_shares`: each row carries its own share of them (抖店 states 订单应付金额 and 运费 per
  子订单), so the order's figure is the sum over its rows.

The built-in profiles live in `builtin.py`; sellers define their own in JSON (`from_dict`).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from orderhub.channels.base import ParseError
from orderhub.channels.fileimport.cells import zone_named
from orderhub.money import MoneyError, check_currency
from orderhub.orders.domain import ChannelState
from orderhub.orders.lifecycle import PaymentStatus

FIELDS: dict[str, str] = {
    "order_no": "order number",
    "line_id": "line / sub-order id",
    "title": "item title",
    "spec": "item spec / properties",
    "sku_code": "seller SKU code (商家编码)",
    "platform_sku_id": "platform SKU / item id",
    "quantity": "quantity",
    "unit_price": "unit price",
    "line_total": "line price before line discount (price × quantity)",
    "line_discount": "line discount",
    "line_amount": "line amount after line discount",
    "total": "amount the buyer paid for the order",
    "payable": "amount due for the order (used while it is unpaid and states 0 paid)",
    "shipping_fee": "shipping fee",
    "order_discount": "order discount",
    "receiver_name": "receiver name",
    "phone": "receiver phone",
    "province": "province",
    "city": "city",
    "district": "district",
    "town": "town / sub-district (街道)",
    "street": "street / detailed address",
    "address": "full address (split into province/city/district when those are absent)",
    "postcode": "postcode",
    "buyer_nick": "buyer nick",
    "buyer_id": "buyer id",
    "buyer_note": "buyer note",
    "seller_note": "seller note",
    "status": "order status",
    "after_sale_status": "after-sale / refund status",
    "placed_at": "order placed time",
    "paid_at": "paid time",
    "updated_at": "last updated time",
    "currency": "currency",
    "country": "country",
}
PRICE_FIELDS = ("unit_price", "line_total", "line_amount")
SUMMABLE = frozenset({"total", "payable", "shipping_fee", "order_discount", "line_discount"})
# Fields that describe the whole order: they must agree across the rows of one order.
ORDER_TEXT_FIELDS = (
    "receiver_name",
    "phone",
    "province",
    "city",
    "district",
    "town",
    "street",
    "address",
    "postcode",
    "buyer_nick",
    "buyer_id",
    "placed_at",
    "paid_at",
    "currency",
    "country",
)
ORDER_AMOUNT_FIELDS = ("total", "payable", "shipping_fee", "order_discount")

_UNIT_SUFFIX = re.compile(r"\((?:元|件|个|rmb|cny|单位:?元|%)\)$")


class AmountRule(StrEnum):
    ORDER_LEVEL = "order_level"
    ROW_SHARES = "row_shares"


StatusMeaning = tuple[ChannelState, PaymentStatus | None]


class ProfileError(ValueError):
    """A seller-defined profile that cannot be used; `problems` lists every reason."""

    code = "IMPORT_PROFILE_INVALID"

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid import profile: " + "; ".join(problems))
        self.problems = problems


def normalise_header(text: str) -> str:
    """The form header texts are compared in (full-width → ASCII, no spaces, lower case)."""
    folded = unicodedata.normalize("NFKC", text.replace("\ufeff", "")).lower()
    return "".join(folded.split()).strip("*")


def _unitless(key: str) -> str:
    return _UNIT_SUFFIX.sub("", key)


def normalise_status(text: str) -> str:
    return normalise_header(text)


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """The header keys (as the reader names them) that hold each canonical field of one file."""

    keys: Mapping[str, tuple[str, ...]]

    def key(self, name: str) -> str | None:
        found = self.keys.get(name)
        return found[0] if found else None

    def has(self, name: str) -> bool:
        return name in self.keys


@dataclass(frozen=True)
class Profile:
    """How to read one kind of order export file."""

    name: str
    platform: str
    columns: Mapping[str, tuple[str, ...]]
    currency: str = "CNY"
    timezone: str = "Asia/Shanghai"
    country: str = "CN"
    amount_rule: AmountRule = AmountRule.ORDER_LEVEL
    status_map: Mapping[str, StatusMeaning] = field(default_factory=dict)
    status_keywords: tuple[tuple[str, ChannelState, PaymentStatus | None], ...] = ()
    summed: frozenset[str] = frozenset()
    sheet: str | None = None
    note: str = ""
    _status_index: dict[str, StatusMeaning] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    _status_seen: dict[str, StatusMeaning | None] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        problems = _check_profile(self)
        if problems:
            raise ProfileError(problems)
        index = {normalise_status(text): meaning for text, meaning in self.status_map.items()}
        object.__setattr__(self, "_status_index", index)
        keywords = tuple((normalise_status(k), s, p) for k, s, p in self.status_keywords)
        object.__setattr__(self, "status_keywords", keywords)

    # -- headers ------------------------------------------------------------------------------

    def column_map(self, headers: Sequence[str]) -> ColumnMap:
        """Resolve this profile against a file's header row; `IMPORT_MISSING_COLUMN` if unusable."""
        found = self._match(headers)
        missing = self._missing(found)
        if missing:
            raise ParseError(
                "IMPORT_MISSING_COLUMN",
                f"{self.name}: the file has no column for " + "; ".join(missing),
                field=",".join(name for name in self._missing_names(found)),
            )
        return ColumnMap(found)

    def is_header(self, cells: Sequence[str]) -> bool:
        """True when `cells` looks like this profile's header row (all required fields found)."""
        return not self._missing(self._match(cells))

    def _match(self, headers: Sequence[str]) -> dict[str, tuple[str, ...]]:
        exact: dict[str, str] = {}
        loose: dict[str, str] = {}
        for header in headers:
            key = normalise_header(header)
            if key:
                exact.setdefault(key, header)
                loose.setdefault(_unitless(key), header)
        found: dict[str, tuple[str, ...]] = {}
        for name, aliases in self.columns.items():
            hits = _hits(aliases, exact, loose)
            if hits:
                found[name] = tuple(hits) if name in self.summed else (hits[0],)
        return found

    def _missing_names(self, found: Mapping[str, object]) -> list[str]:
        names = [name for name in ("order_no", "quantity") if name not in found]
        if not any(name in found for name in PRICE_FIELDS):
            names.append("unit_price")
        return names

    def _missing(self, found: Mapping[str, object]) -> list[str]:
        described = []
        for name in self._missing_names(found):
            if name == "unit_price":
                aliases = [a for f in PRICE_FIELDS for a in self.columns.get(f, ())]
                label = "price (unit price, line total or line amount)"
            else:
                aliases = list(self.columns.get(name, ()))
                label = FIELDS[name]
            described.append(f"{label}: expected one of {' / '.join(aliases) or '(none)'}")
        return described

    # -- status -------------------------------------------------------------------------------

    def status_meaning(self, text: str) -> StatusMeaning | None:
        """What the platform's status text means; None when the profile does not know it."""
        if text in self._status_seen:
            return self._status_seen[text]
        meaning = self._find_status(text)
        if len(self._status_seen) < 1000:
            self._status_seen[text] = meaning
        return meaning

    def _find_status(self, text: str) -> StatusMeaning | None:
        key = normalise_status(text)
        meaning = self._status_index.get(key)
        if meaning is not None:
            return meaning
        for keyword, state, payment in self.status_keywords:
            if keyword in key:
                return state, payment
        return None

    # -- JSON ---------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly form that `from_dict` reads back."""
        return {
            "name": self.name,
            "platform": self.platform,
            "currency": self.currency,
            "timezone": self.timezone,
            "country": self.country,
            "amount_rule": self.amount_rule.value,
            "columns": {name: list(aliases) for name, aliases in self.columns.items()},
            "summed": sorted(self.summed),
            "status_map": {text: _meaning_out(m) for text, m in self.status_map.items()},
            "status_keywords": [
                [k, s.value, p.value if p else None] for k, s, p in self.status_keywords
            ],
            "sheet": self.sheet,
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Profile:
        """Build a seller-defined profile; `ProfileError` lists every problem at once."""
        from orderhub.channels.fileimport.profile_json import profile_kwargs

        return cls(**profile_kwargs(data))


def _hits(aliases: Iterable[str], exact: Mapping[str, str], loose: Mapping[str, str]) -> list[str]:
    hits: list[str] = []
    for alias in aliases:
        key = normalise_header(alias)
        header = exact.get(key) or loose.get(_unitless(key))
        if header is not None and header not in hits:
            hits.append(header)
    return hits


def _meaning_out(meaning: StatusMeaning) -> str | list[str]:
    state, payment = meaning
    return state.value if payment is None else [state.value, payment.value]


def _check_profile(profile: Profile) -> list[str]:
    problems: list[str] = []
    if not profile.name.strip():
        problems.append("the profile needs a name")
    for name in profile.columns:
        if name not in FIELDS:
            problems.append(_unknown_field(name))
    for name, aliases in profile.columns.items():
        if not aliases or any(not isinstance(a, str) or not a.strip() for a in aliases):
            problems.append(f"column {name!r} needs at least one non-empty header text")
    problems += _check_required(profile.columns)
    for name in profile.summed:
        if name not in SUMMABLE:
            problems.append(f"only {', '.join(sorted(SUMMABLE))} can be summed, not {name!r}")
    problems += _check_settings(profile)
    return problems


def _unknown_field(name: str) -> str:
    close = difflib.get_close_matches(name, FIELDS, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown field {name!r}{hint}; known fields: {', '.join(FIELDS)}"


def _check_required(columns: Mapping[str, object]) -> list[str]:
    problems = [
        f"the profile must say which column holds the {FIELDS[name]} ({name!r})"
        for name in ("order_no", "quantity")
        if name not in columns
    ]
    if not any(name in columns for name in PRICE_FIELDS):
        problems.append(
            "the profile must say which column holds the price ('unit_price', 'line_total' "
            "or 'line_amount')"
        )
    return problems


def _check_settings(profile: Profile) -> list[str]:
    problems: list[str] = []
    try:
        check_currency(profile.currency)
    except MoneyError as exc:
        problems.append(exc.message)
    try:
        zone_named(profile.timezone)
    except Exception:  # ZoneInfo raises several error types for bad names
        problems.append(f"unknown time zone {profile.timezone!r} (e.g. 'Asia/Shanghai', 'UTC')")
    if len(profile.country) != 2 or not profile.country.isalpha():
        problems.append(f"country must be a two-letter ISO code, got {profile.country!r}")
    return problems
