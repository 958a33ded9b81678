"""Dependencies shared by routes: the engine and who is acting."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy import Engine


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.container.engine
    return engine


def get_actor(
    x_orderhub_user: Annotated[str | None, Header(max_length=100)] = None,
) -> str:
    """Who is acting; until authentication lands, the caller names itself (default `api`)."""
    return f"user:{x_orderhub_user}" if x_orderhub_user else "api"


EngineDep = Annotated[Engine, Depends(get_engine)]
ActorDep = Annotated[str, Depends(get_actor)]
