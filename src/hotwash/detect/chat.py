"""Chat: the incident channel opening, human actions and decisions, and alert bots.

Reads records of kind ``chat`` (Slack export messages: ``stream`` is the channel, ``actor``
the author, ``message`` the text, ``fields`` the rest such as ``subtype``).

* **Channel opened**: the first record of a channel whose name looks like an incident
  channel (``inc-``, ``incident``, ``sev``, ``outage``, ``war-room``), or a record with
  subtype ``channel_created``.
* **Actions and decisions**: the patterns of :data:`ACTION_PATTERNS` over the message text
  (deploy, rollback, restart, scale, failover, mitigated, resolved, decided). An action
  that reads as done or started ("rolled back", "Starting rollback") is an action with its
  author as actor; "mitigated" and "resolved" are declarations (communications); a plan
  ("I'll drive the rollback") or decision is a low-confidence communication. A message
  that names a clock time ("rolled out at 14:02") reports an earlier happening, not an
  action.
* **Alert bots**: ``[FIRING:1] Name`` / ``[RESOLVED] Name`` in a bot message becomes an alert
  event titled exactly as the alert detector titles it, so that the two are merged.

Every other human message in an incident channel is a low-confidence communication.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from hotwash.detect.alerts import alert_event
from hotwash.detect.base import DetectContext, Detector, register_detector
from hotwash.detect.recordview import Row, rows_of_kind
from hotwash.model import Event, EventKind

if TYPE_CHECKING:
    import polars as pl

__all__ = ["ACTION_PATTERNS", "ChatDetector", "classify_text", "is_incident_channel"]

#: (action, pattern) over message text; every match is reported, in this order.
ACTION_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("rollback", re.compile(r"\broll(ed|ing)?[ -]?back\b|\brollbacks?\b|\brevert", re.I)),
    ("deploy", re.compile(r"\bdeploy(ed|ing|s)?\b|\broll(ed|ing)? out\b|\bhotfix", re.I)),
    ("restart", re.compile(r"\brestart(ed|ing|s)?\b|\bbounc(e|ed|ing)\b", re.I)),
    ("scale", re.compile(r"\bscal(e|ed|ing) (up|out|down|in)\b|\bscaled?\b.*\breplicas\b", re.I)),
    ("failover", re.compile(r"\bfail(ed|ing)?[ -]?over\b", re.I)),
    ("mitigated", re.compile(r"\bmitigat(ed|ion)\b|\bback to normal\b|\brecovered\b", re.I)),
    ("resolved", re.compile(r"\bresolved\b|\ball clear\b|\bincident (is )?closed\b", re.I)),
    ("decision", re.compile(r"\b(decided|decision|let's|we will|we'll|going to)\b", re.I)),
)

#: words that say an action has only started or is proposed, not done.
#: words that say an action is only planned or proposed.
_PLANNED = re.compile(
    r"\b(will|going to|about to|propos\w*|should|shall|plan\w*|suggest\w*)\b|\w'll\b", re.I
)
#: words that say an action has started but is not done.
_STARTED = re.compile(
    r"\b(start(ing|ed)?|begin\w*|rolling|restarting|scaling|deploying|failing|reverting)\b",
    re.I,
)
_DECLARATIONS = {"mitigated", "resolved", "decision"}
_CLOCK_TIME = re.compile(r"\b\d{1,2}:\d{2}\b")
_INCIDENT_CHANNEL = re.compile(r"(^|[#\-_])(inc|incident|sev\d?|outage|war-?room)([\-_\d]|$)", re.I)
_BOT_ALERT = re.compile(r"\[(FIRING|RESOLVED)(?::\d+)?\]\s*([\w:.\-]+)", re.I)
_LABELS = {
    "rollback": "Rollback",
    "deploy": "Deploy",
    "restart": "Restart",
    "scale": "Scaling",
    "failover": "Failover",
    "mitigated": "Mitigated",
    "resolved": "Resolved",
    "decision": "Decision",
}


def classify_text(text: str) -> list[tuple[str, bool]]:
    """Every action the text names, each with whether it reads as done (not only started
    or planned). Declarations ("mitigated", "resolved") are always done."""
    done = not (_PLANNED.search(text) or _STARTED.search(text))
    return [
        (action, done or action in _DECLARATIONS)
        for action, pattern in ACTION_PATTERNS
        if pattern.search(text)
    ]


def is_incident_channel(name: str) -> bool:
    """Whether a channel name looks like a per-incident channel."""
    return bool(_INCIDENT_CHANNEL.search(name.lstrip("#")))


@register_detector
class ChatDetector(Detector):
    """Channel openings, actions, decisions and alert-bot messages in chat."""

    name = "chat"

    def detect(self, records: pl.DataFrame, context: DetectContext) -> Iterable[Event]:
        opened: set[str] = set()
        for row in rows_of_kind(records, "chat"):
            if row.stream not in opened and _opens_channel(row):
                opened.add(row.stream)
                yield _channel_opened(row)
            yield from _message_events(row)


def _opens_channel(row: Row) -> bool:
    return row.text("subtype") == "channel_created" or is_incident_channel(row.stream)


def _channel_opened(row: Row) -> Event:
    channel = row.stream if row.stream.startswith("#") else f"#{row.stream}"
    return _event(row, f"Incident channel {channel} opened", EventKind.COMMUNICATION, 0.8)


def _bot_text(row: Row) -> str:
    parts = [row.message]
    for attachment in row.get("attachments") or []:
        if isinstance(attachment, dict):
            parts += [str(attachment.get(k) or "") for k in ("title", "fallback")]
    return " ".join(parts)


def _message_events(row: Row) -> Iterator[Event]:
    subtype = row.text("subtype")
    if subtype in {"channel_join", "channel_leave", "channel_created", "channel_topic"}:
        return
    bot = _BOT_ALERT.search(_bot_text(row))
    if bot is not None:
        phase = "firing" if bot.group(1).upper() == "FIRING" else "resolved"
        yield alert_event(bot.group(2), phase, row.ts, row, 0.8, "alert notification in chat")
        return
    if subtype == "bot_message" or not row.message.strip():
        return
    yield _human_event(row)


def _human_event(row: Row) -> Event:
    """Confidence: an action 0.75, a report naming a time 0.5, a declaration 0.7, a plan
    or decision 0.45, anything else 0.3."""
    text = " ".join(row.message.split())
    actions = classify_text(text)
    if not actions:
        return _event(row, text, EventKind.COMMUNICATION, 0.3)
    action, done = actions[0]
    if action in {"mitigated", "resolved"}:
        label = _LABELS[action]
        title = text if text.lower().startswith(label.lower()) else f"{label}: {text}"
        return _event(row, title, EventKind.COMMUNICATION, 0.7)
    if _CLOCK_TIME.search(text):
        return _event(row, text, EventKind.COMMUNICATION, 0.5)
    started = _STARTED.search(text)
    if action == "decision" or (_PLANNED.search(text) and not started):
        return _event(row, text, EventKind.COMMUNICATION, 0.45)
    state = "" if done else " started"
    return _event(row, f"{_LABELS[action]}{state}: {text}", EventKind.ACTION, 0.75)


def _event(row: Row, title: str, kind: EventKind, confidence: float) -> Event:
    return Event(
        at=row.ts,
        title=title if len(title) <= 160 else title[:157] + "...",
        source=row.source,
        actor=row.actor or row.text("user_name", "username", "user") or None,
        kind=kind,
        evidence=[row.ref],
        auto=True,
        confidence=confidence,
    )
