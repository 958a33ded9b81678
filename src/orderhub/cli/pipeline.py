"""`orderhub pipeline run`, `orderhub skus map`, `orderhub address normalize`."""

from __future__ import annotations

import getpass
from dataclasses import asdict
from typing import Annotated, Any

import typer

from orderhub.cli.common import JsonOpt, console, container, fail, print_json, progress
from orderhub.errors import BusinessError

pipeline_app = typer.Typer(help="Run the order pipeline stages.", no_args_is_help=True)
skus_app = typer.Typer(help="Our SKUs and the platform SKUs mapped to them.", no_args_is_help=True)
address_app = typer.Typer(help="Chinese address completion.", no_args_is_help=True)
specs_app = typer.Typer(help="Spec alias tables (XL = 加大码 = X-Large …).", no_args_is_help=True)


@pipeline_app.command("run")
def pipeline_run(
    batch: Annotated[int, typer.Option(min=1, max=10_000, help="orders per transaction")] = 1000,
    workers: Annotated[
        int, typer.Option(min=1, max=32, help="processes (PostgreSQL; SQLite runs one)")
    ] = 1,
    as_json: JsonOpt = False,
) -> None:
    """Every stage over what is waiting: clean received orders, merge (or suggest merging)
    orders to one receiver, review them, allocate and reserve stock. Safe to run again."""
    from orderhub.pipeline.runner import run_stages, run_workers

    c = container()
    if workers > 1:
        url = c.engine.url.render_as_string(hide_password=False)
        run = run_workers(url, workers, batch_size=batch)
    elif as_json:
        run = run_stages(c.engine, batch_size=batch)
    else:
        with progress() as bar:
            tasks: dict[str, Any] = {}

            def tick(stage: str, n: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(f"{stage} orders", total=None)
                bar.advance(tasks[stage], n)

            run = run_stages(c.engine, batch_size=batch, progress=tick)
    out = {
        "cleaned": run.cleaned,
        "held": run.held,
        "merged_groups": run.merged_groups,
        "merge_suggestions": run.merge_suggestions,
        "reviewed": run.reviewed,
        "review_outcomes": run.review_outcomes,
        "allocated": run.allocated,
        "presale": run.presale,
        "out_of_stock": run.out_of_stock,
    }
    if as_json:
        print_json(out)
    else:
        console.print(
            f"cleaned {run.cleaned} (held {run.held}); merged {run.merged_groups} groups, "
            f"{run.merge_suggestions} suggestions; reviewed {run.reviewed} {run.review_outcomes}; "
            f"allocated {run.allocated}, presale {run.presale}, out of stock {run.out_of_stock}"
        )


@pipeline_app.command("settings")
def pipeline_settings(
    min_address_confidence: Annotated[
        float | None, typer.Option(min=0, max=1, help="below it: ADDRESS_UNRESOLVED")
    ] = None,
    duplicate_window_hours: Annotated[
        float | None, typer.Option(min=0, help="same buyer+items+amount within it")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show or change the cleaning thresholds."""
    from dataclasses import replace

    from orderhub.db import settings_repo
    from orderhub.orders.domain import utc_now
    from orderhub.pipeline.clean import CLEANING_SETTINGS, CleaningSettings

    with container().engine.begin() as conn:
        current = CleaningSettings.load(conn)
        changes = {
            k: v
            for k, v in (
                ("min_address_confidence", min_address_confidence),
                ("duplicate_window_hours", duplicate_window_hours),
            )
            if v is not None
        }
        if changes:
            current = replace(current, **changes)
            settings_repo.put_setting(
                conn,
                CLEANING_SETTINGS,
                asdict(current),
                actor=f"cli:{getpass.getuser()}",
                now=utc_now(),
            )
    if as_json:
        print_json(asdict(current))
    else:
        console.print(asdict(current))


@skus_app.command("map")
def skus_map(
    platform_sku_id: Annotated[str, typer.Argument(help="the platform's SKU / item id")],
    sku: Annotated[str, typer.Argument(help="our SKU (or bundle) code")],
    shop: Annotated[
        str | None, typer.Option(help="only for this shop (default: every shop)")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Map a platform SKU to ours; orders waiting for it move on."""
    from orderhub.pipeline.mapping import map_platform_sku

    try:
        result = map_platform_sku(
            container().engine,
            platform_sku_id=platform_sku_id,
            sku_code=sku,
            shop=shop,
            actor=f"cli:{getpass.getuser()}",
        )
    except BusinessError as exc:
        fail(exc, as_json)
    if as_json:
        print_json(asdict(result))
    else:
        console.print(
            f"{platform_sku_id} → {sku}: {result.waiting} orders were waiting, "
            f"{result.released} move on, {result.still_held} still held"
        )


@address_app.command("normalize")
def address_normalize(text: str, as_json: JsonOpt = False) -> None:
    """Province, city, district, street and division code from partial address text."""
    from orderhub.normalize.address import normalize_address

    found = normalize_address(text)
    if as_json:
        print_json(
            {
                "province": found.province,
                "city": found.city,
                "district": found.district,
                "street": found.street,
                "code": found.code,
                "confidence": found.confidence,
                "notes": list(found.notes),
            }
        )
        return
    console.print(
        f"{found.province} / {found.city} / {found.district} / {found.street}  "
        f"code {found.code or '-'}  confidence {found.confidence:.2f}"
    )
    for note in found.notes:
        console.print(f"  - {note}")


@specs_app.command("alias")
def specs_alias(
    attribute: Annotated[str, typer.Argument(help="size, colour, …")],
    canonical: Annotated[str, typer.Argument(help="the value your SKUs use, e.g. XL")],
    aliases: Annotated[list[str], typer.Argument(help="what platforms write, e.g. 加大 X-Large")],
    as_json: JsonOpt = False,
) -> None:
    """Add aliases; orders waiting for a variant are checked again."""
    from orderhub.pipeline.mapping import add_spec_alias

    result = add_spec_alias(
        container().engine,
        attribute=attribute,
        canonical=canonical,
        aliases=aliases,
        actor=f"cli:{getpass.getuser()}",
    )
    if as_json:
        print_json(asdict(result))
    else:
        console.print(
            f"{attribute}: {', '.join(aliases)} = {canonical}; {result.released} "
            f"waiting orders move on, {result.still_held} still held"
        )


@specs_app.command("show")
def specs_show(as_json: JsonOpt = False) -> None:
    """The alias tables in use (built-in ones until you add your own)."""
    from orderhub.db import cleaning_repo

    with container().engine.connect() as conn:
        tables = cleaning_repo.load_catalog(conn).aliases.to_dict()
    if as_json:
        print_json(tables)
    else:
        console.print_json(data=tables)
