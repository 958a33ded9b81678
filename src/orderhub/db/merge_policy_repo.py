"""The seller's merge policy, stored as the `merge_policy` setting."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from orderhub.db.settings_repo import get_setting, put_setting
from orderhub.orders.merging import MergePolicy

POLICY_KEY = "merge_policy"


def policy_to_json(policy: MergePolicy) -> dict[str, Any]:
    hours = policy.window.total_seconds() / 3600
    return {
        "enabled_auto": policy.enabled_auto,
        "window_hours": int(hours) if hours == int(hours) else hours,
        "shop_groups": sorted(sorted(group) for group in policy.shop_groups),
    }


def policy_from_json(doc: Any) -> MergePolicy:
    """The stored document as a policy (keys left out keep their defaults); ValueError if bad."""
    default = MergePolicy()
    if doc is None:
        return default
    if not isinstance(doc, dict):
        raise ValueError("the merge policy must be a JSON object")
    auto = doc.get("enabled_auto", default.enabled_auto)
    hours = doc.get("window_hours", default.window.total_seconds() / 3600)
    groups = doc.get("shop_groups", [])
    if not isinstance(auto, bool):
        raise ValueError("enabled_auto must be true or false")
    if isinstance(hours, bool) or not isinstance(hours, int | float) or not 0 < hours <= 8760:
        raise ValueError("window_hours must be a number of hours within 0..8760")
    if not isinstance(groups, list) or not all(
        isinstance(g, list) and all(isinstance(c, str) for c in g) for g in groups
    ):
        raise ValueError("shop_groups must be lists of shop codes")
    return MergePolicy(
        enabled_auto=auto,
        window=timedelta(hours=hours),
        shop_groups=tuple(frozenset(g) for g in groups if len(set(g)) > 1),
    )


def load_policy(conn: Connection) -> MergePolicy:
    return policy_from_json(get_setting(conn, POLICY_KEY))


def save_policy(conn: Connection, policy: MergePolicy, *, actor: str, now: datetime) -> None:
    put_setting(conn, POLICY_KEY, policy_to_json(policy), actor=actor, now=now)
