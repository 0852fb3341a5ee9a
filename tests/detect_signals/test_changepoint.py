"""Metric change points: onset and recovery of an abnormal level, quiet otherwise."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotwash.detect.base import DetectContext, all_detectors
from hotwash.detect.changepoint import MetricChangeDetector
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
