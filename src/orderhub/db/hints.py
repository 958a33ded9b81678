"""SQL constructs that read the same on both databases and plan well on each."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Boolean, ColumnElement, TypeDecorator, bindparam
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import NullType

from orderhub.db.engine import json_text


class not_indexed(FunctionElement[Any]):  # noqa: N801 - reads like SQL
    """The column's value, but not a reason to use an index on it (SQLite's unary `+`).

    SQLite plans without statistics: given `customer_id IN (…) AND placed_at BETWEEN …` it
    prefers the range on `placed_at`, which during a sales peak is every order of the day.
    PostgreSQL chooses from statistics, so there it is the plain column."""

    name = "not_indexed"
    inherit_cache = True

    def __init__(self, column: ColumnElement[Any]) -> None:
        super().__init__(column)
        self.type = column.type


@compiles(not_indexed)
def _plain(element: not_indexed, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(not_indexed, "sqlite")
def _unary_plus(element: not_indexed, compiler: Any, **kw: Any) -> str:
    return f"+{compiler.process(element.clauses, **kw)}"


class _Values(TypeDecorator[list[Any]]):
    """A list bound as one parameter: a PostgreSQL array, JSON text for SQLite's json_each."""

    impl = NullType
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        values = list(value)
        return json_text(values) if dialect.name == "sqlite" else values


class among(FunctionElement[bool]):  # noqa: N801 - reads like SQL
    """`column IN (values)` with the values as one parameter, whatever their number.

    An IN list of thousands of literals makes a new statement text per length: SQLAlchemy
    coerces and renders each value, psycopg re-parses the text, PostgreSQL plans it anew.
    Here the text is constant: `column = ANY(array)` on PostgreSQL, `column IN (SELECT value
    FROM json_each(text))` on SQLite (both searched by the column's index). Values are ints
    or strings."""

    name = "among"
    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True  # a condition as it stands (not `… = 1` on SQLite)

    def __init__(self, column: ColumnElement[Any], values: Iterable[Any]) -> None:
        super().__init__(column, bindparam(None, list(values), type_=_Values()))


@compiles(among)
def _any_array(element: among, compiler: Any, **kw: Any) -> str:
    column, values = list(element.clauses)
    return f"{compiler.process(column, **kw)} = ANY({compiler.process(values, **kw)})"


@compiles(among, "sqlite")
def _json_each(element: among, compiler: Any, **kw: Any) -> str:
    column, values = list(element.clauses)
    inside = f"SELECT value FROM json_each({compiler.process(values, **kw)})"  # noqa: S608
    return f"{compiler.process(column, **kw)} IN ({inside})"
