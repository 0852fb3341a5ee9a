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

Requests are first reduced to counts per bucket and a latency histogram
(:func:`access_aggregates`; parts merge with :func:`merge_access`), so the detector runs
on one evidence file at a time; p95/p99 are read from the histogram, within one bin
(:data:`BINS_PER_DECADE`) of the exact quantile.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import polars as pl

from hotwash.detect.base import DetectContext, Detector, evidence_ref, register_detector
from hotwash.detect.episodes import Episode, find_episodes
from hotwash.detect.firstline import group_first_lines
from hotwash.detect.frames import window_conditions
from hotwash.model import Event, EventKind

__all__ = [
    "BINS_PER_DECADE",
    "BUCKET",
    "LATENCY_RATIO",
    "MIN_ERRORS",
    "MIN_REQUESTS",
    "PERSIST",
    "RATE_RATIO",
    "SETTLE",
    "HttpErrorDetector",
    "access_aggregates",
    "access_of",
    "bucket_stats",
    "http_events",
    "merge_access",
]

BUCKET = timedelta(seconds=10)
MIN_ERRORS = 3
RATE_RATIO = 5.0
MIN_REQUESTS = 5
LATENCY_RATIO = 2.0
PERSIST = 2
SETTLE = 3


#: Latency histogram bins per decade: a quantile read from it is within one bin
#: (a factor of 10 ** (1 / 100), 2.3 %) of the exact one.
BINS_PER_DECADE = 100
#: Latencies below it (ms) share the lowest bin.
_MIN_LATENCY = 1e-3
_KEYS = ["source", "stream", "part", "bucket"]
_BASELINE, _WINDOW = 0, 1


def _first(column: str, prefix: str) -> pl.Expr:
    """``column`` of the first row by (``<prefix>_ts``, evidence, offset), nulls last."""
    order = [f"{prefix}_ts", f"{prefix}_evidence", f"{prefix}_offset"]
    return pl.col(column).sort_by(order, nulls_last=True).first()


def access_aggregates(
    access: pl.DataFrame, context: DetectContext
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(buckets, histogram) of access-log rows of the baseline and the window.

    ``access`` has ``ts``, ``source``, ``stream``, ``status``, ``latency_ms``, ``evidence``,
    ``offset``. ``buckets``: per (source, stream, ``part`` 0 baseline / 1 window,
    :data:`BUCKET`): ``requests``, ``errors`` (5xx), ``timed``, and the first request's
    and first 5xx's ``*_ts``, ``*_evidence``, ``*_offset``. ``histogram``: per the same
    keys and latency ``bin`` (:data:`BINS_PER_DECADE` per decade), ``count``. Aggregates
    of disjoint rows merge with :func:`merge_access`."""
    in_baseline, in_window = window_conditions(context)
    part = pl.when(in_window).then(_WINDOW).when(in_baseline).then(_BASELINE)
    every = f"{int(BUCKET.total_seconds())}s"
    rows = access.with_columns(
        pl.col("source", "stream").cast(pl.String),
        pl.col("evidence").cast(pl.String).cast(pl.Categorical),
        part=part.cast(pl.Int8),
        bucket=pl.col("ts").dt.truncate(every),
        error=pl.col("status") >= 500,
    ).filter(pl.col("part").is_not_null())
    counts = {
        "requests": pl.len(),
        "errors": pl.col("error").sum(),
        "timed": pl.col("latency_ms").count(),
    }
    first = group_first_lines(rows, _KEYS, counts, "ts").rename(_named("first"))
    error = group_first_lines(rows.filter(pl.col("error")), _KEYS, {}, "ts")
    buckets = first.join(error.rename(_named("error")), on=_KEYS, how="left", nulls_equal=True)
    texts = pl.col("first_evidence", "error_evidence").cast(pl.String)
    return buckets.with_columns(texts), _histogram(rows)


def _named(prefix: str) -> dict[str, str]:
    """The columns of a first line (:func:`group_first_lines`) as buckets name them."""
    return {
        "first_ts": f"{prefix}_ts",
        "evidence": f"{prefix}_evidence",
        "offset": f"{prefix}_offset",
    }


def _histogram(rows: pl.DataFrame) -> pl.DataFrame:
    latency = pl.col("latency_ms").clip(lower_bound=_MIN_LATENCY)
    bin_ = (latency.log10() * BINS_PER_DECADE).floor().cast(pl.Int32).alias("bin")
    timed = rows.filter(pl.col("latency_ms").is_not_null())
    return timed.group_by([*_KEYS, bin_]).agg(count=pl.len())


def merge_access(
    parts: list[tuple[pl.DataFrame, pl.DataFrame]],
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One aggregate (see :func:`access_aggregates`) from aggregates of disjoint rows."""
    if len(parts) == 1:
        return parts[0]
    buckets = (
        pl.concat([b for b, _ in parts])
        .group_by(_KEYS)
        .agg(
            pl.col("requests", "errors", "timed").sum(),
            **{
                f"{p}_{k}": _first(f"{p}_{k}", p)
                for p in ("first", "error")
                for k in ("ts", "evidence", "offset")
            },
        )
    )
    histogram = (
        pl.concat([h for _, h in parts]).group_by([*_KEYS, "bin"]).agg(pl.col("count").sum())
    )
    return buckets, histogram


def _quantile(histogram: pl.DataFrame, keys: list[str], q: float) -> pl.DataFrame:
    """Per ``keys``, the nearest-rank ``q`` quantile of the histogram, as the geometric
    middle of its bin (within one bin of the exact value)."""
    ordered = histogram.sort([*keys, "bin"])
    cumulative = pl.col("count").cum_sum().over(keys)
    rank = ((pl.col("count").sum().over(keys) - 1) * q).round()
    value = pl.lit(10.0).pow((pl.col("bin") + 0.5) / BINS_PER_DECADE)
    found = ordered.filter(cumulative > rank).group_by(keys).agg(pl.col("bin").first())
    return found.select(*keys, value.alias(f"p{round(q * 100)}"))


def bucket_stats(
    buckets: pl.DataFrame, histogram: pl.DataFrame, start: datetime, end: datetime
) -> pl.DataFrame:
    """One service's window: one row per :data:`BUCKET` from ``start`` to ``end`` (empty
    buckets included): ``bucket``, ``requests``, ``errors`` (5xx), ``timed``, ``p95``,
    ``p99`` (ms, from the histogram), and the first request and first 5xx of the bucket
    (``first_ts``/``first_ref``, ``error_ts``/``error_ref``)."""
    every = f"{int(BUCKET.total_seconds())}s"
    quantiles = [_quantile(histogram, ["bucket"], q) for q in (0.95, 0.99)]
    stats = buckets.select(
        "bucket", "requests", "errors", "timed", "first_ts", "error_ts",
        first_ref=pl.struct(evidence="first_evidence", offset="first_offset"),
        error_ref=pl.struct(evidence="error_evidence", offset="error_offset"),
    )  # fmt: skip
    for quantile in quantiles:
        stats = stats.join(quantile, on="bucket", how="left")
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


def _baseline(buckets: pl.DataFrame, histogram: pl.DataFrame, seconds: float) -> _Baseline:
    """The baseline of one service from its baseline buckets and latency histogram."""
    per_bucket = BUCKET.total_seconds() / max(seconds, BUCKET.total_seconds())
    errors = int(buckets["errors"].sum()) * per_bucket
    if int(buckets["timed"].sum()) < MIN_REQUESTS:
        return _Baseline(errors, None, 0.0)
    busy = buckets.filter(pl.col("timed") >= MIN_REQUESTS).select("bucket")
    p99s = _quantile(histogram.join(busy, on="bucket"), ["bucket"], 0.99)["p99"].to_numpy()
    whole = histogram.group_by("bin").agg(pl.col("count").sum()).with_columns(all=pl.lit(0))
    overall = float(_quantile(whole, ["all"], 0.99)["p99"][0])
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


def http_events(
    buckets: pl.DataFrame, histogram: pl.DataFrame, context: DetectContext
) -> Iterator[Event]:
    """5xx and latency onsets and recoveries from :func:`access_aggregates`, per service
    (source, stream) in order."""
    services = buckets.select("source", "stream").unique()
    keys = sorted(services.iter_rows(), key=lambda k: tuple(str(part) for part in k))
    for source, stream in keys:
        mine = (pl.col("source") == source) & pl.col("stream").eq_missing(stream)
        yield from _service(buckets.filter(mine), histogram.filter(mine), context)


def _service(
    buckets: pl.DataFrame, histogram: pl.DataFrame, context: DetectContext
) -> Iterator[Event]:
    """The events of one service's aggregates."""
    before, during = (pl.col("part") == _BASELINE), (pl.col("part") == _WINDOW)
    if buckets.filter(before).is_empty() or buckets.filter(during).is_empty():
        return
    base = _baseline(buckets.filter(before), histogram.filter(before), _seconds(buckets, context))
    window = context.window
    source, stream = buckets["source"][0], buckets["stream"][0]
    stats = bucket_stats(buckets.filter(during), histogram.filter(during), window.start, window.end)
    series = _Series(source, stream or source, stats)
    for episode in find_episodes(_error_flags(series.buckets, base), PERSIST, SETTLE):
        yield from _emit(series, episode, _error_change(series, base, episode))
    for episode in find_episodes(_latency_flags(series.buckets, base), PERSIST, SETTLE):
        yield from _emit(series, episode, _latency_change(series, base, episode))


def _seconds(buckets: pl.DataFrame, context: DetectContext) -> float:
    """The baseline's length: ``context.baseline``, else from the first baseline request."""
    if context.baseline is not None:
        return context.baseline.duration.total_seconds()
    earliest: datetime = buckets.filter(pl.col("part") == _BASELINE)["first_ts"].min()  # type: ignore[assignment]
    return (context.window.start - earliest).total_seconds()


def access_of(records: pl.DataFrame) -> pl.DataFrame:
    """The access-log rows of ``records`` (log lines with a status), the columns read."""
    return records.filter((pl.col("kind") == "log") & pl.col("status").is_not_null()).select(
        "ts", "source", "stream", "status", "latency_ms", "evidence", "offset"
    )


@register_detector
class HttpErrorDetector(Detector):
    """Onset and recovery of the 5xx rate and of p99 latency per service."""

    name = "http_errors"

    def detect(self, records: pl.DataFrame, context: DetectContext) -> Iterator[Event]:
        yield from http_events(*access_aggregates(access_of(records), context), context)
