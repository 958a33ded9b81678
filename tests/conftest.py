"""Shared fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL comes from ORDERHUB_TEST_PG_URL (set by `make test`, which starts a throwaway server).
Without it the PostgreSQL cases are skipped, unless ORDERHUB_REQUIRE_PG=1 makes that an error.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from orderhub.bootstrap import Container, init_database
from orderhub.db.engine import make_engine
from orderhub.db.schema import metadata
from orderhub.settings import Settings

BACKENDS = ["sqlite", "postgresql"]


def backend_url(backend: str, tmp_dir: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_dir / 'orderhub-test.db'}"
    url = os.environ.get("ORDERHUB_TEST_PG_URL")
    if not url:
        if os.environ.get("ORDERHUB_REQUIRE_PG") == "1":
            pytest.fail("ORDERHUB_TEST_PG_URL is not set; run the suite with `make test`")
        pytest.skip("PostgreSQL not available (run `make test` to start a throwaway server)")
    return url


def wipe(engine: Engine) -> None:
    """Empty every table (schema stays) so each test starts from a migrated, empty database."""
    names = [t.name for t in reversed(metadata.sorted_tables)]
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
        else:
            for name in names:
                conn.execute(text(f"DELETE FROM {name}"))


@pytest.fixture(scope="session", params=BACKENDS)
def migrated_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    url = backend_url(request.param, tmp_path_factory.mktemp(request.param))
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    init_database(Container(settings=Settings(database_url=url), engine=engine))
    engine.dispose()
    return url


@pytest.fixture
def container(migrated_url: str) -> Iterator[Container]:
    """A container on an empty, migrated database holding only the built-in manual shop."""
    engine = make_engine(migrated_url)
    wipe(engine)
    built = Container(settings=Settings(database_url=migrated_url), engine=engine)
    init_database(built)
    yield built
    engine.dispose()


@pytest.fixture
def engine(container: Container) -> Engine:
    return container.engine
