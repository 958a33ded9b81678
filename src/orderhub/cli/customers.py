"""`orderhub customers …`: profiles, grades and the blacklist."""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from orderhub.api.schemas_customers import (
    BlacklistOut,
    CustomerOut,
    CustomerPageOut,
    GradeRulesOut,
)
from orderhub.cli.common import JsonOpt, console, container, fail, print_json
from orderhub.customers import grades, service
from orderhub.db.orders_repo import BadCursor
from orderhub.errors import BusinessError

app = typer.Typer(help="Customers across channels.", no_args_is_help=True)

ReasonOpt = Annotated[str, typer.Option(help="why (kept in the security log)")]


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


@app.command("list")
def customers_list(
    grade: Annotated[str | None, typer.Option(help="only this grade, e.g. A")] = None,
    blacklisted: Annotated[
        bool | None,
        typer.Option("--blacklisted/--not-blacklisted", help="only (not) blacklisted customers"),
    ] = None,
    search: Annotated[
        str | None,
        typer.Option("--search", "-q", help="name, last digits of a phone, email or buyer id"),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
    cursor: Annotated[str | None, typer.Option(help="next_cursor of the previous page")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List customers, newest first, with orders, money spent and grade (phones masked)."""
    built = container()
    try:
        with built.engine.connect() as conn:
            page = CustomerPageOut.of(
                service.list_customers(
                    conn,
                    grade=grade,
                    blacklisted=blacklisted,
                    search=search,
                    limit=limit,
                    cursor=cursor,
                )
            )
    except BusinessError as exc:
        fail(exc, as_json)
    except BadCursor as exc:
        fail(service.CustomerInvalid(str(exc), field="cursor"), as_json)
    if as_json:
        print_json([i.model_dump(mode="json") for i in page.items])
        return
    table = Table("id", "name", "phone", "grade", "orders", "returns", "spent", "last order (UTC)")
    table.add_column("blacklisted")
    for c in page.items:
        table.add_row(
            str(c.id),
            c.name,
            c.phone,
            c.grade or "-",
            str(c.order_count),
            str(c.returns),
            ", ".join(f"{v} {k}" for k, v in c.total_spent.items()) or "-",
            f"{c.last_order_at:%Y-%m-%d %H:%M}" if c.last_order_at else "-",
            "yes" if c.blacklisted else "",
        )
    console.print(table)
    if page.next_cursor:
        console.print(f"more: --cursor {page.next_cursor}")


@app.command("show")
def customers_show(customer_id: int, as_json: JsonOpt = False) -> None:
    """One customer: identities, profile, grade, last orders and why each order matched."""
    built = container()
    try:
        with built.engine.connect() as conn:
            customer = CustomerOut.of(service.customer_profile(conn, customer_id))
    except BusinessError as exc:
        fail(exc, as_json)
    if as_json:
        print_json(customer.model_dump(mode="json"))
        return
    _render(customer)


@app.command("blacklist")
def customers_blacklist(customer_id: int, reason: ReasonOpt, as_json: JsonOpt = False) -> None:
    """Blacklist a customer (or change the reason)."""
    built = container()
    try:
        with built.engine.begin() as conn:
            change = BlacklistOut.of(
                service.blacklist(conn, customer_id, reason=reason, actor=_actor())
            )
    except BusinessError as exc:
        fail(exc, as_json)
    _print_change(change, as_json)


@app.command("unblacklist")
def customers_unblacklist(customer_id: int, reason: ReasonOpt, as_json: JsonOpt = False) -> None:
    """Take a customer off the blacklist."""
    built = container()
    try:
        with built.engine.begin() as conn:
            change = BlacklistOut.of(
                service.unblacklist(conn, customer_id, reason=reason, actor=_actor())
            )
    except BusinessError as exc:
        fail(exc, as_json)
    _print_change(change, as_json)


@app.command("grades")
def customers_grades(
    set_file: Annotated[
        Path | None,
        typer.Option(
            "--set",
            help='replace the rules with a JSON file {"rules": [{"grade", "min_orders", '
            '"min_spent", "currency"}, …]}, best grade first; [] restores the defaults',
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show (or set) the grade rules."""
    built = container()
    try:
        if set_file is None:
            with built.engine.connect() as conn:
                rules = GradeRulesOut.of(grades.grade_rules(conn))
        else:
            data = _read_json(set_file)
            with built.engine.begin() as conn:
                rules = GradeRulesOut.of(grades.set_grade_rules(conn, data, actor=_actor()))
    except BusinessError as exc:
        fail(exc, as_json)
    if as_json:
        print_json(rules.model_dump(mode="json"))
        return
    table = Table("grade", "min kept orders", "min spent", "currency")
    for r in rules.rules:
        table.add_row(r.grade, str(r.min_orders), str(r.min_spent), r.currency)
    console.print(table)
    console.print("(defaults)" if rules.is_default else "(set by the seller)")


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise grades.GradeRulesInvalid(f"cannot read {path}: {exc.strerror}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise grades.GradeRulesInvalid(f"{path} is not JSON: {exc}") from None


def _print_change(change: BlacklistOut, as_json: bool) -> None:
    if as_json:
        print_json(change.model_dump(mode="json"))
        return
    state = "blacklisted" if change.blacklisted else "not blacklisted"
    note = "" if change.changed else " (unchanged)"
    console.print(f"customer {change.customer_id}: [bold]{state}[/bold]{note}")


def _render(c: CustomerOut) -> None:
    p = c.profile
    console.print(f"[bold]Customer {c.id}[/bold]  {c.name}  {c.phone}  {c.email}")
    console.print(
        f"grade [bold]{c.grade or '-'}[/bold]"
        + (f"  [red]BLACKLISTED[/red]: {c.blacklist_reason}" if c.blacklisted else "")
    )
    first = f"{p.first_order_at:%Y-%m-%d}" if p.first_order_at else "-"
    last = f"{p.last_order_at:%Y-%m-%d}" if p.last_order_at else "-"
    console.print(
        f"orders {p.order_count} (returns {p.returns})  first {first}  last {last}  "
        f"channels {', '.join(p.channels) or '-'}  shops {', '.join(p.shops) or '-'}"
    )
    spent = ", ".join(f"{v} {k} (avg {p.average_spent[k]})" for k, v in p.total_spent.items())
    console.print(f"spent {spent or '-'}")
    if p.usual_address:
        a = p.usual_address
        console.print(
            f"usual address {a.country} {a.province} {a.city} {a.district} {a.street} {a.postcode}"
        )
    ids = Table("identity", "value")
    for i in c.identities:
        ids.add_row(i.kind, i.value)
    console.print(ids)
    orders = Table("order", "shop", "order no", "status", "payment", "total", "placed (UTC)")
    for o in c.recent_orders:
        orders.add_row(
            str(o.id),
            o.shop,
            o.platform_order_id,
            o.status,
            o.payment_status,
            f"{o.total_amount} {o.currency}",
            f"{o.placed_at:%Y-%m-%d %H:%M}",
        )
    console.print(orders)
    matches = Table("order", "shop", "order no", "why it is this customer")
    for m in c.matches:
        matches.add_row(str(m.order_id), m.shop, m.platform_order_id, m.reason)
    console.print(matches)
