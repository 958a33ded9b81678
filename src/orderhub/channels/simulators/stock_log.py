"""What a simulator received on its stock-push endpoint, for tests to read back."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ReceivedPush:
    """One push that passed the auth checks: the platform's item key, the quantity asked, and
    the refusal the simulator answered ("" when the quantity was taken)."""

    item: str
    quantity: int
    error: str = ""

    @property
    def accepted(self) -> bool:
        return not self.error


@dataclass(slots=True)
class PushLog:
    """Thread-safe record of a push endpoint. `calls` counts every request addressed to it
    (refused credentials and injected failures included); `received` holds those that got past
    the checks, in arrival order."""

    calls: int = 0
    received: list[ReceivedPush] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count_call(self) -> None:
        with self._lock:
            self.calls += 1

    def record(self, item: str, quantity: int, *, error: str = "") -> None:
        with self._lock:
            self.received.append(ReceivedPush(item, quantity, error))

    def accepted(self) -> list[ReceivedPush]:
        with self._lock:
            return [push for push in self.received if push.accepted]

    def last_quantity(self) -> dict[str, int]:
        """The last quantity taken per item."""
        return {push.item: push.quantity for push in self.accepted()}
