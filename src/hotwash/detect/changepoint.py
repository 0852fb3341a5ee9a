"""Metric change points: onset and recovery of an abnormal level in every metric series.

For each series (``kind="metric"`` records with the same source, metric name and labels)
the detector learns a robust :class:`~hotwash.detect.baseline.Reference` from the baseline
window (median and MAD, with a time-of-day profile when the baseline covers days). A point
of the incident window is *abnormal* when

- its robust z-score passes :data:`Z_ABNORMAL` and it strays further than the baseline's
  usual excursions (its 99.5th percentile): a change of level; or
- it belongs to a run of one repeated value longer than any run the baseline completed
  (and than :data:`STUCK_MIN` points): a signal that stopped moving (a disk that stopped
  writing, a gauge that stopped reporting), which no level test sees when the value is
  an ordinary one.

An onset needs :data:`PERSIST` abnormal points in a row, a recovery :data:`SETTLE` normal
points in a row (:mod:`hotwash.detect.episodes`), so noisy flickers stay quiet and an
incident's relapses within the settle time stay one episode. A single point opens an
episode only when it is *extreme*: beyond :data:`Z_EXTREME` and :data:`EXTREME_MARGIN`
times the baseline's largest excursions, overall and at the same time of day (so a
nightly job's daily spike is not news), and only when the baseline is at least
:data:`EXTREME_HISTORY` times as long as the window.

Without ``DetectContext.baseline``, the samples before the incident window serve as the
baseline; a series with fewer than :data:`MIN_BASELINE_POINTS` baseline samples is skipped
(there is nothing to compare it with). numpy only; work per series is a few vector passes.

On NAB's 17 real AWS CloudWatch series (``bench/nab.py``; one-day windows, seven-day
rolling baseline) these settings find 25 of 30 labelled anomaly windows (83 %) with 0.77
false onsets per series-week. They were chosen on that data; tuned on one half of the
series and scored on the other, a small grid of them finds fewer
(``bench/nab.py --holdout``; see ``docs/detectors.md``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from hotwash.detect.base import DetectContext, Detector, evidence_ref, register_detector
from hotwash.detect.baseline import Floats, Reference, reference
from hotwash.detect.episodes import find_episodes
from hotwash.detect.frames import baseline_and_window, epoch_seconds, series_label
from hotwash.model import Event, EventKind

__all__ = [
    "EXTREME_HISTORY",
    "EXTREME_MARGIN",
    "MIN_BASELINE_POINTS",
    "PERSIST",
    "SETTLE",
    "STUCK_MIN",
    "Z_ABNORMAL",
    "Z_EXTREME",
    "Change",
    "MetricChangeDetector",
    "abnormal_points",
    "find_changes",
    "stuck_points",
]

#: Robust z-score beyond which a point is abnormal.
Z_ABNORMAL = 4.0
#: Robust z-score beyond which one point alone (if also beyond the baseline's largest
#: excursions) makes an onset. Equal to :data:`Z_ABNORMAL`: the largest excursions are
#: the bar that matters for a single point.
Z_EXTREME = 4.0
#: How much further than the baseline's largest excursion an extreme point must go.
EXTREME_MARGIN = 1.1
#: A single point opens an episode only if the baseline holds at least this many times
#: as many samples as the incident window: against a shorter baseline, its largest
#: excursions are a weak bar (the window alone is likely to hold a larger one).
EXTREME_HISTORY = 3.0
#: Consecutive abnormal points that make an onset.
PERSIST = 2
#: Consecutive normal points that make a recovery (two hours of 5-minute samples).
SETTLE = 24
#: Baseline samples a series needs before it is judged.
MIN_BASELINE_POINTS = 10
#: A repeated value is stuck only past this many points (and past the baseline's runs).
STUCK_MIN = 12


@dataclass(frozen=True)
class Change:
    """One abnormal episode of a series (indices into the incident samples)."""

    onset: int
    recovery: int | None
    rising: bool
    before: float
    during: float
    peak: float
    after: float | None
    strength: float
    stuck: bool = False


def abnormal_points(
    ref: Reference, ts: Floats, values: Floats
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """(abnormal, extreme) per point.

    Abnormal: beyond :data:`Z_ABNORMAL` and the baseline's usual excursions. Extreme:
    beyond :data:`Z_EXTREME` and beyond the largest excursion of the whole baseline.
    """
    deviation = np.abs(values - ref.expected(ts))
    abnormal = (deviation > Z_ABNORMAL * ref.scale) & (deviation > ref.tail)
    beyond = deviation > EXTREME_MARGIN * ref.largest_at(ts)
    extreme = (deviation > Z_EXTREME * ref.scale) & beyond
    return abnormal, extreme


def _equal_runs(values: Floats) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Start and length of every run of equal consecutive values."""
    if values.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    starts = np.concatenate(([0], np.flatnonzero(values[1:] != values[:-1]) + 1))
    lengths = np.diff(np.concatenate((starts, [values.size])))
    return starts.astype(np.int64), lengths.astype(np.int64)


def stuck_points(baseline_values: Floats, values: Floats) -> npt.NDArray[np.bool_]:
    """Per point of ``values``: part of a run of one value longer than the baseline allows.

    The bar is the longest run the baseline *completed* (its last run may go on into
    ``values``), and at least :data:`STUCK_MIN`. A run that began in the baseline counts
    from its beginning. Points are flagged from the one that passes the bar to the end of
    the run. A baseline that never changed value (a flat series) flags nothing.
    """
    _starts, base_lengths = _equal_runs(baseline_values)
    if base_lengths.size < 2 or values.size == 0:
        return np.zeros(values.size, dtype=np.bool_)
    bar = max(int(base_lengths[:-1].max()), STUCK_MIN)
    starts, lengths = _equal_runs(values)
    before = np.zeros_like(lengths)
    before[0] = base_lengths[-1] if baseline_values[-1] == values[0] else 0
    long = before + lengths > bar
    edges = np.zeros(values.size + 1, dtype=np.int64)
    np.add.at(edges, (starts + np.maximum(0, bar - before))[long], 1)
    np.add.at(edges, (starts + lengths)[long], -1)
    return np.asarray(np.cumsum(edges)[:-1] > 0)


def find_changes(
    baseline_ts: Floats, baseline_values: Floats, ts: Floats, values: Floats
) -> list[Change]:
    """Abnormal episodes of ``values`` (at epoch seconds ``ts``) against the baseline."""
    if baseline_values.size < MIN_BASELINE_POINTS or values.size == 0:
        return []
    ref = reference(baseline_ts, baseline_values)
    abnormal, extreme = abnormal_points(ref, ts, values)
    stuck = stuck_points(baseline_values, values) & ~abnormal
    if baseline_values.size < EXTREME_HISTORY * values.size:
        extreme = np.zeros_like(extreme)
    abnormal |= stuck
    z = ref.zscores(ts, values)
    changes = []
    for episode in find_episodes(abnormal, PERSIST, SETTLE, extreme):
        end = episode.recovery if episode.recovery is not None else values.size
        during = values[episode.onset : end]
        after = None
        if episode.recovery is not None:
            after = float(np.median(values[episode.recovery : episode.recovery + SETTLE]))
        rising = bool(np.median(z[episode.onset : end]) > 0)
        changes.append(
            Change(
                onset=episode.onset,
                recovery=episode.recovery,
                rising=rising,
                before=float(ref.expected(ts[episode.onset : episode.onset + 1])[0]),
                during=float(np.median(during)),
                peak=float(during.max() if rising else during.min()),
                after=after,
                strength=float(np.median(np.abs(z[episode.onset : end]))),
                stuck=bool(stuck[episode.onset]),
            )
        )
    return changes


def _confidence(change: Change) -> float:
    return float(np.clip(0.55 + 0.04 * (change.strength - Z_ABNORMAL), 0.55, 0.95))


def _num(value: float) -> str:
    return f"{value:.4g}"


def _onset_text(label: str, change: Change) -> tuple[str, str]:
    """(title, details) of an onset."""
    if change.stuck:
        return (
            f"{label} stuck at {_num(change.during)}",
            f"the same value for longer than any run in the baseline; expected about "
            f"{_num(change.before)}",
        )
    verb = "rose" if change.rising else "fell"
    extreme = "peak" if change.rising else "low"
    return (
        f"{label} {verb}: {_num(change.before)} -> {_num(change.during)}",
        f"expected about {_num(change.before)}; median {_num(change.during)} during the "
        f"episode, {extreme} {_num(change.peak)}; robust z {change.strength:.1f}",
    )


def _events(series: pl.DataFrame, label: str, change: Change) -> Iterator[Event]:
    rows = series.row(change.onset, named=True)
    title, details = _onset_text(label, change)
    common = {"source": rows["source"], "kind": EventKind.SIGNAL, "auto": True}
    yield Event(
        at=rows["ts"],
        title=title,
        evidence=[evidence_ref(rows["evidence"], rows["offset"])],
        confidence=_confidence(change),
        details=details,
        **common,
    )
    if change.recovery is not None and change.after is not None:
        back = series.row(change.recovery, named=True)
        yield Event(
            at=back["ts"],
            title=f"{label} recovered: {_num(change.during)} -> {_num(change.after)}",
            evidence=[evidence_ref(back["evidence"], back["offset"])],
            confidence=_confidence(change),
            details=f"back within the baseline; {details}",
            **common,
        )


@register_detector
class MetricChangeDetector(Detector):
    """Onset and recovery of an abnormal level in each metric series."""

    name = "changepoint"

    def detect(self, records: pl.DataFrame, context: DetectContext) -> Iterator[Event]:
        metrics = records.filter((pl.col("kind") == "metric") & pl.col("value").is_not_nan())
        keys = ["source", "message", "stream"]
        for series in metrics.partition_by(keys, maintain_order=False):
            yield from self._series(series, context)

    def _series(self, series: pl.DataFrame, context: DetectContext) -> Iterator[Event]:
        before, during = baseline_and_window(series.drop_nulls("value"), context)
        if during.is_empty():
            return
        changes = find_changes(
            epoch_seconds(before),
            before["value"].to_numpy().astype(np.float64),
            epoch_seconds(during),
            during["value"].to_numpy().astype(np.float64),
        )
        label = series_label(during["message"][0], during["stream"][0])
        for change in changes:
            yield from _events(during, label, change)
