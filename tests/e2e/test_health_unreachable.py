"""/healthz tells the truth when the database is gone (a real uvicorn server, no database)."""

from __future__ import annotations

import threading
import time

import httpx
import uvicorn

from orderhub.api.app import create_app
from orderhub.bootstrap import build
from orderhub.settings import Settings
from tests.e2e.conftest import free_port


def test_health_is_503_when_the_database_cannot_be_reached() -> None:
    dead_port = free_port()
    container = build(Settings(database_url=f"postgresql+psycopg://x@127.0.0.1:{dead_port}/none"))
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(container), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
        assert response.status_code == 503
        assert response.json()["database"] == "unreachable"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        container.close()
