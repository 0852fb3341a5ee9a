"""What building a timeline returns: entries, proposed milestones, durations, skew, flags.

Everything here is a proposal: nothing is written into the document until the author
accepts it (:func:`hotwash.timeline.accept.accept_into`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from hotwash.analysis import Suggestion
from hotwash.evidence.model import Window
from hotwash.model import Event, Milestones
from hotwash.skew import SkewEstimate
from hotwash.timeutil import format_iso

__all__ = ["Entry", "Flag", "ProposedMilestone", "TimelineResult"]


@dataclass
class Entry:
    """One timeline entry: an event (merged across sources) and where it came from.

    ``count`` is how many raw detections were folded into it (repeats and other sources);
    ``in_document`` is true for hand-written entries and for detections that match one.
    """

    event: Event
    count: int = 1
    in_document: bool = False
    times: dict[str, datetime] = field(default_factory=dict)
    """The time each source saw this happening (for clock-skew estimates)."""
    detections: list[Event] = field(default_factory=list)
    """For a hand-written entry: the detections folded into it."""

    @property
    def id(self) -> str:
        return self.event.id or ""


@dataclass(frozen=True)
class ProposedMilestone:
    """A milestone the evidence suggests, with the entry and the rule behind it."""

    name: str
    at: datetime
    entry_id: str
    reason: str


@dataclass(frozen=True)
class Flag:
    """Something a reviewer must know about the times: skew, times without a zone."""

    kind: str
    source: str
    message: str


@dataclass
class TimelineResult:
    """The built timeline. Pure data; :meth:`to_json` gives its JSON form."""

    window: Window
    entries: list[Entry]
    milestones: list[ProposedMilestone]
    skew: list[SkewEstimate]
    suggestions: list[Suggestion]
    flags: list[Flag]
    corrected: dict[str, timedelta] = field(default_factory=dict)

    @property
    def events(self) -> list[Event]:
        return [entry.event for entry in self.entries]

    def proposed_milestones(self) -> Milestones:
        return Milestones(**{m.name: m.at for m in self.milestones})

    @property
    def durations(self) -> dict[str, timedelta | None]:
        """Time to detect, acknowledge, mitigate and resolve from the proposed milestones."""
        found = {m.name: m.at for m in self.milestones}
        spans = {
            "detect": ("impact_started", "detected"),
            "acknowledge": ("detected", "acknowledged"),
            "mitigate": ("impact_started", "mitigated"),
            "resolve": ("impact_started", "resolved"),
        }
        return {
            name: found[a] - found[b] if a in found and b in found else None
            for name, (b, a) in spans.items()
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "window": {"start": format_iso(self.window.start), "end": format_iso(self.window.end)},
            "events": [_entry_json(e) for e in self.entries],
            "milestones": [
                {"name": m.name, "at": format_iso(m.at), "event": m.entry_id, "reason": m.reason}
                for m in self.milestones
            ],
            "durations": {
                k: (v.total_seconds() if v is not None else None) for k, v in self.durations.items()
            },
            "skew": [s.to_json() for s in self.skew],
            "corrected": {k: v.total_seconds() for k, v in self.corrected.items()},
            "suggestions": [s.to_json() for s in self.suggestions],
            "flags": [
                {"kind": f.kind, "source": f.source, "message": f.message} for f in self.flags
            ],
        }


def _entry_json(entry: Entry) -> dict[str, Any]:
    data = entry.event.model_dump(mode="json", exclude_defaults=True)
    data["id"] = entry.id
    data["auto"] = entry.event.auto
    data["count"] = entry.count
    data["in_document"] = entry.in_document
    return data
