"""The `orderhub` command. `--json` prints machine-readable JSON only, for scripts."""

from __future__ import annotations

import typer

from orderhub.cli import channels, customers, imports, merges, orders, pipeline, review, system
from orderhub.cli.publish import app as publish_app
from orderhub.cli.stock import allocation_app, carriers_app, stock_app

app = typer.Typer(
    help="OrderHub (汇单): every channel's orders in one place.", no_args_is_help=True
)
app.registered_commands += system.app.registered_commands
app.command("sync")(channels.sync)
app.command("import")(imports.import_command)
app.add_typer(orders.app, name="orders")
app.add_typer(channels.shops_app, name="shops")
app.add_typer(channels.quarantine_app, name="quarantine")
app.add_typer(pipeline.pipeline_app, name="pipeline")
app.add_typer(pipeline.skus_app, name="skus")
app.add_typer(pipeline.address_app, name="address")
app.add_typer(pipeline.specs_app, name="specs")
app.add_typer(customers.app, name="customers")
app.add_typer(merges.app, name="merges")
app.add_typer(review.rules_app, name="rules")
app.add_typer(review.review_app, name="review")
app.add_typer(publish_app, name="publish")
app.add_typer(stock_app, name="stock")
app.add_typer(allocation_app, name="allocation")
app.add_typer(carriers_app, name="carriers")


def main() -> None:
    app()
