"""Reminders as iCalendar (RFC 5545): the weekly action-item review and the follow-up review.

::

    [reminders]
    time = "15:00"                      # UTC time of day of both reviews (default)
    duration_minutes = 30               # default
    attendees = ["eng-incidents@example.com"]   # invitations (default: [notify.email] to)

The weekly review recurs from a week after resolution until the last due date of the open
action items. The follow-up review is ``follow_up_review_days`` (28) after resolution, on a
weekday, unless the document already has a ``follow_up_review``; its date is written into
the document. UIDs are built from the incident id, so re-running updates the same events.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from hotwash.config import Settings
from hotwash.document import Document, atomic_write, save
from hotwash.errors import ConfigError
from hotwash.model import Incident
from hotwash.publish.issue import needs_issue

__all__ = [
    "Reminder",
    "ReminderFile",
    "follow_up_review_at",
    "plan_reminders",
    "to_ics",
    "write_reminders",
]

PRODID = "-//Hotwash//Post-mortem reminders//EN"


@dataclass(frozen=True)
class Reminder:
    """One calendar event (recurring when ``until`` is set)."""

    uid: str
    summary: str
    description: str
    start: datetime
    duration: timedelta
    until: datetime | None = None
    url: str | None = None


def _options(settings: Settings) -> tuple[time, timedelta]:
    table = settings.section("reminders")
    text = table.get("time", "15:00")
    minutes = table.get("duration_minutes", 30)
    if not isinstance(text, str) or not re.fullmatch(r"\d{1,2}:\d{2}", text):
        raise ConfigError(f"[reminders] time must be HH:MM (UTC), got {text!r}")
    if not isinstance(minutes, int) or minutes <= 0:
        raise ConfigError("[reminders] duration_minutes must be a positive number")
    hour, minute = (int(p) for p in text.split(":"))
    return time(hour, minute, tzinfo=UTC), timedelta(minutes=minutes)


def _weekday(day: date) -> date:
    """The day itself, or the Monday after a weekend."""
    return day + timedelta(days=max(0, 7 - day.weekday())) if day.weekday() >= 5 else day


def _base_day(incident: Incident, now: datetime) -> date:
    m = incident.milestones
    instant = m.resolved or m.mitigated or now
    return instant.date()


def follow_up_review_at(incident: Incident, settings: Settings, now: datetime) -> datetime:
    """The document's ``follow_up_review``, else ``follow_up_review_days`` after resolution."""
    if incident.follow_up_review is not None:
        return incident.follow_up_review
    at, _ = _options(settings)
    days = int(settings["follow_up_review_days"])
    day = _weekday(_base_day(incident, now) + timedelta(days=days))
    return datetime.combine(day, at)


def plan_reminders(
    incident: Incident, key: str, settings: Settings, now: datetime, link: str | None = None
) -> list[Reminder]:
    """The weekly review (when open items have due dates) and the follow-up review."""
    at, duration = _options(settings)
    uid = re.sub(r"[^A-Za-z0-9._-]+", "-", key)
    about = f"Post-mortem {key}: {incident.title}" + (f"\n{link}" if link else "")
    reminders = []
    dues = [a.due for a in incident.action_items if needs_issue(a) and a.due]
    first = datetime.combine(_weekday(_base_day(incident, now) + timedelta(days=7)), at)
    if dues and max(dues) >= first.date():
        reminders.append(
            Reminder(
                uid=f"{uid}-weekly-review@hotwash",
                summary=f"Action-item review: {incident.title}",
                description=f"Weekly review of the open action items.\n{about}",
                start=first,
                duration=duration,
                until=datetime.combine(max(dues), time(23, 59, 59, tzinfo=UTC)),
                url=link,
            )
        )
    reminders.append(
        Reminder(
            uid=f"{uid}-follow-up-review@hotwash",
            summary=f"Follow-up review: {incident.title}",
            description=f"Are the action items done, and did they work?\n{about}",
            start=follow_up_review_at(incident, settings, now),
            duration=duration,
            url=link,
        )
    )
    return reminders


def to_ics(
    reminders: list[Reminder],
    now: datetime,
    method: str = "PUBLISH",
    organizer: str | None = None,
    attendees: tuple[str, ...] = (),
) -> str:
    """The iCalendar text (CRLF lines folded at 75 octets). ``REQUEST`` makes invitations."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN"]
    lines.append(f"METHOD:{method}")
    for reminder in reminders:
        lines += _event(reminder, now, organizer, attendees)
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def _event(
    reminder: Reminder, now: datetime, organizer: str | None, attendees: tuple[str, ...]
) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{reminder.uid}",
        f"DTSTAMP:{_stamp(now)}",
        f"DTSTART:{_stamp(reminder.start)}",
        f"DURATION:PT{int(reminder.duration.total_seconds() // 60)}M",
        f"SUMMARY:{_escape(reminder.summary)}",
        f"DESCRIPTION:{_escape(reminder.description)}",
        "SEQUENCE:0",
        "STATUS:CONFIRMED",
    ]
    if reminder.until is not None:
        lines.insert(5, f"RRULE:FREQ=WEEKLY;UNTIL={_stamp(reminder.until)}")
    if reminder.url:
        lines.append(f"URL:{reminder.url}")
    if organizer:
        lines.append(f"ORGANIZER:mailto:{organizer}")
    lines += [f"ATTENDEE;ROLE=REQ-PARTICIPANT;RSVP=TRUE:mailto:{a}" for a in attendees]
    lines.append("END:VEVENT")
    return lines


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _escape(text: str) -> str:
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\n").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts, current, limit = [], b"", 75
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > limit:
            parts.append(current.decode("utf-8"))
            current, limit = b"", 74
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


@dataclass(frozen=True)
class ReminderFile:
    """The reminders written (or, in a dry run, that would be written) and where."""

    path: Path
    reminders: list[Reminder]
    ics: str
    follow_up_recorded: bool
    """Whether the follow-up date was new to the document (and saved into it)."""


def write_reminders(
    doc: Document,
    settings: Settings,
    now: datetime,
    link: str | None = None,
    dry_run: bool = False,
    write: Callable[[Document], Path] = save,
) -> ReminderFile:
    """Write ``out/reminders.ics`` next to the document and record ``follow_up_review``."""
    from hotwash.publish.issue import incident_key

    key = incident_key(doc.incident, doc.path)
    reminders = plan_reminders(doc.incident, key, settings, now, link)
    ics = to_ics(reminders, now)
    folder = doc.path.parent if doc.path else Path(".")
    target = folder / "out" / "reminders.ics"
    new_date = doc.incident.follow_up_review is None
    if not dry_run:
        atomic_write(target, ics.encode("utf-8"))
        if new_date:
            doc.incident.follow_up_review = follow_up_review_at(doc.incident, settings, now)
            write(doc)
    return ReminderFile(target, reminders, ics, new_date)
