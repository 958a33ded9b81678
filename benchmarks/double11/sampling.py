"""Drawing from cumulative weights without `random.choices`' per-call overhead."""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Sequence
from typing import TypeVar

_T = TypeVar("_T")


def pick(values: Sequence[_T], cum: Sequence[float], rng: random.Random) -> _T:
    """A value drawn by cumulative weights `cum` (as `random.choices(cum_weights=...)`)."""
    return values[min(bisect(cum, rng.random() * cum[-1]), len(values) - 1)]
