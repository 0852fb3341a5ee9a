"""The prose of a post-mortem, field by field, with the section each belongs to.

Rules that read text (blame language, single-root-cause framing) walk
:func:`prose_fields` and point at the line of the phrase with :func:`phrase_line`, which
searches the source text from the field's own line so that a phrase in the third line of
a folded YAML paragraph is reported on that third line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from hotwash.document import Document, FieldPath

__all__ = ["ProseField", "phrase_line", "prose_fields"]


@dataclass(frozen=True)
class ProseField:
    """One text of the document: where it is, which section it reads as, what it says."""

    path: FieldPath
    section: str
    text: str


_SCALARS = (
    ("summary", "narrative"),
    ("trigger", "narrative"),
    ("root_causes", "narrative"),
    ("detection", "narrative"),
    ("resolution", "narrative"),
    ("prevention", "action"),
)
_LISTS = (
    ("went_well", "narrative"),
    ("went_poorly", "narrative"),
    ("lucky", "lucky"),
    ("lessons", "lessons"),
)


def prose_fields(doc: Document) -> Iterator[ProseField]:
    """Every free-text field in document order of sections, with its section name."""
    incident = doc.incident
    if incident.impact.description:
        yield ProseField(("impact", "description"), "narrative", incident.impact.description)
    for name, section in _SCALARS:
        value = getattr(incident, name)
        if value:
            yield ProseField((name,), section, value)
    for index, event in enumerate(incident.timeline):
        yield ProseField(("timeline", index, "title"), "timeline", event.title)
        if event.details:
            yield ProseField(("timeline", index, "details"), "timeline", event.details)
    for index, factor in enumerate(incident.factors):
        yield ProseField(("factors", index, "text"), "narrative", factor.text)
    for index, chain in enumerate(incident.whys):
        yield ProseField(("whys", index, "problem"), "whys", chain.problem)
        for step, answer in enumerate(chain.whys):
            yield ProseField(("whys", index, "whys", step), "whys", answer)
    for name, section in _LISTS:
        for index, text in enumerate(getattr(incident, name)):
            yield ProseField((name, index), section, text)
    for index, item in enumerate(incident.action_items):
        yield ProseField(("action_items", index, "action"), "action", item.action)
    for index, extra in enumerate(incident.extra_sections):
        yield ProseField(("extra_sections", index, "body"), "narrative", extra.body)


def phrase_line(doc: Document, path: FieldPath, words: str) -> int | None:
    """The 1-based line where ``words`` appear, searching from the line of ``path``.

    Whitespace in ``words`` matches any run of whitespace (a folded line break); when the
    phrase cannot be found (escaped quotes, a reflowed import) the field's line is used.
    """
    start = doc.locate(path).line
    if start is None or not doc.text:
        return start
    pattern = r"\s+".join(re.escape(part) for part in words.split())
    offset = _line_offset(doc.text, start)
    match = re.compile(pattern, re.IGNORECASE).search(doc.text, offset) if pattern else None
    if match is None:
        return start
    return start + doc.text.count("\n", offset, match.start())


def _line_offset(text: str, line: int) -> int:
    offset = 0
    for _ in range(line - 1):
        offset = text.find("\n", offset) + 1
        if offset == 0:
            return len(text)
    return offset
