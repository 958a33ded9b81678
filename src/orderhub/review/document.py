"""The rule set document a seller writes (JSON), read into ``RuleSpec`` and written back.

    {"note": "双11 rules",
     "rules": [
       {"name": "small A customers", "priority": 10,
        "when": "order.amount < 5000 and customer.grade == \\"A\\"", "then": ["approve"]},
       {"name": "big orders", "priority": 20,
        "when": "order.amount >= 20000", "then": [{"review": "finance"}, {"tag": "big"}]},
       {"name": "gift", "when": "order.amount >= 300",
        "then": [{"gift": "GIFT-BOX", "quantity": 1, "once_per": "customer"}]}]}

Actions: ``"approve"``, ``"cancel"`` or ``{"cancel": reason}``, ``{"hold": reason}``,
``{"review": stage}``, ``{"tag": text}``, ``{"priority": n}``,
``{"gift": sku, "quantity": n, "once_per": "order"|"customer"}``,
``{"prefer_carrier": code}``, ``{"prefer_warehouse": code}``. ``priority`` defaults to the
rule's position × 10; ``enabled`` to true. Every problem is reported at once
(``RuleSetError``), each naming its rule; the expressions are checked by ``RuleSet.compile``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from orderhub.review.ruleset import (
    Action,
    ActionKind,
    AnyAction,
    GiftAction,
    RuleProblem,
    RuleSetError,
    RuleSpec,
)

FORMAT = "RULE_FORMAT"
MAX_RULES = 500
_VALUE_ACTIONS = {
    "cancel": ActionKind.CANCEL,
    "hold": ActionKind.HOLD,
    "review": ActionKind.REVIEW_STAGE,
    "tag": ActionKind.TAG,
    "priority": ActionKind.PRIORITY,
    "prefer_carrier": ActionKind.PREFER_CARRIER,
    "prefer_warehouse": ActionKind.PREFER_WAREHOUSE,
}
_KEYWORDS = {"approve": ActionKind.APPROVE, "cancel": ActionKind.CANCEL}
_ACTION_HELP = (
    'write "approve", "cancel", or one of {"hold": reason}, {"review": stage}, {"tag": text}, '
    '{"priority": n}, {"gift": sku, "quantity": n}, {"prefer_carrier": code}, '
    '{"prefer_warehouse": code}, {"cancel": reason}'
)


def parse_document(data: Any) -> tuple[str, tuple[RuleSpec, ...]]:
    """The note and rules of a document; raises ``RuleSetError`` listing every problem."""
    if not isinstance(data, Mapping):
        raise _refused("(document)", 'a rule set is a JSON object {"rules": [...]}')
    unknown = sorted(set(data) - {"rules", "note"})
    if unknown:
        raise _refused("(document)", f"unknown field {unknown[0]!r}; use rules and note")
    rules, note = data.get("rules"), data.get("note", "")
    if not isinstance(rules, list):
        raise _refused("(document)", '"rules" must be a list of rules')
    if len(rules) > MAX_RULES:
        raise _refused("(document)", f"at most {MAX_RULES} rules")
    if not isinstance(note, str):
        raise _refused("(document)", '"note" must be text')
    specs: list[RuleSpec] = []
    problems: list[RuleProblem] = []
    for position, item in enumerate(rules, start=1):
        spec = _rule(item, position, problems)
        if spec is not None:
            specs.append(spec)
    if problems:
        raise RuleSetError(problems)
    return note, tuple(specs)


def to_document(note: str, specs: Sequence[RuleSpec]) -> dict[str, Any]:
    """The document ``parse_document`` reads back to the same specs."""
    return {
        "note": note,
        "rules": [
            {
                "name": s.name,
                "priority": s.priority,
                "enabled": s.enabled,
                "when": s.expression,
                "then": [_action_out(a) for a in s.actions],
            }
            for s in specs
        ],
    }


def _refused(rule: str, message: str) -> RuleSetError:
    return RuleSetError([RuleProblem(rule, FORMAT, message)])


def _rule(item: Any, position: int, problems: list[RuleProblem]) -> RuleSpec | None:
    label = f"#{position}"
    if not isinstance(item, Mapping):
        problems.append(RuleProblem(label, FORMAT, "a rule is an object with name, when, then"))
        return None
    name = item.get("name")
    label = name if isinstance(name, str) and name.strip() else label
    before = len(problems)

    def bad(message: str) -> None:
        problems.append(RuleProblem(label, FORMAT, message))

    unknown = sorted(set(item) - {"name", "when", "then", "priority", "enabled"})
    if unknown:
        bad(f"unknown field {unknown[0]!r}; a rule has name, when, then, priority, enabled")
    if not isinstance(name, str) or not name.strip():
        bad("the rule needs a name")
    when = item.get("when")
    if not isinstance(when, str):
        bad('"when" must be the rule expression as text')
    priority = item.get("priority", position * 10)
    if isinstance(priority, bool) or not isinstance(priority, int):
        bad('"priority" must be a whole number (lower runs first)')
    enabled = item.get("enabled", True)
    if not isinstance(enabled, bool):
        bad('"enabled" must be true or false')
    then = item.get("then")
    if isinstance(then, str | Mapping):
        then = [then]
    if not isinstance(then, list) or not then:
        bad('"then" must list at least one action')
        then = []
    actions = tuple(a for a in (_action(raw, bad) for raw in then) if a is not None)
    if len(problems) > before:
        return None
    assert isinstance(name, str) and isinstance(when, str) and isinstance(priority, int)
    return RuleSpec(name.strip(), when, actions, priority, bool(enabled))


def _action(raw: Any, bad: Any) -> AnyAction | None:
    if isinstance(raw, str):
        kind = _KEYWORDS.get(raw.strip().lower())
        if kind is None:
            bad(f"unknown action {raw!r}: {_ACTION_HELP}")
            return None
        return Action(kind)
    if not isinstance(raw, Mapping) or not raw:
        bad(f"unknown action {raw!r}: {_ACTION_HELP}")
        return None
    if "gift" in raw:
        return _gift(raw, bad)
    if len(raw) != 1 or next(iter(raw)) not in _VALUE_ACTIONS:
        bad(f"unknown action {dict(raw)!r}: {_ACTION_HELP}")
        return None
    key, value = next(iter(raw.items()))
    if isinstance(value, bool) or not isinstance(value, str | int):
        bad(f'"{key}" needs text (or a whole number for priority), not {value!r}')
        return None
    return Action(_VALUE_ACTIONS[key], str(value))


def _gift(raw: Mapping[str, Any], bad: Any) -> GiftAction | None:
    unknown = sorted(set(raw) - {"gift", "quantity", "once_per"})
    sku, quantity, once = raw.get("gift"), raw.get("quantity", 1), raw.get("once_per", "order")
    if unknown:
        bad(f"unknown gift field {unknown[0]!r}; a gift has gift, quantity, once_per")
    elif not isinstance(sku, str) or not sku.strip():
        bad('"gift" must be the SKU code of the gift')
    elif isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        bad(f"gift {sku}: quantity must be a whole number of at least 1")
    elif once not in ("order", "customer"):
        bad(f'gift {sku}: once_per must be "order" or "customer"')
    else:
        return GiftAction(sku.strip(), quantity, once)
    return None


def _action_out(action: AnyAction) -> Any:
    if isinstance(action, GiftAction):
        return {"gift": action.sku_code, "quantity": action.quantity, "once_per": action.once_per}
    if action.kind in (ActionKind.APPROVE, ActionKind.CANCEL) and not action.value:
        return action.kind.value
    key = next(k for k, kind in _VALUE_ACTIONS.items() if kind is action.kind)
    return {key: int(action.value) if action.kind is ActionKind.PRIORITY else action.value}
