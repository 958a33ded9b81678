"""Bulk inserts on the driver's fastest path.

PostgreSQL: one `INSERT … SELECT FROM unnest(arrays)` — a multi-row VALUES statement with
thousands of placeholders spends most of its time in the driver rewriting the query text;
`unnest` sends one array per column and a query of constant size.

SQLite: the driver's own `executemany` over tuples, each column converted once by its type's
processor (SQLAlchemy's per-row parameter dictionaries cost more than the insert itself);
with RETURNING, multi-row VALUES statements in pages.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence
from typing import Any

from psycopg.rows import namedtuple_row
from sqlalchemy import JSON, Column, Connection, Table, TypeDecorator, select
from sqlalchemy.dialects import postgresql

from orderhub.db.engine import json_text
from orderhub.db.hints import among


def bulk_insert(
    conn: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    returning: Sequence[str] = (),
    ignore_conflicts: bool = False,
) -> list[Any]:
    """Insert `rows` (all with the same keys); return the `returning` columns of inserted rows."""
    if not rows:
        return []
    if conn.dialect.name == "postgresql":
        return _unnest_insert(conn, table, rows, returning, ignore_conflicts)
    if conn.dialect.name == "sqlite" and not _python_defaults(table, rows[0]):
        return _sqlite_insert(conn, table, rows, returning, ignore_conflicts)
    stmt: Any = table.insert()
    if returning:
        stmt = stmt.returning(*(table.c[name] for name in returning))
        return list(conn.execute(stmt, list(rows)))
    conn.execute(stmt, list(rows))
    return []


_SQLITE_VARIABLES = 32_000  # SQLite's limit is 32,766 bound parameters per statement


def _sqlite_insert(
    conn: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    returning: Sequence[str],
    ignore_conflicts: bool,
) -> list[Any]:
    names = list(rows[0])
    params = _sqlite_params(conn, table, names, rows)
    verb = "INSERT OR IGNORE" if ignore_conflicts else "INSERT"
    # Table and column names come from our own metadata (table.c[...] refuses others).
    head = f"{verb} INTO {table.name} ({', '.join(names)}) VALUES "
    row_marks = "(" + ", ".join("?" * len(names)) + ")"
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        if not returning:
            cursor.executemany(head + row_marks, params)
            return []
        found: list[Any] = []
        tail = f" RETURNING {', '.join(returning)}"
        Found = namedtuple("Found", returning)  # type: ignore[misc]
        page = max(1, _SQLITE_VARIABLES // len(names))
        for start in range(0, len(params), page):
            part = params[start : start + page]
            cursor.execute(
                head + ", ".join([row_marks] * len(part)) + tail,
                [v for row in part for v in row],
            )
            found += [Found(*r) for r in cursor.fetchall()]
        return found
    finally:
        cursor.close()


def _python_defaults(table: Table, row: dict[str, Any]) -> bool:
    """Whether a column left out of `row` has a default computed in Python (SQLAlchemy's
    statement applies those; the driver's path would not)."""
    return any(c.default is not None and c.name not in row for c in table.columns)


def _sqlite_params(
    conn: Connection, table: Table, names: Sequence[str], rows: Sequence[dict[str, Any]]
) -> list[tuple[Any, ...]]:
    """The rows as tuples of `names`, each column converted once by its type's processor."""
    columns = []
    for name in names:
        values = [row[name] for row in rows]
        process = _sqlite_processor(table, name, conn.dialect)
        if process is None:
            columns.append(values)
        elif isinstance(table.c[name].type, JSON):
            columns.append([process(v) for v in values])
        else:
            columns.append(_each_once(process, values))
    return list(zip(*columns, strict=True))


def _each_once(convert: Any, values: list[Any]) -> list[Any]:
    """`convert` over `values`, once per distinct value: times and amounts repeat (a batch's
    `now`, common prices)."""
    done: dict[Any, Any] = {}
    return [done[v] if v in done else done.setdefault(v, convert(v)) for v in values]


_PROCESSORS: dict[tuple[str, str], Any] = {}


def _sqlite_processor(table: Table, name: str, dialect: Any) -> Any:
    """The column type's bind processor on SQLite (exact amounts, UTC text, JSON text)."""
    key = (table.name, name)
    if key not in _PROCESSORS:
        column_type = table.c[name].type
        _PROCESSORS[key] = column_type.dialect_impl(dialect).bind_processor(dialect)
    return _PROCESSORS[key]


def _unnest_insert(
    conn: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    returning: Sequence[str],
    ignore_conflicts: bool,
) -> list[Any]:
    names = list(rows[0])
    columns = [table.c[name] for name in names]
    arrays = [
        _pg_array(conn, col, [row[name] for row in rows])
        for name, col in zip(names, columns, strict=True)
    ]
    casts = ", ".join(f"CAST(%b AS {_sql_type(col)}[])" for col in columns)
    # Table and column names come from our own metadata (table.c[...] refuses others).
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) SELECT * FROM unnest({casts})"  # noqa: S608
    if ignore_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    if returning:
        sql += f" RETURNING {', '.join(returning)}"
    return _execute_binary(conn, sql, arrays, fetch=bool(returning))


def _execute_binary(conn: Connection, sql: str, params: list[Any], *, fetch: bool) -> list[Any]:
    """Run on the connection's own psycopg cursor, in its transaction, with binary parameters
    (text-format arrays cost a regex per element to escape)."""
    driver = conn.connection.driver_connection
    assert driver is not None
    with driver.cursor(row_factory=namedtuple_row) as cursor:
        cursor.execute(sql, params, binary=True)
        return cursor.fetchall() if fetch else []


_PG = postgresql.dialect()  # type: ignore[no-untyped-call]


def _sql_type(column: Column[Any]) -> str:
    return str(column.type.compile(dialect=_PG))


def _pg_array(conn: Connection, column: Column[Any], values: list[Any]) -> list[Any]:
    """A column's values as the driver should get them: our column types convert them (exact
    decimals, UTC times; each distinct value once), JSON goes as text; the dialect's own
    processors are skipped (they turn Decimal into float for psycopg)."""
    kind = column.type
    if isinstance(kind, TypeDecorator):
        convert, dialect = kind.process_bind_param, conn.dialect
        return _each_once(lambda v: None if v is None else convert(v, dialect), values)
    if isinstance(kind, JSON):
        return [None if v is None else json_text(v) for v in values]
    return values


def bulk_set(
    conn: Connection, table: Table, *, key: str, column: str, pairs: Sequence[tuple[Any, Any]]
) -> None:
    """`UPDATE table SET column = new WHERE key = k` for many (k, new) pairs in one statement."""
    bulk_update(conn, table, key=key, rows=[{key: k, column: v} for k, v in pairs])


def bulk_update(
    conn: Connection,
    table: Table,
    *,
    key: str,
    rows: Sequence[dict[str, Any]],
    also: dict[str, Any] | None = None,
    increment: Sequence[str] = (),
    where: dict[str, Any] | None = None,
    returning: bool = False,
) -> list[Any]:
    """`UPDATE table SET c = row[c], … WHERE key = row[key]` for many rows (all with the same
    keys, each `key` once): one statement over arrays on PostgreSQL, the driver's executemany
    on SQLite. `also` sets the same value in every row, `increment` adds 1 to columns, `where`
    adds conditions `column = value`; with `returning`, the keys of the rows updated."""
    if not rows:
        return []
    also, where = also or {}, where or {}
    names = [name for name in rows[0] if name != key]
    fixed = list(also)
    sets = [f"{name} = {{}}" for name in [*names, *fixed]] + [
        f"{c} = {table.name}.{c} + 1" for c in increment
    ]
    checks = list(where)
    if conn.dialect.name == "postgresql":
        cols = [key, *names]
        arrays = [_pg_array(conn, table.c[name], [row[name] for row in rows]) for name in cols]
        constants = [
            _pg_array(conn, table.c[n], [v])[0] for n, v in [*also.items(), *where.items()]
        ]
        casts = ", ".join(f"CAST(%b AS {_sql_type(table.c[name])}[])" for name in cols)
        values = [f"v.{n}" for n in names] + [f"CAST(%b AS {_sql_type(table.c[n])})" for n in fixed]
        assignments = ", ".join(
            [t.format(v) for t, v in zip(sets, values, strict=False)] + sets[len(values) :]
        )
        conditions = "".join(
            f" AND {table.name}.{n} = CAST(%b AS {_sql_type(table.c[n])})" for n in checks
        )
        sql = (
            f"UPDATE {table.name} SET {assignments} FROM unnest({casts}) AS v({', '.join(cols)})"  # noqa: S608
            f" WHERE {table.name}.{key} = v.{key}{conditions}"
            + (f" RETURNING {table.name}.{key}" if returning else "")
        )
        # Parameters in text order: the fixed values of SET, then the arrays, then WHERE's.
        params = constants[: len(fixed)] + arrays + constants[len(fixed) :]
        found = _execute_binary(conn, sql, params, fetch=returning)
        return [r[0] for r in found]
    if returning and where:
        # SQLite's executemany returns nothing: keep the rows that meet `where` now (in this
        # transaction nobody else can change them before the UPDATE: SQLite has one writer,
        # and a reader whose snapshot went stale cannot write), then update exactly those.
        keys = _matching(conn, table, key, [row[key] for row in rows], where)
        rows = [row for row in rows if row[key] in keys]
    if not rows:
        return []
    params = _sqlite_params(conn, table, [*names, key], rows)
    if also or where:
        convert = [
            (p(v) if (p := _sqlite_processor(table, n, conn.dialect)) else v)
            for n, v in [*also.items(), *where.items()]
        ]
        sets_, wheres = tuple(convert[: len(fixed)]), tuple(convert[len(fixed) :])
        params = [(*p[:-1], *sets_, p[-1], *wheres) for p in params]
    assignments = ", ".join(t.format("?") for t in sets)
    conditions = "".join(f" AND {n} = ?" for n in checks)
    sql = f"UPDATE {table.name} SET {assignments} WHERE {key} = ?{conditions}"  # noqa: S608
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(sql, params)
    finally:
        cursor.close()
    return [row[key] for row in rows] if returning else []


def _matching(
    conn: Connection, table: Table, key: str, keys: Sequence[Any], where: dict[str, Any]
) -> set[Any]:
    query = select(table.c[key]).where(
        among(table.c[key], keys), *(table.c[n] == v for n, v in where.items())
    )
    return {r[0] for r in conn.execute(query)}
