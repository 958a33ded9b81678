"""Province names, regions and great-circle distances between Chinese cities."""

from __future__ import annotations

import math
from functools import lru_cache

from orderhub.allocation.data.places import CITY_COORDINATES, PROVINCES, REGIONS

PROVINCE_REGION: dict[str, str] = {full: region for full, _, region, _ in PROVINCES}
PROVINCE_CAPITAL: dict[str, str] = {full: capital for full, _, _, capital in PROVINCES}
REGION_NAMES: frozenset[str] = frozenset(REGIONS)

# Carriers often exclude these or charge a surcharge (偏远地区).
REMOTE_PROVINCES: frozenset[str] = frozenset(
    {"新疆维吾尔自治区", "西藏自治区", "青海省", "内蒙古自治区"}
)

_ALIASES: dict[str, str] = {
    alias: full for full, short, _, _ in PROVINCES for alias in (full, short, short + "省")
}
_EARTH_RADIUS_KM = 6371.0


def canonical_province(name: str) -> str | None:
    """Full province name for ``广东``/``广东省``/``内蒙古`` etc., or None when unknown."""
    return _ALIASES.get(name.strip())


def region_of(province: str) -> str | None:
    """The region (华东, 华南, ...) of a province, accepting short names."""
    full = canonical_province(province)
    return PROVINCE_REGION.get(full) if full else None


def place_coordinates(province: str, city: str = "") -> tuple[float, float] | None:
    """The city's coordinates, else its province capital's; None when both are unknown."""
    city = city.strip()
    point = CITY_COORDINATES.get(city) or CITY_COORDINATES.get(city + "市")
    if point is not None:
        return point
    full = canonical_province(province)
    return CITY_COORDINATES[PROVINCE_CAPITAL[full]] if full else None


@lru_cache(maxsize=4096)
def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle (haversine) distance in kilometres between two (lat, lon) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * _EARTH_RADIUS_KM * math.asin(math.sqrt(h))
