"""`orderhub stock …` (levels, movements, ledger check, advice, purchase orders on their way),
`orderhub allocation …` (run, why, shop strategy) and `orderhub carriers …` (carriers, rates,
rules). Stock changes run in `writer(engine)` so SQLite takes the write lock at BEGIN."""

from __future__ import annotations

import getpass
import json
from collections.abc import Callable
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.table import Table
from sqlalchemy import Connection

from orderhub.allocation import AllocationConfigError, RateTableError, demo_carriers
from orderhub.api.schemas_stock import (
    AllocationConfigInvalid,
    CarrierRatesInvalid,
    StockAdviceRefused,
    allocation_result,
    balance_out,
    carriers_view,
    check_carriers,
    check_rates,
    check_rules,
    order_allocation,
    settings_error,
    shop_allocation,
    sku_atp,
    store_setting,
    store_shop_allocation,
)
from orderhub.cli.common import JsonOpt, console, container, fail, print_json, progress
from orderhub.db.engine import writer
from orderhub.errors import BusinessError
from orderhub.inventory import actions, queries
from orderhub.inventory.errors import StockError
from orderhub.inventory.ledger import Balance, MovementKind
from orderhub.pipeline.allocate import run_allocation
from orderhub.pipeline.allocate_inputs import CARRIER_RULES, CARRIERS, RATES

stock_app = typer.Typer(help="Stock levels, movements and advice.", no_args_is_help=True)
allocation_app = typer.Typer(help="Warehouse and carrier per order.", no_args_is_help=True)
carriers_app = typer.Typer(help="Carriers, rates and carrier rules.", no_args_is_help=True)

T = TypeVar("T")
WarehouseArg = Annotated[str, typer.Argument(help="warehouse code")]
SkuArg = Annotated[str, typer.Argument(help="SKU code")]
QtyArg = Annotated[int, typer.Argument(min=1, help="units")]
ReasonOpt = Annotated[str, typer.Option(help="why (kept in the stock ledger)")]
FileArg = Annotated[Path, typer.Argument(exists=True, dir_okay=False)]
SIGNED = {"ignore_unknown_options": True}  # lets a negative DELTA like -3 through


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _run(as_json: bool, work: Callable[[Connection], T], *, write: bool = False) -> T:
    """Run `work` in a transaction (the stock writer when `write`); business errors exit 1."""
    engine = container().engine
    try:
        with (writer(engine) if write else engine).begin() as conn:
            return work(conn)
    except StockError as exc:
        fail(StockAdviceRefused(exc), as_json)
    except (AllocationConfigError, RateTableError) as exc:  # a stored setting gone bad
        fail(settings_error(exc), as_json)
    except BusinessError as exc:
        fail(exc, as_json)


def _show(value: Any, as_json: bool, text: str | None = None) -> None:
    print_json(value) if as_json or text is None else console.print(text)


def _balance(warehouse: str, sku: str, after: Balance, as_json: bool) -> None:
    figures = f"on hand {after.on_hand}, reserved {after.reserved}, available {after.available}"
    _show(balance_out(warehouse, sku, after), as_json, f"{warehouse} {sku}: {figures}")


def _move(
    warehouse: str, sku: str, kind: MovementKind, qty: int, as_json: bool, **why: str
) -> None:
    def work(conn: Connection) -> Balance:
        key = actions.resolve(conn, warehouse, sku)
        return actions.move(conn, key, kind, qty, actor=_actor(), **why)

    _balance(warehouse, sku, _run(as_json, work, write=True), as_json)


@stock_app.command("list")
def stock_list(
    sku: Annotated[str | None, typer.Option(help="only this SKU")] = None,
    warehouse: Annotated[str | None, typer.Option(help="only this warehouse")] = None,
    as_json: JsonOpt = False,
) -> None:
    """On hand, reserved and available per warehouse and SKU."""
    rows = _run(as_json, lambda conn: queries.levels(conn, sku=sku, warehouse=warehouse))
    if as_json:
        print_json(rows)
        return
    table = Table("warehouse", "sku", "on hand", "reserved", "available")
    for r in rows:
        table.add_row(
            r["warehouse"], r["sku"], *(str(r[c]) for c in ("on_hand", "reserved", "available"))
        )
    console.print(table)


@stock_app.command("receive")
def stock_receive(
    warehouse: WarehouseArg,
    sku: SkuArg,
    qty: QtyArg,
    reference: Annotated[str, typer.Option(help="e.g. the purchase order no")] = "",
    reason: ReasonOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Goods received into a warehouse."""
    _move(warehouse, sku, MovementKind.RECEIPT, qty, as_json, reason=reason, reference=reference)


@stock_app.command("adjust", context_settings=SIGNED)
def stock_adjust(
    warehouse: WarehouseArg,
    sku: SkuArg,
    delta: Annotated[int, typer.Argument(help="signed units: -3 writes off 3")],
    reason: ReasonOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Damage, loss or units found (a reason is required)."""
    _move(warehouse, sku, MovementKind.ADJUSTMENT, delta, as_json, reason=reason)


@stock_app.command("return")
def stock_return(
    warehouse: WarehouseArg,
    sku: SkuArg,
    qty: QtyArg,
    reference: Annotated[str, typer.Option(help="e.g. the order or return no")],
    reason: ReasonOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Goods returned by a customer back into stock."""
    _move(warehouse, sku, MovementKind.RETURN, qty, as_json, reason=reason, reference=reference)


@stock_app.command("count")
def stock_count(
    warehouse: WarehouseArg,
    sku: SkuArg,
    counted: Annotated[int, typer.Argument(min=0, help="units found on the shelf")],
    reason: ReasonOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """A stock count: on hand becomes COUNTED (a reason is required)."""

    def work(conn: Connection) -> Balance:
        key = actions.resolve(conn, warehouse, sku)
        return actions.count(conn, key, counted, actor=_actor(), reason=reason)

    _balance(warehouse, sku, _run(as_json, work, write=True), as_json)


@stock_app.command("transfer")
def stock_transfer(
    source: Annotated[str, typer.Argument(metavar="FROM", help="warehouse sending")],
    target: Annotated[str, typer.Argument(metavar="TO", help="warehouse receiving")],
    sku: SkuArg,
    qty: QtyArg,
    reason: ReasonOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Move units between warehouses (both sides in one transaction)."""
    if source == target:
        raise typer.BadParameter("FROM and TO must be different warehouses")

    def work(conn: Connection) -> tuple[Balance, Balance]:
        keys = actions.resolve(conn, source, sku), actions.resolve(conn, target, sku)
        return actions.transfer(conn, *keys, qty, actor=_actor(), reason=reason)

    out, into = _run(as_json, work, write=True)
    if as_json:
        print_json({"from": balance_out(source, sku, out), "to": balance_out(target, sku, into)})
        return
    _balance(source, sku, out, False)
    _balance(target, sku, into, False)


@stock_app.command("verify")
def stock_verify(as_json: JsonOpt = False) -> None:
    """Check stock against its ledger and reservations; exit 1 naming each row that differs."""
    problems = _run(as_json, actions.verify)
    lines = []
    for p in problems:
        where = f"{p['warehouse']} {p['sku']}" if "sku" in p else f"ids {p['warehouse_id']}"
        figures = {k: v for k, v in p.items() if k not in ("warehouse", "sku", "problem")}
        lines.append(f"[red]{where}[/red]: {p['problem']} {figures}")
    ok = "ok: stock agrees with its ledger and reservations"
    _show({"ok": not problems, "problems": problems}, as_json, "\n".join(lines) or ok)
    if problems:
        raise typer.Exit(code=1)


@stock_app.command("atp")
def stock_atp(sku: SkuArg, as_json: JsonOpt = False) -> None:
    """Available to promise: now, and by each expected arrival."""
    found = _run(as_json, lambda conn: sku_atp(conn, sku))
    lines = [f"{k}: {v}" for k, v in found.items() if k != "incoming"]
    lines += [f"by {day}: {units}" for day, units in found["incoming"]]
    _show(found, as_json, "\n".join(lines))


@stock_app.command("safety")
def stock_safety(
    sku: SkuArg,
    minimum: Annotated[int, typer.Argument(metavar="MIN", min=0, help="units to keep")],
    warehouse: Annotated[str | None, typer.Option(help="default: all warehouses")] = None,
    lead_time: Annotated[int | None, typer.Option(min=0, max=365, help="purchase days")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Set the safety stock of a SKU (and its purchase lead time)."""

    def work(conn: Connection) -> None:
        queries.set_safety(conn, sku, minimum, warehouse=warehouse, lead_time_days=lead_time)

    _run(as_json, work)
    out = {"sku": sku, "minimum": minimum, "warehouse": warehouse, "lead_time_days": lead_time}
    _show(out, as_json, f"safety stock of {sku} in {warehouse or 'all warehouses'}: {minimum}")


@stock_app.command("alerts")
def stock_alerts(as_json: JsonOpt = False) -> None:
    """SKUs whose available stock is under their safety stock."""
    found = _run(as_json, queries.alerts)
    _show(found, as_json, "\n".join(a["message"] for a in found) or "no alerts")


@stock_app.command("suggestions")
def stock_suggestions(
    days: Annotated[int, typer.Option(min=1, max=365, help="demand window")] = 14,
    cover_days: Annotated[int, typer.Option(min=1, max=365, help="days to cover")] = 14,
    as_json: JsonOpt = False,
) -> None:
    """Transfers towards warehouses that sell, purchases for SKUs with a lead time."""
    found = _run(as_json, lambda conn: queries.suggestions(conn, days=days, cover_days=cover_days))
    lines = [
        f"transfer {t['quantity']} {t['sku']} {t['from_warehouse']} -> {t['to_warehouse']}: "
        f"{t['reason']}"
        for t in found["transfers"]
    ]
    lines += [
        f"buy {b['suggested_quantity']} {b['sku']}: {b['reason']}" for b in found["replenishment"]
    ]
    _show(found, as_json, "\n".join(lines) or "no suggestions")


@stock_app.command("expect")
def stock_expect(
    warehouse: WarehouseArg,
    sku: SkuArg,
    qty: QtyArg,
    arrival: Annotated[datetime, typer.Option(formats=["%Y-%m-%d"], help="YYYY-MM-DD")],
    reference: Annotated[str, typer.Option(help="the purchase order no")],
    as_json: JsonOpt = False,
) -> None:
    """Record a purchase order line on its way (presale orders can be promised against it)."""
    day = arrival.date()
    found = _run(
        as_json,
        lambda conn: queries.expect(conn, warehouse, sku, qty, arrival=day, reference=reference),
    )
    out = {"id": found, "warehouse": warehouse, "sku": sku, "quantity": qty, "reference": reference}
    _show({**out, "arrival_date": day.isoformat()}, as_json, f"expecting {qty} {sku} on {day}")


@stock_app.command("arrive")
def stock_arrive(
    reference: Annotated[str, typer.Argument(metavar="PO")], as_json: JsonOpt = False
) -> None:
    """The purchase order arrived: its open lines become receipts."""
    units = _run(as_json, lambda conn: queries.arrive(conn, reference, actor=_actor()), write=True)
    text = f"received {units} units" if units else f"nothing open under {reference}"
    _show({"reference": reference, "received": units}, as_json, text)


@allocation_app.command("run")
def allocation_run(
    batch: Annotated[int, typer.Option(min=1, max=10_000)] = 500, as_json: JsonOpt = False
) -> None:
    """Give every order waiting for it a warehouse and carrier, and reserve its stock."""
    engine = container().engine
    try:
        if as_json:
            result = run_allocation(engine, batch_size=batch)
        else:
            with progress() as bar:
                task = bar.add_task("allocating orders", total=None)
                advance: Callable[[int], None] = lambda n: bar.advance(task, n)  # noqa: E731
                result = run_allocation(engine, batch_size=batch, progress=advance)
    except (AllocationConfigError, RateTableError) as exc:
        fail(settings_error(exc), as_json)
    out = allocation_result(result)
    _show(out, as_json, ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in out.items()))


@allocation_app.command("show")
def allocation_show(order_id: int, as_json: JsonOpt = False) -> None:
    """An order's warehouse(s) and carrier(s), with why and what else was considered."""
    found = _run(as_json, lambda conn: order_allocation(conn, order_id))
    if as_json or found is None:
        _show({"allocation": found}, as_json, f"order {order_id} is not allocated")
        return
    console.print(f"order {order_id} ({found['strategy']}): {found['reason']}")
    for w in found["warehouses_considered"]:
        console.print(f"  considered {w['code']} (rank {w['rank']}) {w['note']}")
    for s, carriers in zip(found["shipments"], found["carriers_considered"], strict=False):
        lines = ", ".join(f"{ln['sku']} x{ln['quantity']}" for ln in s["lines"])
        console.print(f"parcel from {s['warehouse']}: {lines}; carrier {s['carrier']} {s['cost']}")
        console.print(f"  {s['carrier_reason']}")
        for c in carriers:
            console.print(f"  considered {c['code']} {c['cost']} {c['why_not'] or 'eligible'}")


def _json_file(path: Path, as_json: bool, error: type[BusinessError]) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        fail(error(f"{path} is not valid JSON: {exc}", file=str(path)), as_json)


@allocation_app.command("strategy")
def allocation_strategy(
    shop: str,
    file: Annotated[Path | None, typer.Argument(exists=True, dir_okay=False)] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show a shop's warehouse strategy, or set it from FILE.json."""
    if file is None:
        print_json(_run(as_json, lambda conn: shop_allocation(conn, shop)))
        return
    document = _json_file(file, as_json, AllocationConfigInvalid)
    print_json(_run(as_json, lambda conn: store_shop_allocation(conn, shop, document)))


@carriers_app.command("show")
def carriers_show(as_json: JsonOpt = False) -> None:
    """The carriers, a summary of the rate table and the carrier rules."""
    print_json(_run(as_json, carriers_view))


def _store(as_json: bool, values: Callable[[], dict[str, Any]]) -> None:
    """Check and store settings in one transaction; print what is stored now."""

    def work(conn: Connection) -> dict[str, Any]:
        for key, value in values().items():
            store_setting(conn, key, value, actor=_actor())
        return carriers_view(conn)

    view = _run(as_json, work)
    rates = view["rates"] or {"rows": 0}
    text = f"{len(view['carriers'])} carriers, {rates['rows']} rates, {len(view['rules'])} rules"
    _show(view, as_json, f"saved: {text}")


@carriers_app.command("set")
def carriers_set(file: FileArg, as_json: JsonOpt = False) -> None:
    """Replace the carriers with FILE.json (a list of carriers)."""
    document = _json_file(file, as_json, AllocationConfigInvalid)
    _store(as_json, lambda: {CARRIERS: check_carriers(document)})


@carriers_app.command("rates")
def carriers_rates(file: FileArg, as_json: JsonOpt = False) -> None:
    """Replace the rate table with FILE.csv (refused with the line and column that is wrong)."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        fail(CarrierRatesInvalid(f"{file} is not UTF-8 text", file=str(file)), as_json)

    def checked() -> dict[str, Any]:
        check_rates(text)
        return {RATES: text}

    _store(as_json, checked)


@carriers_app.command("rules")
def carriers_rules(file: FileArg, as_json: JsonOpt = False) -> None:
    """Replace the seller's carrier rules with FILE.json."""
    document = _json_file(file, as_json, AllocationConfigInvalid)
    _store(as_json, lambda: {CARRIER_RULES: check_rules(document)})


@carriers_app.command("demo")
def carriers_demo(as_json: JsonOpt = False) -> None:
    """Store six common Chinese carriers and the packaged demo rate table."""
    rates = resources.files("orderhub.allocation").joinpath("demo_rates.csv").read_text("utf-8")
    _store(as_json, lambda: {CARRIERS: [c.to_dict() for c in demo_carriers()], RATES: rates})
