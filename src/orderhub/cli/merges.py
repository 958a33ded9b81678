"""`orderhub merges suggest|merge|undo|split|policy`: orders to one receiver in one parcel."""

from __future__ import annotations

import getpass
from typing import Annotated, Any

import typer
from rich.table import Table

from orderhub.api.schemas_merges import PolicyOut
from orderhub.cli.common import JsonOpt, console, container, fail, print_json
from orderhub.errors import BusinessError
from orderhub.orders.merge_actions import (
    SplitInvalid,
    load_policy,
    merge_orders,
    split_order,
    unmerge,
)

app = typer.Typer(
    help="Merge orders to one receiver, undo merges, split orders.", no_args_is_help=True
)

ReasonOpt = Annotated[str, typer.Option(help="why (kept in the orders' history)")]


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


@app.command("suggest")
def merges_suggest(as_json: JsonOpt = False) -> None:
    """Run the merge stage: merge (automatic policy) or suggest groups of orders to one receiver."""
    from orderhub.pipeline.merge import run_merging

    try:
        run = run_merging(container().engine)
    except BusinessError as exc:
        fail(exc, as_json)
    out: dict[str, Any] = {
        "policy": PolicyOut.of(run.policy).model_dump(),
        "merged": [{"target_id": m.target_id, "merged": list(m.merged)} for m in run.merged],
        "suggestions": [
            {
                "target_id": s.target_id,
                "order_ids": list(s.order_ids),
                "reason": s.reason,
                "new": s.new,
            }
            for s in run.suggestions
        ],
        "refused": [
            {"order_ids": list(r.order_ids), "reason": r.reason, "new": r.new} for r in run.refused
        ],
    }
    if as_json:
        print_json(out)
        return
    mode = "automatic" if run.policy.enabled_auto else "suggestions only"
    console.print(f"merge policy: {mode}, window {out['policy']['window_hours']} h")
    for m in run.merged:
        console.print(f"merged {', '.join(map(str, m.merged))} into order {m.target_id}")
    table = Table("target", "orders", "reason", "new")
    for s in run.suggestions:
        table.add_row(
            str(s.target_id), ", ".join(map(str, s.order_ids)), s.reason, "yes" if s.new else ""
        )
    if run.suggestions:
        console.print(table)
    for r in run.refused:
        console.print(f"kept apart {', '.join(map(str, r.order_ids))}: {r.reason}")
    if not (run.merged or run.suggestions or run.refused):
        console.print("no orders to merge")


@app.command("merge")
def merges_merge(
    order_ids: Annotated[list[int], typer.Argument(help="two or more order ids")],
    reason: ReasonOpt,
    as_json: JsonOpt = False,
) -> None:
    """Merge orders to one receiver into the earliest placed one."""
    try:
        with container().engine.begin() as conn:
            result = merge_orders(conn, order_ids, actor=_actor(), reason=reason)
    except BusinessError as exc:
        fail(exc, as_json)
    if as_json:
        print_json({"target_id": result.target_id, "merged": list(result.merged)})
    else:
        merged = ", ".join(map(str, result.merged))
        console.print(f"merged {merged} into order [bold]{result.target_id}[/bold]")


@app.command("undo")
def merges_undo(
    target_id: Annotated[int, typer.Argument(help="the order the others were merged into")],
    reason: ReasonOpt,
    as_json: JsonOpt = False,
) -> None:
    """Undo the merges into an order: its lines and amounts restored, the others received."""
    try:
        with container().engine.begin() as conn:
            result = unmerge(conn, target_id, actor=_actor(), reason=reason)
    except BusinessError as exc:
        fail(exc, as_json)
    if as_json:
        print_json({"order_id": result.target_id, "released": list(result.released)})
    else:
        released = ", ".join(map(str, result.released))
        console.print(f"order {result.target_id}: released {released}")


@app.command("split")
def merges_split(
    order_id: int,
    take: Annotated[
        list[str], typer.Option(help="LINE_NO:QTY to move to the new order (repeatable)")
    ],
    reason: ReasonOpt,
    as_json: JsonOpt = False,
) -> None:
    """Move quantities of some lines to a new order; prints the new order's id."""
    try:
        amounts = _parse_take(take)
        with container().engine.begin() as conn:
            result = split_order(conn, order_id, amounts, actor=_actor(), reason=reason)
    except BusinessError as exc:
        fail(exc, as_json)
    if as_json:
        print_json(
            {
                "order_id": result.order_id,
                "new_order_id": result.new_order_id,
                "new_order_no": result.new_platform_order_id,
            }
        )
    else:
        console.print(str(result.new_order_id))


@app.command("policy")
def merges_policy(
    auto: Annotated[
        bool | None,
        typer.Option("--auto/--no-auto", help="merge automatically, or only suggest"),
    ] = None,
    window_hours: Annotated[
        int | None, typer.Option(min=1, max=8760, help="orders placed within this many hours")
    ] = None,
    allow_together: Annotated[
        list[str] | None,
        typer.Option(help="shop codes allowed in one parcel, e.g. a,b (repeatable; adds)"),
    ] = None,
    clear_shop_groups: Annotated[
        bool, typer.Option("--clear-shop-groups", help="forget the shops allowed together first")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Show the merge policy, or change it."""
    from orderhub.pipeline.merge import update_policy

    engine = container().engine
    changing = auto is not None or window_hours is not None or allow_together or clear_shop_groups
    try:
        if changing:
            policy = update_policy(
                engine,
                actor=_actor(),
                enabled_auto=auto,
                window_hours=window_hours,
                allow_together=[g.split(",") for g in allow_together or ()],
                clear_shop_groups=clear_shop_groups,
            )
        else:
            with engine.connect() as conn:
                policy = load_policy(conn)
    except BusinessError as exc:
        fail(exc, as_json)
    out = PolicyOut.of(policy).model_dump()
    if as_json:
        print_json(out)
        return
    groups = "; ".join(", ".join(g) for g in out["shop_groups"]) or "none"
    console.print(
        f"automatic: {'yes' if out['enabled_auto'] else 'no (suggestions only)'}\n"
        f"window: {out['window_hours']} h\n"
        f"shops allowed together: {groups}"
    )


def _parse_take(values: list[str]) -> dict[int, int]:
    take: dict[int, int] = {}
    for value in values:
        line_no, sep, quantity = value.partition(":")
        if not sep or not line_no.strip().isdigit() or not quantity.strip().isdigit():
            raise SplitInvalid(f"--take {value!r} is not LINE_NO:QTY (e.g. 2:1)")
        if int(line_no) in take:
            raise SplitInvalid(f"line {int(line_no)} is given twice")
        take[int(line_no)] = int(quantity)
    return take
