"""Alembic environment: the engine comes from `orderhub.db.migrate` (or ORDERHUB_DATABASE_URL)."""

from alembic import context
from sqlalchemy import Engine

from orderhub.db.schema import metadata

config = context.config


def _engine() -> Engine:
    engine: Engine | None = config.attributes.get("engine")
    if engine is None:
        from orderhub.db.engine import make_engine
        from orderhub.settings import Settings

        engine = make_engine(Settings().database_url)
    return engine


def run_migrations_online() -> None:
    with _engine().connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
