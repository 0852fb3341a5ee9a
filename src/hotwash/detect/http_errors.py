"""HTTP errors and latency: onset and recovery of the 5xx rate and of p99 latency.

Access-log records (``kind="log"`` with a ``status``) are grouped per ``source`` and
``stream`` (service, host) and counted per :data:`BUCKET`. Against the baseline (the
baseline window, or the records before the incident window):

- **5xx rate**: a bucket is abnormal when its 5xx count reaches :data:`MIN_ERRORS`,
  :data:`RATE_RATIO` times the baseline count per bucket, and the baseline's Poisson
  noise plus five standard deviations.
- **Latency**: a bucket with at least :data:`MIN_REQUESTS` timed requests is abnormal when
  its p99 exceeds :data:`LATENCY_RATIO` times the baseline's p99 and the baseline's
  bucket p99s by more than five robust standard deviations.

An onset needs :data:`PERSIST` abnormal buckets in a row, a recovery :data:`SETTLE` normal
ones (:mod:`hotwash.detect.episodes`). Events say the values before and after:
``5xx rate 0.02/s -> 15/s``. Without a baseline, nothing is reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import polars as pl

from hotwash.detect.base import DetectContext, Detector, evidence_ref, register_detector
from hotwash.detect.episodes import Episode, find_episodes
from hotwash.detect.frames import baseline_and_window, baseline_seconds
from hotwash.model import Event, EventKind

__all__ = [
    "BUCKET",
    "LATENCY_RATIO",
    "MIN_ERRORS",
    "MIN_REQUESTS",
    "PERSIST",
    "RATE_RATIO",
    "SETTLE",
    "HttpErrorDetector",
    "bucket_stats",
]

BUCKET = timedelta(seconds=10)
MIN_ERRORS = 3
RATE_RATIO = 5.0
MIN_REQUESTS = 5
LATENCY_RATIO = 2.0
PERSIST = 2
SETTLE = 3


def bucket_stats(records: pl.DataFrame, start: datetime, end: datetime) -> pl.DataFrame:
    """One row per :data:`BUCKET` from ``start`` to ``end`` (empty buckets included):
    ``bucket``, ``requests``, ``errors`` (5xx), ``p95``, ``p99`` (ms), and the first
    request and first 5xx of the bucket (``ts``, ``evidence``, ``offset``)."""
    every = f"{int(BUCKET.total_seconds())}s"
    error = pl.col("status") >= 500
    stats = records.group_by(pl.col("ts").dt.truncate(every).alias("bucket")).agg(
        requests=pl.len(),
        errors=error.sum(),
        timed=pl.col("latency_ms").count(),
        p95=pl.col("latency_ms").quantile(0.95),
        p99=pl.col("latency_ms").quantile(0.99),
        first_ts=pl.col("ts").first(),
        first_ref=pl.struct("evidence", "offset").first(),
        error_ts=pl.col("ts").filter(error).first(),
        error_ref=pl.struct("evidence", "offset").filter(error).first(),
    )
    aligned = start - timedelta(seconds=start.timestamp() % BUCKET.total_seconds())
    grid = pl.DataFrame(
        {
            "bucket": pl.datetime_range(
                aligned, end, every, closed="left", time_unit="us", time_zone="UTC", eager=True
            )
        }
    )
    filled = grid.join(stats, on="bucket", how="left")
    return filled.with_columns(pl.col("requests", "errors", "timed").fill_null(0))


@dataclass(frozen=True)
class _Baseline:
    errors_per_bucket: float
    p99: float | None
    p99_spread: float


def _baseline(before: pl.DataFrame, seconds: float) -> _Baseline:
    per_bucket = BUCKET.total_seconds() / max(seconds, BUCKET.total_seconds())
    errors = int((before["status"] >= 500).sum()) * per_bucket
    timed = before.drop_nulls("latency_ms")
    if timed.height < MIN_REQUESTS:
        return _Baseline(errors, None, 0.0)
    every = f"{int(BUCKET.total_seconds())}s"
    p99s = (
        timed.group_by(pl.col("ts").dt.truncate(every))
        .agg(p99=pl.col("latency_ms").quantile(0.99), n=pl.len())
        .filter(pl.col("n") >= MIN_REQUESTS)["p99"]
        .to_numpy()
    )
    overall = float(np.quantile(timed["latency_ms"].to_numpy(), 0.99))
    spread = float(1.4826 * np.median(np.abs(p99s - np.median(p99s)))) if p99s.size else 0.0
    return _Baseline(errors, overall, spread)


def _error_flags(buckets: pl.DataFrame, base: _Baseline) -> np.ndarray:
    lam = base.errors_per_bucket
    threshold = max(float(MIN_ERRORS), RATE_RATIO * lam, lam + 5 * np.sqrt(lam))
    return np.asarray(buckets["errors"].to_numpy() >= threshold)


def _latency_flags(buckets: pl.DataFrame, base: _Baseline) -> np.ndarray:
    if base.p99 is None:
        return np.zeros(buckets.height, dtype=np.bool_)
    threshold = max(LATENCY_RATIO * base.p99, base.p99 + 5 * base.p99_spread)
    p99 = buckets["p99"].fill_null(0.0).to_numpy()
    timed = buckets["timed"].to_numpy()
    return np.asarray((p99 > threshold) & (timed >= MIN_REQUESTS))


def _rate(errors: float, buckets: int = 1) -> str:
    return f"{errors / (buckets * BUCKET.total_seconds()):.3g}/s"


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f} ms"


@dataclass(frozen=True)
class _Series:
    """One service's buckets in the window, with its name and source."""

    source: str
    name: str
    buckets: pl.DataFrame

    def ref(self, row: int, column: str) -> list[str]:
        value = self.buckets[column][row]
        if not value or value["evidence"] is None:
            return []
        return [evidence_ref(value["evidence"], value["offset"])]

    def at(self, row: int, column: str) -> datetime:
        value = self.buckets[column][row]
        return value if value is not None else self.buckets["bucket"][row]  # type: ignore[no-any-return]

    def part(self, episode: Episode) -> pl.DataFrame:
        end = episode.recovery if episode.recovery is not None else self.buckets.height
        return self.buckets.slice(episode.onset, end - episode.onset)

    def after(self, episode: Episode) -> pl.DataFrame:
        assert episode.recovery is not None
        return self.buckets.slice(episode.recovery, SETTLE)


def _max(column: pl.Series) -> float:
    value = column.max()
    return float(value) if isinstance(value, int | float) else 0.0


def _confidence(peak: float, baseline: float) -> float:
    """0.5 just over the thresholds, rising with the ratio of peak to baseline, up to 0.95."""
    ratio = peak / max(baseline, 1e-9)
    return round(float(np.clip(0.4 + 0.15 * np.log10(max(ratio, 1.0)), 0.5, 0.95)), 2)


@dataclass(frozen=True)
class _Change:
    """What the events of one episode say."""

    onset_title: str
    recovery_title: str
    details: str
    confidence: float
    onset_column: str


def _emit(series: _Series, episode: Episode, change: _Change) -> Iterator[Event]:
    points = [(episode.onset, change.onset_title, change.onset_column)]
    if episode.recovery is not None:
        points.append((episode.recovery, change.recovery_title, "first"))
    for row, title, column in points:
        yield Event(
            at=series.at(row, f"{column}_ts"),
            title=title,
            source=series.source,
            kind=EventKind.SIGNAL,
            auto=True,
            confidence=change.confidence,
            evidence=series.ref(row, f"{column}_ref"),
            details=change.details,
        )


def _error_change(series: _Series, base: _Baseline, episode: Episode) -> _Change:
    during = series.part(episode)
    peak = _max(during["errors"])
    before, rate = _rate(base.errors_per_bucket), _rate(peak)
    back = "-"
    if episode.recovery is not None:
        after = series.after(episode)
        back = _rate(float(after["errors"].sum()), after.height)
    return _Change(
        onset_title=f"{series.name}: 5xx rate {before} -> {rate}",
        recovery_title=f"{series.name}: 5xx rate back to {back} (peak {rate})",
        details=f"{int(during['errors'].sum())} 5xx responses of {int(during['requests'].sum())} "
        f"over {during.height * BUCKET.total_seconds():.0f} s; baseline {before}, peak {rate} "
        f"(per {BUCKET.total_seconds():.0f} s bucket)",
        confidence=_confidence(peak, base.errors_per_bucket),
        onset_column="error",
    )


def _latency_change(series: _Series, base: _Baseline, episode: Episode) -> _Change:
    during = series.part(episode)
    p99, p95 = _max(during["p99"]), _max(during["p95"])
    after = _max(series.after(episode)["p99"]) if episode.recovery is not None else None
    return _Change(
        onset_title=f"{series.name}: p99 latency {_ms(base.p99)} -> {_ms(p99)}",
        recovery_title=f"{series.name}: p99 latency back to {_ms(after)} (peak {_ms(p99)})",
        details=f"p99 peak {_ms(p99)}, p95 peak {_ms(p95)} over "
        f"{during.height * BUCKET.total_seconds():.0f} s; baseline p99 {_ms(base.p99)}",
        confidence=_confidence(p99, base.p99 or 0.0),
        onset_column="first",
    )


@register_detector
class HttpErrorDetector(Detector):
    """Onset and recovery of the 5xx rate and of p99 latency per service."""

    name = "http_errors"

    def detect(self, records: pl.DataFrame, context: DetectContext) -> Iterator[Event]:
        access = records.filter((pl.col("kind") == "log") & pl.col("status").is_not_null()).select(
            "ts", "source", "stream", "status", "latency_ms", "evidence", "offset"
        )
        groups = access.partition_by(["source", "stream"], as_dict=True)
        for key in sorted(groups, key=lambda k: tuple(str(part) for part in k)):
            yield from self._service(groups[key], context)

    def _service(self, group: pl.DataFrame, context: DetectContext) -> Iterator[Event]:
        before, during = baseline_and_window(group, context)
        if before.is_empty() or during.is_empty():
            return
        base = _baseline(before, baseline_seconds(before, context))
        window = context.window
        source, stream = group["source"][0], group["stream"][0]
        series = _Series(source, stream or source, bucket_stats(during, window.start, window.end))
        for episode in find_episodes(_error_flags(series.buckets, base), PERSIST, SETTLE):
            yield from _emit(series, episode, _error_change(series, base, episode))
        for episode in find_episodes(_latency_flags(series.buckets, base), PERSIST, SETTLE):
            yield from _emit(series, episode, _latency_change(series, base, episode))
