"""Suggestions for the analysis, each explained by the evidence that prompts it.

* ``change-before-onset``: a change (deploy, rollout, tag, merge) in the
  :data:`CHANGE_LOOKBACK` before impact started, with its lead time: a possible trigger.
* ``detection-gap``: the first abnormal signal came before the first alert or page; the
  gap is how long the problem went unalerted.
* ``source-gap``: a source has no data for part of the incident window (from the evidence
  manifest), so the timeline may miss what happened then.

They are proposals: the timeline command prints them, nothing writes them into the
document.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from hotwash.evidence.model import Manifest, Window
from hotwash.model import Event, EventKind, Milestones
from hotwash.timeutil import format_duration, format_iso, format_utc

__all__ = ["CHANGE_LOOKBACK", "Suggestion", "suggest"]

#: How long before the onset a change is still a candidate trigger.
CHANGE_LOOKBACK = timedelta(hours=6)


@dataclass(frozen=True)
class Suggestion:
    """One proposal for the author, with the events it rests on."""

    kind: str
    message: str
    at: datetime | None = None
    lead: timedelta | None = None
    events: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "message": self.message,
            "at": format_iso(self.at) if self.at else None,
            "lead_seconds": self.lead.total_seconds() if self.lead is not None else None,
            "events": list(self.events),
        }


def suggest(
    events: Sequence[Event], milestones: Milestones, manifest: Manifest, window: Window
) -> list[Suggestion]:
    """Every suggestion the events, milestones and manifest support."""
    return [
        *changes_before_onset(events, milestones.impact_started),
        *detection_gap(events, milestones),
        *source_gaps(manifest, window),
    ]


def changes_before_onset(events: Iterable[Event], onset: datetime | None) -> list[Suggestion]:
    """Changes that preceded the onset within the lookback, closest first."""
    if onset is None:
        return []
    found = [
        e for e in events if e.kind is EventKind.CHANGE and onset - CHANGE_LOOKBACK <= e.at <= onset
    ]
    found.sort(key=lambda e: onset - e.at)
    return [
        Suggestion(
            kind="change-before-onset",
            message=(
                f"{e.title} ({format_utc(e.at)}) came {format_duration(onset - e.at)} "
                "before impact started: a candidate trigger"
            ),
            at=e.at,
            lead=onset - e.at,
            events=(e.id,) if e.id else (),
        )
        for e in found
    ]


def detection_gap(events: Sequence[Event], milestones: Milestones) -> list[Suggestion]:
    """The first signal before the first alert or page: how long it went unalerted."""
    detected = milestones.detected
    signals = [e for e in events if e.kind is EventKind.SIGNAL]
    if detected is None or not signals:
        return []
    first = min(signals, key=lambda e: e.at)
    if first.at >= detected:
        return []
    gap = detected - first.at
    return [
        Suggestion(
            kind="detection-gap",
            message=(
                f"signal '{first.title}' rose at {format_utc(first.at)}, "
                f"{format_duration(gap)} before the first alert or page: "
                "consider alerting on it"
            ),
            at=first.at,
            lead=gap,
            events=(first.id,) if first.id else (),
        )
    ]


def source_gaps(manifest: Manifest, window: Window) -> list[Suggestion]:
    """Gaps in a source's coverage that overlap the incident window."""
    found: list[Suggestion] = []
    for evidence in manifest.evidence:
        for gap in evidence.gaps:
            if gap.end <= window.start or gap.start >= window.end:
                continue
            found.append(
                Suggestion(
                    kind="source-gap",
                    message=(
                        f"source {evidence.source} has no data from {format_utc(gap.start)} "
                        f"to {format_utc(gap.end)} ({format_duration(gap.end - gap.start)}, "
                        f"{gap.reason}): the timeline may miss what happened then"
                    ),
                    at=gap.start,
                    lead=gap.end - gap.start,
                )
            )
    return found
