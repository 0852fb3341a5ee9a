"""Running the detectors and estimating skew, on records in memory or streamed."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import timedelta

import polars as pl

from hotwash.detect.base import DetectContext, all_detectors
from hotwash.errors import EvidenceError
from hotwash.model import Event, EventKind
from hotwash.skew import SkewEstimate, estimate_from_onsets, estimate_from_trace_ids
from hotwash.timeline.result import Entry

__all__ = ["detect_events", "estimate_skew", "estimate_skew_of"]


def detect_events(
    records: pl.DataFrame,
    context: DetectContext,
    names: Sequence[str] | None = None,
    replaced: Mapping[str, Callable[[], Iterable[Event]]] | None = None,
) -> list[Event]:
    """Every event the registered detectors (or the ``names`` among them) find, in the
    order of their names; a detector named in ``replaced`` is not run on ``records``:
    its events are what the given function returns."""
    detectors = all_detectors()
    unknown = sorted(set(names or ()) - set(detectors))
    if unknown:
        raise EvidenceError(f"unknown detector(s): {', '.join(unknown)}")
    found: list[Event] = []
    for name in sorted(detectors):
        if names is not None and name not in names:
            continue
        if replaced is not None and name in replaced:
            found.extend(replaced[name]())
        else:
            found.extend(detectors[name]().detect(records, context))
    return found


def estimate_skew(
    records: pl.DataFrame, entries: Iterable[Entry], threshold: timedelta
) -> list[SkewEstimate]:
    """Trace-id estimates where sources share ids, onset estimates for the other sources.

    Onsets come from discrete happenings (alerts, pages, changes, actions, messages) that
    several sources recorded; statistical signals are left out, since the first error in
    two independently sampled logs differs by chance, not by clock.
    """
    sizes = dict(records.group_by("source").len().iter_rows())
    return estimate_skew_of(sizes, records, None, entries, threshold)


def estimate_skew_of(
    sizes: Mapping[str, int],
    traced: pl.DataFrame,
    ranked: list[str] | None,
    entries: Iterable[Entry],
    threshold: timedelta,
) -> list[SkewEstimate]:
    """:func:`estimate_skew` from the records per source (``sizes``) and the trace-id rows
    (``traced``, ``ranked``: see :func:`~hotwash.skew.estimate_from_trace_ids`)."""
    if not sizes:
        return []
    reference = str(min(sizes, key=lambda name: (-sizes[name], str(name))))
    by_ids = estimate_from_trace_ids(traced, reference, threshold, ranked)
    seen = [e.times for e in entries if len(e.times) > 1 and e.event.kind is not EventKind.SIGNAL]
    skip = {reference, *(s.source for s in by_ids)}
    by_onsets = estimate_from_onsets(seen, sizes, threshold, skip=skip)
    return [*by_ids, *by_onsets]
