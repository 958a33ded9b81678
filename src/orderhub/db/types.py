"""Column types that keep money exact and times in UTC on both SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect, Numeric
from sqlalchemy.types import TypeDecorator, TypeEngine

from orderhub.money import STORAGE_SCALE

_SCALE = Decimal(10) ** STORAGE_SCALE
_SQLITE_FORMAT_LEN = len("2026-11-11 00:00:00")


class Amount(TypeDecorator[Decimal]):
    """A `Decimal` amount: NUMERIC(18,4) on PostgreSQL, exact scaled integer on SQLite.

    SQLite has no decimal type (floats would round), so it stores ten-thousandths as INTEGER;
    sums and comparisons in SQL stay exact on both databases.
    """

    impl = Numeric(18, STORAGE_SCALE)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(18, STORAGE_SCALE, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
        if dialect.name == "sqlite":
            return int((amount * _SCALE).to_integral_value())
        return amount

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            # Exact: the stored integer with the decimal point moved (scale kept, e.g. 1.0000).
            return Decimal(int(value)).scaleb(-STORAGE_SCALE)
        return Decimal(value)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes in and out; naive values are refused, not guessed."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError(f"naive or non-datetime value for a UTC column: {value!r}")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def bind_processor(self, dialect: Dialect) -> Any:
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)

        def to_text(value: Any) -> str | None:
            """SQLAlchemy's SQLite storage format (microseconds always written), in one step."""
            if value is None:
                return None
            if not isinstance(value, datetime) or value.tzinfo is None:
                raise ValueError(f"naive or non-datetime value for a UTC column: {value!r}")
            if value.tzinfo is not UTC:
                value = value.astimezone(UTC)
            text: str = value.isoformat(" ")[:-6]  # without "+00:00"
            return text + ".000000" if len(text) == _SQLITE_FORMAT_LEN else text

        return to_text

    def result_processor(self, dialect: Dialect, coltype: Any) -> Any:
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)

        def from_text(value: Any) -> datetime | None:
            if value is None:
                return None
            moment = datetime.fromisoformat(value)
            return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)

        return from_text

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment: datetime = value
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
