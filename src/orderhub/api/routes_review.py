"""`/api/v1/rule-sets…`, `/api/v1/review-queues…`, `/api/v1/orders/{id}/review`: seller rules,
the staged review queues and each order's explanation."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from orderhub.api.deps import ActorDep, EngineDep
from orderhub.db import orders_repo, review_repo
from orderhub.money import round_to_currency
from orderhub.orders.errors import OrderNotFound
from orderhub.pipeline import review_actions as actions
from orderhub.pipeline.backtest import backtest
from orderhub.pipeline.review import load_settings, run_review

router = APIRouter(prefix="/api/v1", tags=["review"])


class RuleSetIn(BaseModel):
    note: str = ""
    rules: list[Any]
    activate: bool = False


class BacktestIn(BaseModel):
    note: str = ""
    rules: list[Any]
    last: int | None = Field(default=None, ge=1, le=1_000_000)
    since: datetime | None = None
    until: datetime | None = None
    examples: int = Field(default=5, ge=0, le=50)


class StageDecisionIn(BaseModel):
    order_ids: list[int] = Field(min_length=1, max_length=5000)
    decision: Literal["approve", "reject"]
    reason: str = Field(default="", max_length=2000)
    cancel: bool = False  # with reject: cancel instead of holding


class ReleaseIn(BaseModel):
    order_ids: list[int] = Field(min_length=1, max_length=5000)
    reason: str = Field(min_length=1, max_length=2000)


def _result(result: actions.DecisionResult) -> dict[str, Any]:
    return {
        "done": result.done,
        "approved": result.approved,
        "refused": {str(k): v for k, v in result.refused.items()},
    }


@router.get("/rule-sets")
def list_rule_sets(engine: EngineDep) -> list[dict[str, Any]]:
    """Every saved version, newest first (status draft, active or retired)."""
    with engine.connect() as conn:
        return [actions.rule_set_view(r) for r in review_repo.list_rule_sets(conn)]


@router.post("/rule-sets", status_code=201)
def save_rule_set(body: RuleSetIn, engine: EngineDep, actor: ActorDep) -> dict[str, Any]:
    """Save a new version (422 `RULE_SET_INVALID` listing each bad rule with line and column)."""
    with engine.begin() as conn:
        version = actions.save_rule_set(
            conn, {"note": body.note, "rules": body.rules}, actor=actor, activate=body.activate
        )
        row = review_repo.rule_set(conn, version)
    return actions.rule_set_view(row)


@router.post("/rule-sets/check")
def check_rule_set(body: RuleSetIn, engine: EngineDep) -> dict[str, Any]:
    """Check a draft without saving it."""
    with engine.connect() as conn:
        _, count = actions.check_document(conn, {"note": body.note, "rules": body.rules})
    return {"ok": True, "rules": count}


@router.post("/rule-sets/backtest")
def backtest_rule_set(body: BacktestIn, engine: EngineDep) -> dict[str, Any]:
    """Run a draft over past orders (the last N, or placed in [since, until)) without changing
    them: counts per outcome, stage, hold reason and rule, and examples per outcome."""
    last = body.last if body.last or body.since or body.until else 1000
    with engine.connect() as conn:
        return backtest(
            conn,
            {"note": body.note, "rules": body.rules},
            last=last,
            since=body.since,
            until=body.until,
            examples=body.examples,
        )


@router.get("/rule-sets/{version}")
def get_rule_set(version: int, engine: EngineDep) -> dict[str, Any]:
    with engine.connect() as conn:
        row = review_repo.rule_set(conn, version)
    if row is None:
        raise actions.RuleSetNotFound(version)
    return actions.rule_set_view(row)


@router.post("/rule-sets/{version}/activate")
def activate_rule_set(version: int, engine: EngineDep, actor: ActorDep) -> dict[str, Any]:
    """Orders reviewed from now on use this version; earlier decisions keep theirs."""
    with engine.begin() as conn:
        actions.activate_rule_set(conn, version, actor=actor)
        row = review_repo.rule_set(conn, version)
    return actions.rule_set_view(row)


@router.get("/review-settings")
def get_review_settings(engine: EngineDep) -> dict[str, Any]:
    with engine.connect() as conn:
        return load_settings(conn).to_dict()


@router.put("/review-settings")
def put_review_settings(body: dict[str, Any], engine: EngineDep, actor: ActorDep) -> dict[str, Any]:
    """Stage order, the action per built-in check (hold / ignore / review:<stage>), thresholds."""
    with engine.begin() as conn:
        return actions.save_settings(conn, body, actor=actor).to_dict()


@router.post("/review/run")
def run_review_stage(engine: EngineDep) -> dict[str, Any]:
    """Review every cleaned order waiting for it with the active rule set."""
    result = run_review(engine)
    return {
        "reviewed": result.reviewed,
        "outcomes": result.outcomes,
        "rule_set_version": result.version,
    }


@router.get("/review-queues")
def queue_sizes(engine: EngineDep) -> dict[str, int]:
    """Orders waiting per review stage."""
    with engine.connect() as conn:
        return review_repo.queue_sizes(conn)


@router.get("/review-queues/{stage}")
def review_queue(
    stage: str,
    engine: EngineDep,
    after: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    """Orders waiting in `stage`, oldest first, each with why it is there; `after` pages."""
    with engine.connect() as conn:
        rows = review_repo.queue(conn, stage, after_id=after, limit=limit)
    items = [
        {
            "order_id": r.order_id,
            "platform_order_id": r.platform_order_id,
            "shop": r.shop_code,
            "amount": str(round_to_currency(r.total_amount, r.currency)),
            "currency": r.currency,
            "receiver_name": r.receiver_name,
            "priority": r.priority,
            "why": r.why,
            "rule_set_version": r.rule_set_version,
            "queued_at": r.queued_at.isoformat(),
        }
        for r in rows
    ]
    return {
        "stage": stage,
        "items": items,
        "next_after": items[-1]["order_id"] if len(items) == limit else None,
    }


@router.post("/review-queues/{stage}/decisions")
def decide(stage: str, body: StageDecisionIn, engine: EngineDep, actor: ActorDep) -> dict[str, Any]:
    """Approve or reject one or many orders waiting in `stage`; each decision keeps who, when,
    why and the rule set version. Orders not waiting there are listed under `refused`."""
    with engine.begin() as conn:
        result = actions.decide_stage(
            conn,
            body.order_ids,
            stage=stage,
            approve=body.decision == "approve",
            actor=actor,
            reason=body.reason,
            cancel=body.cancel,
        )
    return _result(result)


@router.post("/review/release")
def release_holds(body: ReleaseIn, engine: EngineDep, actor: ActorDep) -> dict[str, Any]:
    """Clear review holds: each order goes on to the stages it has not passed, or is approved."""
    with engine.begin() as conn:
        return _result(actions.release(conn, body.order_ids, actor=actor, reason=body.reason))


@router.get("/orders/{order_id}/review")
def order_review(order_id: int, engine: EngineDep) -> dict[str, Any]:
    """Why review treated the order as it did: rules matched with the facts they read, the
    built-in checks, the actions taken and the stages with their decisions."""
    with engine.connect() as conn:
        found = actions.explanation(conn, order_id)
        exists = bool(orders_repo.statuses_of(conn, [order_id]))
    if not exists:
        raise OrderNotFound(order_id)
    return found or {"outcome": None, "message": "the order has not been reviewed yet"}
