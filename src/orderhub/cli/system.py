"""`orderhub init | demo | serve | worker`: the database, the demo shop and the processes."""

from __future__ import annotations

from typing import Annotated

import typer

from orderhub.bootstrap import init_database
from orderhub.cli.common import console, container, err, progress
from orderhub.db import shops_repo

app = typer.Typer()


@app.command()
def init() -> None:
    """Create or migrate the database to the latest schema."""
    built = container()
    init_database(built)
    console.print(f"database ready: {built.engine.url.render_as_string(hide_password=True)}")


@app.command()
def demo(
    orders: Annotated[int, typer.Option(min=1, help="how many orders")] = 2000,
    seed: Annotated[int, typer.Option(help="random seed; same seed, same shop")] = 42,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="only when no demo shop is loaded")
    ] = False,
) -> None:
    """Load a realistic demo shop (shops, SKUs, warehouses, stock, customers' orders)."""
    from orderhub.demo.generator import generate_demo
    from orderhub.demo.load import load_demo

    built = container()
    init_database(built)
    with built.engine.connect() as conn:
        loaded = shops_repo.count_shops(conn) > 1
    if loaded:
        if if_empty:
            console.print("demo shop already loaded; skipping")
            return
        err.print("[red]the database already holds shops; use a new database for the demo[/red]")
        raise typer.Exit(code=1)
    data = generate_demo(orders=orders, seed=seed)
    with progress() as bar:
        task = bar.add_task("loading demo orders", total=len(data.orders))
        summary = load_demo(built.engine, data, progress=lambda n: bar.advance(task, n))
    console.print(
        f"demo loaded: {summary.shops} shops, {summary.skus} SKUs, "
        f"{summary.warehouses} warehouses, {summary.orders} orders"
    )


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="default 127.0.0.1")] = None,
    port: Annotated[int | None, typer.Option(help="default 8000")] = None,
) -> None:
    """Serve the API (OpenAPI docs at /docs)."""
    import uvicorn

    from orderhub.api.app import create_app
    from orderhub.workers.scheduler import PullScheduler

    built = container()
    init_database(built)
    settings = built.settings
    scheduler = PullScheduler(built.engine) if settings.scheduler else None
    if scheduler:
        scheduler.start()
    try:
        uvicorn.run(
            create_app(built),
            host=host or settings.host,
            port=port or settings.port,
            log_level="info",
        )
    finally:
        if scheduler:
            scheduler.shutdown()


@app.command()
def worker() -> None:
    """Run the periodic pulls without the API (for a separate worker process)."""
    import signal
    import threading

    from orderhub.workers.scheduler import PullScheduler

    built = container()
    init_database(built)
    scheduler = PullScheduler(built.engine)
    scheduler.start()
    console.print(f"pulling {len(scheduler.intervals)} shops; Ctrl+C to stop")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        scheduler.shutdown()
