"""The `orderhub` command as a seller's script uses it: real processes, real database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from orderhub.bootstrap import Container

ORDERHUB = str(Path(sys.executable).with_name("orderhub"))


def run(container: Container, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    url = container.engine.url.render_as_string(hide_password=False)
    env = {**os.environ, "ORDERHUB_DATABASE_URL": url, "COLUMNS": "200"}
    done = subprocess.run([ORDERHUB, *args], env=env, capture_output=True, text=True, timeout=120)
    if ok:
        assert done.returncode == 0, done.stderr
    return done


def run_json(container: Container, *args: str) -> Any:
    return json.loads(run(container, *args, "--json").stdout)


@pytest.fixture
def demo(container: Container) -> Container:
    run(container, "demo", "--orders", "300", "--seed", "7")
    return container


def test_demo_orders_from_several_platforms_are_listed(demo: Container) -> None:
    orders = run_json(demo, "orders", "list", "--limit", "300")
    assert len(orders) == 300
    assert len({o["channel"] for o in orders}) >= 5
    assert len({o["status"] for o in orders}) >= 5
    table = run(demo, "orders", "list", "--limit", "5").stdout
    assert "order no" in table and "status" in table


def test_demo_refuses_to_load_twice_unless_told_to_skip(demo: Container) -> None:
    again = run(demo, "demo", "--orders", "10", ok=False)
    assert again.returncode == 1 and "already" in again.stderr
    skipped = run(demo, "demo", "--if-empty")
    assert "skipping" in skipped.stdout
    assert len(run_json(demo, "orders", "list", "--limit", "1000")) == 300


def test_list_filters_by_status_and_shop(demo: Container) -> None:
    shops = run_json(demo, "shops", "list")
    busiest = max(shops, key=lambda s: s["orders"])
    listed = run_json(demo, "orders", "list", "--shop", busiest["code"], "--limit", "1000")
    assert len(listed) == busiest["orders"]
    delivered = run_json(demo, "orders", "list", "--status", "delivered", "--limit", "1000")
    assert delivered and all(o["status"] == "delivered" for o in delivered)
    typo = run(demo, "orders", "list", "--status", "deliverd", "--json", ok=False)
    assert typo.returncode == 1
    assert json.loads(typo.stdout)["error"]["code"] == "ORDER_STATUS_UNKNOWN"


def test_show_and_transition_an_order(demo: Container) -> None:
    [received] = run_json(demo, "orders", "list", "--status", "pending_review", "--limit", "1")
    shown = run_json(demo, "orders", "show", str(received["id"]))
    assert shown["lines"] and shown["events"][0]["kind"] == "received"
    moved = run_json(
        demo,
        "orders",
        "transition",
        str(received["id"]),
        "on_hold",
        "--reason",
        "buyer asked to wait",
    )
    assert moved == {
        "order_id": received["id"],
        "from_status": "pending_review",
        "to_status": "on_hold",
    }
    history = run_json(demo, "orders", "show", str(received["id"]))["events"]
    assert history[-1]["reason"] == "buyer asked to wait"
    assert history[-1]["actor"].startswith("cli:")
    human = run(demo, "orders", "show", str(received["id"])).stdout
    assert "on_hold" in human and "buyer asked to wait" in human


def test_an_illegal_transition_fails_with_the_code(demo: Container) -> None:
    [done] = run_json(demo, "orders", "list", "--status", "completed", "--limit", "1")
    refused = run(
        demo, "orders", "transition", str(done["id"]), "picking", "--reason", "x", ok=False
    )
    assert refused.returncode == 1 and "ORDER_ILLEGAL_TRANSITION" in refused.stderr
    missing = run(demo, "orders", "show", "99999999", "--json", ok=False)
    assert json.loads(missing.stdout)["error"]["code"] == "ORDER_NOT_FOUND"
