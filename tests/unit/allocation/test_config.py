from __future__ import annotations

import json
from typing import Any

import pytest

from orderhub.allocation import AllocationConfig, AllocationConfigError, AllocationErrorCode


def test_defaults_are_single_first_by_distance_with_splits_allowed() -> None:
    config = AllocationConfig.from_dict({})
    assert (config.strategy, config.tiebreak, config.split) == ("single_first", "nearest", True)
    assert config.ranking == "nearest"


def test_round_trip_through_json_normalises_province_names() -> None:
    raw = {
        "strategy": "region_map",
        "tiebreak": "nearest",
        "split": False,
        "region_map": {"华东": ["WH-SH", "WH-BJ"], "广东": ["WH-GZ"], "*": ["WH-SH"]},
    }
    config = AllocationConfig.from_dict(raw)
    assert config.region_map["广东省"] == ("WH-GZ",)
    again = AllocationConfig.from_dict(json.loads(json.dumps(config.to_dict())))
    assert again == config
    assert again.to_dict()["region_map"] == {
        "华东": ["WH-SH", "WH-BJ"],
        "广东省": ["WH-GZ"],
        "*": ["WH-SH"],
    }


@pytest.mark.parametrize(
    ("raw", "field", "words"),
    [
        ({"strategy": "fastest"}, "strategy", "unknown strategy"),
        ({"strategy": 3}, "strategy", "must be text"),
        ({"tiebreak": "random"}, "tiebreak", "unknown tiebreak"),
        ({"split": "yes"}, "split", "true or false"),
        ({"warehouses": []}, "warehouses", "unknown setting"),
        ({"strategy": "region_map"}, "region_map", "needs a region_map"),
        ({"tiebreak": "region_map"}, "region_map", "needs a region_map"),
        ({"region_map": ["WH-SH"]}, "region_map", "must map"),
        ({"region_map": {"火星": ["WH-SH"]}}, "region_map.火星", "not a province or region"),
        ({"region_map": {"华东": []}}, "region_map.华东", "non-empty list"),
        ({"region_map": {"华东": "WH-SH"}}, "region_map.华东", "non-empty list"),
        ({"region_map": {"华东": ["WH-SH", 7]}}, "region_map.华东[1]", "warehouse code"),
        ({"region_map": {"华东": ["WH-SH", "WH-SH"]}}, "region_map.华东[1]", "listed twice"),
        ({"region_map": {"广东": ["WH-GZ"], "广东省": ["WH-SH"]}}, "region_map.广东省", "twice"),
    ],
)
def test_bad_settings_name_the_field(raw: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(AllocationConfigError) as error:
        AllocationConfig.from_dict(raw)
    assert error.value.field == field
    assert words in error.value.message
    assert error.value.code == AllocationErrorCode.ALLOCATION_CONFIG_INVALID
