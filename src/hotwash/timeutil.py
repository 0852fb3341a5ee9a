"""Exact time: every instant becomes timezone-aware UTC on the way in.

A timestamp with no zone is never silently assumed to be UTC: it is an error unless the
caller names the zone it was written in (a document's ``timezone:``, a source's declared
zone). The original text is kept by the caller where it matters (records, documents).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BeforeValidator, PlainSerializer, ValidationInfo

__all__ = [
    "NaiveTimeError",
    "UtcDatetime",
    "format_duration",
    "format_utc",
    "has_zone",
    "parse_instant",
    "to_utc",
    "zone",
]

_ZONE_RE = re.compile(r"(?:[Zz]|[+-]\d{2}(?::?\d{2})?|\s*UTC|\s*GMT)$")


class NaiveTimeError(ValueError):
    """A timestamp carries no zone and no zone was declared for it."""


def zone(name: str) -> tzinfo:
    """Return the time zone called ``name`` (IANA name such as ``Europe/Paris``, or ``UTC``)."""
    if name.upper() in {"UTC", "Z", "GMT"}:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"unknown time zone {name!r} (use an IANA name such as Europe/Paris)"
        ) from exc


def has_zone(text: str) -> bool:
    """Whether an ISO-8601 timestamp text carries its own zone or offset."""
    return bool(_ZONE_RE.search(text.strip()))


def to_utc(value: datetime, assume: tzinfo | None = None) -> datetime:
    """Convert ``value`` to aware UTC; a naive value needs ``assume`` or raises."""
    if value.tzinfo is None or value.utcoffset() is None:
        if assume is None:
            raise NaiveTimeError(
                f"time {value.isoformat()} has no zone; write it with Z or an offset "
                "such as +02:00, or declare the document's timezone:"
            )
        value = value.replace(tzinfo=assume)
    return value.astimezone(UTC)


def parse_instant(text: str, assume: tzinfo | None = None) -> datetime:
    """Parse an ISO-8601 instant (``T`` or space separated, ``Z``/offset/``UTC``) into UTC."""
    raw = text.strip()
    cleaned = re.sub(r"\s*(UTC|GMT)$", "+00:00", raw)
    cleaned = re.sub(r"[Zz]$", "+00:00", cleaned)
    try:
        value = datetime.fromisoformat(cleaned)
    except ValueError as exc:
        raise ValueError(f"not an ISO-8601 time: {raw!r}") from exc
    if value.tzinfo is None and "T" not in cleaned and " " not in cleaned:
        raise ValueError(f"{raw!r} is a date, not an instant; give a time and a zone")
    return to_utc(value, assume)


def _validate_utc(value: Any, info: ValidationInfo) -> datetime:
    assume: tzinfo | None = None
    context = info.context if info is not None else None
    if isinstance(context, dict) and context.get("timezone"):
        assume = zone(str(context["timezone"]))
    if isinstance(value, datetime):
        return to_utc(value, assume)
    if isinstance(value, date):
        raise ValueError(f"{value.isoformat()} is a date, not an instant; give a time and a zone")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        return parse_instant(value, assume)
    raise ValueError(f"expected an ISO-8601 time with a zone, got {type(value).__name__}")


def _serialize_utc(value: datetime) -> str:
    return format_iso(value)


UtcDatetime = Annotated[
    datetime,
    BeforeValidator(_validate_utc),
    PlainSerializer(_serialize_utc, return_type=str, when_used="json"),
]
"""A timezone-aware UTC instant; naive input is refused unless a timezone is in context."""


def format_iso(value: datetime) -> str:
    """``2024-05-14T14:02:01Z`` (fractional seconds kept only when present)."""
    value = value.astimezone(UTC)
    text = value.isoformat(timespec="microseconds" if value.microsecond else "seconds")
    return text.replace("+00:00", "Z")


def format_utc(value: datetime, with_seconds: bool = True) -> str:
    """``2024-05-14 14:02:01 UTC``: the date always, so multi-day incidents stay readable."""
    fmt = "%Y-%m-%d %H:%M:%S" if with_seconds else "%Y-%m-%d %H:%M"
    return value.astimezone(UTC).strftime(fmt) + " UTC"


def format_duration(delta: timedelta | None) -> str:
    """``1d 2h 05m``, ``42m 10s``, ``8s``; ``-`` when unknown."""
    if delta is None:
        return "-"
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{sign}{days}d {hours}h {minutes:02d}m"
    if hours:
        return f"{sign}{hours}h {minutes:02d}m"
    if minutes:
        return f"{sign}{minutes}m {secs:02d}s"
    return f"{sign}{secs}s"
