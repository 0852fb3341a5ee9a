"""Log signatures: new error signatures at their first line, bursts with start and end."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotwash.detect.base import DetectContext, all_detectors
from hotwash.detect.signatures import LogSignatureDetector
from hotwash.model import Event

RecordsFactory = Callable[[list[dict[str, Any]]], pl.DataFrame]
ContextFactory = Callable[[datetime, float, float], DetectContext]
T0 = datetime(2024, 5, 14, 12, 0, tzinfo=UTC)
WINDOW_START = T0 + timedelta(hours=2)
FIRST_ERROR = WINDOW_START + timedelta(minutes=10, seconds=3.5)
BURST_START = WINDOW_START + timedelta(minutes=20, seconds=1)


def _line(seconds: float, message: str, level: str = "info") -> dict[str, Any]:
    return {"ts": T0 + timedelta(seconds=seconds), "message": message, "level": level}


def incident_rows() -> list[dict[str, Any]]:
    rows = [_line(s, f"GET /health 200 in {s % 17}ms") for s in range(0, 3 * 3600, 10)]
    rows += [_line(s, f"retrying request {s} to payments") for s in range(300, 3 * 3600, 600)]
    first = (FIRST_ERROR - T0).total_seconds()
    rows += [
        _line(first + 20 * i, f"connection refused to db-primary:5432 after {i} retries", "ERROR")
        for i in range(12)
    ]
    burst = (BURST_START - T0).total_seconds()
    rows += [_line(burst + 2 * i, f"retrying request {i} to payments") for i in range(150)]
    return rows


def run(records: pl.DataFrame, context: DetectContext) -> list[Event]:
    return list(LogSignatureDetector().detect(records, context))


def test_registered() -> None:
    assert all_detectors()["signatures"] is LogSignatureDetector


def test_new_error_signature_at_its_first_line(
    make_records: RecordsFactory, make_context: ContextFactory
) -> None:
    records = make_records(incident_rows())
    events = [e for e in run(records, make_context(T0, 2, 1)) if "New error" in e.title]
    assert len(events) == 1
    event = events[0]
    assert abs((event.at - FIRST_ERROR).total_seconds()) < 1
    assert "connection refused to db-primary" in event.title
    assert event.details is not None and event.details.startswith("12 lines")
    assert "connection refused to db-primary:5432 after 0 retries" in event.details
    first = records.filter(pl.col("ts") == FIRST_ERROR).row(0, named=True)
    assert event.evidence == [f"{first['evidence']}#L{first['offset']}"]
    assert event.auto and event.kind == "signal" and event.source == "app"
    assert event.confidence is not None and event.confidence >= 0.8


def test_burst_with_start_and_end(
    make_records: RecordsFactory, make_context: ContextFactory
) -> None:
    events = [
        e for e in run(make_records(incident_rows()), make_context(T0, 2, 1)) if "Burst" in e.title
    ]
    assert len(events) == 1
    burst_end = BURST_START + timedelta(seconds=2 * 149)
    assert events[0].at == BURST_START
    assert "retrying request <*> to payments" in events[0].title
    assert "until 2024-05-14 14:24:59 UTC" in events[0].title
    assert burst_end.strftime("%H:%M:%S") == "14:24:59"
    assert events[0].details is not None and events[0].details.startswith("150 lines")


def test_stable_template_gives_nothing(
    make_records: RecordsFactory, make_context: ContextFactory
) -> None:
    events = run(make_records(incident_rows()), make_context(T0, 2, 1))
    assert not [e for e in events if "health" in e.title]
    assert len(events) == 2


def test_errors_seen_in_the_baseline_at_the_same_rate_give_nothing(
    make_records: RecordsFactory, make_context: ContextFactory
) -> None:
    rows = [_line(s, f"timeout calling ads after {s}ms", "ERROR") for s in range(0, 3 * 3600, 300)]
    assert run(make_records(rows), make_context(T0, 2, 1)) == []


def test_without_baseline_errors_are_reported_with_low_confidence(
    make_records: RecordsFactory, make_context: ContextFactory
) -> None:
    rows = [r for r in incident_rows() if r["ts"] >= WINDOW_START]
    context = DetectContext(window=make_context(T0, 2, 1).window)
    events = run(make_records(rows), context)
    assert [e.title for e in events] == [
        "New error signature in app: connection refused to db-primary:<*> after <*> retries"
    ]
    assert events[0].confidence == 0.35


def _key(event: Event) -> tuple[Any, ...]:
    return (event.at, event.title, event.details, tuple(event.evidence), event.confidence)


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**32 - 1))
def test_shuffled_rows_give_the_same_events(
    seed: int,
    make_records: RecordsFactory,
    make_context: ContextFactory,
) -> None:
    records = make_records(incident_rows())
    shuffled = records.sample(fraction=1.0, shuffle=True, seed=seed)
    context = make_context(T0, 2, 1)
    assert sorted(map(_key, run(shuffled, context))) == sorted(map(_key, run(records, context)))


def test_error_far_more_frequent_than_in_the_baseline_is_new(
    make_records: RecordsFactory, make_context: ContextFactory
) -> None:
    rows = [_line(600, "upstream timeout from ads after 3 tries", "WARN")]
    rows += [
        _line(7200 + 30 * i, f"upstream timeout from ads after {i} tries", "WARN")
        for i in range(60)
    ]
    events = run(make_records(rows), make_context(T0, 2, 1))
    assert [e.title for e in events] == [
        "New error signature in app: upstream timeout from ads after <*> tries"
    ]
    assert events[0].details is not None and "(1 in the 2h 00m baseline)" in events[0].details
