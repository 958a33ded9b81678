"""API (and CLI `--json`) shapes of merging, undoing merges, splitting and merge suggestions."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from orderhub.db.merge_policy_repo import policy_to_json
from orderhub.orders.merging import MergeGroup, MergePolicy, RefusedPair

Reason = Annotated[str, Field(min_length=1, max_length=2000)]
LineNo = Annotated[int, Field(ge=1)]
Quantity = Annotated[int, Field(ge=1, le=1_000_000)]


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    order_ids: list[Annotated[int, Field(ge=1)]] = Field(min_length=2, max_length=100)
    reason: Reason


class MergeOut(BaseModel):
    target_id: int
    merged: list[int]


class UnmergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: Reason


class UnmergeOut(BaseModel):
    order_id: int
    released: list[int]


class SplitIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    take: dict[LineNo, Quantity] = Field(
        min_length=1, max_length=500, description="line number → quantity to move"
    )
    reason: Reason


class SplitOut(BaseModel):
    order_id: int
    new_order_id: int
    new_order_no: str


class PolicyOut(BaseModel):
    enabled_auto: bool
    window_hours: int | float
    shop_groups: list[list[str]]

    @classmethod
    def of(cls, policy: MergePolicy) -> PolicyOut:
        return cls(**policy_to_json(policy))


class SuggestionOut(BaseModel):
    target_id: int
    order_ids: list[int]
    reason: str
    automatic: bool
    new: bool | None = None


class RefusalOut(BaseModel):
    order_ids: list[int]
    reason: str
    new: bool | None = None


class SuggestionsOut(BaseModel):
    policy: PolicyOut
    suggestions: list[SuggestionOut]
    refused: list[RefusalOut]

    @classmethod
    def of(
        cls, policy: MergePolicy, groups: list[MergeGroup], refused: list[RefusedPair]
    ) -> SuggestionsOut:
        return cls(
            policy=PolicyOut.of(policy),
            suggestions=[
                SuggestionOut(
                    target_id=g.order_ids[0],
                    order_ids=list(g.order_ids),
                    reason=g.reason,
                    automatic=g.automatic,
                )
                for g in groups
            ],
            refused=[RefusalOut(order_ids=[a, b], reason=why) for a, b, why in refused],
        )
