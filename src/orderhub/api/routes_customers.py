"""`/api/v1/customers`: profiles, grades and the blacklist."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from orderhub.api.deps import ActorDep, EngineDep
from orderhub.api.schemas_customers import (
    BlacklistIn,
    BlacklistOut,
    CustomerOut,
    CustomerPageOut,
    GradeRulesIn,
    GradeRulesOut,
)
from orderhub.customers import grades, service

router = APIRouter(prefix="/api/v1", tags=["customers"])

_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "`CUSTOMER_NOT_FOUND`"}}


@router.get("/customers", response_model=CustomerPageOut)
def list_customers(
    engine: EngineDep,
    grade: Annotated[str | None, Query(max_length=16, description="e.g. A")] = None,
    blacklisted: Annotated[bool | None, Query()] = None,
    q: Annotated[
        str | None,
        Query(max_length=128, description="name, last digits of a phone, email or buyer id"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
) -> CustomerPageOut:
    """Newest customers first with order count, money spent and grade; phones are masked."""
    with engine.connect() as conn:
        page = service.list_customers(
            conn, grade=grade, blacklisted=blacklisted, search=q, limit=limit, cursor=cursor
        )
    return CustomerPageOut.of(page)


@router.get("/customers/{customer_id}", response_model=CustomerOut, responses=_NOT_FOUND)
def get_customer(customer_id: int, engine: EngineDep) -> CustomerOut:
    """One customer: identities, profile, grade, last 20 orders and why each order matched."""
    with engine.connect() as conn:
        return CustomerOut.of(service.customer_profile(conn, customer_id))


@router.post(
    "/customers/{customer_id}/blacklist", response_model=BlacklistOut, responses=_NOT_FOUND
)
def blacklist_customer(
    customer_id: int, body: BlacklistIn, engine: EngineDep, actor: ActorDep, request: Request
) -> BlacklistOut:
    """Blacklist the customer (or change the reason); recorded as a security event."""
    with engine.begin() as conn:
        change = service.blacklist(
            conn, customer_id, reason=body.reason, actor=actor, remote_addr=_client(request)
        )
    return BlacklistOut.of(change)


@router.delete(
    "/customers/{customer_id}/blacklist", response_model=BlacklistOut, responses=_NOT_FOUND
)
@router.post(
    "/customers/{customer_id}/unblacklist", response_model=BlacklistOut, responses=_NOT_FOUND
)
def unblacklist_customer(
    customer_id: int, body: BlacklistIn, engine: EngineDep, actor: ActorDep, request: Request
) -> BlacklistOut:
    """Take the customer off the blacklist, with a reason; recorded as a security event."""
    with engine.begin() as conn:
        change = service.unblacklist(
            conn, customer_id, reason=body.reason, actor=actor, remote_addr=_client(request)
        )
    return BlacklistOut.of(change)


@router.get("/customer-grades", response_model=GradeRulesOut)
def get_grade_rules(engine: EngineDep) -> GradeRulesOut:
    """The grade rules, best first (`is_default` when the seller never set any)."""
    with engine.connect() as conn:
        return GradeRulesOut.of(grades.grade_rules(conn))


@router.put(
    "/customer-grades",
    response_model=GradeRulesOut,
    responses={422: {"description": "`GRADE_RULES_INVALID` or a validation error"}},
)
def put_grade_rules(body: GradeRulesIn, engine: EngineDep, actor: ActorDep) -> GradeRulesOut:
    """Replace the grade rules; an empty list restores the defaults."""
    data = body.model_dump(mode="json")
    with engine.begin() as conn:
        return GradeRulesOut.of(grades.set_grade_rules(conn, data, actor=actor))


def _client(request: Request) -> str:
    return request.client.host if request.client else ""
