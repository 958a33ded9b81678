"""Periodic pulls: one job per pull-enabled shop at its own interval, never two at once; and
the stock push job.

APScheduler runs the jobs in threads (`max_instances=1` per shop); the database lease in
`channels.pull` keeps it to one pull per shop across processes too. The job list follows the
shops table: shops added, disabled or re-timed are picked up within a minute.

The stock push job runs `push_due` every `check_every_seconds` of the `stock_push` setting
(10 s; read at start): debounced pushes, zeros at once, and each shop's periodic full push,
all decided from timestamps in the database.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine

from orderhub.channels.errors import SyncFailed, SyncInProgress
from orderhub.channels.pull import PullSettings, sync_shop
from orderhub.db import shops_repo
from orderhub.errors import BusinessError
from orderhub.inventory.push import PushTiming, load_timing, push_due
from orderhub.orders.domain import utc_now

log = logging.getLogger(__name__)
_RECONCILE_JOB = "reconcile-shops"
_PUSH_JOB = "stock-push"
_DEFAULT_CHECK = PushTiming().check_every_seconds


class PullScheduler:
    def __init__(
        self,
        engine: Engine,
        *,
        settings: PullSettings | None = None,
        seconds_per_minute: float = 60.0,
        push_every_seconds: float | None = None,
    ) -> None:
        """`push_every_seconds` None: the `stock_push` setting's `check_every_seconds`."""
        self.engine = engine
        self.push_every_seconds = push_every_seconds
        self.settings = settings or PullSettings()
        self.seconds_per_minute = seconds_per_minute  # tests shrink time; production keeps 60
        self.scheduler = BackgroundScheduler(timezone="UTC")
        self.intervals: dict[str, int] = {}

    def start(self) -> None:
        self.reconcile()
        self.scheduler.add_job(
            self.reconcile,
            "interval",
            seconds=self.seconds_per_minute,
            id=_RECONCILE_JOB,
            max_instances=1,
            coalesce=True,
        )
        self.scheduler.add_job(
            self.push_stock,
            "interval",
            seconds=self.push_every_seconds or self._configured_push_every(),
            id=_PUSH_JOB,
            max_instances=1,
            coalesce=True,
        )
        self.scheduler.start()

    def shutdown(self) -> None:
        self.scheduler.shutdown(wait=True)

    def reconcile(self) -> None:
        """Make the jobs match the pull-enabled shops and their intervals."""
        with self.engine.connect() as conn:
            wanted = {
                s.ref.code: s.pull_interval_minutes for s in shops_repo.pull_enabled_shops(conn)
            }
        for code in set(self.intervals) - set(wanted):
            self.scheduler.remove_job(self._job_id(code))
            del self.intervals[code]
        for code, minutes in wanted.items():
            if self.intervals.get(code) == minutes:
                continue
            if code in self.intervals:
                self.scheduler.remove_job(self._job_id(code))
            self.scheduler.add_job(
                self.pull,
                "interval",
                args=[code],
                id=self._job_id(code),
                seconds=minutes * self.seconds_per_minute,
                max_instances=1,
                coalesce=True,
                next_run_time=utc_now() + timedelta(seconds=1),
            )
            self.intervals[code] = minutes

    def pull(self, code: str) -> None:
        try:
            result = sync_shop(self.engine, code, settings=self.settings)
            log.info("pulled %s: %s", code, result.as_counts())
        except SyncInProgress as exc:
            log.info("skipped %s: %s", code, exc.message)
        except SyncFailed as exc:
            log.warning("pull of %s failed: %s", code, exc.message)
        except Exception:
            log.exception("pull of %s crashed", code)

    def push_stock(self) -> None:
        """Push the stock quantities that are due; a failure is logged and retried next time."""
        try:
            summary = push_due(self.engine)
        except BusinessError as exc:
            log.warning("stock push refused: %s", exc.message)
            return
        except Exception:
            log.exception("stock push crashed")
            return
        for shop in summary.shops:
            if shop.pushed or shop.failed or shop.skipped or shop.note:
                log.info("stock push %s: %s", shop.shop, shop)

    def _configured_push_every(self) -> float:
        try:
            with self.engine.connect() as conn:
                return load_timing(conn).check_every_seconds
        except BusinessError as exc:
            log.warning("stock push: %s; checking every %ss", exc.message, _DEFAULT_CHECK)
            return _DEFAULT_CHECK

    @staticmethod
    def _job_id(code: str) -> str:
        return f"pull:{code}"
