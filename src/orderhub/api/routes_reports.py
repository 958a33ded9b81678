"""`/api/v1/reports/…`: read-only summaries for the console."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from zoneinfo import available_timezones

from fastapi import APIRouter, HTTPException, Query

from orderhub.analytics.day import day_summary
from orderhub.api.deps import EngineDep

router = APIRouter(prefix="/api/v1", tags=["reports"])


@router.get("/reports/day")
def day_report(
    day: date,
    engine: EngineDep,
    tz: Annotated[str, Query(description="IANA time zone of the day")] = "Asia/Shanghai",
) -> dict[str, Any]:
    """The day's orders per hour, shop, province and status, and the money per currency."""
    if tz not in available_timezones():
        raise HTTPException(status_code=422, detail=f"unknown time zone {tz}")
    with engine.connect() as conn:
        return day_summary(conn, day, tz=tz)
