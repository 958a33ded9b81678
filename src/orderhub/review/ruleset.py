"""A versioned set of seller review rules, compiled once, that decides what happens to an order.

Each ``RuleSpec`` pairs a rule expression (see ``rules.compile_rule``) with actions.
``RuleSet.compile(specs, version)`` checks every rule and action and raises one
``RuleSetError`` listing every bad rule (its name, code, message and 1-based position).

Semantics of ``CompiledRuleSet.decide``:

* Enabled rules are evaluated in priority order: lower number first, ties by name.
  Disabled rules are still checked at compile time but never evaluated.
* Routing (APPROVE, HOLD, REVIEW_STAGE, CANCEL): the first routing action of the first
  matching rule that has one decides ``Decision.route``; later routing actions do not
  override it. ``route is None`` means no rule routes: the default (``DEFAULT_ROUTE``,
  approve) applies. When the route is REVIEW_STAGE, every REVIEW_STAGE of every matching
  rule is collected into ``stages`` in rule order (duplicates once), so the order passes
  each stage in turn (e.g. 客审 then 财审). Any other route leaves ``stages`` empty.
* TAG, PRIORITY, GIFT and PREFER_* actions of ALL matching rules apply: tags accumulate
  (duplicates once, first-seen order); ``priority`` is the highest value given; for each
  preference (carrier, warehouse) the first matching rule's value wins.
* Gifts: a gift ``once_per="customer"`` is skipped when its SKU is in
  ``gifts_given_to_customer``; the same SKU is granted at most once per order. When
  ``gift_stock`` is given, a gift whose stock is below its quantity is skipped; granted
  gifts decrement the stock (a SKU missing from it has none) (across the whole batch in ``decide_batch``; the caller's
  mapping is never modified). Skipped gifts are listed in ``skipped_gifts`` with a reason.
* ``matched`` explains each matching rule: the facts it read with their values and the
  actions that took effect.
* A ``Decision`` carries the rule set version and is an immutable value: compiling a new
  version never changes a Decision already made.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Literal

from orderhub.review.facts import OrderFacts
from orderhub.review.rules import CompiledRule, RuleError, compile_rule


class ActionKind(StrEnum):
    APPROVE = "approve"
    HOLD = "hold"
    REVIEW_STAGE = "review_stage"
    CANCEL = "cancel"
    TAG = "tag"
    PRIORITY = "priority"
    GIFT = "gift"
    PREFER_CARRIER = "prefer_carrier"
    PREFER_WAREHOUSE = "prefer_warehouse"


ROUTING = frozenset(
    {ActionKind.APPROVE, ActionKind.HOLD, ActionKind.REVIEW_STAGE, ActionKind.CANCEL}
)
_NEEDS_VALUE = frozenset(
    {
        ActionKind.HOLD,
        ActionKind.REVIEW_STAGE,
        ActionKind.TAG,
        ActionKind.PRIORITY,
        ActionKind.PREFER_CARRIER,
        ActionKind.PREFER_WAREHOUSE,
    }
)
_PREFERENCE = {ActionKind.PREFER_CARRIER: "carrier", ActionKind.PREFER_WAREHOUSE: "warehouse"}


@dataclass(frozen=True, slots=True)
class Action:
    """``value``: hold reason, stage name, tag, priority (an int as text), carrier/warehouse."""

    kind: ActionKind
    value: str = ""


@dataclass(frozen=True, slots=True)
class GiftAction:
    sku_code: str
    quantity: int
    once_per: Literal["order", "customer"] = "order"


AnyAction = Action | GiftAction
DEFAULT_ROUTE = Action(ActionKind.APPROVE)


@dataclass(frozen=True, slots=True)
class RuleSpec:
    name: str
    expression: str
    actions: tuple[AnyAction, ...]
    priority: int
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class RuleProblem:
    """Why a rule was refused; ``line``/``column`` (1-based) locate expression errors."""

    rule: str
    code: str
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = f" (line {self.line}, column {self.column})" if self.line is not None else ""
        return f"rule {self.rule!r}: {self.code}: {self.message}{where}"


class RuleSetError(ValueError):
    """A rule set refused at compile time; ``problems`` lists every bad rule."""

    def __init__(self, problems: Sequence[RuleProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


class GiftSkipReason(StrEnum):
    ALREADY_GIVEN_TO_CUSTOMER = "ALREADY_GIVEN_TO_CUSTOMER"
    ALREADY_IN_ORDER = "ALREADY_IN_ORDER"
    OUT_OF_STOCK = "OUT_OF_STOCK"


@dataclass(frozen=True, slots=True)
class SkippedGift:
    rule: str
    gift: GiftAction
    reason: GiftSkipReason


@dataclass(frozen=True, slots=True)
class RuleMatch:
    """A matching rule: the facts it read (name -> value) and the actions that took effect."""

    rule: str
    facts: Mapping[str, object]
    actions: tuple[AnyAction, ...]


@dataclass(frozen=True, slots=True)
class Decision:
    version: int
    route: Action | None
    stages: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    priority: int | None = None
    gifts: tuple[GiftAction, ...] = ()
    skipped_gifts: tuple[SkippedGift, ...] = ()
    preferences: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    matched: tuple[RuleMatch, ...] = ()

    @property
    def effective_route(self) -> Action:
        """The route, or ``DEFAULT_ROUTE`` (approve) when no rule routes."""
        return self.route if self.route is not None else DEFAULT_ROUTE


@dataclass(frozen=True, slots=True)
class _Plan:
    """One enabled rule with its actions split by kind (with their indexes), for ``decide``."""

    name: str
    rule: CompiledRule
    actions: tuple[AnyAction, ...]
    route: tuple[int, Action] | None
    stages: tuple[tuple[int, str], ...]
    tags: dict[str, None]
    priority: int | None
    gifts: tuple[tuple[int, GiftAction], ...]
    prefs: tuple[tuple[int, str, str], ...]
    always: frozenset[int]  # TAG and PRIORITY: they always take effect
    fixed: tuple[AnyAction, ...]  # the actions kept when there is nothing else to decide


def _plan(spec: RuleSpec, rule: CompiledRule) -> _Plan:
    plain = [(i, a) for i, a in enumerate(spec.actions) if isinstance(a, Action)]
    priorities = [int(a.value) for _, a in plain if a.kind is ActionKind.PRIORITY]
    always = frozenset(i for i, a in plain if a.kind in (ActionKind.TAG, ActionKind.PRIORITY))
    gifts = tuple((i, a) for i, a in enumerate(spec.actions) if isinstance(a, GiftAction))
    return _Plan(
        name=spec.name,
        rule=rule,
        actions=spec.actions,
        route=next(((i, a) for i, a in plain if a.kind in ROUTING), None),
        stages=tuple((i, a.value) for i, a in plain if a.kind is ActionKind.REVIEW_STAGE),
        tags=dict.fromkeys(a.value for _, a in plain if a.kind is ActionKind.TAG),
        priority=max(priorities) if priorities else None,
        gifts=gifts,
        prefs=tuple((i, _PREFERENCE[a.kind], a.value) for i, a in plain if a.kind in _PREFERENCE),
        always=always,
        fixed=tuple(a for i, a in enumerate(spec.actions) if i in always),
    )


def _check_action(action: object) -> str | None:
    """The problem with one action, or None."""
    if isinstance(action, GiftAction):
        if not action.sku_code.strip():
            return "A gift needs a SKU code."
        if isinstance(action.quantity, bool) or not isinstance(action.quantity, int):
            return f"Gift {action.sku_code}: the quantity must be a whole number."
        if action.quantity < 1:
            return f"Gift {action.sku_code}: the quantity must be at least 1."
        if action.once_per not in ("order", "customer"):
            return f'Gift {action.sku_code}: once_per must be "order" or "customer".'
        return None
    if not isinstance(action, Action) or not isinstance(action.kind, ActionKind):
        return f"{action!r} is not an action."
    if action.kind is ActionKind.GIFT:
        return "Give gifts with GiftAction(sku_code, quantity)."
    if action.kind in _NEEDS_VALUE and not action.value.strip():
        return f"The {action.kind} action needs a value."
    if action.kind is ActionKind.PRIORITY:
        try:
            int(action.value)
        except ValueError:
            return f"Priority must be a whole number, not {action.value!r}."
    return None


@dataclass(frozen=True)
class RuleSet:
    version: int
    rules: tuple[RuleSpec, ...]

    @staticmethod
    def compile(specs: Iterable[RuleSpec], version: int) -> CompiledRuleSet:
        """Check and compile every rule; raises ``RuleSetError`` listing every bad rule."""
        specs = tuple(specs)
        problems: list[RuleProblem] = []
        plans: list[tuple[int, str, _Plan]] = []
        seen: set[str] = set()
        for spec in specs:
            before = len(problems)
            name = spec.name
            if not name.strip():
                problems.append(RuleProblem(name, "RULE_NAME", "A rule needs a name."))
            elif name in seen:
                msg = "Another rule has the same name."
                problems.append(RuleProblem(name, "RULE_DUPLICATE_NAME", msg))
            seen.add(name)
            try:
                compiled = compile_rule(spec.expression)
            except RuleError as exc:
                problems.append(RuleProblem(name, str(exc.code), exc.message, exc.line, exc.column))
                compiled = None
            if not spec.actions:
                problems.append(RuleProblem(name, "RULE_NO_ACTION", "A rule needs an action."))
            for action in spec.actions:
                msg_or_none = _check_action(action)
                if msg_or_none is not None:
                    problems.append(RuleProblem(name, "ACTION_INVALID", msg_or_none))
            if compiled is not None and spec.enabled and len(problems) == before:
                plans.append((spec.priority, name, _plan(spec, compiled)))
        if problems:
            raise RuleSetError(problems)
        plans.sort(key=lambda t: (t[0], t[1]))
        return CompiledRuleSet(RuleSet(version, specs), tuple(p for _, _, p in plans))

    def build(self) -> CompiledRuleSet:
        """``RuleSet.compile(self.rules, self.version)``."""
        return RuleSet.compile(self.rules, self.version)


class CompiledRuleSet:
    """A checked rule set, rules in evaluation order; see the module docstring."""

    __slots__ = ("_checks", "_plans", "ruleset", "version")

    def __init__(self, ruleset: RuleSet, plans: tuple[_Plan, ...]) -> None:
        self.ruleset = ruleset
        self.version = ruleset.version
        self._plans = plans
        self._checks = tuple((p.rule.evaluate, p) for p in plans)

    @property
    def rule_names(self) -> tuple[str, ...]:
        """The enabled rules in evaluation order."""
        return tuple(p.name for p in self._plans)

    def decide(
        self,
        facts: OrderFacts,
        *,
        gifts_given_to_customer: frozenset[str] = frozenset(),
        gift_stock: Mapping[str, int] | None = None,
    ) -> Decision:
        stock = dict(gift_stock) if gift_stock is not None else None
        return self._decide(facts, gifts_given_to_customer, stock)

    def decide_batch(
        self,
        facts: Sequence[OrderFacts],
        *,
        customer_ids: Sequence[str] | None = None,
        gifts_given: Mapping[str, frozenset[str]] | None = None,
        gift_stock: Mapping[str, int] | None = None,
    ) -> list[Decision]:
        """Decide many orders. ``customer_ids`` (one per order) with ``gifts_given``
        (customer -> SKUs already given) apply once-per-customer gifts, remembering gifts
        granted earlier in the batch; ``gift_stock`` is drawn down across the batch."""
        if customer_ids is not None and len(customer_ids) != len(facts):
            raise ValueError("customer_ids must have one entry per order.")
        stock = dict(gift_stock) if gift_stock is not None else None
        given = dict(gifts_given or {})
        out: list[Decision] = []
        decide, empty = self._decide, frozenset[str]()
        for i, order in enumerate(facts):
            if customer_ids is None:
                out.append(decide(order, empty, stock))
                continue
            customer = customer_ids[i]
            decision = decide(order, given.get(customer, empty), stock)
            once = {g.sku_code for g in decision.gifts if g.once_per == "customer"}
            if once:
                given[customer] = given.get(customer, empty) | once
            out.append(decision)
        return out

    def _decide(
        self, facts: OrderFacts, given: frozenset[str], stock: dict[str, int] | None
    ) -> Decision:
        matched = [p for evaluate, p in self._checks if evaluate(facts)]
        if not matched:
            return Decision(self.version, None)
        owner = next((p for p in matched if p.route is not None), None)
        route = owner.route[1] if owner is not None and owner.route is not None else None
        staged = route is not None and route.kind is ActionKind.REVIEW_STAGE
        stages: dict[str, None] = {}
        tags: dict[str, None] = {}
        priority: int | None = None
        gifts: list[GiftAction] = []
        skipped: list[SkippedGift] = []
        granted: set[str] = set()
        prefs: dict[str, str] = {}
        matches: list[RuleMatch] = []
        for plan in matched:
            if plan.tags:
                tags.update(plan.tags)
            if plan.priority is not None and (priority is None or plan.priority > priority):
                priority = plan.priority
            kept = plan.fixed
            if plan.route is not None or plan.gifts or plan.prefs:
                applied = set(plan.always)  # indexes of this rule's actions that took effect
                if plan is owner and plan.route is not None:
                    applied.add(plan.route[0])
                if staged and plan.stages:
                    for i, value in plan.stages:
                        stages[value] = None
                        applied.add(i)
                for i, gift in plan.gifts:
                    reason = _gift_skip(gift, given, granted, stock)
                    if reason is not None:
                        skipped.append(SkippedGift(plan.name, gift, reason))
                        continue
                    granted.add(gift.sku_code)
                    if stock is not None:
                        stock[gift.sku_code] -= gift.quantity
                    gifts.append(gift)
                    applied.add(i)
                for i, key, value in plan.prefs:
                    if key not in prefs:
                        prefs[key] = value
                        applied.add(i)
                kept = (
                    plan.actions
                    if len(applied) == len(plan.actions)
                    else tuple(a for i, a in enumerate(plan.actions) if i in applied)
                )
            read = plan.rule.explain(facts)[1]
            matches.append(RuleMatch(plan.name, MappingProxyType(read), kept))
        return Decision(
            version=self.version,
            route=route,
            stages=tuple(stages),
            tags=tuple(tags),
            priority=priority,
            gifts=tuple(gifts),
            skipped_gifts=tuple(skipped),
            preferences=MappingProxyType(prefs),
            matched=tuple(matches),
        )


def _gift_skip(
    gift: GiftAction, given: frozenset[str], granted: set[str], stock: dict[str, int] | None
) -> GiftSkipReason | None:
    if gift.sku_code in granted:
        return GiftSkipReason.ALREADY_IN_ORDER
    if gift.once_per == "customer" and gift.sku_code in given:
        return GiftSkipReason.ALREADY_GIVEN_TO_CUSTOMER
    if stock is not None and stock.get(gift.sku_code, 0) < gift.quantity:
        return GiftSkipReason.OUT_OF_STOCK
    return None
