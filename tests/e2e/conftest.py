"""A real `orderhub serve` process on 127.0.0.1 per database backend."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from orderhub.bootstrap import Container

ORDERHUB = str(Path(sys.executable).with_name("orderhub"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(base_url: str, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError("server did not come up")


@pytest.fixture(scope="session")
def server_url(migrated_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    # No background jobs: the server shares its database with the other tests of the session.
    env = {**os.environ, "ORDERHUB_DATABASE_URL": migrated_url, "ORDERHUB_SCHEDULER": "false"}
    log = (tmp_path_factory.mktemp("server") / "server.log").open("wb")
    process = subprocess.Popen(
        [ORDERHUB, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base_url, process)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture
def api(server_url: str, container: Container) -> Iterator[httpx.Client]:
    """An HTTP client to the server, with the database emptied first (by `container`)."""
    with httpx.Client(base_url=server_url, timeout=10) as client:
        yield client
