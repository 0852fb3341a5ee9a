"""Coverage and gaps: which part of the asked window a piece of evidence really covers.

A *gap* is a stretch with no line or sample for longer than expected. What is expected is
derived from the data: ``factor`` times the median interval between consecutive records
of a stream, never less than ``floor``. Only continuous kinds have gaps (``log`` lines and
``metric`` samples); alerts, pages, chat messages, Kubernetes events and changes are
sparse by nature, so silence there is not a hole.

Gaps are found at two levels:

- :func:`find_gaps`, per artefact: silences *between* the records of one artefact (per
  series for metrics, since a series such as an alert's ``ALERTS`` may rightly start and
  stop mid-window). These are stored with the artefact's manifest entry.
- :func:`source_gaps`, per source: the gaps of its artefacts plus the stretches of the
  asked window that *no* artefact of a log source covers (a log that starts late or ends
  early, rotated files with a hole between them). Pod logs (``log.kubectl``) are exempt
  from this edge rule: a pod's log covers the pod's life, not the window.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl

from hotwash.evidence.model import Evidence, Gap, Window

__all__ = ["GapPolicy", "covered_window", "find_gaps", "source_gaps"]

CONTINUOUS_KINDS = ("log", "metric")


@dataclass(frozen=True)
class GapPolicy:
    """How long a silence must last to be a gap: ``max(floor, factor * median interval)``."""

    factor: float = 5.0
    floor: timedelta = timedelta(minutes=5)

    def expected(self, median: timedelta | None) -> timedelta:
        if median is None:
            return self.floor
        return max(self.floor, median * self.factor)


def covered_window(records: pl.DataFrame) -> Window | None:
    """From the first to the last record (None when there is none)."""
    if records.height == 0:
        return None
    stats = records.select(pl.col("ts").min().alias("lo"), pl.col("ts").max().alias("hi"))
    lo, hi = stats.row(0)
    if lo is None or hi is None:
        return None
    return Window(start=lo, end=hi)


def find_gaps(records: pl.DataFrame, asked: Window, policy: GapPolicy) -> list[Gap]:
    """The silences between ``records`` (columns ts, kind, stream) inside ``asked``.

    A frame with only a ``ts`` column is one stream of log lines.
    """
    if "kind" not in records.columns:
        return _gaps_of(records["ts"], asked, policy, edges=False, label="")
    frame = records.filter(pl.col("kind").is_in(CONTINUOUS_KINDS)).select("ts", "kind", "stream")
    if frame.height == 0:
        return []
    if (frame["kind"] == "metric").all():
        gaps: list[Gap] = []
        for (stream,), group in frame.group_by("stream", maintain_order=True):
            gaps.extend(_gaps_of(group["ts"], asked, policy, edges=False, label=str(stream)))
        return _merge(gaps)
    return _gaps_of(frame["ts"], asked, policy, edges=False, label="")


def _gaps_of(ts: pl.Series, asked: Window, policy: GapPolicy, edges: bool, label: str) -> list[Gap]:
    ts = ts.drop_nulls().sort()
    if ts.len() == 0:
        return []
    expected = policy.expected(_median_interval(ts))
    found = _interior_gaps(ts, expected)
    if edges:
        first, last = ts[0], ts[-1]
        found.insert(0, (asked.start, first))
        found.append((last, asked.end))
    reason = f"no data for longer than {_short(expected)}" + (f" ({label})" if label else "")
    return _clip(found, asked, expected, reason)


def _median_interval(ts: pl.Series) -> timedelta | None:
    if ts.len() < 2:
        return None
    median = ts.diff().drop_nulls().median()
    return median if isinstance(median, timedelta) else None


def _interior_gaps(ts: pl.Series, expected: timedelta) -> list[tuple[datetime, datetime]]:
    frame = pl.DataFrame({"end": ts}).with_columns(pl.col("end").shift(1).alias("start"))
    wide = frame.filter((pl.col("end") - pl.col("start")) > expected)
    return list(zip(wide["start"].to_list(), wide["end"].to_list(), strict=True))


def _clip(
    spans: list[tuple[datetime, datetime]], asked: Window, expected: timedelta, reason: str
) -> list[Gap]:
    gaps: list[Gap] = []
    for start, end in spans:
        lo, hi = max(start, asked.start), min(end, asked.end)
        if hi - lo > expected:
            gaps.append(Gap(start=lo, end=hi, reason=reason))
    return gaps


def _merge(gaps: list[Gap]) -> list[Gap]:
    """Gaps of several series, merged where they overlap."""
    ordered = sorted(gaps, key=lambda g: g.start)
    merged: list[Gap] = []
    for gap in ordered:
        if merged and gap.start <= merged[-1].end:
            last = merged[-1]
            merged[-1] = Gap(start=last.start, end=max(last.end, gap.end), reason=last.reason)
        else:
            merged.append(gap)
    return merged


def _short(delta: timedelta) -> str:
    from hotwash.timeutil import format_duration

    return format_duration(delta)


#: Formats whose artefacts are expected to cover the whole window (edge rule).
_EDGE_EXEMPT = ("log.kubectl",)


def source_gaps(entries: Sequence[Evidence], asked: Window, floor: timedelta) -> list[Gap]:
    """The gaps of one source: its artefacts' gaps and, for log files, the uncovered
    stretches of ``asked`` longer than ``floor``."""
    gaps = [g for e in entries for g in e.gaps]
    logs = [e for e in entries if e.format.startswith("log.") and e.format not in _EDGE_EXEMPT]
    spans = sorted((e.window_covered for e in logs if e.window_covered), key=lambda w: w.start)
    if logs:
        cursor = asked.start
        for span in spans:
            if span.start - cursor > floor:
                gaps.append(
                    Gap(start=cursor, end=min(span.start, asked.end), reason="no file covers this")
                )
            cursor = max(cursor, span.end)
        if asked.end - cursor > floor:
            gaps.append(Gap(start=cursor, end=asked.end, reason="no file covers this"))
    return _merge([g for g in gaps if g.end > g.start])
