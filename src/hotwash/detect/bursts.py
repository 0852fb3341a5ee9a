"""Bursts: stretches of time where a log signature is far more frequent than in the baseline.

Lines are counted per signature (``source``, ``template``) and per :data:`BURST_BIN`. A
bin is *hot* when its count reaches all of: :data:`BURST_MIN_PER_BIN` lines,
:data:`BURST_RATIO` times the signature's mean baseline count per bin, and
:data:`BURST_PEAK_RATIO` times its busiest baseline bin (so a signature that was already
bursty in the baseline needs a bigger burst). Hot bins separated by fewer than
:data:`BURST_SETTLE` quiet bins form one burst; a burst needs :data:`BURST_MIN_LINES` lines.
Counting is vectorised (polars group-by); Python only walks the few signatures with hot bins.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import polars as pl

from hotwash.detect.episodes import find_episodes

__all__ = [
    "BURST_BIN",
    "BURST_MIN_LINES",
    "BURST_MIN_PER_BIN",
    "BURST_PEAK_RATIO",
    "BURST_RATIO",
    "BURST_SETTLE",
    "Burst",
    "baseline_stats",
    "find_bursts",
    "find_bursts_in_bins",
]

BURST_BIN = timedelta(minutes=1)
BURST_RATIO = 10.0
BURST_PEAK_RATIO = 2.0
BURST_MIN_PER_BIN = 3
BURST_MIN_LINES = 10
BURST_SETTLE = 2

_KEYS = ["source", "template"]


@dataclass(frozen=True)
class Burst:
    """One burst of a signature: first and last line, count, rates per bin, first line."""

    start: datetime
    end: datetime
    count: int
    peak: float
    expected: float
    evidence: str
    offset: int | None
    example: str

    @property
    def confidence(self) -> float:
        """0.5 for a burst just over the thresholds, up to 0.9 for a thousandfold one."""
        ratio = self.peak / max(self.expected, 0.1)
        return round(float(np.clip(0.4 + 0.1 * math.log10(max(ratio, 1.0)), 0.5, 0.9)), 2)


def _baseline_stats(baseline: pl.DataFrame, every: str) -> pl.DataFrame:
    per_bin = baseline.group_by([*_KEYS, pl.col("ts").dt.truncate(every).alias("bin")]).len()
    return baseline_stats(per_bin)


def baseline_stats(per_bin: pl.DataFrame) -> pl.DataFrame:
    """Per signature, from its baseline line counts per bin (``source``, ``template``,
    ``len``): ``baseline_n`` (all lines) and ``baseline_peak`` (the busiest bin)."""
    return per_bin.group_by(_KEYS).agg(
        baseline_n=pl.col("len").sum(), baseline_peak=pl.col("len").max()
    )


def _window_bins(window: pl.DataFrame, every: str) -> pl.DataFrame:
    return window.group_by(
        [*_KEYS, pl.col("ts").dt.truncate(every).alias("bin")], maintain_order=True
    ).agg(
        n=pl.len(),
        first_ts=pl.col("ts").min(),
        last_ts=pl.col("ts").max(),
        evidence=pl.col("evidence").first(),
        offset=pl.col("offset").first(),
        example=pl.col("message").first(),
    )


def _hot_bins(stats: pl.DataFrame, bins: pl.DataFrame, baseline_seconds: float) -> pl.DataFrame:
    seconds = BURST_BIN.total_seconds()
    bins = bins.join(stats, on=_KEYS, how="left")
    expected = pl.col("baseline_n").fill_null(0) * seconds / max(baseline_seconds, seconds)
    threshold = pl.max_horizontal(
        pl.lit(float(BURST_MIN_PER_BIN)),
        BURST_RATIO * expected,
        BURST_PEAK_RATIO * pl.col("baseline_peak").fill_null(0),
    )
    bins = bins.with_columns(expected=expected, hot=pl.col("n") >= threshold)
    hot_keys = bins.filter("hot").select(_KEYS).unique()
    hot = bins.join(hot_keys, on=_KEYS, how="semi")
    return hot.with_columns(pl.col(_KEYS).cast(pl.String)).sort([*_KEYS, "bin"])


def _bursts_of(bins: pl.DataFrame) -> Iterator[Burst]:
    seconds = int(BURST_BIN.total_seconds())
    epoch = bins["bin"].dt.epoch("s").to_numpy()
    index = (epoch - epoch[0]) // seconds
    hot = np.zeros(int(index[-1]) + 1, dtype=np.bool_)
    hot[index[bins["hot"].to_numpy()]] = True
    for episode in find_episodes(hot, persist=1, settle=BURST_SETTLE):
        stop = episode.recovery if episode.recovery is not None else hot.size
        inside = bins["hot"].to_numpy() & (index >= episode.onset) & (index < stop)
        span = bins.filter(pl.Series(inside))
        if span["n"].sum() < BURST_MIN_LINES:
            continue
        first = span.row(0, named=True)
        yield Burst(
            start=first["first_ts"],
            end=span["last_ts"].max(),  # type: ignore[arg-type]
            count=int(span["n"].sum()),
            peak=float(span["n"].max()),  # type: ignore[arg-type]
            expected=float(first["expected"]),
            evidence=first["evidence"],
            offset=first["offset"],
            example=first["example"],
        )


def find_bursts(
    baseline: pl.DataFrame, window: pl.DataFrame, baseline_seconds: float
) -> Iterator[tuple[tuple[str, str], Burst]]:
    """Bursts per signature; both frames have ``source``, ``template``, ``ts`` (sorted),
    ``evidence``, ``offset`` and ``message``; ``baseline_seconds`` is the baseline's length."""
    every = f"{int(BURST_BIN.total_seconds())}s"
    stats, bins = _baseline_stats(baseline, every), _window_bins(window, every)
    yield from find_bursts_in_bins(stats, bins, baseline_seconds)


def find_bursts_in_bins(
    stats: pl.DataFrame, bins: pl.DataFrame, baseline_seconds: float
) -> Iterator[tuple[tuple[str, str], Burst]]:
    """Bursts per signature from lines already counted per :data:`BURST_BIN`.

    ``stats`` is :func:`baseline_stats` of the baseline; ``bins`` has one row per
    signature (``source``, ``template``) and ``bin`` of the window: ``n`` lines,
    ``first_ts``, ``last_ts``, and the first line's ``evidence``, ``offset`` and
    ``example``. Same bursts as :func:`find_bursts` on the lines themselves."""
    bins = _hot_bins(stats, bins, baseline_seconds)
    for key, group in bins.group_by(_KEYS, maintain_order=True):
        source, template = str(key[0]), str(key[1])
        for burst in _bursts_of(group):
            yield (source, template), burst
