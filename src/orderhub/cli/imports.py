"""`orderhub import`: a platform document or a back-office export into a shop."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orderhub.channels.importer import FILE_FORMATS, JSON_FORMATS, ImportRequest, import_file
from orderhub.cli.common import JsonOpt, console, container, err, fail, print_json, progress
from orderhub.errors import BusinessError

FORMATS = ", ".join(JSON_FORMATS + FILE_FORMATS)


def import_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    shop: Annotated[str, typer.Option(help="shop code")],
    format: Annotated[str, typer.Option("--format", help=FORMATS)],
    profile: Annotated[
        str | None,
        typer.Option(
            help="csv/xlsx column profile: taobao, tmall, jd, pdd, douyin, "
            "generic-csv, or a JSON file of your own"
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Import orders from FILE; prints received/created/updated/unchanged/quarantined."""
    request = ImportRequest(shop=shop, format=format, path=file, profile=profile)
    try:
        if as_json:
            result = import_file(container().engine, request)
        else:
            with progress() as bar:
                task = bar.add_task(f"importing {file.name}", total=None)
                result = import_file(
                    container().engine,
                    request,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                )
    except BusinessError as exc:
        fail(exc, as_json)
    counts = result.as_counts()
    if as_json:
        print_json(counts)
        return
    console.print(" ".join(f"{k}={v}" for k, v in counts.items()))
    if result.quarantined:
        err.print(
            f"{result.quarantined} orders could not be read: `orderhub quarantine list --shop {shop}`"
        )
