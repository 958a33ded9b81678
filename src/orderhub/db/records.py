"""Result rows as named tuples, for rows the pipeline reads field by field.

Reading a column by name from SQLAlchemy's `Row` (`row.total_amount`) costs about 200 ns on
SQLAlchemy 2.1 — each access first looks the name up on the class and fails — while a named
tuple's field costs about 10 ns and making one from a row about 300 ns. The pipeline's stages
read dozens of fields of every order and line they decide on, so their hot reads go through
`records`. Rows still read by name (`row.id`), index and unpacking; there is no `_mapping`.
"""

from __future__ import annotations

from collections import namedtuple
from functools import lru_cache
from typing import Any, TypeAlias

from sqlalchemy import CursorResult, Result

# A row made by `records`: fields by name, index and unpacking (typed loosely, like a Row's).
Record: TypeAlias = Any


def records(result: Result[Any] | CursorResult[Any]) -> list[Record]:
    """Every row of `result` as a named tuple of its columns (labels are the field names)."""
    make = _record_type(tuple(result.keys()))._make
    return [make(row) for row in result.all()]


@lru_cache(maxsize=256)
def _record_type(keys: tuple[str, ...]) -> Any:
    # Not renamed: a label that is not an identifier should fail here, not read as `_3`.
    return namedtuple("Record", keys)
