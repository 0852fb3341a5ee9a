"""Coverage and gaps: silences longer than the data's own rhythm."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl

from hotwash.evidence.coverage import GapPolicy, covered_window, find_gaps, source_gaps
from hotwash.evidence.model import Evidence, Gap, Window

T0 = datetime(2024, 5, 14, 14, 0, tzinfo=UTC)
ASKED = Window(start=T0, end=T0 + timedelta(hours=1))


def frame(seconds: list[int], kind: str = "log", stream: str = "a") -> pl.DataFrame:
    return pl.DataFrame(
        {
            "ts": [T0 + timedelta(seconds=s) for s in seconds],
            "kind": [kind] * len(seconds),
            "stream": [stream] * len(seconds),
        }
    )


def test_a_silence_far_longer_than_usual_is_a_gap() -> None:
    seconds = [*range(0, 600, 10), *range(1200, 3600, 10)]
    gaps = find_gaps(frame(seconds), ASKED, GapPolicy(factor=5, floor=timedelta(minutes=1)))
    assert [(g.start, g.end) for g in gaps] == [
        (T0 + timedelta(seconds=590), T0 + timedelta(seconds=1200))
    ]
    assert "no data for longer than 1m 00s" in gaps[0].reason


def test_the_floor_keeps_sparse_but_regular_data_gap_free() -> None:
    seconds = list(range(0, 3600, 240))
    assert find_gaps(frame(seconds), ASKED, GapPolicy(factor=1, floor=timedelta(minutes=5))) == []


def test_sparse_kinds_have_no_gaps() -> None:
    assert find_gaps(frame([0, 3000], kind="chat"), ASKED, GapPolicy()) == []


def test_metric_gaps_are_per_series_and_ignore_a_series_starting_late() -> None:
    early = frame(list(range(0, 3600, 60)), kind="metric", stream="5xx")
    late = frame(list(range(1800, 3600, 60)), kind="metric", stream="ALERTS")
    holed = frame([*range(0, 900, 60), *range(2400, 3600, 60)], kind="metric", stream="p99")
    gaps = find_gaps(pl.concat([early, late, holed]), ASKED, GapPolicy())
    assert [(g.start, g.end) for g in gaps] == [
        (T0 + timedelta(seconds=840), T0 + timedelta(seconds=2400))
    ]


def test_covered_window_is_first_to_last_record() -> None:
    assert covered_window(frame([30, 5, 90])) == Window(
        start=T0 + timedelta(seconds=5), end=T0 + timedelta(seconds=90)
    )
    assert covered_window(frame([])) is None


def entry(fmt: str, start: int, end: int, gaps: list[Gap] | None = None) -> Evidence:
    return Evidence(
        sha256="a" * 64, source="s", kind="logfile", format=fmt, window_asked=ASKED,
        window_covered=Window(start=T0 + timedelta(minutes=start), end=T0 + timedelta(minutes=end)),
        fetched_at=T0, size=1, records=10, gaps=gaps or [],
    )  # fmt: skip


def test_rotated_files_together_cover_the_window() -> None:
    entries = [entry("log.nginx", 0, 30), entry("log.nginx", 30, 60)]
    assert source_gaps(entries, ASKED, timedelta(minutes=5)) == []


def test_a_log_that_ends_early_leaves_a_gap_to_the_end_of_the_window() -> None:
    gaps = source_gaps([entry("log.json", 0, 40)], ASKED, timedelta(minutes=5))
    assert [(g.start, g.end) for g in gaps] == [(T0 + timedelta(minutes=40), ASKED.end)]


def test_pod_logs_cover_the_pod_life_not_the_window() -> None:
    assert source_gaps([entry("log.kubectl", 20, 30)], ASKED, timedelta(minutes=5)) == []
