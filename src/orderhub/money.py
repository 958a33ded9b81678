"""Money as `Decimal` with an ISO 4217 currency; amounts of different currencies never mix."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# Minor-unit exponents (ISO 4217) of the currencies sellers on our channels use.
CURRENCY_EXPONENTS: dict[str, int] = {
    "CNY": 2,
    "HKD": 2,
    "TWD": 2,
    "MOP": 2,
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "CAD": 2,
    "AUD": 2,
    "NZD": 2,
    "SGD": 2,
    "MYR": 2,
    "THB": 2,
    "PHP": 2,
    "IDR": 2,
    "INR": 2,
    "CHF": 2,
    "SEK": 2,
    "NOK": 2,
    "DKK": 2,
    "PLN": 2,
    "CZK": 2,
    "HUF": 2,
    "MXN": 2,
    "BRL": 2,
    "AED": 2,
    "SAR": 2,
    "ZAR": 2,
    "TRY": 2,
    "RUB": 2,
    "ILS": 2,
    "EGP": 2,
    "JPY": 0,
    "KRW": 0,
    "VND": 0,
    "CLP": 0,
    "ISK": 0,
    "KWD": 3,
    "BHD": 3,
    "OMR": 3,
    "JOD": 3,
}

# Amounts are stored with this many decimal places whatever the currency.
STORAGE_SCALE = 4


class MoneyError(ValueError):
    """Raised for unknown currencies, malformed amounts or mixed-currency arithmetic."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def check_currency(code: str) -> str:
    """Return the upper-cased ISO code, or raise `CURRENCY_UNKNOWN`."""
    normalized = (code or "").strip().upper()
    if normalized not in CURRENCY_EXPONENTS:
        raise MoneyError("CURRENCY_UNKNOWN", f"unknown currency {code!r}")
    return normalized


def to_decimal(value: object) -> Decimal:
    """Parse an amount exactly; floats go through `str` so 0.1 stays 0.1."""
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise MoneyError("AMOUNT_INVALID", f"not an amount: {value!r}")
    elif isinstance(value, int | float | str):
        try:
            result = Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation:
            raise MoneyError("AMOUNT_INVALID", f"not an amount: {value!r}") from None
    else:
        raise MoneyError("AMOUNT_INVALID", f"not an amount: {value!r}")
    if not result.is_finite():
        raise MoneyError("AMOUNT_INVALID", f"not a finite amount: {value!r}")
    return result


def round_to_currency(amount: Decimal, currency: str) -> Decimal:
    exponent = CURRENCY_EXPONENTS[check_currency(currency)]
    return amount.quantize(Decimal(1).scaleb(-exponent), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    @classmethod
    def of(cls, amount: object, currency: str) -> Money:
        return cls(to_decimal(amount), check_currency(currency))

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), check_currency(currency))

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise MoneyError(
                "CURRENCY_MISMATCH", f"cannot combine {self.currency} with {other.currency}"
            )

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: int | Decimal) -> Money:
        return Money(self.amount * factor, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def rounded(self) -> Money:
        return Money(round_to_currency(self.amount, self.currency), self.currency)

    def __str__(self) -> str:
        return f"{self.rounded().amount} {self.currency}"
