"""What every `orderhub` sub-command shares: consoles, JSON output, error exits, progress."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from orderhub.bootstrap import Container, build
from orderhub.errors import BusinessError

console = Console()
err = Console(stderr=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="print JSON only")]


def container() -> Container:
    return build()


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")


def fail(exc: BusinessError, as_json: bool) -> NoReturn:
    """Report a business error (as JSON with --json) and exit 1."""
    if as_json:
        print_json(
            {"error": {"code": exc.code.value, "message": exc.message, "details": exc.details}}
        )
    else:
        err.print(f"[red]{exc.code.value}[/red]: {exc.message}")
    raise typer.Exit(code=1)


def progress() -> Progress:
    return Progress(
        *Progress.get_default_columns()[:1],
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
    )
