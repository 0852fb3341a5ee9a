"""Markdown post-mortem -> :class:`~hotwash.document.Document`.

The steps: find sections and blocks with their lines; read the declared zone; read the
title and header lines; read each section by its heading (unknown ones are kept verbatim
in ``extra_sections``); infer the milestones the header did not give; validate.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from hotwash.document import Document, validate
from hotwash.markdown.actions import read_actions
from hotwash.markdown.analysis import (
    own_span,
    read_factors,
    read_impact,
    read_list,
    read_text,
    read_whys,
)
from hotwash.markdown.blocks import Block, Section, parse_sections
from hotwash.markdown.draft import Draft
from hotwash.markdown.header import ZONE_NOTE, header_lines, read_header, read_title
from hotwash.markdown.milestones import infer_milestones
from hotwash.markdown.timeline import read_timeline, start_day
from hotwash.markdown.vocabulary import HEADER_KEYS, SECTIONS, key_of, lookup
from hotwash.timeutil import zone

__all__ = ["parse_markdown"]


def parse_markdown(text: str, path: Path | None = None) -> Document:
    """Import a Markdown post-mortem; errors are ``DocumentError`` naming the line."""
    draft = Draft(path=path, source=text.splitlines())
    front, body = _front_matter(text)
    root = parse_sections(body)
    title, sections = _title_and_sections(root)
    header = [*front, *root.blocks, *(title.blocks if title else [])]
    _declare_zone(draft, header, sections)
    metadata, other = header_lines(header)
    if title is not None:
        read_title(draft, title.title, title.line)
    read_header(draft, metadata)
    if "title" not in draft.data:
        draft.fail("no title: start with a heading like '# Post-Mortem: <title> (<date>)'", 1)
    if other:
        _keep(draft, "Details", "\n".join(line for _, line in other), other[0][0])
    for section in sections:
        _read_section(draft, section)
    infer_milestones(draft)
    incident = validate(draft.data, draft.lines, path)
    return Document(
        incident=incident,
        path=path,
        format="markdown",
        text=text,
        lines=draft.lines,
        texts=draft.texts,
    )


def _front_matter(text: str) -> tuple[list[Block], str]:
    """``---`` fenced ``key: value`` lines at the top (Jekyll, Hugo, Obsidian) are header
    lines; they are blanked out of the Markdown so that line numbers stay right."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return [], text
    end = next((n for n in range(1, len(lines)) if lines[n].strip() in {"---", "..."}), None)
    if end is None:
        return [], text
    block = Block(kind="paragraph", start=2, end=end, lines=lines[1:end])
    return [block], "\n" * (end + 1) + "\n".join(lines[end + 1 :])


def _title_and_sections(root: Section) -> tuple[Section | None, list[Section]]:
    """The first level-1 heading is the title; the sections are its children and the rest."""
    title = next((s for s in root.children if s.level == 1), None)
    sections: list[Section] = []
    for section in root.children:
        sections.extend(section.children if section is title else [section])
    return title, sections


def _declare_zone(draft: Draft, header: list[Block], sections: list[Section]) -> None:
    """The zone zoneless times are read in: ``**Timezone**:`` or an "all times UTC" note."""
    timelines = [
        part
        for section in sections
        for part in section.walk()
        if lookup(SECTIONS, part.title) == "timeline"
    ]
    notes = [b for s in timelines for b in s.blocks if b.kind == "paragraph"] + header
    declared: list[tuple[str, int]] = []
    for block in notes:
        for offset, line in enumerate(block.lines):
            match = ZONE_NOTE.search(line)
            if match:
                declared.append((match.group("zone"), block.start + offset))
            elif _is_timezone_line(line):
                declared.append((line.split(":", 1)[1].strip(" *_`"), block.start + offset))
    _choose_zone(draft, declared)


def _is_timezone_line(line: str) -> bool:
    key = line.split(":", 1)[0] if ":" in line else ""
    return lookup(HEADER_KEYS, key.strip(" -*_")) == "timezone"


def _choose_zone(draft: Draft, declared: list[tuple[str, int]]) -> None:
    zones: dict[str, int] = {}
    for name, line in declared:
        try:
            tz = zone(name)
        except ValueError as exc:
            draft.fail(str(exc), line, ("timezone",))
        zones.setdefault(str(tz), line)
        draft.clock.zone = draft.clock.zone or tz
    if len(zones) > 1:
        (first, line_a), (second, line_b) = list(zones.items())[:2]
        draft.fail(
            f"the document declares two time zones: {first} (line {line_a}) and {second}; keep one",
            line_b,
            ("timezone",),
        )


#: Sections whose sub-headings are part of their content (a five-whys chain per heading,
#: a timeline split by day).
_OWN_CHILDREN = {"whys", "timeline"}


def _read_section(draft: Draft, section: Section) -> None:
    key = lookup(SECTIONS, section.title)
    if key is None:
        if not _is_generated_appendix(section):
            _read_unknown(draft, section)
        return
    _HANDLERS[key](draft, section)
    _keep_unread(draft, section)
    if key not in _OWN_CHILDREN:
        for child in section.children:
            _read_section(draft, child)


def _is_generated_appendix(section: Section) -> bool:
    """The "Evidence and Data Gaps" appendix ``hotwash render`` writes from the data itself
    (durations, coverage, findings); importing it back would only duplicate it."""
    children = {key_of(child.title) for child in section.children}
    return key_of(section.title) == "evidence and data gaps" and "durations" in children


def _read_unknown(draft: Draft, section: Section) -> None:
    """Keep an unknown section verbatim; if known sections sit below it, keep only its text."""
    known_below = any(lookup(SECTIONS, s.title) for s in section.walk()[1:])
    if not known_below:
        _keep(draft, section.title, draft.body(section.line + 1, section.end), section.line)
        return
    start, end = own_span(section)
    _keep(draft, section.title, draft.body(start, end), section.line)
    for child in section.children:
        _read_section(draft, child)


def _keep_unread(draft: Draft, section: Section) -> None:
    """Text of a known section that no field took (an introduction above a table, a
    paragraph with no list after it) is kept as ``<title> (notes)``; comments are not."""
    unread = [b for b in section.blocks if b.start not in draft.used and not _comment(b)]
    if unread:
        body = "\n\n".join(block.text for block in unread)
        _keep(draft, f"{section.title} (notes)", body, unread[0].start)


def _comment(block: Block) -> bool:
    return block.kind == "other" and block.text.startswith("<!--") and block.text.endswith("-->")


def _keep(draft: Draft, title: str, body: str, line: int) -> None:
    draft.append("extra_sections", {"title": title, "body": body}, line)


def _read_group(draft: Draft, section: Section) -> None:
    """A parent such as "How'd We Do?": its own text, if any, is kept verbatim."""
    start, end = own_span(section)
    body = draft.body(start, end)
    if body.strip():
        _keep(draft, section.title, body, section.line)


def _read_timeline(draft: Draft, section: Section) -> None:
    """The timeline, and its sub-sections in order (``### May 15`` dates what follows)."""
    draft.lines.setdefault(("timeline",), section.line)
    read_timeline(draft, section.blocks)
    for child in section.walk()[1:]:
        start_day(draft, child.title)
        read_timeline(draft, child.blocks)
        _keep_unread(draft, child)


def _read_actions(draft: Draft, section: Section) -> None:
    draft.lines.setdefault(("action_items",), section.line)
    read_actions(draft, section.blocks)


_Handler = Callable[[Draft, Section], None]
_HANDLERS: dict[str, _Handler] = {
    "summary": partial(read_text, path=("summary",)),
    "impact": read_impact,
    "root_causes": partial(read_text, path=("root_causes",)),
    "trigger": partial(read_text, path=("trigger",)),
    "detection": partial(read_text, path=("detection",)),
    "resolution": partial(read_text, path=("resolution",)),
    "prevention": partial(read_text, path=("prevention",)),
    "timeline": _read_timeline,
    "factors": partial(read_factors, kind="contributing"),
    "trigger_factors": partial(read_factors, kind="trigger"),
    "systemic_factors": partial(read_factors, kind="systemic"),
    "whys": read_whys,
    "went_well": partial(read_list, name="went_well"),
    "went_poorly": partial(read_list, name="went_poorly"),
    "lucky": partial(read_list, name="lucky"),
    "lessons": partial(read_list, name="lessons"),
    "action_items": _read_actions,
    "group": _read_group,
}
