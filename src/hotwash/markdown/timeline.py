"""The timeline section: a table (``Time | Event | Source | Actor``) or a list of
``- 14:51 text`` bullets, with date lines (``2015-10-21 (all times UTC)``) between them.
"""

from __future__ import annotations

import re
from datetime import UTC, tzinfo
from typing import Any

from hotwash.markdown import values
from hotwash.markdown.blocks import Block, Row
from hotwash.markdown.draft import Draft
from hotwash.markdown.header import ZONE_NOTE
from hotwash.markdown.times import TimeTextError, parse_date, split_leading_time
from hotwash.markdown.vocabulary import TIMELINE_COLUMNS, lookup

__all__ = ["read_timeline", "start_day"]

_UTC_COLUMN_RE = re.compile(r"\b(?:UTC|GMT)\b", re.IGNORECASE)


def read_timeline(draft: Draft, blocks: list[Block]) -> None:
    """Append the entries of the timeline section's ``blocks`` to ``draft``, in order."""
    for block in blocks:
        if block.kind == "table":
            _read_table(draft, block)
        elif block.kind == "list":
            _read_list(draft, block)
        elif block.kind == "paragraph":
            _read_date_line(draft, block)
            continue
        else:
            continue
        draft.use(block)


def start_day(draft: Draft, text: str) -> bool:
    """A date line (``2015-10-21 (all times UTC)``, ``### May 15``) dates what follows."""
    day = parse_date(text.strip().strip("*_#"), draft.clock.day.year if draft.clock.day else None)
    if day is not None:
        draft.clock.day = day
        draft.clock.last = None
    return day is not None


def _read_date_line(draft: Draft, block: Block) -> None:
    """A paragraph that is a date line or a zone note is read here, not kept as notes."""
    dated = [start_day(draft, text) for text in block.lines]
    if any(dated) or all(ZONE_NOTE.search(text) for text in block.lines):
        draft.use(block)


def _read_table(draft: Draft, block: Block) -> None:
    header = block.header()
    columns = _columns(draft, header, block.start)
    column_zone = UTC if _UTC_COLUMN_RE.search(header[columns.index("at")]) else None
    for row in block.rows():
        if len(row.cells) != len(header):
            draft.fail(
                f"timeline row has {len(row.cells)} cells but the table has {len(header)} "
                f"columns ({' | '.join(header)})",
                row.line,
                ("timeline",),
            )
        _add_event(draft, dict(zip(columns, row.cells, strict=True)), row, column_zone)


def _columns(draft: Draft, header: list[str], line: int) -> list[str]:
    columns = []
    for name in header:
        key = lookup(TIMELINE_COLUMNS, name)
        if key is None:
            known = ", ".join(aliases[0] for aliases in TIMELINE_COLUMNS.values())
            draft.fail(f"unknown timeline column {name!r}; known columns: {known}", line)
        columns.append(key)
    if "at" not in columns or "title" not in columns:
        draft.fail("a timeline table needs a Time and an Event column", line, ("timeline",))
    return columns


def _read_list(draft: Draft, block: Block) -> None:
    for item in block.items:
        parts = split_leading_time(item.text)
        if parts is None:
            draft.fail(
                "timeline entry has no time at its start; write '- 14:02 what happened'",
                item.line,
                ("timeline",),
            )
        stamp, title = parts
        _add_event(draft, {"at": stamp, "title": title}, Row(item.line, []), None)


def _add_event(draft: Draft, cells: dict[str, str], row: Row, column_zone: tzinfo | None) -> None:
    index = len(draft.data.get("timeline", []))
    at_text = cells["at"].strip()
    at = _read_time(draft, at_text, row.line, index, column_zone)
    if not cells["title"].strip():
        draft.fail("timeline entry has no event text", row.line, ("timeline", index, "title"))
    event = _event(cells, at)
    draft.append("timeline", event, row.line)
    for name in event:
        draft.lines[("timeline", index, name)] = row.line
    draft.texts[("timeline", index, "at")] = at_text


def _read_time(draft: Draft, text: str, line: int, index: int, column_zone: tzinfo | None) -> Any:
    saved = draft.clock.zone
    if column_zone is not None:
        draft.clock.zone = column_zone
    try:
        return draft.clock.read(text)
    except TimeTextError as exc:
        draft.fail(str(exc), line, ("timeline", index, "at"))
    finally:
        draft.clock.zone = saved


def _event(cells: dict[str, str], at: Any) -> dict[str, Any]:
    event: dict[str, Any] = {"at": at, "title": cells["title"].strip()}
    for name in ("source", "actor", "kind", "details"):
        text = cells.get(name, "")
        if not values.empty(text):
            event[name] = text.strip()
    link = cells.get("evidence", "")
    if not values.empty(link):
        event["evidence"] = [link.strip()]
    return event
