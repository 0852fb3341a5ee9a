"""Milestones of a Markdown post-mortem, and how each one was found.

In order of precedence: an explicit header line (``**Detected**: 14:06 UTC``; a
``**Date**`` with a time of day is the impact start); else the timeline entry whose text
says so (below); else, for ``resolved`` only, the impact start plus ``**Duration**``.
From the timeline, each milestone is the *first* matching entry at or after the milestone
before it, except ``resolved``, which is the *last* matching entry. The first timeline entry
is not taken as the impact start unless its text says so. The field line of an inferred
milestone is the line of the entry it came from.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from hotwash.markdown.draft import Draft
from hotwash.model import MILESTONE_NAMES

__all__ = ["MILESTONE_PATTERNS", "infer_milestones", "parse_duration"]

MILESTONE_PATTERNS: dict[str, re.Pattern[str]] = {
    "impact_started": re.compile(
        r"\boutage (?:begins|began|starts|started)\b|\bimpact (?:begins|began|starts|started)\b"
        r"|\bincident (?:begins|began|starts|started)\b",
        re.IGNORECASE,
    ),
    "detected": re.compile(
        r"\bdetected\b|\balerts? (?:fired|fires)\b|\bfiring\b|\bpaged\b|\bpage (?:sent|fired)\b",
        re.IGNORECASE,
    ),
    "acknowledged": re.compile(r"\backnowledg(?:ed|es)\b|\backed\b", re.IGNORECASE),
    "mitigated": re.compile(
        r"\bmitigated\b|\bmitigation (?:applied|complete|completed|in place)\b|\brolled back\b"
        r"|\brollback (?:complete|completed|finished|done)\b",
        re.IGNORECASE,
    ),
    "resolved": re.compile(
        r"\bresolved\b|\boutage (?:ends|ended|over)\b|\bincident (?:closed|over|ends|ended)\b"
        r"|\ball clear\b",
        re.IGNORECASE,
    ),
}


def infer_milestones(draft: Draft) -> None:
    """Fill the milestones the header did not give, from the timeline then the duration."""
    given: dict[str, Any] = draft.data.setdefault("milestones", {})
    events: list[dict[str, Any]] = draft.data.get("timeline", [])
    floor: datetime | None = None
    for name in MILESTONE_NAMES:
        if name not in given:
            index = _find(events, name, floor)
            if index is not None:
                draft.put(
                    ("milestones", name), events[index]["at"], draft.lines[("timeline", index)]
                )
        floor = given.get(name, floor)
    _resolved_from_duration(draft, given)
    found = [draft.lines[("milestones", name)] for name in given]
    if found:
        draft.lines.setdefault(("milestones",), min(found))


def _find(events: list[dict[str, Any]], name: str, floor: datetime | None) -> int | None:
    pattern = MILESTONE_PATTERNS[name]
    matches = [
        index
        for index, event in enumerate(events)
        if pattern.search(event["title"]) and (floor is None or event["at"] >= floor)
    ]
    if not matches:
        return None
    return matches[-1] if name == "resolved" else matches[0]


def _resolved_from_duration(draft: Draft, given: dict[str, Any]) -> None:
    if draft.duration is None or "resolved" in given or "impact_started" not in given:
        return
    text, line = draft.duration
    delta = parse_duration(text)
    if delta is None:
        draft.fail(f"cannot read duration {text!r}; write e.g. 43m 53s or 1h 05m", line)
    draft.put(("milestones", "resolved"), given["impact_started"] + delta, line, text)


_PART_RE = re.compile(
    r"(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>d(?:ays?)?|h(?:ours?|rs?)?|m(?:in(?:ute)?s?)?|s(?:ec(?:ond)?s?)?)\b",
    re.IGNORECASE,
)
_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}


def parse_duration(text: str) -> timedelta | None:
    """``43m 53s``, ``1h 05m``, ``1d 2h 05m``, ``66 minutes`` -> a timedelta; None if unread."""
    parts = list(_PART_RE.finditer(text))
    if not parts or _PART_RE.sub("", text).strip(" ,and"):
        return None
    seconds = sum(float(p["n"]) * _UNITS[p["unit"][0].lower()] for p in parts)
    return timedelta(seconds=seconds)
