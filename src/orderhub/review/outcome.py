"""What review does to one order: the rule set's decision combined with the built-in checks.

Precedence (first that applies):

1. a rule routes to CANCEL -> the order is cancelled;
2. a rule routes to HOLD, or a built-in check whose action is ``hold`` finds something ->
   the order waits on hold, one hold per reason (``RULE_HOLD`` or the check's code);
3. review stages are needed -> the order waits in the first stage's queue. Stages come from
   the routing rule's stages and from checks whose action is ``review:<stage>``; they are
   passed in the seller's ``stage_order`` (客审 before 财审), unlisted stages after them in the
   order first named;
4. otherwise the order is approved.

A held order keeps its stages: when a person releases the hold it goes on to them (or is
approved). Checks with action ``ignore`` are still shown in the explanation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from orderhub.review import exceptions as checks
from orderhub.review.exceptions import ExceptionThresholds, Finding, ThresholdsError
from orderhub.review.ruleset import Action, ActionKind, AnyAction, Decision, GiftAction

RULE_HOLD = "RULE_HOLD"
REVIEW_REJECTED = "REVIEW_REJECTED"
CHECK_CODES = (
    checks.PRICE_ANOMALY,
    checks.ZERO_PRICE_LINE,
    checks.AMOUNT_ANOMALY,
    checks.ADDRESS_ANOMALY,
    checks.CREDIT_ANOMALY,
    checks.BLACKLISTED,
    checks.NOTE_KEYWORD,
    checks.REFUND_REQUESTED,
)
# Holds review puts on (and a person releases with `orderhub review release`).
REVIEW_HOLDS = frozenset({RULE_HOLD, REVIEW_REJECTED, *CHECK_CODES})


@dataclass(frozen=True)
class ReviewSettings:
    """The seller's review settings (settings key ``review``)."""

    stage_order: tuple[str, ...] = ()
    check_actions: Mapping[str, str] = field(default_factory=dict)  # code -> hold|ignore|review:X
    thresholds: ExceptionThresholds = field(default_factory=ExceptionThresholds)

    def action_for(self, code: str) -> str:
        return self.check_actions.get(code, "hold")

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage_order": list(self.stage_order),
            "check_actions": dict(self.check_actions),
            "thresholds": self.thresholds.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReviewSettings:
        """Raises ``ThresholdsError`` naming the bad field."""
        unknown = sorted(set(data) - {"stage_order", "check_actions", "thresholds"})
        if unknown:
            raise ThresholdsError(unknown[0], "unknown setting")
        order = data.get("stage_order", [])
        if not isinstance(order, list) or not all(isinstance(s, str) and s.strip() for s in order):
            raise ThresholdsError("stage_order", "must be a list of stage names")
        actions = data.get("check_actions", {})
        if not isinstance(actions, Mapping):
            raise ThresholdsError("check_actions", "must map a check code to an action")
        for code, action in actions.items():
            if code not in CHECK_CODES:
                raise ThresholdsError(
                    f"check_actions.{code}", f"unknown check; one of {CHECK_CODES}"
                )
            if not _valid_action(action):
                msg = 'must be "hold", "ignore" or "review:<stage>"'
                raise ThresholdsError(f"check_actions.{code}", msg)
        thresholds = ExceptionThresholds.from_dict(data.get("thresholds", {}))
        return cls(tuple(s.strip() for s in order), dict(actions), thresholds)


def _valid_action(action: object) -> bool:
    if not isinstance(action, str):
        return False
    return action in ("hold", "ignore") or (
        action.startswith("review:") and bool(action[7:].strip())
    )


@dataclass(frozen=True)
class Outcome:
    kind: str  # approve | review | hold | cancel
    stages: tuple[tuple[str, str], ...]  # (stage, why) in the order to pass them
    holds: tuple[tuple[str, str], ...]  # (code, detail)
    reason: str  # one line for the order's history
    explanation: dict[str, Any]


def decide_outcome(
    decision: Decision, findings: Sequence[Finding], settings: ReviewSettings
) -> Outcome:
    route = decision.route
    holds: list[tuple[str, str]] = []
    stages: dict[str, list[str]] = {}
    if route is not None and route.kind is ActionKind.HOLD:
        holds.append((RULE_HOLD, f"{route.value} (rule {_owner(decision, route)})"))
    if route is not None and route.kind is ActionKind.REVIEW_STAGE:
        for stage in decision.stages:
            stages[stage] = [m.rule for m in decision.matched if _sends_to(m.actions, stage)]
    for f in findings:
        action = settings.action_for(f.code)
        if action == "hold":
            holds.append((f.code, f.message))
        elif action.startswith("review:"):
            stages.setdefault(action[7:].strip(), []).append(f.code)
    holds = _one_per_code(holds)
    ordered = _ordered(stages, settings.stage_order)
    if route is not None and route.kind is ActionKind.CANCEL:
        kind, reason = (
            "cancel",
            f"cancelled by rule {_owner(decision, route)}"
            + (f": {route.value}" if route.value else ""),
        )
    elif holds:
        kind, reason = "hold", "held: " + ", ".join(dict.fromkeys(c for c, _ in holds))
    elif ordered:
        kind, reason = "review", "review: " + " → ".join(s for s, _ in ordered)
    else:
        kind = "approve"
        reason = f"approved by rule {_owner(decision, route)}" if route else "approved (no rule)"
    return Outcome(kind, ordered, tuple(holds), reason, explain(decision, findings, settings))


def _one_per_code(holds: list[tuple[str, str]]) -> list[tuple[str, str]]:
    merged: dict[str, list[str]] = {}
    for code, detail in holds:
        merged.setdefault(code, []).append(detail)
    return [(code, "; ".join(details)) for code, details in merged.items()]


def _owner(decision: Decision, route: Action) -> str:
    return next((m.rule for m in decision.matched if route in m.actions), "?")


def _sends_to(actions: Sequence[AnyAction], stage: str) -> bool:
    return any(
        isinstance(a, Action) and a.kind is ActionKind.REVIEW_STAGE and a.value == stage
        for a in actions
    )


def _ordered(stages: dict[str, list[str]], order: Sequence[str]) -> tuple[tuple[str, str], ...]:
    rank = {name: i for i, name in enumerate(order)}
    names = sorted(stages, key=lambda s: (rank.get(s, len(rank)), list(stages).index(s)))
    return tuple((s, ", ".join(dict.fromkeys(stages[s]))) for s in names)


def explain(
    decision: Decision, findings: Sequence[Finding], settings: ReviewSettings
) -> dict[str, Any]:
    """A JSON-friendly explanation: rules matched with the facts they read, checks, actions."""
    return {
        "rule_set_version": decision.version,
        "matched": [
            {
                "rule": m.rule,
                "facts": {name: _jsonable(value) for name, value in m.facts.items()},
                "actions": [action_text(a) for a in m.actions],
            }
            for m in decision.matched
        ],
        "checks": [
            {
                "code": f.code,
                "message": f.message,
                "details": f.details,
                "action": settings.action_for(f.code),
            }
            for f in findings
        ],
        "route": action_text(decision.route) if decision.route else "approve (no rule routed)",
        "tags": list(decision.tags),
        "priority": decision.priority,
        "gifts": [action_text(g) for g in decision.gifts],
        "skipped_gifts": [
            {"rule": s.rule, "gift": action_text(s.gift), "reason": str(s.reason)}
            for s in decision.skipped_gifts
        ],
        "preferences": dict(decision.preferences),
    }


@lru_cache(maxsize=4096)  # actions are frozen values of the rule set: a handful per version
def action_text(action: AnyAction) -> str:
    if isinstance(action, GiftAction):
        return f"gift {action.sku_code} x{action.quantity} (once per {action.once_per})"
    return f"{action.kind.value} {action.value}".strip()


def _jsonable(value: object) -> object:
    if isinstance(value, Decimal):  # 8000.0000 from the database reads as 8000.00
        cents = value.quantize(Decimal("0.01"))
        return f"{cents if cents == value else value.normalize():f}"
    if isinstance(value, frozenset | set):
        return sorted(str(v) for v in value)
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    return str(value)
