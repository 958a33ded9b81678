"""What people do with review: save and activate rule sets, decide stages, release holds.

Every decision is compare-and-set on the task row (two reviewers cannot both decide it) and
leaves an order event with who, when, why and the rule set version that sent the order there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from orderhub.db import cleaning_repo, orders_repo, review_repo, settings_repo
from orderhub.errors import BusinessError, ErrorCode
from orderhub.orders.actions import transition_many
from orderhub.orders.domain import utc_now
from orderhub.orders.lifecycle import OrderStatus
from orderhub.pipeline.review import REVIEW_SETTINGS, compile_version, stage_tasks
from orderhub.review.document import parse_document, to_document
from orderhub.review.exceptions import ThresholdsError
from orderhub.review.outcome import REVIEW_HOLDS, REVIEW_REJECTED, ReviewSettings
from orderhub.review.ruleset import GiftAction, RuleProblem, RuleSetError


class RuleSetInvalid(BusinessError):
    code = ErrorCode.RULE_SET_INVALID

    def __init__(self, error: RuleSetError) -> None:
        problems = [
            {
                "rule": p.rule,
                "code": p.code,
                "message": p.message,
                "line": p.line,
                "column": p.column,
            }
            for p in error.problems
        ]
        super().__init__(f"the rule set was refused: {error}", problems=problems)


class RuleSetNotFound(BusinessError):
    code = ErrorCode.RULE_SET_NOT_FOUND

    def __init__(self, version: int) -> None:
        super().__init__(f"there is no rule set version {version}", version=version)


class ReviewSettingsInvalid(BusinessError):
    code = ErrorCode.REVIEW_SETTINGS_INVALID


class DecisionRefused(BusinessError):
    code = ErrorCode.REVIEW_DECISION_REFUSED


@dataclass
class DecisionResult:
    done: list[int] = field(default_factory=list)
    approved: list[int] = field(default_factory=list)  # passed their last stage
    refused: dict[int, str] = field(default_factory=dict)


def check_document(conn: Connection, document: Any) -> tuple[str, int]:
    """Refuse a bad draft (syntax, unknown facts, types, actions, unknown gift SKUs); returns
    (note, number of rules)."""
    try:
        note, specs = parse_document(document)
        compile_version(document, 0)
    except RuleSetError as exc:
        raise RuleSetInvalid(exc) from None
    gifts = {(s.name, a.sku_code) for s in specs for a in s.actions if isinstance(a, GiftAction)}
    known = review_repo.sku_titles(conn, {sku for _, sku in gifts})
    problems = [
        RuleProblem(rule, "RULE_GIFT_UNKNOWN_SKU", f"there is no SKU {sku} to give as a gift")
        for rule, sku in sorted(gifts)
        if sku not in known
    ]
    if problems:
        raise RuleSetInvalid(RuleSetError(problems))
    return note, len(specs)


def save_rule_set(conn: Connection, document: Any, *, actor: str, activate: bool = False) -> int:
    """Store a checked draft as a new version (optionally active at once); its number."""
    note, _ = check_document(conn, document)
    _, specs = parse_document(document)
    now = utc_now()
    version = review_repo.insert_rule_set(
        conn, note=note, document=to_document(note, specs), actor=actor, now=now
    )
    if activate:
        review_repo.activate_rule_set(conn, version, actor=actor, now=now)
    return version


def activate_rule_set(conn: Connection, version: int, *, actor: str) -> None:
    row = review_repo.rule_set(conn, version)
    if row is None:
        raise RuleSetNotFound(version)
    review_repo.activate_rule_set(conn, version, actor=actor, now=utc_now())


def rule_set_view(row: Any) -> dict[str, Any]:
    return {
        "version": row.version,
        "status": row.status,
        "note": row.note,
        "rules": row.document.get("rules", []),
        "created_at": row.created_at.isoformat(),
        "created_by": row.created_by,
        "activated_at": row.activated_at.isoformat() if row.activated_at else None,
        "activated_by": row.activated_by,
    }


def save_settings(conn: Connection, data: Any, *, actor: str) -> ReviewSettings:
    if not isinstance(data, dict):
        raise ReviewSettingsInvalid("review settings must be a JSON object")
    try:
        parsed = ReviewSettings.from_dict(data)
    except ThresholdsError as exc:
        raise ReviewSettingsInvalid(f"{exc.field}: {exc.message}", field=exc.field) from None
    settings_repo.put_setting(conn, REVIEW_SETTINGS, parsed.to_dict(), actor=actor, now=utc_now())
    return parsed


def decide_stage(
    conn: Connection,
    order_ids: Sequence[int],
    *,
    stage: str,
    approve: bool,
    actor: str,
    reason: str,
    cancel: bool = False,
) -> DecisionResult:
    """Approve or reject orders waiting in `stage`. Approved: the next stage's queue, or
    `approved` after the last. Rejected: on hold (REVIEW_REJECTED) or, with `cancel`, cancelled."""
    if not approve and not reason.strip():
        raise DecisionRefused("a rejection needs a reason")
    result, now = DecisionResult(), utc_now()
    current = review_repo.pending_tasks(conn, order_ids)
    statuses = orders_repo.statuses_of(conn, order_ids)
    tasks = []
    for order_id in dict.fromkeys(order_ids):
        task = current.get(order_id)
        if statuses.get(order_id) is None:
            result.refused[order_id] = f"ORDER_NOT_FOUND: no order {order_id}"
        elif task is None or statuses[order_id] != OrderStatus.PENDING_REVIEW.value:
            result.refused[order_id] = f"NOT_IN_STAGE: order {order_id} is not waiting in review"
        elif task.stage != stage:
            result.refused[order_id] = f"NOT_IN_STAGE: order {order_id} waits in stage {task.stage}"
        else:
            tasks.append(task)
    values = {"decided_at": now, "decided_by": actor, "decision_reason": reason[:2000]}
    status = "approved" if approve else "rejected"
    moved = review_repo.set_task_status(  # a task decided meanwhile is refused
        conn, [t.id for t in tasks], expected="pending", status=status, values=values
    )
    for task in tasks:
        if task.id in moved:
            result.done.append(task.order_id)
        else:
            result.refused[task.order_id] = (
                f"ORDER_CONCURRENT_CHANGE: order {task.order_id} was decided meanwhile"
            )
    decided = [t for t in tasks if t.order_id in set(result.done)]
    _events(conn, decided, approve=approve, actor=actor, reason=reason, now=now)
    if approve:
        _advance(conn, decided, result, actor=actor)
    else:
        _reject(conn, decided, actor=actor, reason=reason, cancel=cancel)
    return result


def _advance(
    conn: Connection, decided: Sequence[Any], result: DecisionResult, *, actor: str
) -> None:
    nxt = review_repo.next_waiting(conn, [t.review_id for t in decided])
    review_repo.set_task_status(
        conn, [t.id for t in nxt.values()], expected="waiting", status="pending"
    )
    last = [t.order_id for t in decided if t.review_id not in nxt]
    moved = transition_many(conn, last, OrderStatus.APPROVED, actor=actor, reason="review passed")
    result.approved += moved.moved


def _reject(
    conn: Connection, decided: Sequence[Any], *, actor: str, reason: str, cancel: bool
) -> None:
    review_repo.void_waiting(conn, [t.review_id for t in decided])
    ids = [t.order_id for t in decided]
    if cancel:
        transition_many(
            conn, ids, OrderStatus.CANCELLED, actor=actor, reason=f"rejected in review: {reason}"
        )
        return
    details = [(t.order_id, REVIEW_REJECTED, f"stage {t.stage}: {reason}"[:2000]) for t in decided]
    cleaning_repo.insert_holds(conn, details, utc_now())
    transition_many(
        conn, ids, OrderStatus.ON_HOLD, actor=actor, reason=f"{REVIEW_REJECTED}: {reason}"
    )


def _events(
    conn: Connection, tasks: Sequence[Any], *, approve: bool, actor: str, reason: str, now: Any
) -> None:
    orders_repo.insert_events(
        conn,
        [
            {
                "order_id": t.order_id,
                "kind": "review_decision",
                "from_status": None,
                "to_status": None,
                "actor": actor,
                "reason": reason or ("approved" if approve else "rejected"),
                "data": {
                    "stage": t.stage,
                    "decision": "approve" if approve else "reject",
                    "rule_set_version": t.rule_set_version,
                    "why_in_stage": t.why,
                },
                "created_at": now,
            }
            for t in tasks
        ],
    )


def release(
    conn: Connection, order_ids: Sequence[int], *, actor: str, reason: str
) -> DecisionResult:
    """A person clears review's holds: each order goes on to the stages it has not passed yet
    (a fresh task per stage), or is approved. Holds from other causes (e.g. an unresolved
    address) stay, and so does the order."""
    if not reason.strip():
        raise DecisionRefused("releasing a hold needs a reason")
    result, now = DecisionResult(), utc_now()
    holds = cleaning_repo.open_holds(conn, order_ids)
    statuses = orders_repo.statuses_of(conn, order_ids)
    ready = []
    for order_id in dict.fromkeys(order_ids):
        mine = holds.get(order_id, set()) & REVIEW_HOLDS
        if statuses.get(order_id) != OrderStatus.ON_HOLD.value or not mine:
            result.refused[order_id] = f"NOT_HELD: order {order_id} has no review hold"
            continue
        for code in mine:
            cleaning_repo.release_holds(conn, [order_id], code, actor=actor, now=now)
        result.done.append(order_id)
        if not holds[order_id] - REVIEW_HOLDS:
            ready.append(order_id)
    reviews = review_repo.latest_reviews(conn, ready)
    passed = review_repo.tasks_of_reviews(conn, [r.id for r in reviews.values()])
    to_review, to_approve = [], []
    for order_id in ready:
        review = reviews.get(order_id)
        done = (
            {t.stage for t in passed.get(review.id, []) if t.status == "approved"}
            if review
            else set()
        )
        left = [
            (s, "released: " + reason) for s in (review.stages if review else []) if s not in done
        ]
        if left and review is not None:
            to_review.append(order_id)
            review_repo.insert_tasks(
                conn,
                stage_tasks(order_id, review.id, left, version=review.rule_set_version, now=now),
            )
        else:
            to_approve.append(order_id)
    transition_many(
        conn, to_review, OrderStatus.PENDING_REVIEW, actor=actor, reason=f"released: {reason}"
    )
    moved = transition_many(
        conn, to_approve, OrderStatus.APPROVED, actor=actor, reason=f"released: {reason}"
    )
    result.approved += moved.moved
    return result


def explanation(conn: Connection, order_id: int) -> dict[str, Any] | None:
    """The order's latest review: version, outcome, rules matched with facts, checks, stages."""
    review = review_repo.latest_reviews(conn, [order_id]).get(order_id)
    if review is None:
        return None
    tasks = review_repo.tasks_of_reviews(conn, [review.id]).get(review.id, [])
    return {
        **review.explanation,
        "rule_set_version": review.rule_set_version,
        "outcome": review.outcome,
        "reviewed_at": review.created_at.isoformat(),
        "reviewed_by": review.actor,
        "stages": [
            {
                "stage": t.stage,
                "status": t.status,
                "why": t.why,
                "decided_by": t.decided_by,
                "decided_at": t.decided_at.isoformat() if t.decided_at else None,
                "reason": t.decision_reason,
            }
            for t in tasks
        ],
    }
