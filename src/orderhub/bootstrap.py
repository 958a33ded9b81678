"""The composition root: settings, database and services are wired here and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from orderhub.db import migrate, shops_repo
from orderhub.db.engine import make_engine
from orderhub.orders.domain import utc_now
from orderhub.pipeline.runner import tune_collector
from orderhub.settings import Settings

MANUAL_SHOP = "manual"


@dataclass(slots=True)
class Container:
    settings: Settings
    engine: Engine

    def close(self) -> None:
        self.engine.dispose()


def build(settings: Settings | None = None) -> Container:
    settings = settings or Settings()
    tune_collector()
    engine = make_engine(
        settings.database_url,
        sqlite_synchronous=settings.sqlite_synchronous,
        echo=settings.echo_sql,
    )
    return Container(settings=settings, engine=engine)


def init_database(container: Container) -> None:
    """Migrate to the latest schema and make sure the built-in manual-order shop exists."""
    migrate.upgrade(container.engine)
    with container.engine.begin() as conn:
        if shops_repo.shop_by_code(conn, MANUAL_SHOP) is None:
            shops_repo.create_shop(
                conn,
                code=MANUAL_SHOP,
                name="手工订单 Manual orders",
                platform="manual",
                currency="CNY",
                now=utc_now(),
            )
