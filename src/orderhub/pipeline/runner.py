"""Every stage in order over what is waiting — clean, merge, review, allocate — in one process
or, on PostgreSQL, in several worker processes that each claim their own batches
(`FOR UPDATE SKIP LOCKED`). SQLite has one writer, so it always runs one process.

Merging looks at whole groups of orders, so only the first worker merges; the others clean,
review and allocate whatever batches they can claim.
"""

from __future__ import annotations

import gc
import multiprocessing
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from orderhub.db import statistics
from orderhub.db.engine import make_engine

STAGES = ("clean", "merge", "review", "allocate")

# Batches create and drop hundreds of thousands of small objects (rows, facts, decisions); at
# Python's default of a young collection every 700 allocations, the older generations were
# traversed so often — with the address index and caches alive in them — that collecting took
# a fifth of the pipeline's time (measured on the double11 day). Cycles are still collected.
GC_THRESHOLDS = (20_000, 20, 20)


def tune_collector() -> None:
    """Collect less often in a process that runs batches (the pipeline, serve, the CLI)."""
    if gc.get_threshold()[0] < GC_THRESHOLDS[0]:
        gc.set_threshold(*GC_THRESHOLDS)


@dataclass
class PipelineRun:
    cleaned: int = 0
    held: int = 0
    merged_groups: int = 0
    merge_suggestions: int = 0
    reviewed: int = 0
    review_outcomes: dict[str, int] = field(default_factory=dict)
    allocated: int = 0
    presale: int = 0
    out_of_stock: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, other: PipelineRun) -> None:
        for name in ("cleaned", "held", "merged_groups", "merge_suggestions", "reviewed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("allocated", "presale", "out_of_stock"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for key, n in other.review_outcomes.items():
            self.review_outcomes[key] = self.review_outcomes.get(key, 0) + n
        for key, s in other.seconds.items():
            self.seconds[key] = self.seconds.get(key, 0.0) + s


def run_stages(
    engine: Engine,
    *,
    batch_size: int = 1000,
    merge: bool = True,
    progress: Callable[[str, int], None] | None = None,
) -> PipelineRun:
    """One pass of every stage over what is waiting for it. The merging process (one of
    several workers) also refreshes stale planner statistics first (`db.statistics`)."""
    tune_collector()
    from orderhub.pipeline.allocate import run_allocation
    from orderhub.pipeline.clean import run_cleaning
    from orderhub.pipeline.merge import run_merging
    from orderhub.pipeline.review import run_review

    out = PipelineRun()

    def timed(stage: str, work: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        result = work()
        out.seconds[stage] = out.seconds.get(stage, 0.0) + time.perf_counter() - started
        return result

    def tick(stage: str) -> Callable[[int], None] | None:
        return (lambda n: progress(stage, n)) if progress else None

    if merge and engine.dialect.name == "postgresql":  # SQLite plans without statistics
        timed("statistics", lambda: _refresh_statistics(engine))
    cleaned = timed(
        "clean", lambda: run_cleaning(engine, batch_size=batch_size, progress=tick("clean"))
    )
    out.cleaned, out.held = cleaned.cleaned, cleaned.held
    if merge:
        merging = timed("merge", lambda: run_merging(engine))
        out.merged_groups, out.merge_suggestions = len(merging.merged), len(merging.suggestions)
    reviewed = timed(
        "review", lambda: run_review(engine, batch_size=batch_size, progress=tick("review"))
    )
    out.reviewed, out.review_outcomes = reviewed.reviewed, dict(reviewed.outcomes)
    allocated = timed(
        "allocate", lambda: run_allocation(engine, batch_size=batch_size, progress=tick("allocate"))
    )
    out.allocated, out.presale, out.out_of_stock = (
        allocated.allocated,
        allocated.presale,
        allocated.out_of_stock,
    )
    return out


def _refresh_statistics(engine: Engine) -> None:
    with engine.begin() as conn:
        statistics.refresh(conn)


def _worker(url: str, index: int, batch_size: int) -> PipelineRun:
    engine = make_engine(url)
    try:
        return run_stages(engine, batch_size=batch_size, merge=index == 0)
    finally:
        engine.dispose()


def run_workers(url: str, workers: int, *, batch_size: int = 1000) -> PipelineRun:
    """Run the stages in `workers` processes (PostgreSQL); their results added up."""
    if workers < 2 or not url.startswith("postgresql"):
        engine = make_engine(url)
        try:
            return run_stages(engine, batch_size=batch_size)
        finally:
            engine.dispose()
    total = PipelineRun()
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        for result in pool.starmap(_worker, [(url, i, batch_size) for i in range(workers)]):
            total.add(result)
    # A worker that finished early may have left orders another was still cleaning: drain them.
    total.add(_worker(url, 0, batch_size))
    return total
