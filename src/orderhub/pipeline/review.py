"""The review stage: cleaned orders are decided by the active rule set and the built-in checks.

Per batch: gather facts (`review_facts`), decide in pure code (`review.ruleset`,
`review.outcome`), then write in bulk: review rows with their explanation, gift lines, tags /
priority / preferences, holds, stage tasks, status changes with events. A decision carries the
rule set version that made it; activating a new version never touches decisions already made.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine

from orderhub.db import cleaning_repo, review_repo, settings_repo
from orderhub.orders.actions import transition_many
from orderhub.orders.domain import utc_now
from orderhub.orders.lifecycle import OrderStatus
from orderhub.pipeline.review_facts import ReviewInput, load_inputs
from orderhub.review.document import parse_document
from orderhub.review.outcome import Outcome, ReviewSettings, decide_outcome
from orderhub.review.ruleset import CompiledRuleSet, Decision, GiftAction, RuleSet

ACTOR = "system:review"
REVIEW_SETTINGS = "review"
_TARGET = {
    "approve": OrderStatus.APPROVED,
    "review": OrderStatus.PENDING_REVIEW,
    "hold": OrderStatus.ON_HOLD,
    "cancel": OrderStatus.CANCELLED,
}


@dataclass(slots=True)
class ReviewResult:
    reviewed: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    version: int | None = None

    def add(self, outcomes: Sequence[Outcome]) -> None:
        self.reviewed += len(outcomes)
        for o in outcomes:
            self.outcomes[o.kind] = self.outcomes.get(o.kind, 0) + 1


def load_settings(conn: Connection) -> ReviewSettings:
    return ReviewSettings.from_dict(settings_repo.get_setting(conn, REVIEW_SETTINGS) or {})


def compile_version(document: Any, version: int) -> CompiledRuleSet:
    """Compile a stored or draft document; raises ``RuleSetError`` listing every problem."""
    _, specs = parse_document(document)
    return RuleSet.compile(specs, version)


def active_rules(conn: Connection) -> CompiledRuleSet:
    """The active rule set, or an empty one (version 0: every order approved) when none is."""
    row = review_repo.active_rule_set(conn)
    if row is None:
        return RuleSet.compile((), 0)
    key = (row.version, row.created_at)  # a version never changes once saved
    compiled = _COMPILED.get(key)
    if compiled is None:
        compiled = _COMPILED[key] = compile_version(row.document, row.version)
    return compiled


_COMPILED: dict[tuple[int, Any], CompiledRuleSet] = {}


def run_review(
    engine: Engine, *, batch_size: int = 1000, progress: Callable[[int], None] | None = None
) -> ReviewResult:
    """Review every cleaned order still `received`, batch by batch, one transaction each."""
    with engine.connect() as conn:
        rules, settings = active_rules(conn), load_settings(conn)
    total, after = ReviewResult(version=rules.version or None), 0
    while True:
        with engine.begin() as conn:
            ids = review_repo.orders_to_review(conn, after_id=after, limit=batch_size)
            if not ids:
                return total
            total.add(review_batch(conn, ids, rules=rules, settings=settings))
        after = ids[-1]
        if progress:
            progress(len(ids))


def decide_inputs(
    conn: Connection,
    inputs: Sequence[ReviewInput],
    rules: CompiledRuleSet,
    settings: ReviewSettings,
) -> list[tuple[Decision, Outcome]]:
    """Pure decisions for a batch (gift stock and past gifts read once); writes nothing."""
    gift_skus = {g.sku_code for g in _gift_actions(rules)}
    customers = [str(i.customer_id or f"order:{i.order_id}") for i in inputs]
    given = review_repo.gifts_given(conn, [i.customer_id for i in inputs if i.customer_id])
    decisions = rules.decide_batch(
        [i.facts for i in inputs],
        customer_ids=customers,
        gifts_given={str(k): v for k, v in given.items()},
        gift_stock=review_repo.gift_stock(conn, gift_skus) if gift_skus else None,
    )
    return [
        (d, decide_outcome(d, i.findings, settings)) for d, i in zip(decisions, inputs, strict=True)
    ]


def review_batch(
    conn: Connection,
    order_ids: Sequence[int],
    *,
    rules: CompiledRuleSet,
    settings: ReviewSettings,
    actor: str = ACTOR,
) -> list[Outcome]:
    """Review the given orders in the caller's transaction."""
    inputs = load_inputs(conn, order_ids, settings)
    decided = decide_inputs(conn, inputs, rules, settings)
    now = utc_now()
    version = rules.version or None
    review_ids = review_repo.insert_reviews(
        conn,
        [
            {
                "order_id": i.order_id,
                "rule_set_version": version,
                "outcome": o.kind,
                "stages": [s for s, _ in o.stages],
                "explanation": o.explanation,
                "actor": actor,
                "created_at": now,
            }
            for i, (_, o) in zip(inputs, decided, strict=True)
        ],
    )
    _write_gifts(conn, inputs, [d for d, _ in decided])
    holds = [
        (i.order_id, c, d[:2000])
        for i, (_, o) in zip(inputs, decided, strict=True)
        for c, d in o.holds
    ]
    cleaning_repo.insert_holds(conn, holds, now)
    tasks = [
        task
        for i, rid, (_, o) in zip(inputs, review_ids, decided, strict=True)
        if o.kind == "review"
        for task in stage_tasks(i.order_id, rid, o.stages, version=version, now=now)
    ]
    review_repo.insert_tasks(conn, tasks)
    marks = {i.order_id: _marks(d, now) for i, (d, _) in zip(inputs, decided, strict=True)}
    move(
        conn,
        [(i.order_id, o) for i, (_, o) in zip(inputs, decided, strict=True)],
        actor=actor,
        marks=marks,
    )
    return [o for _, o in decided]


def stage_tasks(
    order_id: int,
    review_id: int,
    stages: Sequence[tuple[str, str]],
    *,
    version: int | None,
    now: datetime,
) -> list[dict[str, Any]]:
    """One task per stage; the first is pending (in its queue), the rest wait their turn."""
    return [
        {
            "order_id": order_id,
            "review_id": review_id,
            "stage": stage,
            "seq": seq,
            "status": "pending" if seq == 0 else "waiting",
            "why": why[:2000],
            "rule_set_version": version,
            "created_at": now,
            "decided_at": None,
            "decided_by": None,
            "decision_reason": "",
        }
        for seq, (stage, why) in enumerate(stages)
    ]


def move(
    conn: Connection,
    decided: Sequence[tuple[int, Outcome]],
    *,
    actor: str,
    marks: dict[int, dict[str, Any]] | None = None,
) -> None:
    """Transition each order to its outcome's status, one batch per (target, reason); the
    review's marks on the order (tags, priority, preferences, time) in the same UPDATE."""
    groups: dict[tuple[OrderStatus, str], list[int]] = defaultdict(list)
    for order_id, outcome in decided:
        groups[(_TARGET[outcome.kind], outcome.reason[:500])].append(order_id)
    for (target, reason), ids in groups.items():
        transition_many(conn, ids, target, actor=actor, reason=reason, values=marks)


def _gift_actions(rules: CompiledRuleSet) -> list[GiftAction]:
    return [a for spec in rules.ruleset.rules for a in spec.actions if isinstance(a, GiftAction)]


def _write_gifts(
    conn: Connection, inputs: Sequence[ReviewInput], decisions: Sequence[Decision]
) -> None:
    wanted = {g.sku_code for d in decisions for g in d.gifts}
    if not wanted:
        return
    titles = review_repo.sku_titles(conn, wanted)
    rows = []
    for i, d in zip(inputs, decisions, strict=True):
        for n, gift in enumerate(g for g in d.gifts if g.sku_code in titles):
            sku_id, title = titles[gift.sku_code]
            rows.append(
                {
                    "order_id": i.order_id,
                    "line_no": i.next_line_no + n,
                    "sku_id": sku_id,
                    "sku_code": gift.sku_code,
                    "platform_sku_id": None,
                    "title": f"{title} (赠品)"[:255],
                    "spec": "",
                    "quantity": gift.quantity,
                    "unit_price": 0,
                    "discount": 0,
                    "is_gift": True,
                }
            )
    review_repo.insert_gift_lines(conn, rows)


def _marks(d: Decision, now: datetime) -> dict[str, Any]:
    return {
        "tags": list(d.tags) or None,
        "priority": d.priority or 0,
        "preferred_warehouse": d.preferences.get("warehouse", ""),
        "preferred_carrier": d.preferences.get("carrier", ""),
        "reviewed_at": now,
    }
