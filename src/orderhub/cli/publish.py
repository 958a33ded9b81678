"""`orderhub publish …`: which listing each shop sells a SKU under, the rule deciding the quantity
shown there, and pushing it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from orderhub.cli.common import JsonOpt, console, container, err, fail, print_json
from orderhub.db.engine import writer
from orderhub.errors import BusinessError
from orderhub.inventory import push as stock_push

app = typer.Typer(help="Stock published to sales channels.", no_args_is_help=True)


@app.command("map")
def map_listing(
    shop: Annotated[str, typer.Argument(help="shop code")],
    sku: Annotated[str, typer.Argument(help="our SKU code")],
    listing_id: Annotated[
        str,
        typer.Argument(help="the platform's id: Shopify variant id; Taobao num_iid[:sku_id]"),
    ],
    as_json: JsonOpt = False,
) -> None:
    """Sell SKU in SHOP under LISTING_ID (replaces an earlier id); pushed after the debounce."""
    try:
        with writer(container().engine).begin() as conn:
            view = stock_push.map_listing(conn, shop, sku, listing_id)
    except BusinessError as exc:
        fail(exc, as_json)
    if as_json:
        print_json(view)
    else:
        console.print(f"{shop} sells {sku} as {listing_id}; it should show {view['computed']}")


@app.command("list")
def list_listings(
    shop: Annotated[str | None, typer.Option(help="shop code")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Listings with the quantity they should show now and what was last pushed."""
    try:
        with container().engine.connect() as conn:
            views = stock_push.listing_views(conn, shop)
    except BusinessError as exc:
        fail(exc, as_json)
    if as_json:
        print_json(views)
        return
    table = Table("shop", "sku", "listing id", "computed", "last pushed", "when", "error")
    for v in views:
        pushed = "-" if v["last_pushed"] is None else str(v["last_pushed"])
        when = v["last_pushed_at"].strftime("%Y-%m-%d %H:%M:%S") if v["last_pushed_at"] else ""
        pending = " *" if v["changed_at"] else ""
        table.add_row(
            v["shop"], v["sku"], v["listing_id"], f"{v['computed']}{pending}", pushed, when,
            Text(v["last_error"][:80]),
        )  # fmt: skip
    console.print(table)
    if any(v["changed_at"] for v in views):
        console.print("* stock changed since the last push")


@app.command("rule")
def rule(
    shop: Annotated[str, typer.Argument(help="shop code")],
    file: Annotated[
        Path | None,
        typer.Argument(
            help='JSON {"rule": {"percentage", "fixed_reserve", "minimum", "maximum", '
            '"warehouses"}, "skus": {"SKU": {overrides}}}; omit to show the current rule',
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show or set the shop's publish rule (refused with the field at fault)."""
    try:
        if file is None:
            with container().engine.connect() as conn:
                rules = stock_push.shop_rules(conn, shop)
        else:
            document = _read_json(file)
            with writer(container().engine).begin() as conn:
                rules = stock_push.save_rules(conn, shop, document)
    except BusinessError as exc:
        fail(exc, as_json)
    if as_json:
        print_json(rules.to_dict())
        return
    if file is not None:
        console.print(f"rule of {shop} saved; its listings are pushed after the debounce")
    console.print(json.dumps(rules.to_dict(), ensure_ascii=False, indent=2), markup=False)


def _read_json(file: Path) -> Any:
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise typer.BadParameter(f"{file} is not JSON: {exc}", param_hint="FILE") from None


@app.command("push")
def push(
    shop: Annotated[str | None, typer.Option(help="only this shop")] = None,
    force: Annotated[
        bool, typer.Option("--force", help="full push now (still only changed quantities)")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Push the quantities that are due now; exit 1 if any listing failed."""
    try:
        summary = stock_push.push_due(container().engine, force=force, shop=shop)
    except BusinessError as exc:
        fail(exc, as_json)
    if as_json:
        print_json(summary.to_dict())
    else:
        for s in summary.shops:
            counts = f"pushed {s.pushed}, unchanged {s.unchanged}, failed {s.failed}, "
            counts += f"skipped {s.skipped}, waiting {s.waiting}"
            line = f"{s.shop} ({s.platform}{', full' if s.full else ''}): {counts}"
            console.print(line + (f" — {s.note}" if s.note else ""), markup=False, highlight=False)
        if not summary.shops:
            err.print("no listings to push; map them with `orderhub publish map`")
    if summary.total("failed"):
        raise typer.Exit(code=1)
