"""Backtest: run a draft rule set over past orders and report what it would have done.

Reads only: the orders are not changed, no gift is granted, no review row is written. Gift
stock and past gifts are read as they are now and drawn down in memory across the run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from orderhub.db import review_repo
from orderhub.money import round_to_currency
from orderhub.pipeline.review import compile_version, decide_inputs, load_settings
from orderhub.pipeline.review_actions import check_document
from orderhub.pipeline.review_facts import load_inputs

BATCH = 2000


def backtest(
    conn: Connection,
    document: Any,
    *,
    last: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    examples: int = 5,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Counts per outcome, per stage, per hold reason and per rule, example orders per outcome,
    and how many orders the draft would treat differently from their recorded review."""
    check_document(conn, document)
    rules = compile_version(document, 0)
    settings = load_settings(conn)
    ids = review_repo.recent_order_ids(conn, last=last, since=since, until=until)
    outcomes: Counter[str] = Counter()
    stages: Counter[str] = Counter()
    holds: Counter[str] = Counter()
    matched: Counter[str] = Counter()
    samples: dict[str, list[dict[str, Any]]] = {}
    changed, changed_samples = 0, list[dict[str, Any]]()
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        inputs = load_inputs(conn, chunk, settings)
        recorded = review_repo.latest_reviews(conn, chunk)
        for i, (decision, outcome) in zip(
            inputs, decide_inputs(conn, inputs, rules, settings), strict=True
        ):
            outcomes[outcome.kind] += 1
            stages.update(s for s, _ in outcome.stages)
            holds.update({c for c, _ in outcome.holds})
            matched.update(m.rule for m in decision.matched)
            sample = {
                "order_id": i.order_id,
                "platform_order_id": i.platform_order_id,
                "amount": str(round_to_currency(i.facts.order_amount, i.facts.order_currency)),
                "currency": i.facts.order_currency,
                "outcome": outcome.kind,
                "reason": outcome.reason,
                "rules": [m.rule for m in decision.matched],
            }
            kept = samples.setdefault(outcome.kind, [])
            if len(kept) < examples:
                kept.append(sample)
            before = recorded.get(i.order_id)
            if before is not None and before.outcome != outcome.kind:
                changed += 1
                if len(changed_samples) < examples:
                    changed_samples.append({**sample, "recorded": before.outcome})
        if progress:
            progress(len(chunk))
    return {
        "orders": len(ids),
        "outcomes": dict(outcomes.most_common()),
        "stages": dict(stages.most_common()),
        "holds": dict(holds.most_common()),
        "rules_matched": {name: matched.get(name, 0) for name in rules.rule_names},
        "examples": samples,
        "changed_from_recorded": changed,
        "changed_examples": changed_samples,
    }
