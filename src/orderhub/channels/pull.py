"""Incremental pull of one shop: windows with overlap, page tokens, retries with backoff.

The cursor (window + page token) is saved in the same transaction as the page's orders, so a
crash mid-pull resumes at the first page not yet committed: no gap, no double. Windows overlap
the previous one so late-indexed updates are not missed; the overlap re-reads some orders,
which ingest recognises as unchanged. At most one pull per shop runs at a time (a lease in the
database, so this holds across processes).
"""

from __future__ import annotations

import logging
import os
import random
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine

from orderhub.channels import registry
from orderhub.channels.base import ChannelAdapter, PullPage, PullWindow, ShopContext
from orderhub.channels.errors import PlatformUnsupported, SyncFailed, SyncInProgress
from orderhub.channels.http import ChannelError, ChannelHttp, TransientChannelError
from orderhub.channels.receive import ReceiveResult, parse_raw, receive
from orderhub.channels.shops import context_of, load_shop
from orderhub.db import cursors_repo
from orderhub.db.shops_repo import ShopRecord
from orderhub.orders.domain import utc_now

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PullSettings:
    overlap: timedelta = timedelta(minutes=10)
    first_lookback: timedelta = timedelta(days=3)
    max_attempts: int = 8
    base_delay: float = 0.5
    max_delay: float = 60.0
    http_timeout: float = 20.0
    lease: timedelta = timedelta(minutes=10)


HttpFactory = Callable[[ShopRecord, float], ChannelHttp]


def default_http(shop: ShopRecord, timeout: float) -> ChannelHttp:
    base_url = shop.credentials.get("base_url")
    if not base_url:
        raise SyncFailed(shop.ref.code, "credentials have no base_url (the platform's API address)")
    return ChannelHttp(str(base_url), timeout=timeout)


@dataclass(slots=True)
class SyncResult(ReceiveResult):
    pages: int = 0
    retries: int = 0
    synced_until: datetime | None = None

    def as_counts(self) -> dict[str, int]:
        return {**ReceiveResult.as_counts(self), "pages": self.pages, "retries": self.retries}


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def sync_shop(
    engine: Engine,
    code: str,
    *,
    settings: PullSettings | None = None,
    http_factory: HttpFactory = default_http,
    sleep: Callable[[float], None] = time.sleep,
    on_page: Callable[[SyncResult], None] | None = None,
) -> SyncResult:
    """Pull everything the shop's platform changed since the last pull."""
    settings = settings or PullSettings()
    holder = holder_name()
    with engine.connect() as conn:
        shop = load_shop(conn, code)
    try:
        adapter = registry.adapter_for(shop.ref.platform)
    except LookupError:
        raise PlatformUnsupported(shop.ref.platform, registry.platforms()) from None
    http = http_factory(shop, settings.http_timeout)  # refuses before any lock is taken
    try:
        _claim(engine, shop, holder, settings)
    except SyncInProgress:
        http.close()
        raise
    error: str | None = None
    try:
        return _Run(engine, shop, adapter, settings, sleep, holder).pull(http, on_page)
    except ChannelError as exc:
        error = f"{exc.__class__.__name__}: {exc}"
        raise SyncFailed(code, str(exc)) from exc
    finally:
        http.close()
        with engine.begin() as conn:
            cursors_repo.release(conn, shop.ref.id, holder=holder, now=utc_now(), error=error)


def _claim(engine: Engine, shop: ShopRecord, holder: str, settings: PullSettings) -> None:
    with engine.begin() as conn:
        now = utc_now()
        if not cursors_repo.claim(
            conn, shop.ref.id, holder=holder, now=now, until=now + settings.lease
        ):
            holder_now = cursors_repo.holder_of(conn, shop.ref.id) or "another worker"
            raise SyncInProgress(shop.ref.code, holder_now)


@dataclass(slots=True)
class _Run:
    engine: Engine
    shop: ShopRecord
    adapter: ChannelAdapter
    settings: PullSettings
    sleep: Callable[[float], None]
    holder: str

    def pull(self, http: ChannelHttp, on_page: Callable[[SyncResult], None] | None) -> SyncResult:
        result = SyncResult()
        window, token = self._window()
        context = context_of(self.shop)
        while True:
            page = self._fetch(http, context, window, token, result)
            self._store(page, context, window, result)
            if on_page:
                on_page(result)
            if page.next_page_token is None:
                result.synced_until = window.end
                return result
            token = page.next_page_token

    def _window(self) -> tuple[PullWindow, str | None]:
        """Resume the window in progress, or open a new one from the last synced time."""
        with self.engine.begin() as conn:
            cursor = cursors_repo.load(conn, self.shop.ref.id)
            if cursor.window_start is not None:
                return PullWindow(cursor.window_start, cursor.window_end), cursor.page_token
            now = utc_now()
            start = (
                cursor.synced_until or now - self.settings.first_lookback
            ) - self.settings.overlap
            cursors_repo.save(
                conn, self.shop.ref.id, window_start=start, window_end=now, page_token=None
            )
            return PullWindow(start, now), None

    def _fetch(
        self,
        http: ChannelHttp,
        context: ShopContext,
        window: PullWindow,
        token: str | None,
        result: SyncResult,
    ) -> PullPage:
        """One page, retrying transient failures with exponential backoff and jitter."""
        for attempt in range(1, self.settings.max_attempts + 1):
            try:
                return self.adapter.pull_page(http, context, window, token)
            except TransientChannelError as exc:
                if attempt == self.settings.max_attempts:
                    raise
                result.retries += 1
                delay = (
                    exc.retry_after
                    if exc.retry_after is not None
                    else min(self.settings.max_delay, self.settings.base_delay * 2 ** (attempt - 1))
                )
                log.info("shop %s: %s; retry %d in %.1fs", self.shop.ref.code, exc, attempt, delay)
                self.sleep(delay * random.uniform(1.0, 1.25))
        raise AssertionError("unreachable")

    def _store(
        self, page: PullPage, context: ShopContext, window: PullWindow, result: SyncResult
    ) -> None:
        """The page's orders and the cursor that follows them, in one transaction."""
        parsed = [
            parse_raw(self.adapter, context, raw, source_ref=f"pull:{window.start.isoformat()}")
            for raw in page.orders
        ]
        now = utc_now()
        with self.engine.begin() as conn:
            stored = receive(conn, self.shop.ref, parsed, source="pull")
            done = page.next_page_token is None
            cursors_repo.save(
                conn,
                self.shop.ref.id,
                page_token=page.next_page_token,
                window_start=None if done else window.start,
                window_end=None if done else window.end,
                **({"synced_until": window.end} if done else {}),
                locked_until=now + self.settings.lease,
            )
        result.add(stored)
        result.pages += 1
