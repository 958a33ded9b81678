from __future__ import annotations

import pytest

from orderhub.allocation.data.places import CITY_COORDINATES, PROVINCES
from orderhub.allocation.geo import (
    PROVINCE_CAPITAL,
    REMOTE_PROVINCES,
    canonical_province,
    distance_km,
    place_coordinates,
    region_of,
)


def test_every_province_level_division_has_a_region_and_a_located_capital() -> None:
    assert len(PROVINCES) == 34  # 31 mainland + 香港, 澳门, 台湾
    for full, short, region, capital in PROVINCES:
        assert canonical_province(short) == full
        assert region_of(full) == region
        assert capital in CITY_COORDINATES, capital
    assert REMOTE_PROVINCES <= set(PROVINCE_CAPITAL)


@pytest.mark.parametrize(
    ("name", "region"),
    [
        ("上海市", "华东"),
        ("广东省", "华南"),
        ("北京", "华北"),
        ("四川", "西南"),
        ("湖北省", "华中"),
        ("黑龙江省", "东北"),
        ("新疆", "西北"),
        ("香港特别行政区", "港澳台"),
        ("火星", None),
    ],
)
def test_region_of(name: str, region: str | None) -> None:
    assert region_of(name) == region


def test_great_circle_distances_match_known_figures() -> None:
    shanghai, beijing = CITY_COORDINATES["上海市"], CITY_COORDINATES["北京市"]
    assert distance_km(shanghai, beijing) == pytest.approx(1067, abs=10)
    assert distance_km(CITY_COORDINATES["广州市"], CITY_COORDINATES["深圳市"]) == pytest.approx(
        105, abs=10
    )
    assert distance_km(shanghai, shanghai) == 0


def test_unknown_city_falls_back_to_the_province_capital() -> None:
    assert place_coordinates("广东省", "深圳") == CITY_COORDINATES["深圳市"]
    assert place_coordinates("广东省", "不存在市") == CITY_COORDINATES["广州市"]
    assert place_coordinates("Ontario", "Toronto") is None
