"""Read a seller-defined profile from its JSON form (`Profile.from_dict`), reporting every problem.

Example (`my-profile.json`)::

    {
      "name": "my-erp-export",
      "platform": "custom",
      "currency": "CNY",
      "timezone": "Asia/Shanghai",
      "amount_rule": "order_level",
      "columns": {"order_no": ["单号", "订单号"], "quantity": "数量", "unit_price": "单价",
                  "title": "商品名称", "receiver_name": "收货人", "phone": "手机",
                  "address": "地址", "total": "实付", "placed_at": "下单时间", "status": "状态"},
      "status_map": {"已付款": "paid", "已退款": ["cancelled", "refunded"]}
    }

A column may be one header text or a list of alternatives. Status meanings are a channel state
(`awaiting_payment`, `paid`, `refund_requested`, `shipped`, `completed`, `cancelled`), optionally
with a payment status (`unpaid`, `paid`, `partly_refunded`, `refunded`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from orderhub.channels.fileimport import profiles as p
from orderhub.orders.domain import ChannelState
from orderhub.orders.lifecycle import PaymentStatus

_KEYS = frozenset(
    {
        "name",
        "platform",
        "currency",
        "timezone",
        "country",
        "amount_rule",
        "columns",
        "summed",
        "status_map",
        "status_keywords",
        "sheet",
        "note",
    }
)


def profile_kwargs(data: Mapping[str, Any]) -> dict[str, Any]:
    """Keyword arguments for `Profile`; raises `ProfileError` with all problems found."""
    if not isinstance(data, Mapping):
        raise p.ProfileError([f"a profile must be a JSON object, got {type(data).__name__}"])
    problems = [f"unknown key {key!r}" for key in data if key not in _KEYS]
    kwargs: dict[str, Any] = {
        "name": _text(data, "name", "", problems),
        "platform": _text(data, "platform", "custom", problems),
        "currency": _text(data, "currency", "CNY", problems).upper(),
        "timezone": _text(data, "timezone", "Asia/Shanghai", problems),
        "country": _text(data, "country", "CN", problems).upper(),
        "note": _text(data, "note", "", problems),
        "sheet": data.get("sheet") if isinstance(data.get("sheet"), str) else None,
        "amount_rule": _amount_rule(data.get("amount_rule", "order_level"), problems),
        "columns": _columns(data.get("columns"), problems),
        "summed": frozenset(_text_list(data.get("summed", []), "summed", problems)),
        "status_map": _status_map(data.get("status_map", {}), problems),
        "status_keywords": _keywords(data.get("status_keywords", []), problems),
    }
    if problems:
        raise p.ProfileError(problems + _semantic_problems(kwargs))
    return kwargs


def _semantic_problems(kwargs: dict[str, Any]) -> list[str]:
    try:
        p.Profile(**kwargs)
    except p.ProfileError as exc:
        return exc.problems
    return []


def _text(data: Mapping[str, Any], key: str, default: str, problems: list[str]) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        problems.append(f"{key!r} must be text, got {value!r}")
        return default
    return value.strip()


def _text_list(value: Any, where: str, problems: list[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    problems.append(f"{where} must be a header text or a list of texts, got {value!r}")
    return ()


def _amount_rule(value: Any, problems: list[str]) -> p.AmountRule:
    try:
        return p.AmountRule(value)
    except ValueError:
        allowed = ", ".join(rule.value for rule in p.AmountRule)
        problems.append(f"amount_rule must be one of {allowed}, got {value!r}")
        return p.AmountRule.ORDER_LEVEL


def _columns(value: Any, problems: list[str]) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, Mapping):
        problems.append("'columns' must be an object of field → header text(s)")
        return {}
    return {
        str(name): _text_list(aliases, f"column {name!r}", problems)
        for name, aliases in value.items()
    }


def _meaning(value: Any, where: str, problems: list[str]) -> p.StatusMeaning | None:
    parts = [value] if isinstance(value, str) else value
    if not isinstance(parts, list) or not 1 <= len(parts) <= 2:
        problems.append(f"{where}: expected a state or [state, payment status], got {value!r}")
        return None
    try:
        state = ChannelState(parts[0])
        payment = PaymentStatus(parts[1]) if len(parts) == 2 and parts[1] else None
    except ValueError:
        states = ", ".join(s.value for s in ChannelState)
        payments = ", ".join(s.value for s in PaymentStatus)
        problems.append(f"{where}: {value!r} is not a state ({states}) / payment ({payments})")
        return None
    return state, payment


def _status_map(value: Any, problems: list[str]) -> dict[str, p.StatusMeaning]:
    if not isinstance(value, Mapping):
        problems.append("'status_map' must be an object of status text → state")
        return {}
    result: dict[str, p.StatusMeaning] = {}
    for text, raw in value.items():
        meaning = _meaning(raw, f"status {text!r}", problems)
        if meaning is not None:
            result[str(text)] = meaning
    return result


def _keywords(
    value: Any, problems: list[str]
) -> tuple[tuple[str, ChannelState, PaymentStatus | None], ...]:
    if not isinstance(value, list):
        problems.append("'status_keywords' must be a list of [text, state(, payment)]")
        return ()
    result = []
    for item in value:
        if not isinstance(item, list) or not item or not isinstance(item[0], str):
            problems.append(f"status keyword {item!r} must be [text, state(, payment)]")
            continue
        meaning = _meaning(item[1:], f"status keyword {item[0]!r}", problems)
        if meaning is not None:
            result.append((p.normalise_status(item[0]), *meaning))
    return tuple(result)
