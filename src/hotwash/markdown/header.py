"""The title line and the ``**Key**: value`` lines under it (date, severity, authors, ...).

The title is the first level-1 heading; ``Post-Mortem:`` before it and a date in
parentheses after it (``# Post-Mortem: Checkout errors (2024-05-14)``) are not part of the
title. Header lines that are not metadata are kept verbatim as an extra section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hotwash.markdown import values
from hotwash.markdown.blocks import Block
from hotwash.markdown.draft import Draft
from hotwash.markdown.times import TimeTextError, parse_date, read_date_time
from hotwash.markdown.vocabulary import HEADER_KEYS, SECTIONS, lookup
from hotwash.model import MILESTONE_NAMES
from hotwash.timeutil import zone

__all__ = ["ZONE_NOTE", "HeaderLine", "header_lines", "read_header", "read_title"]

_BOLD_RE = re.compile(
    r"^\s*(?:[-*]\s+)?(?:\*\*|__)(?P<key>[^*_:]{1,40}?)"
    r"(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:)\s*(?P<value>.*?)\s*\\?$"
)
_PLAIN_RE = re.compile(
    r"^\s*(?:[-*]\s+)?(?P<key>[A-Za-z][A-Za-z '/-]{0,30}):\s+(?P<value>.+?)\s*\\?$"
)
_TITLE_PREFIX_RE = re.compile(r"^(?:incident\s+)?post[- ]?mortem\s*(?:report)?\s*[:—–-]\s*", re.I)
_TITLE_SUFFIX_RE = re.compile(r"\s*[:—–-]?\s*post[- ]?mortem(?:\s+report)?$", re.I)
_PAREN_RE = re.compile(r"\s*\((?P<inner>[^()]*)\)\s*$")
#: "All times UTC", "(all times are in Europe/Paris)", "Times in UTC"
ZONE_NOTE = re.compile(
    r"\b(?:all\s+)?times\s+(?:are\s+|shown\s+|given\s+)?(?:in\s+)?"
    r"(?P<zone>UTC|GMT|[A-Z][A-Za-z]+/[A-Za-z_]+(?:/[A-Za-z_]+)?)\b"
)


@dataclass
class HeaderLine:
    """One ``**Key**: value`` line: the field key it means, its value and line."""

    key: str
    value: str
    line: int


def read_title(draft: Draft, text: str, line: int) -> None:
    """Set ``title`` (and the date or incident ID written in parentheses after it)."""
    title = _TITLE_PREFIX_RE.sub("", text.strip())
    paren = _PAREN_RE.search(title)
    if paren:
        inner = paren.group("inner").strip()
        day = parse_date(inner)
        incident_id = re.fullmatch(r"(?:incident\s*)?#\s*(\S+)|(INC-?\S+)", inner, re.I)
        if day is not None and draft.clock.day is None:
            draft.clock.day = day
            title = title[: paren.start()]
        elif incident_id:
            draft.put(("id",), incident_id.group(1) or incident_id.group(2), line)
            title = title[: paren.start()]
    title = _TITLE_SUFFIX_RE.sub("", title).strip() or text.strip()
    draft.put(("title",), title, line)


def header_lines(blocks: list[Block]) -> tuple[list[HeaderLine], list[tuple[int, str]]]:
    """Split header paragraphs into metadata lines and other lines (kept verbatim)."""
    found: list[HeaderLine] = []
    other: list[tuple[int, str]] = []
    for block in blocks:
        for offset, text in enumerate(block.lines):
            parsed = _header_line(text, block.start + offset)
            if parsed is not None:
                found.append(parsed)
            elif text.strip() and not ZONE_NOTE.search(text):
                other.append((block.start + offset, text))
    return found, other


def _header_line(text: str, line: int) -> HeaderLine | None:
    match = _BOLD_RE.match(text) or _PLAIN_RE.match(text)
    if match is None:
        return None
    name = match.group("key")
    key = lookup(HEADER_KEYS, name) or (
        f"section:{lookup(SECTIONS, name)}" if lookup(SECTIONS, name) else None
    )
    if key is None:
        return None
    value = match.group("value").strip()
    return HeaderLine(key=key, value=value, line=line)


def read_header(draft: Draft, lines: list[HeaderLine]) -> None:
    """Apply metadata lines: the date first (it dates the times), then the rest."""
    ordered = sorted(lines, key=lambda h: h.key != "date")
    for header in ordered:
        if values.empty(header.value) and header.key != "date":
            continue
        try:
            _apply(draft, header)
        except ValueError as exc:
            draft.fail(str(exc), header.line, _field_of(header.key))


def _field_of(key: str) -> tuple[str, ...]:
    if key in MILESTONE_NAMES:
        return ("milestones", key)
    if key.startswith("section:"):
        return (key.split(":", 1)[1],)
    return (key,)


def _apply(draft: Draft, header: HeaderLine) -> None:
    key, value, line = header.key, header.value, header.line
    if key == "date":
        _apply_date(draft, value, line)
    elif key in MILESTONE_NAMES:
        draft.put(("milestones", key), draft.clock.read(value), line, value)
    elif key in {"severity", "status"}:
        normalise = values.severity if key == "severity" else values.status
        draft.put((key,), normalise(value), line, value)
    elif key == "authors":
        draft.put(("authors",), values.people(value), line)
    elif key == "reviewed":
        _apply_reviewed(draft, value, line)
    elif key == "duration":
        draft.duration = (value, line)
    elif key == "timezone":
        zone(value.strip())
        draft.put(("timezone",), value.strip(), line)
    elif key.startswith("section:"):
        _apply_section_line(draft, key.split(":", 1)[1], value, line)
    else:
        draft.put((key,), value.strip("*_`"), line)


def _apply_date(draft: Draft, value: str, line: int) -> None:
    if values.empty(value):
        return
    try:
        day, instant = read_date_time(value, draft.clock)
    except TimeTextError as exc:
        raise ValueError(str(exc)) from exc
    draft.clock.day = day
    draft.lines[("date",)] = line
    if instant is not None:
        draft.put(("milestones", "impact_started"), instant, line, value)


def _apply_reviewed(draft: Draft, value: str, line: int) -> None:
    """``@sam, 2024-05-20`` -> reviewers and reviewed_on; ``yes``/``no`` alone say nothing."""
    names = []
    dated = re.search(r"\((?P<day>[^()]+)\)\s*$", value)
    if dated and parse_date(dated.group("day")) is not None:
        draft.put(("reviewed_on",), parse_date(dated.group("day")), line, dated.group("day"))
        value = value[: dated.start()]
    for part in values.people(value):
        day = parse_date(part)
        if day is not None:
            draft.put(("reviewed_on",), day, line, part)
        elif part.lower() not in {"yes", "no", "pending", "not yet"}:
            names.append(re.sub(r"^(?:yes\s+)?(?:by\s+)", "", part, flags=re.I))
    if names:
        draft.put(("reviewers",), names, line)


def _apply_section_line(draft: Draft, key: str, value: str, line: int) -> None:
    """``**Summary**: one line`` in the header, as in the Google SRE book's example."""
    if key == "impact":
        draft.put(("impact", "description"), value, line)
        draft.lines[("impact",)] = line
    elif key in {"summary", "root_causes", "trigger", "detection", "resolution", "prevention"}:
        draft.put((key,), value, line)
