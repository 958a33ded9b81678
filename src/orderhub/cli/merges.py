"""`orderhub orders merge|unmerge|split` and merge suggestions."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Merge orders to one receiver, undo merges, split orders.", no_args_is_help=True
)
