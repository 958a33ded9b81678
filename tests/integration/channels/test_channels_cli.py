"""`orderhub shops|import|quarantine|sync` as a seller's script runs them."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from orderhub.bootstrap import Container
from orderhub.channels.simulators.shopify import make_orders, run_shopify
from orderhub.demo.exports import write_taobao_csv
from orderhub.demo.generator import generate_demo
from orderhub.orders.domain import utc_now
from tests.integration.test_cli import run, run_json
from tests.samples import sample_dir


def test_add_a_shop_import_a_platform_document_and_an_export(
    container: Container, tmp_path: Path
) -> None:
    added = run_json(
        container,
        "shops",
        "add",
        "tmall-a",
        "--platform",
        "tmall",
        "--name",
        "天猫旗舰店",
        "--credential",
        "app_key=123",
        "--credential",
        "app_secret=s3cret",
    )
    assert added["credential_keys"] == ["app_key", "app_secret"] and "s3cret" not in str(added)
    sample = (
        sample_dir("taobao_top") / "trade_fullinfo_get_response_TRADE_FINISHED_lenvon2012_tm.json"
    )
    counts = run_json(container, "import", "--shop", "tmall-a", "--format", "taobao", str(sample))
    assert counts == {"received": 1, "created": 1, "updated": 0, "unchanged": 0, "quarantined": 0}

    drafts = [o.draft for o in generate_demo(orders=60, seed=4).orders if o.draft.currency == "CNY"]
    export = tmp_path / "订单导出.csv"
    write_taobao_csv(export, drafts)
    text = export.read_text(encoding="utf-8-sig").splitlines()
    assert ",1," in text[1]
    text[1] = text[1].replace(",1,", ",一,", 1)  # one line's quantity is not a number
    export.write_text("\n".join(text), encoding="utf-8-sig")
    counts = run_json(
        container,
        "import",
        "--shop",
        "tmall-a",
        "--format",
        "csv",
        "--profile",
        "taobao",
        str(export),
    )
    assert counts["received"] == len(drafts)
    assert (counts["created"], counts["quarantined"]) == (len(drafts) - 1, 1)
    [refused] = run_json(container, "quarantine", "list", "--shop", "tmall-a")
    assert refused["error_code"] == "IMPORT_BAD_NUMBER" and refused["source"] == "import"
    human = run(
        container,
        "import",
        "--shop",
        "tmall-a",
        "--format",
        "csv",
        "--profile",
        "taobao",
        str(export),
    )
    assert f"unchanged={counts['created']}" in human.stdout


def test_quarantine_list_show_replay_and_discard(container: Container, tmp_path: Path) -> None:
    run(container, "shops", "add", "tmall-a", "--platform", "tmall", "--name", "A")
    broken = tmp_path / "broken.json"
    broken.write_text('{"trade_fullinfo_get_response": {"trade": {"tid": 1, "orders": ', "utf-8")
    assert (
        run_json(container, "import", "--shop", "tmall-a", "--format", "taobao", str(broken))[
            "quarantined"
        ]
        == 1
    )
    [item] = run_json(container, "quarantine", "list", "--shop", "tmall-a")
    assert (item["error_code"], item["source"]) == ("PAYLOAD_NOT_JSON", "import")
    shown = run_json(container, "quarantine", "show", str(item["id"]))
    assert shown["raw_text"] == broken.read_text("utf-8")
    failed = run(container, "quarantine", "replay", str(item["id"]), "--json", ok=False)
    assert failed.returncode == 1 and json.loads(failed.stdout)["replayed"] is False
    run(container, "quarantine", "discard", str(item["id"]), "--reason", "truncated download")
    assert run_json(container, "quarantine", "list") == []
    [closed] = run_json(container, "quarantine", "list", "--status", "all")
    assert closed["status"] == "discarded" and closed["resolution_note"] == "truncated download"


def test_sync_pulls_a_shop_on_demand(container: Container) -> None:
    data = make_orders(120, seed=8, start=utc_now() - timedelta(days=1))
    with run_shopify(data, access_token="tok") as url:
        run(
            container,
            "shops",
            "add",
            "shopify-us",
            "--platform",
            "shopify",
            "--name",
            "US",
            "--currency",
            "USD",
            "--credential",
            f"base_url={url}",
            "--credential",
            "access_token=tok",
        )
        result = run_json(container, "sync", "--shop", "shopify-us")
    assert (result["created"], result["quarantined"]) == (120, 0)
    missing = run(container, "sync", "--shop", "nope", "--json", ok=False)
    assert json.loads(missing.stdout)["error"]["code"] == "SHOP_NOT_FOUND"
