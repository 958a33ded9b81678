"""Settings from the environment (ORDERHUB_*), with safe defaults for a local install."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ORDERHUB_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///orderhub.db",
        description="SQLAlchemy URL; e.g. postgresql+psycopg://user@host/db",
    )
    sqlite_synchronous: str = Field(
        default="NORMAL",
        description="SQLite durability: NORMAL loses at most the last transactions on power "
        "loss and never corrupts; FULL is durable and ~1/3 slower.",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    echo_sql: bool = False
    scheduler: bool = Field(
        default=True, description="run periodic channel pulls inside `orderhub serve`"
    )
