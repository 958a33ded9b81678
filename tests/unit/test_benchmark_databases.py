"""The benchmarks' SQLite databases are removed after use (a 1M-order day leaves ~7 GB)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.common import database_urls


def _file_of(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def test_the_sqlite_folder_is_gone_once_the_runs_move_on(monkeypatch):
    monkeypatch.setenv("ORDERHUB_TEST_PG_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    urls = database_urls(None)
    backend, url = next(urls)
    assert backend == "sqlite"
    db = _file_of(url)
    db.write_bytes(b"x" * 1024)  # what a run leaves: the database and its WAL
    db.with_suffix(".db-wal").write_bytes(b"x")
    assert next(urls)[0] == "postgresql"
    assert not db.parent.exists()


def test_the_sqlite_folder_is_gone_when_the_caller_stops_early(monkeypatch):
    monkeypatch.delenv("ORDERHUB_TEST_PG_URL", raising=False)
    urls = database_urls(None)
    _, url = next(urls)
    db = _file_of(url)
    db.write_bytes(b"x")
    urls.close()  # a failed check breaks out of the loop
    assert not db.parent.exists()
    assert [b for b, _ in database_urls(None)] == ["sqlite"]
