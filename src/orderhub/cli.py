"""The `orderhub` command. `--json` prints machine-readable JSON only, for scripts."""

from __future__ import annotations

import getpass
import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from rich.table import Table

from orderhub.api.schemas import OrderOut, OrderSummaryOut
from orderhub.bootstrap import Container, build, init_database
from orderhub.db import orders_repo, shops_repo
from orderhub.orders.actions import transition_audited
from orderhub.orders.errors import OrderError, OrderNotFound
from orderhub.orders.lifecycle import OrderStatus, parse_status
from orderhub.orders.views import OrderFilter

app = typer.Typer(
    help="OrderHub (汇单): every channel's orders in one place.", no_args_is_help=True
)
orders_app = typer.Typer(help="List, inspect and move orders.", no_args_is_help=True)
shops_app = typer.Typer(help="Channel accounts (shops).", no_args_is_help=True)
app.add_typer(orders_app, name="orders")
app.add_typer(shops_app, name="shops")
console = Console()
err = Console(stderr=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="print JSON only")]


def _container() -> Container:
    return build()


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def _fail(exc: OrderError, as_json: bool) -> None:
    if as_json:
        _print_json(
            {"error": {"code": exc.code.value, "message": exc.message, "details": exc.details}}
        )
    else:
        err.print(f"[red]{exc.code.value}[/red]: {exc.message}")
    raise typer.Exit(code=1)


@app.command()
def init() -> None:
    """Create or migrate the database to the latest schema."""
    container = _container()
    init_database(container)
    console.print(f"database ready: {container.engine.url.render_as_string(hide_password=True)}")


@app.command()
def demo(
    orders: Annotated[int, typer.Option(min=1, help="how many orders")] = 2000,
    seed: Annotated[int, typer.Option(help="random seed; same seed, same shop")] = 42,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="only when no demo shop is loaded")
    ] = False,
) -> None:
    """Load a realistic demo shop (shops, SKUs, warehouses, stock, customers' orders)."""
    from orderhub.demo.generator import generate_demo
    from orderhub.demo.load import load_demo

    container = _container()
    init_database(container)
    with container.engine.connect() as conn:
        loaded = shops_repo.count_shops(conn) > 1
    if loaded:
        if if_empty:
            console.print("demo shop already loaded; skipping")
            return
        err.print("[red]the database already holds shops; use a new database for the demo[/red]")
        raise typer.Exit(code=1)
    data = generate_demo(orders=orders, seed=seed)
    with _progress() as bar:
        task = bar.add_task("loading demo orders", total=len(data.orders))
        summary = load_demo(container.engine, data, progress=lambda n: bar.advance(task, n))
    console.print(
        f"demo loaded: {summary.shops} shops, {summary.skus} SKUs, "
        f"{summary.warehouses} warehouses, {summary.orders} orders"
    )


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="default 127.0.0.1")] = None,
    port: Annotated[int | None, typer.Option(help="default 8000")] = None,
) -> None:
    """Serve the API (OpenAPI docs at /docs)."""
    import uvicorn

    from orderhub.api.app import create_app

    container = _container()
    init_database(container)
    settings = container.settings
    uvicorn.run(
        create_app(container),
        host=host or settings.host,
        port=port or settings.port,
        log_level="info",
    )


@orders_app.command("list")
def orders_list(
    status: Annotated[list[str] | None, typer.Option(help="filter by status (repeatable)")] = None,
    shop: Annotated[str | None, typer.Option(help="shop code")] = None,
    search: Annotated[
        str | None, typer.Option("--search", "-q", help="order no, phone, name")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
    as_json: JsonOpt = False,
) -> None:
    """List orders, newest first."""
    try:
        statuses = tuple(parse_status(s).value for s in status or ())
    except OrderError as exc:
        _fail(exc, as_json)
    container = _container()
    with container.engine.connect() as conn:
        page = orders_repo.list_orders(
            conn, OrderFilter(statuses=statuses, shop_code=shop, text=search), limit=limit
        )
    items = [OrderSummaryOut.of(s) for s in page.items]
    if as_json:
        _print_json([i.model_dump(mode="json") for i in items])
        return
    table = Table("id", "shop")
    table.add_column("order no", no_wrap=True)
    for name in ("status", "payment", "total", "receiver", "placed (UTC)"):
        table.add_column(name)
    for i in items:
        table.add_row(
            str(i.id),
            i.shop,
            i.platform_order_id,
            i.status,
            i.payment_status,
            f"{i.total_amount} {i.currency}",
            f"{i.receiver.name} {i.receiver.city}",
            f"{i.placed_at:%Y-%m-%d %H:%M}",
        )
    console.print(table)


@orders_app.command("show")
def orders_show(order_id: int, as_json: JsonOpt = False) -> None:
    """Show one order with its lines and its history."""
    container = _container()
    with container.engine.connect() as conn:
        detail = orders_repo.get_order(conn, order_id)
    if detail is None:
        _fail(OrderNotFound(order_id), as_json)
        return
    order = OrderOut.of_detail(detail)
    if as_json:
        _print_json(order.model_dump(mode="json"))
        return
    _render_order(order)


@orders_app.command("transition")
def orders_transition(
    order_id: int,
    status: Annotated[str, typer.Argument(help="target status, e.g. approved")],
    reason: Annotated[str, typer.Option(help="why (kept in the order's history)")],
    as_json: JsonOpt = False,
) -> None:
    """Move an order to another status, if the lifecycle allows it."""
    container = _container()
    try:
        target = parse_status(status)
        previous = transition_audited(
            container.engine, order_id, target, actor=f"cli:{getpass.getuser()}", reason=reason
        )
    except OrderError as exc:
        _fail(exc, as_json)
        return
    if as_json:
        _print_json({"order_id": order_id, "from_status": previous, "to_status": target.value})
    else:
        console.print(f"order {order_id}: {previous} -> [bold]{target.value}[/bold]")


@shops_app.command("list")
def shops_list(as_json: JsonOpt = False) -> None:
    """List shops with their order counts."""
    with _container().engine.connect() as conn:
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
        _print_json(rows)
        return
    table = Table("id", "code", "name", "platform", "currency", "orders")
    for r in rows:
        table.add_row(*(str(v) for v in r.values()))
    console.print(table)


def _render_order(o: OrderOut) -> None:
    r = o.receiver
    console.print(f"[bold]Order {o.id}[/bold]  {o.shop} ({o.channel})  no. {o.platform_order_id}")
    console.print(
        f"status [bold]{o.status}[/bold]  payment {o.payment_status}  type {o.order_type}"
    )
    console.print(
        f"receiver {r.name} {r.phone}  {r.country} {r.province} {r.city} "
        f"{r.district or ''} {r.street or ''} {r.postcode or ''}"
    )
    lines = Table("#", "SKU", "title", "spec", "qty", "unit", "discount", "amount")
    for ln in o.lines:
        lines.add_row(
            str(ln.line_no),
            ln.sku_code or "-",
            ln.title,
            ln.spec,
            str(ln.quantity),
            str(ln.unit_price),
            str(ln.discount),
            str(ln.amount),
        )
    console.print(lines)
    console.print(
        f"goods {o.goods_amount}  discount {o.discount_amount}  shipping "
        f"{o.shipping_fee}  [bold]total {o.total_amount} {o.currency}[/bold]"
    )
    events = Table("time (UTC)", "event", "from", "to", "actor", "reason")
    for e in o.events:
        events.add_row(
            f"{e.created_at:%Y-%m-%d %H:%M:%S}",
            e.kind,
            e.from_status or "",
            e.to_status or "",
            e.actor,
            e.reason,
        )
    console.print(events)


def _progress() -> Progress:
    return Progress(
        *Progress.get_default_columns()[:1],
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
    )


def main() -> None:
    app()


__all__ = ["OrderStatus", "app", "main"]
