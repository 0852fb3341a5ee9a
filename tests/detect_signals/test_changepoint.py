"""Metric change points: onset and recovery of an abnormal level, quiet otherwise."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import numpy as np
import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotwash.detect.base import DetectContext, all_detectors
from hotwash.detect.changepoint import (
    EXTREME_HISTORY,
    SETTLE,
    STUCK_MIN,
    MetricChangeDetector,
    find_changes,
    stuck_points,
)
from hotwash.model import Event

RecordsFactory = Callable[[list[dict[str, Any]]], pl.DataFrame]
ContextFactory = Callable[[datetime, float, float], DetectContext]
T0 = datetime(2024, 5, 11, 0, 0, tzinfo=UTC)
BASELINE_HOURS = 72
STEP_START = T0 + timedelta(hours=BASELINE_HOURS + 2)
STEP_END = T0 + timedelta(hours=BASELINE_HOURS + 4)


def series(step: float, seed: int = 7) -> list[dict[str, Any]]:
    """One sample a minute: 100 + a daily sine of amplitude 20 + noise, + ``step`` in the step."""
    rng = np.random.default_rng(seed)
    minutes = np.arange(0, (BASELINE_HOURS + 6) * 60)
    values = 100 + 20 * np.sin(2 * np.pi * minutes / 1440) + rng.normal(0, 2, minutes.size)
    ts = [T0 + timedelta(minutes=int(m)) for m in minutes]
    in_step = np.array([STEP_START <= t < STEP_END for t in ts])
    values = values + step * in_step
    return [
        {
            "ts": t,
            "kind": "metric",
            "source": "prometheus",
            "message": "http_request_duration_p99",
            "stream": '{service="checkout"}',
            "value": float(v),
        }
        for t, v in zip(ts, values, strict=True)
    ]


def run(records: pl.DataFrame, context: DetectContext) -> list[Event]:
    return list(MetricChangeDetector().detect(records, context))


def test_registered() -> None:
    assert all_detectors()["changepoint"] is MetricChangeDetector


def test_onset_and_recovery_of_a_step(
    make_records: RecordsFactory, make_context: ContextFactory
) -> None:
    events = run(make_records(series(step=60)), make_context(T0, BASELINE_HOURS, 6))
    assert len(events) == 2
    onset, recovery = events
    assert timedelta(0) <= onset.at - STEP_START <= timedelta(minutes=1)
    assert timedelta(0) <= recovery.at - STEP_END <= timedelta(minutes=1)
    assert onset.title.startswith('http_request_duration_p99{service="checkout"} rose: ')
    assert "recovered" in recovery.title
    before, during = (float(x) for x in onset.title.split(": ")[1].split(" -> "))
    assert abs(before - 100) < 25 and abs(during - before - 60) < 10
    assert onset.evidence and onset.evidence[0].endswith(f"#L{BASELINE_HOURS * 60 + 121}")
    assert onset.kind == "signal" and onset.auto and onset.source == "prometheus"


def test_daily_cycle_and_noise_alone_give_nothing(
    make_records: RecordsFactory, make_context: ContextFactory
) -> None:
    for seed in range(3):
        records = make_records(series(step=0, seed=seed))
        assert run(records, make_context(T0, BASELINE_HOURS, 6)) == []


def test_a_drop_is_reported_as_falling(
    make_records: RecordsFactory, make_context: ContextFactory
) -> None:
    events = run(make_records(series(step=-80)), make_context(T0, BASELINE_HOURS, 6))
    assert " fell: " in events[0].title


def test_series_without_baseline_is_skipped(
    make_records: RecordsFactory, make_context: ContextFactory
) -> None:
    rows = [r for r in series(step=60) if r["ts"] >= T0 + timedelta(hours=BASELINE_HOURS)]
    assert run(make_records(rows), make_context(T0, BASELINE_HOURS, 6)) == []


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    value=st.floats(-1e9, 1e9, allow_nan=False) | st.sampled_from([0.0, 1.0]),
    points=st.integers(1, 300),
)
def test_constant_series_gives_nothing(
    value: float, points: int, make_records: RecordsFactory, make_context: ContextFactory
) -> None:
    rows = [
        {"ts": T0 + timedelta(minutes=i), "kind": "metric", "message": "up", "value": value}
        for i in range(points)
    ]
    assert run(make_records(rows), make_context(T0, points / 120, points / 120)) == []


def _edit(rows: list[dict[str, Any]], start: datetime, end: datetime, value: Any) -> None:
    """Set (or shift, when ``value`` is callable) the values of rows in [start, end)."""
    for row in rows:
        if start <= row["ts"] < end:
            row["value"] = value(row["value"]) if callable(value) else value


def test_a_signal_that_stops_moving_is_stuck(
    make_records: RecordsFactory, make_context: ContextFactory
) -> None:
    rows = series(step=0)
    _edit(rows, STEP_START, STEP_END, 113.5)
    events = run(make_records(rows), make_context(T0, BASELINE_HOURS, 6))
    assert [e.title for e in events] == [
        'http_request_duration_p99{service="checkout"} stuck at 113.5',
        'http_request_duration_p99{service="checkout"} recovered: 113.5 -> '
        + events[1].title.rsplit(" ", 1)[1],
    ]
    assert events[0].at == STEP_START + timedelta(minutes=STUCK_MIN)
    assert events[1].at == STEP_END


def test_stuck_needs_a_run_longer_than_the_baseline_completed() -> None:
    rng = np.random.default_rng(3)
    baseline = np.concatenate((rng.normal(0, 1, 500), np.full(150, 2.0), rng.normal(0, 1, 500)))
    shorter = np.concatenate((np.full(120, 5.0), rng.normal(0, 1, 50)))
    assert not stuck_points(baseline, shorter).any()
    longer = np.concatenate((np.full(200, 5.0), rng.normal(0, 1, 50)))
    assert np.flatnonzero(stuck_points(baseline, longer)).tolist() == list(range(150, 200))


def test_stuck_counts_a_run_from_its_start_in_the_baseline() -> None:
    baseline = np.concatenate((np.arange(30.0), np.full(10, 7.0)))
    assert np.flatnonzero(stuck_points(baseline, np.full(5, 7.0))).tolist() == [2, 3, 4]
    assert not stuck_points(np.full(40, 7.0), np.full(40, 7.0)).any()


def test_a_relapse_before_settling_is_the_same_episode(
    make_records: RecordsFactory, make_context: ContextFactory
) -> None:
    rows = series(step=0)
    gap = STEP_START + timedelta(minutes=40)
    _edit(rows, STEP_START, gap, lambda v: v + 60)
    _edit(rows, gap + timedelta(minutes=SETTLE - 4), STEP_END, lambda v: v + 60)
    events = run(make_records(rows), make_context(T0, BASELINE_HOURS, 6))
    assert [e.at for e in events] == [STEP_START, STEP_END]


def test_a_single_spike_beyond_the_baseline_extremes_is_an_onset(
    make_records: RecordsFactory, make_context: ContextFactory
) -> None:
    rows = series(step=0)
    _edit(rows, STEP_START, STEP_START + timedelta(minutes=1), lambda v: v + 40)
    events = run(make_records(rows), make_context(T0, BASELINE_HOURS, 6))
    assert [e.at for e in events] == [STEP_START, STEP_START + timedelta(minutes=1)]
    assert " rose: " in events[0].title


def test_a_single_spike_needs_a_baseline_three_times_the_window() -> None:
    rng = np.random.default_rng(5)
    window = rng.normal(0, 1, 50)
    window[10] = 20.0
    ts = np.arange(50.0) * 60

    def onsets(baseline_points: int) -> list[int]:
        baseline = rng.normal(0, 1, baseline_points)
        base_ts = (np.arange(baseline_points) - baseline_points) * 60.0
        return [c.onset for c in find_changes(base_ts, baseline, ts, window)]

    assert onsets(int(EXTREME_HISTORY * 50) - 1) == []
    assert onsets(int(EXTREME_HISTORY * 50)) == [10]


def run_lengths(values: list[float]) -> list[int]:
    """Length of the run of equal values ending at each point."""
    lengths: list[int] = []
    for i, value in enumerate(values):
        lengths.append(lengths[-1] + 1 if i and value == values[i - 1] else 1)
    return lengths


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 2), min_size=2, max_size=80),
    st.lists(st.integers(0, 2), min_size=1, max_size=80),
)
def test_stuck_flags_exactly_the_points_past_the_bar(base: list[int], now: list[int]) -> None:
    baseline = [float(v) for v in base for _ in range(5)]
    values = [float(v) for v in now for _ in range(4)]
    lengths = run_lengths(baseline)
    completed = [n for n, nxt in pairwise(lengths) if nxt == 1]
    through = run_lengths(baseline + values)[len(baseline) :]
    expected = [bool(completed) and n > max([*completed, STUCK_MIN]) for n in through]
    assert stuck_points(np.array(baseline), np.array(values)).tolist() == expected
