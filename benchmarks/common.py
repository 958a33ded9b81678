"""Shared pieces of the benchmarks: databases to run on, timing, the results table."""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text

from orderhub.bootstrap import Container, init_database
from orderhub.db.engine import make_engine
from orderhub.db.schema import metadata
from orderhub.settings import Settings


@dataclass
class Row:
    backend: str
    path: str
    orders: int
    seconds: list[float]

    @property
    def rate(self) -> float:
        return self.orders / statistics.median(self.seconds)


def database_urls(pg_url: str | None) -> Iterator[tuple[str, str]]:
    """("sqlite", url) always; ("postgresql", url) when one is given or in ORDERHUB_TEST_PG_URL.

    The SQLite file lives in a folder of its own that is removed once the caller moves on (or
    stops): a 1,000,000-order day leaves a 7 GB database, and every run used to leave its own.
    """
    folder = Path(tempfile.mkdtemp(prefix="orderhub-bench-"))
    try:
        yield "sqlite", f"sqlite:///{folder / 'bench.db'}"
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    pg = pg_url or os.environ.get("ORDERHUB_TEST_PG_URL")
    if pg:
        yield "postgresql", pg


@contextmanager
def fresh_database(url: str) -> Iterator[Container]:
    """A migrated, empty database (PostgreSQL: a clean public schema)."""
    engine = make_engine(url)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        else:
            for table in reversed(metadata.sorted_tables):
                conn.execute(text(f"DROP TABLE IF EXISTS {table.name}"))
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    container = Container(settings=Settings(database_url=url), engine=engine)
    init_database(container)
    try:
        yield container
    finally:
        engine.dispose()


def timed(run: Callable[[], None]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def print_table(rows: list[Row], baseline_path: str) -> None:
    baselines = {r.backend: r.rate for r in rows if r.path == baseline_path}
    print(
        f"{'database':<11} {'path':<34} {'orders':>8} {'median s':>9} {'orders/s':>9} "
        f"{'min-max orders/s':>18} {'vs raw':>7}"
    )
    for r in rows:
        rates = sorted(r.orders / s for s in r.seconds)
        ratio = r.rate / baselines[r.backend] if r.backend in baselines else float("nan")
        print(
            f"{r.backend:<11} {r.path:<34} {r.orders:>8} {statistics.median(r.seconds):>9.2f} "
            f"{r.rate:>9,.0f} {f'{rates[0]:,.0f}-{rates[-1]:,.0f}':>18} {ratio:>7.0%}"
        )


def engine_of(container: Container) -> Engine:
    return container.engine
