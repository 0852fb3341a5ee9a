"""The windows of a timeline: what was collected, and where the incident is searched.

Evidence is collected from well before the impact (a baseline to compare against) to
after it. Detectors search the *incident window* and compare it with the *baseline*
before it (see :func:`detect_context`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl

from hotwash.detect.alerts import AlertDetector
from hotwash.detect.base import DetectContext
from hotwash.detect.pages import PageDetector
from hotwash.evidence.model import Manifest, Window
from hotwash.model import Incident

__all__ = ["ONSET_LEAD", "detect_context", "incident_window"]


def incident_window(
    records: pl.DataFrame, manifest: Manifest | None, incident: Incident | None
) -> Window:
    """The window evidence was asked for; else the records' span; else the milestones'."""
    if manifest is not None and manifest.evidence:
        starts = [e.window_asked.start for e in manifest.evidence]
        ends = [e.window_asked.end for e in manifest.evidence]
        return Window(start=min(starts), end=max(ends))
    if not records.is_empty():
        span = records.select(pl.col("ts").min().alias("a"), pl.col("ts").max().alias("b"))
        return Window(start=span["a"][0], end=span["b"][0] + timedelta(seconds=1))
    times = [t for t in (incident.milestones.model_dump().values() if incident else []) if t]
    if times:
        return Window(start=min(times), end=max(times))
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return Window(start=epoch, end=epoch)


#: How long before the first alert or page the search for the onset starts.
ONSET_LEAD = timedelta(minutes=30)


def detect_context(
    records: pl.DataFrame, collected: Window, incident: Incident | None
) -> DetectContext:
    """The incident window detectors search, and the baseline before it.

    Evidence is collected from well before the impact (a baseline) to after it. The
    incident window starts :data:`ONSET_LEAD` before the earliest of the document's
    impact_started / detected and the first alert or page in the records; what comes
    before it is the baseline signals are compared against. Without any of those, the
    whole collected window is searched with no baseline.
    """
    candidates = [_first_alarm(records, collected)]
    if incident is not None:
        candidates += [incident.milestones.impact_started, incident.milestones.detected]
    marks = [t for t in candidates if t is not None]
    start = min(marks) - ONSET_LEAD if marks else collected.start
    if start <= collected.start or start >= collected.end:
        return DetectContext(window=collected)
    return DetectContext(
        window=Window(start=start, end=collected.end),
        baseline=Window(start=collected.start, end=start),
    )


def _first_alarm(records: pl.DataFrame, window: Window) -> datetime | None:
    """The first alert or page in the records (the alert and page detectors, run alone)."""
    context = DetectContext(window=window)
    found = [*AlertDetector().detect(records, context), *PageDetector().detect(records, context)]
    return min((e.at for e in found), default=None)
