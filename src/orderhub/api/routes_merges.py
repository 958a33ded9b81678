"""`/api/v1/orders/…/merge|split`: merging orders to one receiver, undoing it, splitting."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1", tags=["merges"])
