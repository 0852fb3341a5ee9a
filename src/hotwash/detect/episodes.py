"""Episodes: onset and recovery of an abnormal state in a regularly sampled signal.

Shared by the HTTP error and metric change-point detectors. Given one boolean per point
(``True`` = abnormal), an *onset* is the first point of a run of at least ``persist``
abnormal points, and its *recovery* is the first point of the next run of at least
``settle`` normal points. Short blips (shorter than ``persist``) never open an episode,
unless a point of the blip is flagged *extreme* (far beyond anything normal), and short
dips back to normal (shorter than ``settle``) never close one. Work is per run of equal
values (numpy run-length encoding), not per point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["Episode", "find_episodes", "runs"]


@dataclass(frozen=True)
class Episode:
    """Indices into the signal: ``onset`` and ``recovery`` (None while still abnormal)."""

    onset: int
    recovery: int | None


def runs(flags: npt.NDArray[np.bool_]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Start index and length of every run of equal values in ``flags``."""
    if flags.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    change = np.flatnonzero(flags[1:] != flags[:-1]) + 1
    starts = np.concatenate(([0], change)).astype(np.int64)
    lengths = np.diff(np.concatenate((starts, [flags.size]))).astype(np.int64)
    return starts, lengths


def find_episodes(
    abnormal: npt.NDArray[np.bool_],
    persist: int,
    settle: int,
    extreme: npt.NDArray[np.bool_] | None = None,
) -> list[Episode]:
    """Episodes in ``abnormal`` with the persistence rules above, in order.

    A run of abnormal points shorter than ``persist`` still opens an episode when it holds
    a point flagged in ``extreme`` (a deviation too large to be noise).
    """
    starts, lengths = runs(abnormal)
    strong = _any_per_run(extreme & abnormal, starts) if extreme is not None else None
    episodes: list[Episode] = []
    onset: int | None = None
    for k, (start, length) in enumerate(zip(starts.tolist(), lengths.tolist(), strict=True)):
        bad = bool(abnormal[start])
        if onset is None and bad and (length >= persist or (strong is not None and strong[k])):
            onset = start
        elif onset is not None and not bad and length >= settle:
            episodes.append(Episode(onset, start))
            onset = None
    if onset is not None:
        episodes.append(Episode(onset, None))
    return episodes


def _any_per_run(
    flags: npt.NDArray[np.bool_], starts: npt.NDArray[np.int64]
) -> npt.NDArray[np.bool_]:
    if starts.size == 0:
        return np.zeros(0, dtype=np.bool_)
    return np.asarray(np.add.reduceat(flags.astype(np.int64), starts) > 0)
