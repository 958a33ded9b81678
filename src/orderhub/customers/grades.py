"""The seller's grade rules (settings key `grade_rules`), validated with messages a seller can act on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from orderhub.customers.profile import DEFAULT_GRADE_RULES, GradeRule, rules_to_dict
from orderhub.db.settings_repo import get_setting, put_setting
from orderhub.errors import BusinessError, ErrorCode
from orderhub.orders.domain import utc_now

GRADE_RULES_KEY = "grade_rules"
MAX_RULES = 50
MAX_GRADE_LENGTH = 16
RULE_FIELDS = frozenset({"grade", "min_orders", "min_spent", "currency"})


class GradeRulesInvalid(BusinessError):
    code = ErrorCode.GRADE_RULES_INVALID

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message, **details)


@dataclass(frozen=True, slots=True)
class GradeRules:
    rules: tuple[GradeRule, ...]
    is_default: bool


def grade_rules(conn: Connection) -> GradeRules:
    """The seller's grade rules, or the defaults when none are set."""
    stored = get_setting(conn, GRADE_RULES_KEY)
    if stored is None:
        return GradeRules(DEFAULT_GRADE_RULES, is_default=True)
    try:
        rules = parse_grade_rules(stored)
    except GradeRulesInvalid as exc:
        raise GradeRulesInvalid(f"the stored grade rules are invalid: {exc.message}") from None
    return GradeRules(rules or DEFAULT_GRADE_RULES, is_default=not rules)


def set_grade_rules(
    conn: Connection, data: Any, *, actor: str, now: datetime | None = None
) -> GradeRules:
    """Validate and store `{"rules": [...]}` (best first); an empty list restores the defaults."""
    rules = parse_grade_rules(data)
    put_setting(conn, GRADE_RULES_KEY, rules_to_dict(rules), actor=actor, now=now or utc_now())
    return GradeRules(rules or DEFAULT_GRADE_RULES, is_default=not rules)


def parse_grade_rules(data: Any) -> tuple[GradeRule, ...]:
    """The rules of a `{"rules": [...]}` document; raises `GradeRulesInvalid` saying what is wrong."""
    if not isinstance(data, Mapping):
        raise GradeRulesInvalid('grade rules must be a JSON object {"rules": [...]}')
    unknown = sorted(set(data) - {"rules"})
    if unknown:
        raise GradeRulesInvalid(f"unknown field(s) {', '.join(unknown)}; expected only 'rules'")
    items = data.get("rules")
    if not isinstance(items, list):
        raise GradeRulesInvalid("'rules' must be a list of rules, best grade first")
    if len(items) > MAX_RULES:
        raise GradeRulesInvalid(f"at most {MAX_RULES} rules")
    rules: list[GradeRule] = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, Mapping):
            raise GradeRulesInvalid(f"rule {number} must be an object", rule=number)
        unknown = sorted(set(item) - RULE_FIELDS)
        if unknown:
            raise GradeRulesInvalid(
                f"rule {number}: unknown field(s) {', '.join(map(str, unknown))}; "
                f"known: {', '.join(sorted(RULE_FIELDS))}",
                rule=number,
            )
        try:
            rule = GradeRule.from_dict(item)
        except ValueError as exc:
            raise GradeRulesInvalid(f"rule {number}: {exc}", rule=number) from None
        if len(rule.grade) > MAX_GRADE_LENGTH:
            raise GradeRulesInvalid(
                f"rule {number}: grade must be at most {MAX_GRADE_LENGTH} characters", rule=number
            )
        rules.append(rule)
    return tuple(rules)
