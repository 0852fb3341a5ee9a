"""Times as people write them in Markdown post-mortems, read into aware UTC.

Accepted: ``14:02``, ``14:02:31``, ``2:02 PM``, ``2024-05-14 14:02``,
``2024-05-14T14:02:01Z``, ``14:02 UTC``, ``14:02 +02:00``, ``May 14, 14:02``,
``May 14, 2024 14:02 UTC``. A time with no date takes the date of the entry before it
(at first the document's ``**Date**``); a dateless time more than 12 hours *earlier*
than the entry before it is read as the next day (23:58 then 00:03). A time with no zone
is read in the zone the document declares and is an error when it declares none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

__all__ = ["Clock", "TimeTextError", "parse_date", "read_date_time", "split_leading_time"]

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

_DATE = (
    r"(?:(?P<iso>\d{4}-\d{2}-\d{2})"
    r"|(?P<mon>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{4}))?"
    r"|(?P<day2>\d{1,2})\s+(?P<mon2>[A-Za-z]{3,9})\.?(?:\s+(?P<year2>\d{4}))?)"
)
_TIME = r"(?P<time>\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)(?:\s*(?P<ampm>[AaPp]\.?[Mm]\.?))?"
_ZONE = r"(?P<zone>Z|UTC|GMT|(?:UTC|GMT)?[+-]\d{1,2}(?::?\d{2})?|\((?:UTC|GMT|Z)\))"
_INSTANT = rf"(?:{_DATE}(?:,?\s*|T))?{_TIME}(?:\s*{_ZONE})?"
_INSTANT_RE = re.compile(rf"^\s*{_INSTANT}\s*$")
_LEADING_RE = re.compile(rf"^\s*(?:\*\*|`)?(?P<stamp>{_INSTANT})(?:\*\*|`)?\s*(?:[-–—:|]\s*)?")
_DATE_ONLY_RE = re.compile(rf"^\s*(?:[A-Za-z]+,?\s+)?{_DATE}\b")


class TimeTextError(ValueError):
    """A time cell that cannot be read; the message says what to write instead."""


@dataclass
class Clock:
    """The date and zone that dateless or zoneless times are read in, and the last time read.

    ``zone_hint`` says where the zone was declared, for error messages.
    """

    day: date | None = None
    zone: tzinfo | None = None
    last: datetime | None = None

    def read(self, text: str) -> datetime:
        """The aware UTC instant ``text`` means here; advances the clock. Raises TimeTextError."""
        match = _INSTANT_RE.match(text)
        if match is None:
            raise TimeTextError(
                f"cannot read {text.strip()!r} as a time; write e.g. 14:02, "
                "2024-05-14 14:02 UTC or 2024-05-14T14:02:01Z"
            )
        return self._resolve(match)

    def _resolve(self, match: re.Match[str]) -> datetime:
        written_day = _match_date(match, self.day)
        day = written_day or self.day
        if day is None:
            raise TimeTextError(
                f"{match.group(0).strip()!r} has no date and the document gives none; "
                "add a **Date**: line or write the date in the cell"
            )
        local = datetime.combine(day, _match_time(match))
        if (
            written_day is None
            and self.last is not None
            and local < self.last - timedelta(hours=12)
        ):
            local += timedelta(days=1)
        tz = _match_zone(match) or self.zone
        if tz is None:
            raise TimeTextError(
                f"{match.group(0).strip()!r} has no time zone and the document declares none; "
                "write 14:02 UTC, add 'All times UTC.' under ## Timeline, "
                "or a **Timezone**: line"
            )
        self.last, self.day = local, local.date()
        return local.replace(tzinfo=tz).astimezone(UTC)


def read_date_time(text: str, clock: Clock) -> tuple[date, datetime | None]:
    """A ``**Date**`` value: its day, and its instant when it also gives a time of day."""
    stripped = text.strip()
    if _INSTANT_RE.match(stripped):
        instant = Clock(day=clock.day, zone=clock.zone).read(stripped)
        match = _INSTANT_RE.match(stripped)
        assert match is not None
        written = _match_date(match, clock.day)
        if written is None:
            raise TimeTextError(f"{stripped!r} has a time but no date")
        return written, instant
    day = parse_date(stripped)
    if day is None:
        raise TimeTextError(f"cannot read {stripped!r} as a date; write e.g. 2024-05-14")
    return day, None


def parse_date(text: str, year: int | None = None) -> date | None:
    """The date at the start of ``text`` (``2024-05-14``, ``May 14, 2024``, ``14 May 2024``)."""
    match = _DATE_ONLY_RE.match(text)
    if match is None:
        return None
    try:
        return _match_date(match, date(year, 1, 1) if year else None)
    except TimeTextError:
        return None


def split_leading_time(text: str) -> tuple[str, str] | None:
    """``"14:51 News reports ..."`` -> ``("14:51", "News reports ...")``; None without a time."""
    match = _LEADING_RE.match(text)
    if match is None or not text[match.end() :].strip():
        return None
    return match.group("stamp"), text[match.end() :].strip()


def _match_date(match: re.Match[str], context: date | None) -> date | None:
    groups = match.groupdict()
    if groups.get("iso"):
        try:
            return date.fromisoformat(groups["iso"])
        except ValueError as exc:
            raise TimeTextError(f"{groups['iso']!r} is not a calendar date") from exc
    month_name = groups.get("mon") or groups.get("mon2")
    if not month_name:
        return None
    month = _MONTHS.get(month_name.lower())
    day_text = groups.get("day") or groups.get("day2")
    year_text = groups.get("year") or groups.get("year2")
    if month is None or day_text is None:
        raise TimeTextError(f"{match.group(0).strip()!r}: unknown month {month_name!r}")
    year = int(year_text) if year_text else (context.year if context else None)
    if year is None:
        raise TimeTextError(f"{match.group(0).strip()!r} has no year and the document gives none")
    try:
        return date(year, month, int(day_text))
    except ValueError as exc:
        raise TimeTextError(f"{match.group(0).strip()!r} is not a calendar date") from exc


def _match_time(match: re.Match[str]) -> time:
    parts = match.group("time").split(":")
    hour, minute = int(parts[0]), int(parts[1])
    seconds = float(parts[2]) if len(parts) > 2 else 0.0
    ampm = (match.group("ampm") or "").lower().replace(".", "")
    if ampm:
        if not 1 <= hour <= 12:
            raise TimeTextError(f"{match.group(0).strip()!r}: {hour} is not an AM/PM hour")
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59 or seconds >= 60:
        raise TimeTextError(f"{match.group(0).strip()!r} is not a time of day")
    whole = int(seconds)
    return time(hour, minute, whole, round((seconds - whole) * 1_000_000))


def _match_zone(match: re.Match[str]) -> tzinfo | None:
    text = (match.group("zone") or "").strip("()")
    if not text:
        return None
    if text.upper() in {"Z", "UTC", "GMT"}:
        return UTC
    offset = re.match(r"^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$", text, re.IGNORECASE)
    if offset is None:
        raise TimeTextError(f"unknown zone {text!r}")
    sign = -1 if offset.group(1) == "-" else 1
    delta = timedelta(hours=int(offset.group(2)), minutes=int(offset.group(3) or 0))
    return timezone(sign * delta)
