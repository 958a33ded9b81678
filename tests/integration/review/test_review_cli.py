"""`orderhub rules …` and `orderhub review …` as a seller uses them from the shell."""

from __future__ import annotations

import json
from pathlib import Path

from orderhub.bootstrap import Container
from tests.integration.review.world import SEED_RULES, ids, ingest, order, setup, status
from tests.integration.test_cli import run, run_json


def test_rules_from_a_file_through_backtest_review_and_decisions(
    container: Container, tmp_path: Path
) -> None:
    engine = container.engine
    shop = setup(engine)
    ingest(
        engine,
        shop,
        [order("MID", "8000.00", buyer="m"), order("BIG", "30000.00", buyer="b", minutes=1)],
    )
    file = tmp_path / "rules.json"
    file.write_text(json.dumps(SEED_RULES, ensure_ascii=False), encoding="utf-8")

    assert run_json(container, "rules", "check", str(file)) == {"ok": True, "rules": 5}
    trial = run_json(container, "rules", "backtest", str(file), "--last", "10")
    assert trial["outcomes"] == {"review": 2} and trial["stages"] == {
        "sales_manager": 1,
        "finance": 1,
    }
    assert run_json(container, "rules", "save", str(file), "--activate") == {
        "version": 1,
        "status": "active",
    }
    assert run_json(container, "review", "run")["outcomes"] == {"review": 2}

    big = ids(engine)["BIG"]
    queue = run_json(container, "review", "queue", "finance")
    assert [(q["order_id"], q["why"], q["rule_set_version"]) for q in queue] == [
        (big, "finance", 1)
    ]
    rejected = run(
        container, "review", "reject", str(big), "--stage", "finance", "--json", ok=False
    )
    assert rejected.returncode != 0  # --reason is required
    done = run_json(
        container,
        "review",
        "approve",
        str(big),
        "--stage",
        "finance",
        "--reason",
        "paid by transfer",
    )
    assert done["approved"] == [big]
    assert status(engine)["BIG"] == "approved"
    why = run_json(container, "review", "explain", str(big))
    assert why["stages"][0]["reason"] == "paid by transfer"
    assert why["stages"][0]["decided_by"].startswith("cli:")


def test_a_bad_rule_file_is_refused_with_line_and_column(
    container: Container, tmp_path: Path
) -> None:
    setup(container.engine)
    file = tmp_path / "bad.json"
    bad = {
        "rules": [
            {
                "name": "typo",
                "when": "order.amount >= 5000 and\n  custmer.grade == 'A'",
                "then": "approve",
            }
        ]
    }
    file.write_text(json.dumps(bad), encoding="utf-8")
    done = run(container, "rules", "save", str(file), ok=False)
    assert done.returncode == 1
    assert "typo RULE_UNKNOWN_FACT" in done.stdout and "(line 2, column 3)" in done.stdout
    assert run_json(container, "rules", "list") == []
