"""`orderhub customers …`: profiles, grades and the blacklist."""

from __future__ import annotations

import typer

app = typer.Typer(help="Customers across channels.", no_args_is_help=True)
