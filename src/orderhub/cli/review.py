"""`orderhub rules …` (versioned rule sets, backtest) and `orderhub review …` (queues, decisions)."""

from __future__ import annotations

import getpass
import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from orderhub.cli.common import JsonOpt, console, container, fail, print_json, progress
from orderhub.errors import BusinessError
from orderhub.money import round_to_currency

rules_app = typer.Typer(
    help="Review rule sets: check, save, activate, backtest.", no_args_is_help=True
)
review_app = typer.Typer(
    help="Review queues: explain, approve, reject, release.", no_args_is_help=True
)

FileArg = Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="rule set JSON file")]
IdsArg = Annotated[list[int], typer.Argument(help="order ids")]
ReasonOpt = Annotated[str, typer.Option(help="why (kept with the decision)")]


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _document(path: Path, as_json: bool) -> Any:
    from orderhub.pipeline.review_actions import DecisionRefused

    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        fail(DecisionRefused(f"{path} is not valid JSON: {exc}"), as_json)


def _print_problems(exc: BusinessError, as_json: bool) -> None:
    problems = exc.details.get("problems") if exc.details else None
    if problems and not as_json:
        for p in problems:
            where = f" (line {p['line']}, column {p['column']})" if p.get("line") else ""
            console.print(f"[red]{p['rule']}[/red] {p['code']}: {p['message']}{where}")
    fail(exc, as_json)


@rules_app.command("check")
def rules_check(file: FileArg, as_json: JsonOpt = False) -> None:
    """Check a rule set file without saving it."""
    from orderhub.pipeline.review_actions import check_document

    document = _document(file, as_json)
    with container().engine.connect() as conn:
        try:
            _, count = check_document(conn, document)
        except BusinessError as exc:
            _print_problems(exc, as_json)
    print_json({"ok": True, "rules": count}) if as_json else console.print(f"ok: {count} rules")


@rules_app.command("save")
def rules_save(
    file: FileArg,
    activate: Annotated[bool, typer.Option(help="make it the active version at once")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Save a rule set file as a new version (a draft unless --activate)."""
    from orderhub.pipeline.review_actions import save_rule_set

    document = _document(file, as_json)
    with container().engine.begin() as conn:
        try:
            version = save_rule_set(conn, document, actor=_actor(), activate=activate)
        except BusinessError as exc:
            _print_problems(exc, as_json)
    out = {"version": version, "status": "active" if activate else "draft"}
    print_json(out) if as_json else console.print(f"saved version {version} ({out['status']})")


@rules_app.command("activate")
def rules_activate(version: int, as_json: JsonOpt = False) -> None:
    """Make a saved version the active one; decisions already made keep their version."""
    from orderhub.pipeline.review_actions import activate_rule_set

    with container().engine.begin() as conn:
        try:
            activate_rule_set(conn, version, actor=_actor())
        except BusinessError as exc:
            fail(exc, as_json)
    print_json({"version": version, "status": "active"}) if as_json else console.print(
        f"version {version} is active"
    )


@rules_app.command("list")
def rules_list(as_json: JsonOpt = False) -> None:
    """Every saved version, newest first."""
    from orderhub.db import review_repo
    from orderhub.pipeline.review_actions import rule_set_view

    with container().engine.connect() as conn:
        views = [rule_set_view(r) for r in review_repo.list_rule_sets(conn)]
    if as_json:
        print_json(views)
        return
    table = Table("version", "status", "rules", "note", "created", "by")
    for v in views:
        table.add_row(
            str(v["version"]),
            v["status"],
            str(len(v["rules"])),
            v["note"],
            v["created_at"][:19],
            v["created_by"],
        )
    console.print(table)


@rules_app.command("show")
def rules_show(
    version: Annotated[int | None, typer.Argument(help="default: the active version")] = None,
) -> None:
    """Print a version as a rule set document (JSON)."""
    from orderhub.db import review_repo
    from orderhub.pipeline.review_actions import RuleSetNotFound, rule_set_view

    with container().engine.connect() as conn:
        row = review_repo.rule_set(conn, version) if version else review_repo.active_rule_set(conn)
    if row is None:
        fail(RuleSetNotFound(version or 0), True)
    print_json(rule_set_view(row))


@rules_app.command("backtest")
def rules_backtest(
    file: FileArg,
    last: Annotated[int | None, typer.Option(min=1, help="the last N orders placed")] = None,
    since: Annotated[datetime | None, typer.Option(help="placed at or after (UTC)")] = None,
    until: Annotated[datetime | None, typer.Option(help="placed before (UTC)")] = None,
    examples: Annotated[int, typer.Option(min=0, max=50)] = 5,
    as_json: JsonOpt = False,
) -> None:
    """Run a draft rule set over past orders without changing them: counts and examples."""
    from datetime import UTC

    from orderhub.pipeline.backtest import backtest

    document = _document(file, as_json)
    since_utc = since.replace(tzinfo=since.tzinfo or UTC) if since else None
    until_utc = until.replace(tzinfo=until.tzinfo or UTC) if until else None
    if last is None and since is None and until is None:
        last = 1000
    with container().engine.connect() as conn:
        try:
            report = backtest(
                conn, document, last=last, since=since_utc, until=until_utc, examples=examples
            )
        except BusinessError as exc:
            _print_problems(exc, as_json)
    if as_json:
        print_json(report)
        return
    console.print(f"{report['orders']} orders: {report['outcomes']}")
    console.print(f"stages {report['stages']}  holds {report['holds']}")
    console.print(f"rules matched {report['rules_matched']}")
    console.print(
        f"{report['changed_from_recorded']} orders would be treated differently than recorded"
    )
    for outcome, items in report["examples"].items():
        for item in items:
            console.print(
                f"  {outcome}: #{item['order_id']} {item['platform_order_id']} {item['amount']} {item['currency']} - {item['reason']}"
            )


@review_app.command("run")
def review_run(
    batch: Annotated[int, typer.Option(min=1, max=10_000)] = 1000, as_json: JsonOpt = False
) -> None:
    """Review every cleaned order still waiting for it (also part of `pipeline run`)."""
    from orderhub.pipeline.review import run_review

    engine = container().engine
    try:
        if as_json:
            result = run_review(engine, batch_size=batch)
        else:
            with progress() as bar:
                task = bar.add_task("reviewing orders", total=None)
                result = run_review(
                    engine, batch_size=batch, progress=lambda n: bar.advance(task, n)
                )
    except BusinessError as exc:
        fail(exc, as_json)
    out = {
        "reviewed": result.reviewed,
        "outcomes": result.outcomes,
        "rule_set_version": result.version,
    }
    print_json(out) if as_json else console.print(out)


@review_app.command("queue")
def review_queue(
    stage: Annotated[str | None, typer.Argument(help="default: the size of every queue")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
    as_json: JsonOpt = False,
) -> None:
    """The orders waiting in a review stage, with why they are there."""
    from orderhub.db import review_repo

    with container().engine.connect() as conn:
        if stage is None:
            sizes = review_repo.queue_sizes(conn)
            print_json(sizes) if as_json else console.print(sizes or "every queue is empty")
            return
        rows = review_repo.queue(conn, stage, after_id=0, limit=limit)
    items = [
        {
            "order_id": r.order_id,
            "platform_order_id": r.platform_order_id,
            "shop": r.shop_code,
            "amount": str(round_to_currency(r.total_amount, r.currency)),
            "currency": r.currency,
            "why": r.why,
            "rule_set_version": r.rule_set_version,
            "queued_at": r.queued_at.isoformat(),
        }
        for r in rows
    ]
    if as_json:
        print_json(items)
        return
    table = Table("order", "platform no", "shop", "amount", "why", "version")
    for i in items:
        table.add_row(
            str(i["order_id"]),
            i["platform_order_id"],
            i["shop"],
            f"{i['amount']} {i['currency']}",
            i["why"],
            str(i["rule_set_version"]),
        )
    console.print(table)


def _decision_out(result: Any, as_json: bool) -> None:
    out = {
        "done": result.done,
        "approved": result.approved,
        "refused": {str(k): v for k, v in result.refused.items()},
    }
    print_json(out) if as_json else console.print(out)
    if result.refused and not result.done:
        raise typer.Exit(code=1)


@review_app.command("approve")
def review_approve(
    order_ids: IdsArg,
    stage: Annotated[str, typer.Option(help="the stage the orders wait in")],
    reason: ReasonOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Pass orders through their current stage (on to the next stage, or approved)."""
    _decide(order_ids, stage, approve=True, reason=reason, cancel=False, as_json=as_json)


@review_app.command("reject")
def review_reject(
    order_ids: IdsArg,
    stage: Annotated[str, typer.Option(help="the stage the orders wait in")],
    reason: Annotated[str, typer.Option(help="why (required)")],
    cancel: Annotated[bool, typer.Option(help="cancel instead of holding")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Reject orders in their current stage: they wait on hold (REVIEW_REJECTED) or are cancelled."""
    _decide(order_ids, stage, approve=False, reason=reason, cancel=cancel, as_json=as_json)


def _decide(
    ids: list[int], stage: str, *, approve: bool, reason: str, cancel: bool, as_json: bool
) -> None:
    from orderhub.pipeline.review_actions import decide_stage

    with container().engine.begin() as conn:
        try:
            result = decide_stage(
                conn,
                ids,
                stage=stage,
                approve=approve,
                actor=_actor(),
                reason=reason,
                cancel=cancel,
            )
        except BusinessError as exc:
            fail(exc, as_json)
    _decision_out(result, as_json)


@review_app.command("release")
def review_release(
    order_ids: IdsArg,
    reason: Annotated[str, typer.Option(help="why (required)")],
    as_json: JsonOpt = False,
) -> None:
    """Clear review holds (checks, rule holds, rejections): on to the remaining stages or approved."""
    from orderhub.pipeline.review_actions import release

    with container().engine.begin() as conn:
        try:
            result = release(conn, order_ids, actor=_actor(), reason=reason)
        except BusinessError as exc:
            fail(exc, as_json)
    _decision_out(result, as_json)


@review_app.command("explain")
def review_explain(order_id: int, as_json: JsonOpt = False) -> None:
    """Why review treated an order as it did: rules matched, facts read, checks, stages."""
    from orderhub.orders.errors import OrderNotFound
    from orderhub.pipeline.review_actions import explanation

    with container().engine.connect() as conn:
        found = explanation(conn, order_id)
    if found is None:
        fail(OrderNotFound(order_id), as_json)
    print_json(found)


@review_app.command("settings")
def review_settings(
    file: Annotated[
        Path | None, typer.Argument(exists=True, dir_okay=False, help="settings JSON to store")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show or set stage order, the action per built-in check and the checks' thresholds."""
    from orderhub.pipeline.review import load_settings
    from orderhub.pipeline.review_actions import save_settings

    with container().engine.begin() as conn:
        try:
            current = (
                save_settings(conn, _document(file, as_json), actor=_actor())
                if file
                else load_settings(conn)
            )
        except BusinessError as exc:
            fail(exc, as_json)
    print_json(current.to_dict())
