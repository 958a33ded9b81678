"""`orderhub orders …`: list, show and move orders."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer
from rich.table import Table

from orderhub.api.schemas import OrderOut, OrderSummaryOut
from orderhub.cli.common import JsonOpt, console, container, fail, print_json
from orderhub.db import orders_repo
from orderhub.errors import BusinessError
from orderhub.orders.actions import transition_audited
from orderhub.orders.errors import OrderNotFound
from orderhub.orders.lifecycle import parse_status
from orderhub.orders.views import OrderFilter

app = typer.Typer(help="List, inspect and move orders.", no_args_is_help=True)


@app.command("list")
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
    except BusinessError as exc:
        fail(exc, as_json)
    built = container()
    with built.engine.connect() as conn:
        page = orders_repo.list_orders(
            conn, OrderFilter(statuses=statuses, shop_code=shop, text=search), limit=limit
        )
    items = [OrderSummaryOut.of(s) for s in page.items]
    if as_json:
        print_json([i.model_dump(mode="json") for i in items])
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


@app.command("show")
def orders_show(order_id: int, as_json: JsonOpt = False) -> None:
    """Show one order with its lines and its history."""
    built = container()
    with built.engine.connect() as conn:
        detail = orders_repo.get_order(conn, order_id)
    if detail is None:
        fail(OrderNotFound(order_id), as_json)
        return
    order = OrderOut.of_detail(detail)
    if as_json:
        print_json(order.model_dump(mode="json"))
        return
    _render_order(order)


@app.command("transition")
def orders_transition(
    order_id: int,
    status: Annotated[str, typer.Argument(help="target status, e.g. approved")],
    reason: Annotated[str, typer.Option(help="why (kept in the order's history)")],
    as_json: JsonOpt = False,
) -> None:
    """Move an order to another status, if the lifecycle allows it."""
    built = container()
    try:
        target = parse_status(status)
        previous = transition_audited(
            built.engine, order_id, target, actor=f"cli:{getpass.getuser()}", reason=reason
        )
    except BusinessError as exc:
        fail(exc, as_json)
        return
    if as_json:
        print_json({"order_id": order_id, "from_status": previous, "to_status": target.value})
    else:
        console.print(f"order {order_id}: {previous} -> [bold]{target.value}[/bold]")


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
