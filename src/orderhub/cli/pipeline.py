"""`orderhub pipeline run`, `orderhub skus map`, `orderhub address normalize`."""

from __future__ import annotations

import getpass
from dataclasses import asdict
from typing import Annotated

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
    as_json: JsonOpt = False,
) -> None:
    """Clean every received order not cleaned yet, then merge (or suggest merging) orders to
    one receiver. Safe to run again."""
    from orderhub.pipeline.clean import run_cleaning
    from orderhub.pipeline.merge import run_merging

    engine = container().engine
    if as_json:
        result = run_cleaning(engine, batch_size=batch)
    else:
        with progress() as bar:
            task = bar.add_task("cleaning orders", total=None)
            result = run_cleaning(engine, batch_size=batch, progress=lambda n: bar.advance(task, n))
    merging = run_merging(engine)
    from orderhub.pipeline.review import run_review

    reviewed = run_review(engine, batch_size=batch)
    from orderhub.pipeline.allocate import run_allocation

    allocated = run_allocation(engine)
    out = {
        "cleaned": result.cleaned,
        "held": result.held,
        "holds": result.holds or {},
        "merged": [[m.target_id, *m.merged] for m in merging.merged],
        "merge_suggestions": len(merging.suggestions),
        "reviewed": reviewed.reviewed,
        "review_outcomes": reviewed.outcomes,
        "allocated": allocated.allocated,
        "presale": allocated.presale,
        "out_of_stock": allocated.out_of_stock,
    }
    groups = len(merging.merged)
    if as_json:
        print_json(out)
    else:
        console.print(
            f"cleaned {out['cleaned']}, held {out['held']} {out['holds']}; merged "
            f"{groups} groups, {len(merging.suggestions)} suggestions; reviewed "
            f"{reviewed.reviewed} {reviewed.outcomes}; allocated {allocated.allocated}, presale "
            f"{allocated.presale}, out of stock {allocated.out_of_stock}"
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
