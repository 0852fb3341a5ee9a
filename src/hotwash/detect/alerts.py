"""Alerts: pending, firing and resolved, from every place an alert leaves a trace.

* The Prometheus ``ALERTS`` series (samples whose ``__name__`` label is ``ALERTS``): the first
  ``alertstate="pending"`` sample is *pending*, the first ``firing`` sample is *firing*, and a
  firing series that stops two steps or more before the last ALERTS sample of its source
  (the end of the query) is *resolved* at its last sample.
* Prometheus ``/api/v1/alerts`` (a record with ``activeAt``): ``activeAt`` is when the alert
  became *pending*, never when it fired.
* Alertmanager alerts and webhooks (a record with ``startsAt``): ``startsAt`` is *firing*;
  ``endsAt`` is *resolved* only when the alert's status is resolved (on a firing alert
  ``endsAt`` is a moving expiry, and on a webhook it is the zero time).
* Records of kind ``alert`` without those fields: their ``level`` (pending, firing,
  active, resolved) at ``ts``.

Titles are ``<alertname> pending|firing|resolved`` whatever the source, so that the
assembly can recognise one alert seen by several sources.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING

from hotwash.detect.base import DetectContext, Detector, register_detector
from hotwash.detect.recordview import Row, rows_of_kind
from hotwash.model import Event, EventKind

if TYPE_CHECKING:
    import polars as pl

__all__ = ["AlertDetector", "alert_event", "alert_name"]

_NAME_IN_TEXT = re.compile(r"alertname=\"?([\w:.\-]+)")
_STATE_IN_TEXT = re.compile(r"alertstate=\"?(\w+)")
_FIRING_STATES = {"firing", "active", "suppressed", "unprocessed"}


def alert_name(row: Row) -> str:
    """The alert's name: ``alertname`` label, else from the stream labels, else the message."""
    name = row.text("alertname")
    if name:
        return name
    found = _NAME_IN_TEXT.search(row.stream) or _NAME_IN_TEXT.search(row.message)
    return found.group(1) if found else row.message.split()[0] if row.message else "alert"


def alert_event(
    name: str, phase: str, at: datetime, row: Row, confidence: float, details: str | None = None
) -> Event:
    """The one shape every alert event has, whichever source saw it."""
    return Event(
        at=at,
        title=f"{name} {phase}",
        source=row.source,
        kind=EventKind.ALERT,
        evidence=[row.ref],
        auto=True,
        confidence=confidence,
        details=details,
    )


@register_detector
class AlertDetector(Detector):
    """Alert state changes from ALERTS series, Prometheus, Alertmanager and webhooks."""

    name = "alerts"

    def detect(self, records: pl.DataFrame, context: DetectContext) -> Iterable[Event]:
        yield from _series_events(records)
        for row in rows_of_kind(records, "alert"):
            if not _is_alerts_series(row):
                yield from _record_events(row)


def _is_alerts_series(row: Row) -> bool:
    return row.text("__name__") == "ALERTS" or row.stream.startswith("ALERTS{")


def _series_events(records: pl.DataFrame) -> Iterator[Event]:
    samples: dict[tuple[str, str, str], list[Row]] = {}
    query_end: dict[str, datetime] = {}
    for row in rows_of_kind(records, "metric", "alert"):
        if not _is_alerts_series(row) or row.value == 0:
            continue
        state = row.text("alertstate") or _state_in_stream(row.stream)
        samples.setdefault((row.source, alert_name(row), state), []).append(row)
        query_end[row.source] = max(query_end.get(row.source, row.ts), row.ts)
    for (source, name, state), rows in samples.items():
        yield from _series_transitions(name, state, rows, query_end[source])


def _state_in_stream(stream: str) -> str:
    found = _STATE_IN_TEXT.search(stream)
    return found.group(1) if found else "firing"


def _series_transitions(
    name: str, state: str, rows: list[Row], window_end: datetime
) -> Iterator[Event]:
    first, last = rows[0], rows[-1]
    if state == "pending":
        yield alert_event(name, "pending", first.ts, first, 0.85, "first pending ALERTS sample")
        return
    yield alert_event(name, "firing", first.ts, first, 0.95, "first firing ALERTS sample")
    step = _step(rows)
    if step is not None and window_end - last.ts > 2 * step:
        yield alert_event(name, "resolved", last.ts, last, 0.7, "last firing ALERTS sample")


def _step(rows: list[Row]) -> timedelta | None:
    gaps = sorted(b.ts - a.ts for a, b in pairwise(rows) if b.ts > a.ts)
    return gaps[len(gaps) // 2] if gaps else None


def _status(row: Row) -> str:
    status = row.get("status")
    if isinstance(status, dict):
        status = status.get("state")
    return str(status or row.level or "").lower()


def _record_events(row: Row) -> Iterator[Event]:
    name = alert_name(row)
    status = _status(row)
    active_at = row.instant("activeAt")
    starts_at = row.instant("startsAt")
    if active_at is not None:
        yield alert_event(name, "pending", active_at, row, 0.85, "Prometheus activeAt")
    elif starts_at is not None:
        yield alert_event(name, "firing", starts_at, row, 0.95, "Alertmanager startsAt")
    elif status == "pending":
        yield alert_event(name, "pending", row.ts, row, 0.8)
    elif status in _FIRING_STATES:
        yield alert_event(name, "firing", row.ts, row, 0.85)
    if status == "resolved":
        ends_at = row.instant("endsAt") or row.ts
        yield alert_event(name, "resolved", ends_at, row, 0.9, "status resolved")
