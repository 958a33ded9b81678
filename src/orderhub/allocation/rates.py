"""Carrier rate tables (首重 + 续重) loaded from CSV; every price is an exact ``Decimal``.

CSV columns (header required, any order): ``carrier,destination,first_weight_g,first_price,
additional_weight_g,additional_price,currency`` and optionally ``origin`` (a warehouse code; ``*``
or empty = any warehouse). ``destination`` is a province (``广东省``; short names are accepted) or
``*`` for anywhere else. A lookup prefers origin-specific rows, then the exact province over ``*``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from orderhub.allocation.errors import RateTableError
from orderhub.allocation.geo import canonical_province
from orderhub.money import CURRENCY_EXPONENTS, Money, MoneyError, check_currency

ANY = "*"
REQUIRED_COLUMNS = (
    "carrier",
    "destination",
    "first_weight_g",
    "first_price",
    "additional_weight_g",
    "additional_price",
    "currency",
)
OPTIONAL_COLUMNS = ("origin",)


@dataclass(frozen=True, slots=True)
class Rate:
    """One carrier's price to a destination: first weight, then each started additional unit."""

    carrier: str
    destination: str
    first_weight_g: int
    first_price: Decimal
    additional_weight_g: int
    additional_price: Decimal
    currency: str = "CNY"
    origin: str = ANY

    def price_for(self, weight_g: int) -> Money:
        """first_price + ceil((weight - first weight) / unit) x additional_price."""
        if weight_g < 0:
            raise ValueError(f"weight must not be negative, not {weight_g} g")
        extra_g = max(0, weight_g - self.first_weight_g)
        units = -(-extra_g // self.additional_weight_g)
        return Money(self.first_price + units * self.additional_price, self.currency)


class RateTable:
    """Rates indexed by (carrier, origin, destination); one currency per table."""

    def __init__(self, rates: Iterable[Rate]) -> None:
        self._rates: dict[tuple[str, str, str], Rate] = {}
        for rate in rates:
            key = (rate.carrier, rate.origin, rate.destination)
            if key in self._rates:
                raise ValueError(f"two rates for {rate.carrier} {rate.origin}->{rate.destination}")
            self._rates[key] = rate
        currencies = {rate.currency for rate in self._rates.values()}
        if len(currencies) > 1:
            raise ValueError(f"a rate table uses one currency, not {sorted(currencies)}")
        self.currency = currencies.pop() if currencies else "CNY"
        self.carriers = frozenset(carrier for carrier, _, _ in self._rates)

    @classmethod
    def from_csv(cls, text: str) -> RateTable:
        return cls(load_rate_table(text))

    def __len__(self) -> int:
        return len(self._rates)

    def __iter__(self) -> Iterator[Rate]:
        return iter(self._rates.values())

    def find(self, carrier: str, province: str, *, origin: str = ANY) -> Rate | None:
        """The most specific rate: (origin, province), (origin, *), (*, province), (*, *)."""
        destination = canonical_province(province) or province
        origins = (origin, ANY) if origin != ANY else (ANY,)
        for source in origins:
            for target in (destination, ANY):
                rate = self._rates.get((carrier, source, target))
                if rate is not None:
                    return rate
        return None

    def price_for(
        self, carrier: str, province: str, weight_g: int, *, origin: str = ANY
    ) -> Money | None:
        """The carrier's price for a parcel of ``weight_g`` to ``province``; None if unpriced."""
        rate = self.find(carrier, province, origin=origin)
        return rate.price_for(weight_g) if rate is not None else None


def show_price(cost: Money | None) -> str:
    """``¥12.00`` for CNY, ``12.00 USD`` otherwise, ``unpriced`` for None (for reasons)."""
    if cost is None:
        return "unpriced"
    amount = cost.rounded().amount
    return f"¥{amount}" if cost.currency == "CNY" else f"{amount} {cost.currency}"


def load_rate_table(text: str) -> list[Rate]:
    """Parse rate CSV text; a bad row raises ``RateTableError`` naming its line and column."""
    rows = [
        (index, row)
        for index, row in enumerate(csv.reader(text.lstrip("\ufeff").splitlines()), start=1)
        if any(cell.strip() for cell in row) and not row[0].lstrip().startswith("#")
    ]
    if not rows:
        raise RateTableError(1, None, "the rate table is empty; expected a header row")
    header_line, header = rows[0]
    columns = _check_header(header_line, header)
    rates: list[Rate] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, row in rows[1:]:
        rates.append(_check_unique(line, _parse_row(line, row, columns), seen, rates))
    if not rates:
        raise RateTableError(header_line, None, "the rate table has a header but no rates")
    return rates


def _check_unique(
    line: int, rate: Rate, seen: dict[tuple[str, str, str], int], earlier: list[Rate]
) -> Rate:
    """Refuse a second rate for the same (carrier, origin, destination) or a second currency."""
    key = (rate.carrier, rate.origin, rate.destination)
    if key in seen:
        where = f"{rate.carrier} {rate.origin}->{rate.destination}"
        raise RateTableError(line, "destination", f"{where} is already priced on line {seen[key]}")
    if earlier and rate.currency != earlier[0].currency:
        raise RateTableError(
            line, "currency", f"{rate.currency} differs from {earlier[0].currency}"
        )
    seen[key] = line
    return rate


def _check_header(line: int, header: list[str]) -> list[str]:
    columns = [name.strip().lower() for name in header]
    for name in columns:
        if name not in REQUIRED_COLUMNS and name not in OPTIONAL_COLUMNS:
            allowed = ", ".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
            raise RateTableError(line, name, f"unknown column; expected {allowed}")
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            raise RateTableError(line, name, "missing column")
    return columns


def _parse_row(line: int, row: list[str], columns: list[str]) -> Rate:
    if len(row) != len(columns):
        raise RateTableError(line, None, f"expected {len(columns)} values, found {len(row)}")
    cell = {name: value.strip() for name, value in zip(columns, row, strict=True)}
    currency = _currency(line, cell["currency"])
    return Rate(
        carrier=_required(line, "carrier", cell["carrier"]),
        destination=_destination(line, cell["destination"]),
        first_weight_g=_grams(line, "first_weight_g", cell["first_weight_g"]),
        first_price=_price(line, "first_price", cell["first_price"], currency),
        additional_weight_g=_grams(line, "additional_weight_g", cell["additional_weight_g"]),
        additional_price=_price(line, "additional_price", cell["additional_price"], currency),
        currency=currency,
        origin=cell.get("origin") or ANY,
    )


def _required(line: int, column: str, value: str) -> str:
    if not value:
        raise RateTableError(line, column, "is empty")
    return value


def _destination(line: int, value: str) -> str:
    if value == ANY:
        return ANY
    province = canonical_province(_required(line, "destination", value))
    if province is None:
        raise RateTableError(
            line, "destination", f"unknown province {value!r}; use e.g. 广东省 or *"
        )
    return province


def _grams(line: int, column: str, value: str) -> int:
    try:
        grams = int(value)
    except ValueError:
        raise RateTableError(line, column, f"not a whole number of grams: {value!r}") from None
    if grams <= 0:
        raise RateTableError(line, column, f"must be positive, not {grams}")
    return grams


def _price(line: int, column: str, value: str, currency: str) -> Decimal:
    try:
        price = Decimal(value)
    except InvalidOperation:
        raise RateTableError(line, column, f"not a price: {value!r}") from None
    if not price.is_finite() or price < 0:
        raise RateTableError(line, column, f"must be a price of zero or more, not {value!r}")
    places = CURRENCY_EXPONENTS[currency]
    if price != price.quantize(Decimal(1).scaleb(-places)):
        raise RateTableError(
            line, column, f"{value} has more than {places} decimals for {currency}"
        )
    return price


def _currency(line: int, value: str) -> str:
    try:
        return check_currency(value)
    except MoneyError:
        raise RateTableError(line, "currency", f"unknown currency {value!r}") from None
