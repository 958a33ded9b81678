"""The FastAPI application factory."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from orderhub import __version__
from orderhub.api import (
    routes_channels,
    routes_cleaning,
    routes_customers,
    routes_merges,
    routes_orders,
    routes_publish,
    routes_reports,
    routes_review,
    routes_stock,
)
from orderhub.api.deps import EngineDep
from orderhub.api.errors import install_error_handlers
from orderhub.bootstrap import Container


def create_app(container: Container) -> FastAPI:
    app = FastAPI(
        title="OrderHub API",
        version=__version__,
        description="汇单 OrderHub: one place for every channel's orders.",
    )
    app.state.container = container
    install_error_handlers(app)
    app.include_router(routes_orders.router)
    app.include_router(routes_channels.router)
    app.include_router(routes_cleaning.router)
    app.include_router(routes_customers.router)
    app.include_router(routes_merges.router)
    app.include_router(routes_review.router)
    app.include_router(routes_reports.router)
    app.include_router(routes_publish.router)
    app.include_router(routes_stock.router)

    @app.get("/healthz", tags=["health"])
    def healthz(engine: EngineDep) -> JSONResponse:
        """Liveness plus database reachability; 503 when the database cannot be reached."""
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            return JSONResponse(
                {"status": "error", "database": "unreachable", "detail": type(exc).__name__},
                status_code=503,
            )
        return JSONResponse({"status": "ok", "database": "ok", "version": __version__})

    return app
