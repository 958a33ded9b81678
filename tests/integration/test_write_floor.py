"""The SQLite write floor (`benchmarks.double11.floor`): the replay writes exactly what the
pipeline's day holds, and says so when it does not."""

from __future__ import annotations

import pytest
from benchmarks.double11 import floor


def test_the_floor_is_measured_on_a_replay_of_the_whole_day(capsys):
    assert floor.main(["--orders", "300", "--chunk", "100", "--runs", "1"]) == 0
    out = capsys.readouterr().out
    assert "sqlite: 300 deliveries = " in out
    assert "write floor (median of 1 replays)" in out
    assert "pipeline (one run)" in out


def test_a_replay_that_left_rows_out_is_refused(tmp_path, monkeypatch):
    floor.day_database(tmp_path, orders=300, seed=11, chunk=100)
    day = floor.Day(tmp_path, chunks=3)
    read = floor.Day.rows

    def without_events(self, k):
        rows = read(self, k)
        rows["order_events"] = rows["order_events"][:-1]
        return rows

    monkeypatch.setattr(floor.Day, "rows", without_events)
    with pytest.raises(SystemExit, match="replay differs from the day: SELECT count"):
        floor.replay(tmp_path, day)
