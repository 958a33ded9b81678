"""`/api/v1/orders/…/merge|split`: merging orders to one receiver, undoing it, splitting."""

from __future__ import annotations

from fastapi import APIRouter

from orderhub.api.deps import ActorDep, EngineDep
from orderhub.api.schemas_merges import (
    MergeIn,
    MergeOut,
    SplitIn,
    SplitOut,
    SuggestionsOut,
    UnmergeIn,
    UnmergeOut,
)
from orderhub.orders.merge_actions import (
    find_merge_groups,
    load_policy,
    merge_orders,
    split_order,
    unmerge,
)

router = APIRouter(prefix="/api/v1", tags=["merges"])


@router.post("/orders/merge", response_model=MergeOut)
def merge(body: MergeIn, engine: EngineDep, actor: ActorDep) -> MergeOut:
    """Merge orders to one receiver into the earliest placed one (409 `ORDER_MERGE_REFUSED`
    naming the rule when they may not ship together)."""
    with engine.begin() as conn:
        result = merge_orders(conn, body.order_ids, actor=actor, reason=body.reason)
    return MergeOut(target_id=result.target_id, merged=list(result.merged))


@router.post("/orders/{order_id}/unmerge", response_model=UnmergeOut)
def undo_merge(order_id: int, body: UnmergeIn, engine: EngineDep, actor: ActorDep) -> UnmergeOut:
    """Undo the merges into this order: its lines and amounts restored, the others received."""
    with engine.begin() as conn:
        result = unmerge(conn, order_id, actor=actor, reason=body.reason)
    return UnmergeOut(order_id=result.target_id, released=list(result.released))


@router.post("/orders/{order_id}/split", response_model=SplitOut, status_code=201)
def split(order_id: int, body: SplitIn, engine: EngineDep, actor: ActorDep) -> SplitOut:
    """Move quantities of some lines (`take`: line number → quantity) to a new order."""
    with engine.begin() as conn:
        result = split_order(conn, order_id, body.take, actor=actor, reason=body.reason)
    return SplitOut(
        order_id=result.order_id,
        new_order_id=result.new_order_id,
        new_order_no=result.new_platform_order_id,
    )


@router.get("/merge-suggestions", response_model=SuggestionsOut)
def merge_suggestions(engine: EngineDep) -> SuggestionsOut:
    """Groups of orders that may ship as one now, and same-receiver pairs a rule keeps apart
    (read only: `orderhub merges suggest` records and, when the policy says so, merges)."""
    with engine.connect() as conn:
        policy = load_policy(conn)
        groups, refused = find_merge_groups(conn, policy)
    return SuggestionsOut.of(policy, groups, refused)
