"""The merge stage: orders to one receiver are merged (policy `enabled_auto`) or suggested.

Reads every merge candidate once, groups them with `orders.merging`, then:

- automatic policy: each group is merged in its own transaction by `system:merge`; a group with
  an order a person took out of a merge or split is only suggested (the machine never redoes a
  person's undo or split), and orders split from one another alone are not grouped at all; a
  group the merge refuses at that moment gets a `merge_refused` event;
- otherwise: each group becomes a `merge_suggested` event on each of its orders, once per set of
  orders (running the stage again records nothing new).

Same-receiver pairs that a rule keeps apart (payment, cross-border, do-not-merge, shops …) are
recorded as `merge_refused` events once per pair and reason; orders that would not have merged
anyway (other receivers, outside the window, not mergeable) produce nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from orderhub.db import merge_policy_repo, merges_repo, orders_repo, shops_repo
from orderhub.errors import BusinessError
from orderhub.orders.domain import utc_now
from orderhub.orders.errors import ShopNotFound
from orderhub.orders.merge_actions import (
    MergePolicyInvalid,
    MergeResult,
    find_merge_groups,
    load_policy,
    merge_orders,
)
from orderhub.orders.merging import MERGEABLE_STATUSES, MergePolicy

ACTOR = "system:merge"
SUGGESTED = "merge_suggested"
REFUSED = "merge_refused"


@dataclass(frozen=True, slots=True)
class Suggestion:
    order_ids: tuple[int, ...]  # the target (earliest placed) first
    reason: str
    new: bool  # recorded by this run (False: suggested before)

    @property
    def target_id(self) -> int:
        return self.order_ids[0]


@dataclass(frozen=True, slots=True)
class Refusal:
    order_ids: tuple[int, ...]
    reason: str
    new: bool


@dataclass(slots=True)
class MergeRun:
    policy: MergePolicy
    merged: list[MergeResult] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


def run_merging(engine: Engine, *, policy: MergePolicy | None = None) -> MergeRun:
    """Merge or suggest every group of orders to one receiver; safe to run again."""
    with engine.connect() as conn:
        policy = policy or load_policy(conn)
        groups, pairs = find_merge_groups(conn, policy)
        ids = [i for g in groups for i in g.order_ids] + [i for a, b, _ in pairs for i in (a, b)]
        history = merges_repo.stage_history(conn, ids, (SUGGESTED, REFUSED))
        released = merges_repo.released_from_merges(conn, ids)
        family = _families(merges_repo.split_links(conn, MERGEABLE_STATUSES)) if ids else {}
    seen = {_key(row.kind, row.data) for row in history}
    run = MergeRun(policy=policy)
    for a, b, why in pairs:
        run.refused.append(Refusal((a, b), why, _key(REFUSED, [a, b], why) not in seen))
    for group in groups:
        if len(group.order_ids) == len(family.keys() & group.order_ids) and (
            len({family[i] for i in group.order_ids}) == 1
        ):
            continue  # a person split these orders apart: never offered back together
        hands_off = released.union(family).intersection(group.order_ids)
        if policy.enabled_auto and not hands_off:
            try:
                with engine.begin() as conn:
                    done = merge_orders(
                        conn, group.order_ids, actor=ACTOR, reason=group.reason, policy=policy
                    )
                run.merged.append(done)
                continue
            except BusinessError as exc:
                new = _key(REFUSED, group.order_ids, exc.message) not in seen
                run.refused.append(Refusal(group.order_ids, exc.message, new))
                continue
        new = _key(SUGGESTED, group.order_ids) not in seen
        run.suggestions.append(Suggestion(group.order_ids, group.reason, new))
    _record(engine, run)
    return run


def _record(engine: Engine, run: MergeRun) -> None:
    now = utc_now()
    events: list[dict[str, Any]] = []
    for kind, items in ((SUGGESTED, run.suggestions), (REFUSED, run.refused)):
        for item in items:
            if not item.new:
                continue
            data = {"order_ids": list(item.order_ids), "reason": item.reason}
            events += [
                {
                    "order_id": order_id,
                    "kind": kind,
                    "from_status": None,
                    "to_status": None,
                    "actor": ACTOR,
                    "reason": item.reason[:2000],
                    "data": data,
                    "created_at": now,
                }
                for order_id in item.order_ids
            ]
    if events:
        with engine.begin() as conn:
            orders_repo.insert_events(conn, events)


def _families(links: Sequence[tuple[int, int]]) -> dict[int, int]:
    """{order id: the order its split family started from} for orders split from each other."""
    parent = dict(links)

    def root(order_id: int) -> int:
        while order_id in parent:
            order_id = parent[order_id]
        return order_id

    return {i: root(i) for pair in links for i in pair}


def _key(kind: str, data: Any, reason: str = "") -> tuple[str, tuple[int, ...], str]:
    """What makes a suggestion (its set of orders) or a refusal (its orders and reason) the
    same as one recorded before; `data` is an event's data or the order ids."""
    if isinstance(data, dict):
        data, reason = data.get("order_ids", []), str(data.get("reason", ""))
    ids = tuple(sorted(int(i) for i in data or ()))
    return (kind, ids, reason if kind == REFUSED else "")


def update_policy(
    engine: Engine,
    *,
    actor: str,
    enabled_auto: bool | None = None,
    window_hours: float | None = None,
    allow_together: Sequence[Sequence[str]] = (),
    clear_shop_groups: bool = False,
) -> MergePolicy:
    """Change the stored merge policy; shop groups are added to the ones there (or cleared first)."""
    with engine.begin() as conn:
        doc = merge_policy_repo.policy_to_json(load_policy(conn))
        if enabled_auto is not None:
            doc["enabled_auto"] = enabled_auto
        if window_hours is not None:
            doc["window_hours"] = window_hours
        groups = [] if clear_shop_groups else list(doc["shop_groups"])
        for group in allow_together:
            codes = sorted({c.strip() for c in group if c.strip()})
            if len(codes) < 2:
                raise MergePolicyInvalid("a group of shops allowed together needs two shop codes")
            for code in codes:
                if shops_repo.shop_by_code(conn, code) is None:
                    raise ShopNotFound(code)
            if codes not in groups:
                groups.append(codes)
        doc["shop_groups"] = groups
        try:
            policy = merge_policy_repo.policy_from_json(doc)
        except ValueError as exc:
            raise MergePolicyInvalid(str(exc)) from exc
        merge_policy_repo.save_policy(conn, policy, actor=actor, now=utc_now())
    return policy
