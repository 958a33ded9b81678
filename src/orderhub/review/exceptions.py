"""Built-in exception checks: facts about an order against seller-set thresholds.

Each finding carries a stable code (`PRICE_ANOMALY`, `ZERO_PRICE_LINE`, `AMOUNT_ANOMALY`,
`ADDRESS_ANOMALY`, `CREDIT_ANOMALY`, `BLACKLISTED`, `NOTE_KEYWORD`, `REFUND_REQUESTED`), an
English message with figures in the order's currency, and string details. Pure: the caller
gathers the facts (usual prices, costs, address resolution, credit) and decides what to do.
"""

from __future__ import annotations

import contextlib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from orderhub.money import MoneyError, round_to_currency, to_decimal

PRICE_ANOMALY = "PRICE_ANOMALY"
ZERO_PRICE_LINE = "ZERO_PRICE_LINE"
AMOUNT_ANOMALY = "AMOUNT_ANOMALY"
ADDRESS_ANOMALY = "ADDRESS_ANOMALY"
CREDIT_ANOMALY = "CREDIT_ANOMALY"
BLACKLISTED = "BLACKLISTED"
NOTE_KEYWORD = "NOTE_KEYWORD"
REFUND_REQUESTED = "REFUND_REQUESTED"

DEFAULT_NOTE_KEYWORDS: tuple[str, ...] = ("加急", "退款", "投诉", "假货", "差评", "发票", "改地址")
_FIELDS = (
    "min_price_ratio",
    "allow_zero_price",
    "below_cost",
    "amount_tolerance",
    "min_address_confidence",
    "note_keywords",
)


class ThresholdsError(ValueError):
    """A threshold setting is invalid; `field` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class ExceptionThresholds:
    """A seller's settings for the built-in checks."""

    min_price_ratio: Decimal = Decimal("0.5")  # unit price under ratio x usual price -> anomaly
    allow_zero_price: bool = False  # zero-price lines (gift lines aside) are anomalies
    below_cost: bool = True  # a unit price under cost is an anomaly
    amount_tolerance: Decimal = Decimal("0.00")
    min_address_confidence: Decimal = Decimal("0.6")
    note_keywords: tuple[str, ...] = DEFAULT_NOTE_KEYWORDS

    def __post_init__(self) -> None:
        if not Decimal(0) <= self.min_price_ratio <= Decimal(1):
            raise ThresholdsError("min_price_ratio", "must be between 0 and 1")
        if self.amount_tolerance < 0:
            raise ThresholdsError("amount_tolerance", "must not be negative")
        if not Decimal(0) <= self.min_address_confidence <= Decimal(1):
            raise ThresholdsError("min_address_confidence", "must be between 0 and 1")
        if any(not keyword.strip() for keyword in self.note_keywords):
            raise ThresholdsError("note_keywords", "keywords must not be empty")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly form that `from_dict` reads back."""
        return {
            "min_price_ratio": str(self.min_price_ratio),
            "allow_zero_price": self.allow_zero_price,
            "below_cost": self.below_cost,
            "amount_tolerance": str(self.amount_tolerance),
            "min_address_confidence": str(self.min_address_confidence),
            "note_keywords": list(self.note_keywords),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ExceptionThresholds:
        """Read settings; missing fields take the defaults. Raises `ThresholdsError` naming
        the bad field."""
        unknown = sorted(set(data) - set(_FIELDS))
        if unknown:
            raise ThresholdsError(unknown[0], "unknown setting")
        default = cls()
        return cls(
            min_price_ratio=_decimal(data, "min_price_ratio", default.min_price_ratio),
            allow_zero_price=_bool(data, "allow_zero_price", default.allow_zero_price),
            below_cost=_bool(data, "below_cost", default.below_cost),
            amount_tolerance=_decimal(data, "amount_tolerance", default.amount_tolerance),
            min_address_confidence=_decimal(
                data, "min_address_confidence", default.min_address_confidence
            ),
            note_keywords=_keywords(data, default.note_keywords),
        )


def _decimal(data: Mapping[str, Any], name: str, default: Decimal) -> Decimal:
    if name not in data:
        return default
    try:
        return to_decimal(data[name])
    except MoneyError:
        raise ThresholdsError(name, f"not a number: {data[name]!r}") from None


def _bool(data: Mapping[str, Any], name: str, default: bool) -> bool:
    value = data.get(name, default)
    if not isinstance(value, bool):
        raise ThresholdsError(name, f"must be true or false, got {value!r}")
    return value


def _keywords(data: Mapping[str, Any], default: tuple[str, ...]) -> tuple[str, ...]:
    value = data.get("note_keywords", default)
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise ThresholdsError("note_keywords", "must be a list of words")
    if not all(isinstance(item, str) and item.strip() for item in value):
        raise ThresholdsError("note_keywords", "every keyword must be non-empty text")
    return tuple(item.strip() for item in value)


@dataclass(frozen=True)
class LineFacts:
    sku_code: str | None
    quantity: int
    unit_price: Decimal
    discount: Decimal  # the line's own discount, over the whole quantity
    usual_price: Decimal | None  # the SKU's usual unit price; None when unknown
    cost: Decimal | None  # the SKU's unit cost; None when unknown
    is_gift: bool = False


@dataclass(frozen=True)
class ExceptionFacts:
    lines: tuple[LineFacts, ...]
    goods_amount: Decimal
    order_discount: Decimal
    shipping_fee: Decimal
    tax: Decimal
    total: Decimal
    currency: str
    address_confidence: Decimal | None  # None: not a CN address / not checked
    address_resolved: bool
    customer_type: str  # "retail" / "wholesale"
    credit_limit: Decimal | None  # None: no limit
    open_balance: Decimal  # the wholesale customer's unpaid total before this order
    blacklisted: bool
    blacklist_reason: str
    buyer_note: str
    refund_requested: bool


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    details: dict[str, str]


def check_exceptions(facts: ExceptionFacts, t: ExceptionThresholds) -> list[Finding]:
    """Every built-in exception the order shows, in a fixed order; empty for a clean order."""
    findings: list[Finding] = []
    findings += _check_prices(facts, t)
    findings += _check_amounts(facts, t)
    findings += _check_address(facts, t)
    findings += _check_credit(facts)
    if facts.blacklisted:
        reason = facts.blacklist_reason.strip()
        findings.append(
            Finding(
                BLACKLISTED,
                "the customer is blacklisted" + (f": {reason}" if reason else ""),
                {"reason": reason},
            )
        )
    findings += _check_note(facts, t)
    if facts.refund_requested:
        findings.append(
            Finding(REFUND_REQUESTED, "the buyer has requested a refund on this order", {})
        )
    return findings


def _fmt(amount: Decimal, currency: str) -> str:
    with contextlib.suppress(MoneyError):  # unknown currency: show the amount as is
        amount = round_to_currency(amount, currency)
    return f"{amount:f} {currency}"


def _percent(ratio: Decimal) -> str:
    text = f"{ratio * 100:f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"


def _check_prices(facts: ExceptionFacts, t: ExceptionThresholds) -> list[Finding]:
    """Per line, on the price actually charged per unit (after the line's own discount)."""
    cur = facts.currency
    findings: list[Finding] = []
    for i, line in enumerate(facts.lines):
        if line.is_gift:
            continue
        name = line.sku_code or f"line {i + 1}"
        net = line.unit_price
        if line.quantity > 0:
            net = (line.unit_price * line.quantity - line.discount) / line.quantity
        details = {"line": str(i), "sku_code": line.sku_code or "", "unit_price": str(net)}
        if net <= 0:
            if not t.allow_zero_price:
                findings.append(
                    Finding(
                        ZERO_PRICE_LINE,
                        f"SKU {name} is sold at {_fmt(net, cur)} and is not a gift line",
                        details,
                    )
                )
            continue
        if line.usual_price is not None and line.usual_price > 0:
            floor = t.min_price_ratio * line.usual_price
            if net < floor:
                findings.append(
                    Finding(
                        PRICE_ANOMALY,
                        f"SKU {name} is sold at {_fmt(net, cur)}, under "
                        f"{_percent(t.min_price_ratio)} of its usual price "
                        f"{_fmt(line.usual_price, cur)} ({_fmt(floor, cur)})",
                        {
                            **details,
                            "reason": "below_usual_price",
                            "usual_price": str(line.usual_price),
                        },
                    )
                )
        if t.below_cost and line.cost is not None and net < line.cost:
            findings.append(
                Finding(
                    PRICE_ANOMALY,
                    f"SKU {name} is sold at {_fmt(net, cur)}, under its cost {_fmt(line.cost, cur)}",
                    {**details, "reason": "below_cost", "cost": str(line.cost)},
                )
            )
    return findings


def _check_amounts(facts: ExceptionFacts, t: ExceptionThresholds) -> list[Finding]:
    cur = facts.currency
    findings: list[Finding] = []
    if facts.lines:
        lines_sum = sum(
            (ln.unit_price * ln.quantity - ln.discount for ln in facts.lines), Decimal(0)
        )
        diff = abs(lines_sum - facts.goods_amount)
        if diff > t.amount_tolerance:
            findings.append(
                Finding(
                    AMOUNT_ANOMALY,
                    f"goods amount {_fmt(facts.goods_amount, cur)} does not equal the sum of the "
                    f"lines {_fmt(lines_sum, cur)} (difference {_fmt(diff, cur)}, "
                    f"tolerance {_fmt(t.amount_tolerance, cur)})",
                    {
                        "check": "goods_amount",
                        "expected": str(lines_sum),
                        "actual": str(facts.goods_amount),
                        "difference": str(diff),
                    },
                )
            )
    expected = facts.goods_amount - facts.order_discount + facts.shipping_fee + facts.tax
    diff = abs(facts.total - expected)
    if diff > t.amount_tolerance:
        findings.append(
            Finding(
                AMOUNT_ANOMALY,
                f"total {_fmt(facts.total, cur)} does not equal lines "
                f"{_fmt(facts.goods_amount, cur)} - discount {_fmt(facts.order_discount, cur)} "
                f"+ shipping {_fmt(facts.shipping_fee, cur)} + tax {_fmt(facts.tax, cur)} "
                f"= {_fmt(expected, cur)} (difference {_fmt(diff, cur)}, "
                f"tolerance {_fmt(t.amount_tolerance, cur)})",
                {
                    "check": "total",
                    "expected": str(expected),
                    "actual": str(facts.total),
                    "difference": str(diff),
                },
            )
        )
    return findings


def _check_address(facts: ExceptionFacts, t: ExceptionThresholds) -> list[Finding]:
    if not facts.address_resolved:
        return [
            Finding(
                ADDRESS_ANOMALY,
                "the receiver's address could not be resolved",
                {"reason": "unresolved"},
            )
        ]
    confidence = facts.address_confidence
    if confidence is not None and confidence < t.min_address_confidence:
        return [
            Finding(
                ADDRESS_ANOMALY,
                f"the receiver's address was resolved with confidence {confidence}, "
                f"below the threshold {t.min_address_confidence}",
                {
                    "reason": "low_confidence",
                    "confidence": str(confidence),
                    "threshold": str(t.min_address_confidence),
                },
            )
        ]
    return []


def _check_credit(facts: ExceptionFacts) -> list[Finding]:
    if facts.customer_type != "wholesale" or facts.credit_limit is None:
        return []
    exposure = facts.open_balance + facts.total
    if exposure <= facts.credit_limit:
        return []
    cur = facts.currency
    return [
        Finding(
            CREDIT_ANOMALY,
            f"open balance {_fmt(facts.open_balance, cur)} + this order {_fmt(facts.total, cur)} "
            f"= {_fmt(exposure, cur)} exceeds the credit limit {_fmt(facts.credit_limit, cur)}",
            {
                "open_balance": str(facts.open_balance),
                "order_total": str(facts.total),
                "exposure": str(exposure),
                "credit_limit": str(facts.credit_limit),
            },
        )
    ]


def _fold(text: str) -> str:
    """Full-width to half-width and case-folded, so "ＶＩＰ" matches "vip"."""
    return unicodedata.normalize("NFKC", text).casefold()


def _check_note(facts: ExceptionFacts, t: ExceptionThresholds) -> list[Finding]:
    note = _fold(facts.buyer_note)
    if not note.strip():
        return []
    hits: list[str] = []
    seen: set[str] = set()
    for keyword in t.note_keywords:
        folded = _fold(keyword.strip())
        if folded and folded not in seen and folded in note:
            seen.add(folded)
            hits.append(keyword.strip())
    if not hits:
        return []
    return [
        Finding(
            NOTE_KEYWORD,
            "the buyer note mentions " + ", ".join(hits),
            {"keywords": ",".join(hits), "note": facts.buyer_note},
        )
    ]
