"""`orderhub shops …`, `orderhub sync`, `orderhub quarantine …`."""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from orderhub.api.schemas_channels import QuarantineDetailOut, QuarantineOut
from orderhub.channels import quarantine as quarantine_service
from orderhub.channels.pull import SyncResult, sync_shop
from orderhub.channels.shops import add_shop, known_platforms, load_shop
from orderhub.cli.common import JsonOpt, console, container, err, fail, print_json
from orderhub.db import quarantine_repo, shops_repo
from orderhub.errors import BusinessError

shops_app = typer.Typer(help="Channel accounts (shops).", no_args_is_help=True)
quarantine_app = typer.Typer(help="Payloads that could not become orders.", no_args_is_help=True)


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _credentials(file: Path | None, pairs: list[str] | None) -> dict[str, Any]:
    creds: dict[str, Any] = json.loads(file.read_text(encoding="utf-8")) if file else {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep:
            raise typer.BadParameter(f"expected KEY=VALUE, got {pair!r}", param_hint="--credential")
        creds[key.strip()] = value
    return creds


@shops_app.command("add")
def shops_add(
    code: Annotated[str, typer.Argument(help="short id, e.g. tmall-flagship")],
    platform: Annotated[str, typer.Option(help="shopify, woocommerce, taobao, tmall, jd, …")],
    name: Annotated[str, typer.Option(help="display name")],
    currency: Annotated[str, typer.Option()] = "CNY",
    home_province: Annotated[str, typer.Option()] = "",
    credentials_file: Annotated[
        Path | None, typer.Option(help="JSON file of API credentials")
    ] = None,
    credential: Annotated[list[str] | None, typer.Option(help="KEY=VALUE (repeatable)")] = None,
    pull_interval: Annotated[int, typer.Option(help="minutes between pulls")] = 15,
    pull: Annotated[bool | None, typer.Option("--pull/--no-pull", help="periodic pulls")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a shop. Credentials are stored, never printed."""
    creds = _credentials(credentials_file, credential)
    try:
        with container().engine.begin() as conn:
            record = add_shop(
                conn,
                code=code,
                name=name,
                platform=platform,
                currency=currency,
                home_province=home_province,
                credentials=creds,
                pull_interval_minutes=pull_interval,
                pull_enabled=pull,
            )
    except BusinessError as exc:
        fail(exc, as_json)
    out = {
        "id": record.ref.id,
        "code": record.ref.code,
        "platform": record.ref.platform,
        "pull_enabled": record.pull_enabled,
        "pull_interval_minutes": record.pull_interval_minutes,
        "credential_keys": sorted(creds),
    }
    if as_json:
        print_json(out)
    else:
        console.print(
            f"shop {code} ({platform}) added; pulls "
            f"{f'every {pull_interval} min' if record.pull_enabled else 'off'}"
        )


@shops_app.command("list")
def shops_list(as_json: JsonOpt = False) -> None:
    """List shops with their order counts."""
    with container().engine.connect() as conn:
        shops = shops_repo.list_shops(conn)
    rows = [
        {
            "id": s.id,
            "code": s.code,
            "name": s.name,
            "platform": s.platform,
            "currency": s.currency,
            "orders": s.order_count,
        }
        for s in shops
    ]
    if as_json:
        print_json(rows)
        return
    table = Table("id", "code", "name", "platform", "currency", "orders")
    for r in rows:
        table.add_row(*(str(v) for v in r.values()))
    console.print(table)


@shops_app.command("platforms")
def shops_platforms() -> None:
    """Platforms a shop can be on."""
    console.print(", ".join(known_platforms()))


def sync(
    shop: Annotated[str, typer.Option(help="shop code")],
    as_json: JsonOpt = False,
) -> None:
    """Pull the shop's new and changed orders now."""
    engine = container().engine

    def show(progress: SyncResult) -> None:
        if not as_json:
            err.print(
                f"page {progress.pages}: {progress.received} orders "
                f"({progress.created} new, {progress.quarantined} quarantined)"
            )

    try:
        with engine.connect() as conn:
            load_shop(conn, shop)
        result = sync_shop(engine, shop, on_page=show)
    except BusinessError as exc:
        fail(exc, as_json)
    counts = {**result.as_counts(), "synced_until": result.synced_until}
    if as_json:
        print_json(counts)
    else:
        console.print(" ".join(f"{k}={v}" for k, v in counts.items()))


@quarantine_app.command("list")
def quarantine_list(
    status: Annotated[str, typer.Option(help="open, replayed, discarded or all")] = "open",
    shop: Annotated[str | None, typer.Option(help="shop code")] = None,
    code: Annotated[str | None, typer.Option(help="error code")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 100,
    as_json: JsonOpt = False,
) -> None:
    """Refused payloads, newest first."""
    with container().engine.connect() as conn:
        try:
            shop_id = load_shop(conn, shop).ref.id if shop else None
        except BusinessError as exc:
            fail(exc, as_json)
        items = quarantine_repo.list_quarantined(
            conn,
            status=None if status == "all" else status,
            shop_id=shop_id,
            code=code,
            limit=limit,
        )
    out = [QuarantineOut.of(i) for i in items]
    if as_json:
        print_json([o.model_dump(mode="json") for o in out])
        return
    table = Table("id", "shop", "source", "order no", "code", "field", "message", "status")
    for o in out:
        table.add_row(
            str(o.id),
            o.shop or "",
            o.source,
            o.platform_order_id or "",
            o.error_code,
            o.error_field,
            o.error_message[:80],
            o.status,
        )
    console.print(table)


@quarantine_app.command("show")
def quarantine_show(item_id: int, as_json: JsonOpt = False) -> None:
    """One refused payload with its raw content."""
    try:
        with container().engine.connect() as conn:
            view, raw = quarantine_service.show(conn, item_id)
    except BusinessError as exc:
        fail(exc, as_json)
    detail = QuarantineDetailOut.with_raw(view, raw)
    if as_json:
        print_json(detail.model_dump(mode="json"))
        return
    console.print(
        f"[bold]#{detail.id}[/bold] {detail.error_code} ({detail.error_field}): "
        f"{detail.error_message}"
    )
    console.print(
        f"shop {detail.shop} source {detail.source} {detail.source_ref} status "
        f"{detail.status} attempts {detail.attempts} received {detail.received_at}"
    )
    console.print(
        detail.raw_text if detail.raw_text is not None else f"<{detail.size} bytes>",
        markup=False,
        highlight=False,
    )


@quarantine_app.command("replay")
def quarantine_replay(item_id: int, as_json: JsonOpt = False) -> None:
    """Try a refused payload again (after fixing a mapping or the adapter)."""
    try:
        outcome = quarantine_service.replay(container().engine, item_id, actor=_actor())
    except BusinessError as exc:
        fail(exc, as_json)
    out = {
        "id": item_id,
        "replayed": outcome.replayed,
        "order_id": outcome.order_id,
        "error_code": outcome.error_code,
        "error_message": outcome.error_message,
    }
    if as_json:
        print_json(out)
    elif outcome.replayed:
        console.print(f"#{item_id} replayed as order {outcome.order_id}")
    else:
        err.print(f"#{item_id} still refused: {outcome.error_code}: {outcome.error_message}")
    if not outcome.replayed:
        raise typer.Exit(code=1)


@quarantine_app.command("discard")
def quarantine_discard(
    item_id: int,
    reason: Annotated[str, typer.Option(help="why it needs no order")],
    as_json: JsonOpt = False,
) -> None:
    """Close a refused payload without an order; its bytes stay for audit."""
    try:
        quarantine_service.discard(container().engine, item_id, actor=_actor(), reason=reason)
    except BusinessError as exc:
        fail(exc, as_json)
    if as_json:
        print_json({"id": item_id, "status": "discarded"})
    else:
        console.print(f"#{item_id} discarded")
