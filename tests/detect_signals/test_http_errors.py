"""HTTP errors: onset and recovery of the 5xx rate and of latency per service."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import polars as pl

from hotwash.detect.base import DetectContext, all_detectors
from hotwash.detect.http_errors import HttpErrorDetector
from hotwash.model import Event

RecordsFactory = Callable[[list[dict[str, Any]]], pl.DataFrame]
ContextFactory = Callable[[datetime, float, float], DetectContext]
T0 = datetime(2024, 5, 14, 11, 0, tzinfo=UTC)
BUCKET_SECONDS = 10
ERRORS_FROM = datetime(2024, 5, 14, 12, 10, tzinfo=UTC)
ERRORS_UNTIL = datetime(2024, 5, 14, 12, 20, tzinfo=UTC)
SLOW_FROM = datetime(2024, 5, 14, 12, 12, tzinfo=UTC)
SLOW_UNTIL = datetime(2024, 5, 14, 12, 18, tzinfo=UTC)


def access_log(seed: int = 3) -> list[dict[str, Any]]:
    """Two requests a second for 90 minutes; 1 % 5xx, 30 ms, except in the incident."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(90 * 60 * 2):
        ts = T0 + timedelta(milliseconds=500 * i + int(rng.integers(0, 400)))
        failing = ERRORS_FROM <= ts < ERRORS_UNTIL
        slow = SLOW_FROM <= ts < SLOW_UNTIL
        error = rng.random() < (0.5 if failing else 0.01)
        latency = rng.normal(900 if slow else 30, 5)
        rows.append(
            {
                "ts": ts,
                "message": f"GET /cart {503 if error else 200}",
                "status": 503 if error else 200,
                "latency_ms": float(latency),
            }
        )
    return rows


def run(records: pl.DataFrame, context: DetectContext) -> list[Event]:
    return sorted(HttpErrorDetector().detect(records, context), key=lambda e: e.at)


def test_registered() -> None:
    assert all_detectors()["http_errors"] is HttpErrorDetector


def test_5xx_onset_and_recovery(make_records: RecordsFactory, make_context: ContextFactory) -> None:
    records = make_records(access_log())
    events = [e for e in run(records, make_context(T0, 1, 0.5)) if "5xx" in e.title]
    assert len(events) == 2
    onset, recovery = events
    first_error = records.filter((pl.col("ts") >= ERRORS_FROM) & (pl.col("status") >= 500))
    assert onset.at == first_error["ts"][0]
    assert onset.evidence == [f"{first_error['evidence'][0]}#L{first_error['offset'][0]}"]
    assert onset.title.startswith("checkout: 5xx rate 0.0")
    assert onset.title.endswith("/s") and " -> " in onset.title
    assert timedelta(0) <= recovery.at - ERRORS_UNTIL < timedelta(seconds=10)
    assert recovery.title.startswith("checkout: 5xx rate back to 0")


def test_latency_onset_and_recovery(
    make_records: RecordsFactory, make_context: ContextFactory
) -> None:
    events = [
        e for e in run(make_records(access_log()), make_context(T0, 1, 0.5)) if "latency" in e.title
    ]
    assert len(events) == 2
    onset, recovery = events
    assert abs((onset.at - SLOW_FROM).total_seconds()) < 10
    assert abs((recovery.at - SLOW_UNTIL).total_seconds()) < 10
    assert "p99 latency 4" in onset.title and "-> 9" in onset.title


def test_steady_service_gives_nothing(
    make_records: RecordsFactory, make_context: ContextFactory
) -> None:
    rows = [r for r in access_log() if r["ts"] < ERRORS_FROM]
    assert run(make_records(rows), make_context(T0, 0.5, 0.5)) == []


def test_quantiles_from_the_histogram_are_within_one_bin(
    make_records: RecordsFactory, make_context: ContextFactory
) -> None:
    from hotwash.detect.http_errors import (
        BINS_PER_DECADE,
        access_aggregates,
        access_of,
        bucket_stats,
    )

    records = make_records(access_log())
    context = make_context(T0, 1, 0.5)
    buckets, histogram = access_aggregates(access_of(records), context)
    inside = pl.col("part") == 1
    window = context.window
    stats = bucket_stats(buckets.filter(inside), histogram.filter(inside), window.start, window.end)
    every = f"{int(BUCKET_SECONDS)}s"
    during = records.filter(pl.col("ts") >= window.start, pl.col("ts") < window.end)
    exact = during.group_by(bucket=pl.col("ts").dt.truncate(every)).agg(
        exact=pl.col("latency_ms").quantile(0.99)
    )
    both = stats.join(exact, on="bucket").drop_nulls("p99")
    ratio = (both["p99"] / both["exact"]).to_numpy()
    assert both.height > 100
    assert np.all(np.abs(np.log10(ratio)) <= 1 / BINS_PER_DECADE)


def test_aggregates_of_parts_merge_into_the_whole(
    make_records: RecordsFactory, make_context: ContextFactory
) -> None:
    from hotwash.detect.http_errors import access_aggregates, access_of, merge_access

    records = make_records(access_log())
    context = make_context(T0, 1, 0.5)
    half = records.height // 2
    parts = [access_aggregates(access_of(p), context) for p in (records[:half], records[half:])]
    whole = access_aggregates(access_of(records), context)
    order = ["source", "stream", "part", "bucket"]
    merged = merge_access(parts)
    assert merged[0].sort(order).equals(whole[0].sort(order))
    assert merged[1].sort([*order, "bin"]).equals(whole[1].sort([*order, "bin"]))
