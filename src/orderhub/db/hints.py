"""Planner hints that read the same on both databases."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


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
