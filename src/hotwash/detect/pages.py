"""Pages: triggered, acknowledged, escalated, resolved, and responders' notes.

Reads records of kind ``page``: PagerDuty log entries (``type`` such as
``trigger_log_entry``, ``acknowledge_log_entry``, ``escalate_log_entry``,
``resolve_log_entry``, ``annotate_log_entry``), PagerDuty incidents (``created_at``,
``resolved_at``) and Opsgenie alert logs (free ``log`` text such as "Alert acknowledged
via iOS"). The phase is read from the entry type first (:data:`ENTRY_TYPES`), then from
the text (:data:`PHASE_PATTERNS`). The responder (``agent`` / ``owner`` / the record's
actor) is the event's actor for acknowledgements, escalations, resolutions and notes. An
acknowledgement is a responder's action (kind ``action``); the other phases are ``page``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from hotwash.detect.base import DetectContext, Detector, register_detector
from hotwash.detect.recordview import Row, rows_of_kind
from hotwash.model import Event, EventKind

if TYPE_CHECKING:
    import polars as pl

__all__ = ["ENTRY_TYPES", "PHASE_PATTERNS", "PageDetector", "page_phase"]

#: phase -> pattern over "<entry type> <text>"; the first that matches wins.
PHASE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("acknowledged", re.compile(r"\backnowledge|\back(ed)?\b", re.I)),
    ("escalated", re.compile(r"escalat", re.I)),
    ("resolved", re.compile(r"\bresolve|\bclosed?\b", re.I)),
    ("triggered", re.compile(r"\btrigger|\bcreated\b|\bopened\b", re.I)),
    ("note", re.compile(r"annotate|\bnote\b", re.I)),
)

_SYSTEM_ACTORS = {"system", ""}

#: PagerDuty log entry types and Opsgenie log types that name their phase outright.
ENTRY_TYPES = {
    "trigger_log_entry": "triggered",
    "acknowledge_log_entry": "acknowledged",
    "escalate_log_entry": "escalated",
    "resolve_log_entry": "resolved",
    "annotate_log_entry": "note",
    "note": "note",
}


def page_phase(row: Row) -> str | None:
    """triggered, acknowledged, escalated, resolved, note, or None for other entries."""
    entry_type = row.text("type").lower()
    if entry_type in ENTRY_TYPES:
        return ENTRY_TYPES[entry_type]
    if entry_type.endswith("_log_entry"):
        return None
    text = f"{row.level} {row.text('log', 'summary')} {row.message}"
    for phase, pattern in PHASE_PATTERNS:
        if pattern.search(text):
            return phase
    return None


@register_detector
class PageDetector(Detector):
    """Page lifecycle events from PagerDuty and Opsgenie records."""

    name = "pages"

    def detect(self, records: pl.DataFrame, context: DetectContext) -> Iterable[Event]:
        for row in rows_of_kind(records, "page"):
            if row.get("incident_number") is not None:
                yield from _incident_events(row)
                continue
            phase = page_phase(row)
            if phase is not None:
                yield _page_event(row, phase)


def _responder(row: Row) -> str | None:
    who = row.actor or row.text("agent", "owner", "user")
    return None if who.strip().lower() in _SYSTEM_ACTORS else who


def _page_event(row: Row, phase: str) -> Event:
    actor = None if phase == "triggered" else _responder(row)
    if phase == "note":
        note = row.text("note", "log") or row.message
        return _event(row, f"Responder note: {note}", EventKind.COMMUNICATION, actor, 0.8)
    kind = EventKind.ACTION if phase == "acknowledged" else EventKind.PAGE
    return _event(row, f"Page {phase}", kind, actor, 0.9, row.message or None)


def _event(
    row: Row,
    title: str,
    kind: EventKind,
    actor: str | None,
    confidence: float,
    details: str | None = None,
) -> Event:
    return Event(
        at=row.ts,
        title=title,
        source=row.source,
        actor=actor,
        kind=kind,
        evidence=[row.ref],
        auto=True,
        confidence=confidence,
        details=details,
    )


def _incident_events(row: Row) -> Iterator[Event]:
    """A PagerDuty incident object: triggered at created_at, resolved at resolved_at."""
    created = row.instant("created_at") or row.ts
    yield _event(row, "Page triggered", EventKind.PAGE, None, 0.9, row.message or None).model_copy(
        update={"at": created}
    )
    resolved = row.instant("resolved_at")
    if resolved is not None and resolved >= created:
        yield Event(
            at=resolved,
            title="Page resolved",
            source=row.source,
            actor=row.text("last_status_change_by") or None,
            kind=EventKind.PAGE,
            evidence=[row.ref],
            auto=True,
            confidence=0.9,
        )
