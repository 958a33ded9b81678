"""`/api/v1/customers`: profiles, grades and the blacklist."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1", tags=["customers"])
