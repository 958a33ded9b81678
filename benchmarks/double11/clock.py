"""The day: 2026-11-11 in Beijing time, its order curve (the midnight rush, a quiet night, the
evening peak from 20:00) and the time texts the platforms write."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
DAY_START = int(datetime(2026, 11, 11, tzinfo=BEIJING).timestamp())
DAY_SECONDS = 86_400
MERGE_WINDOW = 30 * 60  # a merge candidate follows its first order within 30 minutes

# Share of the day's orders per hour (Beijing), after public Double 11 curves.
HOURLY = (
    18.0, 6.0, 2.5, 1.2, 0.8, 0.7, 1.0, 1.5, 2.5, 3.5, 4.0, 4.0,
    4.0, 4.0, 3.8, 3.8, 3.8, 3.5, 3.5, 4.5, 8.0, 8.0, 7.0, 6.0,
)  # fmt: skip


def _minute_weight(minute: int) -> float:
    hour, inside = divmod(minute, 60)
    weight = HOURLY[hour]
    if hour == 0:
        weight *= 1 + 6 * math.exp(-inside / 6)  # the first minutes of the sale
    elif hour == 20:
        weight *= 1 + 2 * math.exp(-inside / 10)  # the evening session opens
    return weight


def orders_per_minute(total: int) -> list[int]:
    """`total` spread over the 1,440 minutes of the day by the curve (largest remainders)."""
    weights = [_minute_weight(m) for m in range(DAY_SECONDS // 60)]
    scale = total / sum(weights)
    exact = [w * scale for w in weights]
    counts = [int(x) for x in exact]
    left = total - sum(counts)
    order = sorted(range(len(exact)), key=lambda m: (counts[m] - exact[m], m))
    for m in order[:left]:
        counts[m] += 1
    return counts


_DATES: dict[int, str] = {}


def _date(day: int) -> str:
    text = _DATES.get(day)
    if text is None:
        moment = datetime.fromtimestamp(DAY_START + day * DAY_SECONDS, BEIJING)
        text = _DATES[day] = moment.strftime("%Y-%m-%d")
    return text


def _clock(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def beijing_text(ts: int) -> str:
    """'2026-11-11 00:00:05': how TOP, JD, PDD and 抖店 write times."""
    day, seconds = divmod(ts - DAY_START, DAY_SECONDS)
    return f"{_date(day)} {_clock(seconds)}"


def beijing_iso(ts: int) -> str:
    """'2026-11-11T00:00:05+08:00': Shopify times of a shop set to Asia/Shanghai."""
    day, seconds = divmod(ts - DAY_START, DAY_SECONDS)
    return f"{_date(day)}T{_clock(seconds)}+08:00"


def gmt_text(ts: int) -> str:
    """'2026-11-10T16:00:05': WooCommerce `*_gmt` fields (UTC, no offset)."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def local_text(ts: int, utc_offset: int) -> str:
    """WooCommerce local times (the store's zone, no offset)."""
    return datetime.fromtimestamp(ts + utc_offset * 3600, UTC).strftime("%Y-%m-%dT%H:%M:%S")
