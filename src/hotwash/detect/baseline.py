"""Robust baselines: what a series is expected to read, and how much it normally varies.

:func:`reference` learns from the baseline samples of one series:

- a level (the median) and a spread (the MAD, scaled to a standard deviation);
- when the baseline covers at least :data:`SEASONAL_MIN_SPAN`, a time-of-day profile (the
  median per hour of day), used if it explains the baseline better than one flat level
  (a smaller spread of what is left), so a daily cycle is not mistaken for an incident;
- ``tail``: how far the baseline usually strays from its expectation (a high quantile of
  the absolute residuals), so a point is only unusual when it goes further;
- the baseline's largest excursions: the :data:`LARGEST_RANK`-th largest overall (one
  earlier incident inside the baseline does not raise the bar), and, when the baseline
  covers a day, the largest within an hour of the same time of day (a nightly job that
  spikes every day at 03:00 is not news at 03:00).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["LARGEST_RANK", "SEASONAL_MIN_SPAN", "Floats", "Reference", "reference"]

Floats = npt.NDArray[np.float64]

#: Seconds of baseline needed before a time-of-day profile is tried (two days).
SEASONAL_MIN_SPAN = 2 * 86400.0
#: Which largest excursion of the baseline is "the largest" (5: the fifth largest).
LARGEST_RANK = 3
_DAY = 86400.0
_BIN_SECONDS = 3600.0
_BINS = int(_DAY // _BIN_SECONDS)
_MAD_TO_SD = 1.4826
_TAIL_QUANTILE = 0.995


@dataclass(frozen=True)
class Reference:
    """The expectation for a series: ``expected(ts)``, its spread, its usual excursions."""

    level: float
    profile: Floats | None
    scale: float
    tail: float
    largest: float
    largest_by_hour: Floats | None

    def expected(self, ts: Floats) -> Floats:
        """Expected value at each epoch second in ``ts``."""
        if self.profile is None:
            return np.full(ts.shape, self.level)
        return self.profile[_hour_bin(ts)]

    def zscores(self, ts: Floats, values: Floats) -> Floats:
        """Robust z-score of each value against its expectation."""
        return (values - self.expected(ts)) / self.scale

    def largest_at(self, ts: Floats) -> Floats:
        """The largest excursion the baseline made overall or at the same time of day."""
        if self.largest_by_hour is None:
            return np.full(ts.shape, self.largest)
        return np.maximum(self.largest, self.largest_by_hour[_hour_bin(ts)])


def _hour_bin(ts: Floats) -> npt.NDArray[np.int64]:
    return ((ts % _DAY) // _BIN_SECONDS).astype(np.int64)


def _mad(values: Floats) -> float:
    return float(_MAD_TO_SD * np.median(np.abs(values - np.median(values))))


def _profile(ts: Floats, values: Floats, level: float) -> Floats:
    bins = _hour_bin(ts)
    profile = np.full(_BINS, level)
    for b in np.unique(bins).tolist():
        profile[b] = float(np.median(values[bins == b]))
    return profile


def _largest_by_hour(ts: Floats, excursions: Floats) -> Floats:
    """Per hour of day, the largest excursion within one hour either side."""
    per_hour = np.zeros(_BINS)
    np.maximum.at(per_hour, _hour_bin(ts), excursions)
    widened: Floats = np.maximum(np.maximum(np.roll(per_hour, -1), per_hour), np.roll(per_hour, 1))
    return widened


def _scale_floor(level: float, values: Floats) -> float:
    spread = float(np.quantile(values, 0.95) - np.quantile(values, 0.05))
    return max(1e-9, 0.01 * abs(level), 0.05 * spread)


def reference(ts: Floats, values: Floats) -> Reference:
    """Learn the :class:`Reference` of one series from its baseline samples (non-empty)."""
    level = float(np.median(values))
    profile: Floats | None = None
    residuals = values - level
    span = float(ts.max() - ts.min()) if ts.size else 0.0
    if span >= SEASONAL_MIN_SPAN:
        candidate = _profile(ts, values, level)
        seasonal = values - candidate[_hour_bin(ts)]
        if _mad(seasonal) < 0.9 * _mad(residuals):
            profile, residuals = candidate, seasonal
    excursions = np.abs(residuals)
    ranked = np.sort(excursions)
    return Reference(
        level=level,
        profile=profile,
        scale=max(_mad(residuals), _scale_floor(level, values)),
        tail=float(np.quantile(excursions, _TAIL_QUANTILE)),
        largest=float(ranked[max(0, ranked.size - LARGEST_RANK)]),
        largest_by_hour=_largest_by_hour(ts, excursions) if span >= _DAY * 0.95 else None,
    )
