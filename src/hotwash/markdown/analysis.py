"""Prose, bullet lists, contributing factors and five-whys chains from their sections."""

from __future__ import annotations

import re
from typing import Any

from hotwash.markdown import values
from hotwash.markdown.blocks import Block, Section
from hotwash.markdown.draft import Draft

__all__ = ["read_factors", "read_list", "read_text", "read_whys"]

_LABEL_RE = re.compile(r"^\s*(?:\*\*|__)(?P<label>[^*_]+?)(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:)\s*")
_WHY_PREFIX_RE = re.compile(
    r"^(?:\*\*)?why\s*(?:\d+\s*)?[?:](?:\*\*)?\s*[:.\-–—]?\s*", re.IGNORECASE
)


def own_span(section: Section) -> tuple[int, int]:
    """First and last line of a section's own text (before its first sub-heading)."""
    end = section.children[0].line - 1 if section.children else section.end
    return section.line + 1, end


def read_text(draft: Draft, section: Section, path: tuple[str, ...]) -> None:
    """A prose field (summary, impact, root causes, ...): the section's own text verbatim.

    In a root-cause section, a paragraph starting ``**Trigger**:`` sets ``trigger``.
    """
    blocks = list(section.blocks)
    draft.use(*blocks)
    if path == ("root_causes",):
        blocks = _take_trigger(draft, blocks)
    if not blocks:
        draft.lines.setdefault(path, section.line)
        return
    text = draft.body(blocks[0].start, blocks[-1].end)
    draft.put(path, text, blocks[0].start)


def _take_trigger(draft: Draft, blocks: list[Block]) -> list[Block]:
    kept = []
    for block in blocks:
        label = _LABEL_RE.match(block.text) if block.kind == "paragraph" else None
        if label and label.group("label").strip().lower() == "trigger":
            draft.put(("trigger",), block.text[label.end() :].strip(), block.start)
        else:
            kept.append(block)
    return kept


_IMPACT_RE = re.compile(
    r"^(?P<label>failed requests|users affected|revenue lost|data lost)\s*:\s*(?P<value>.+)$",
    re.IGNORECASE,
)


def read_impact(draft: Draft, section: Section) -> None:
    """The impact in words, and the figures of ``- Failed requests: 21480`` style bullets."""
    draft.lines.setdefault(("impact",), section.line)
    draft.use(*section.blocks)
    figures = [b for b in section.blocks if b.kind == "list" and _all_figures(b)]
    prose = Section(section.title, section.level, section.line, section.end)
    prose.blocks = [b for b in section.blocks if b not in figures]
    read_text(draft, prose, ("impact", "description"))
    for block in figures:
        for item in block.items:
            match = _IMPACT_RE.match(item.text)
            assert match is not None
            try:
                _put_figure(draft, match.group("label").lower(), match.group("value"), item.line)
            except ValueError as exc:
                draft.fail(str(exc), item.line, ("impact",))


def _all_figures(block: Block) -> bool:
    return all(_IMPACT_RE.match(item.text) for item in block.items)


def _put_figure(draft: Draft, label: str, value: str, line: int) -> None:
    if label == "data lost":
        answer = value.strip().lower()
        if answer not in {"yes", "no", "true", "false"}:
            raise ValueError(f"data lost: {value.strip()!r} is not yes or no")
        draft.put(("impact", "data_lost"), answer in {"yes", "true"}, line, value.strip())
        return
    number = re.match(r"^\s*(?P<n>\d[\d,  ]*(?:\.\d+)?)\s*(?P<unit>[A-Za-z]{3})?\s*$", value)
    if number is None:
        raise ValueError(f"{label}: {value.strip()!r} is not a number")
    amount = float(re.sub(r"[,  ]", "", number.group("n")))
    if label == "revenue lost":
        draft.put(("impact", "revenue_lost"), amount, line, value.strip())
        if number.group("unit"):
            draft.put(("impact", "currency"), number.group("unit").upper(), line)
    else:
        field = "failed_requests" if label == "failed requests" else "users_affected"
        draft.put(("impact", field), int(amount), line, value.strip())


def read_list(draft: Draft, section: Section, name: str) -> None:
    """A list field (went well, lessons, ...): one entry per bullet or per paragraph."""
    draft.lines.setdefault((name,), section.line)
    draft.use(*(b for b in section.blocks if b.kind in {"list", "paragraph"}))
    for block in section.blocks:
        if block.kind == "list":
            for item in block.items:
                if not values.empty(item.text):
                    draft.append(name, item.text, item.line)
        elif block.kind == "paragraph":
            draft.append(name, " ".join(line.strip() for line in block.lines), block.start)


def read_factors(draft: Draft, section: Section, kind: str) -> None:
    """Factors of one ``kind`` (trigger, contributing, systemic): one per bullet or paragraph.

    A bullet may start with an ID and a category: ``CF-1 [change]: text``.
    """
    draft.lines.setdefault(("factors",), section.line)
    draft.use(*(b for b in section.blocks if b.kind in {"list", "paragraph"}))
    for line, text in _entries(section.blocks):
        if values.empty(text):
            continue
        factor_id, category, body = values.factor_bullet(text)
        factor: dict[str, Any] = {"kind": kind, "text": body}
        if factor_id:
            factor["id"] = factor_id
        if category:
            factor["category"] = category
        index = draft.append("factors", factor, line)
        draft.lines[("factors", index, "text")] = line


def _entries(blocks: list[Block]) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for block in blocks:
        if block.kind == "list":
            found.extend((item.line, item.text) for item in block.items if item.text)
        elif block.kind == "paragraph":
            found.append((block.start, " ".join(line.strip() for line in block.lines)))
    return found


def read_whys(draft: Draft, section: Section) -> None:
    """Five-whys chains: each list is a chain. Its problem is the sub-heading it sits
    under (``### Checkout failed``), else the paragraph before it (``**Problem**:``
    optional), else the list's first item."""
    draft.lines.setdefault(("whys",), section.line)
    _read_chains(draft, section.blocks, None)
    for child in section.children:
        _read_chains(draft, child.blocks, (child.line, child.title))


def _read_chains(draft: Draft, blocks: list[Block], problem: tuple[int, str] | None) -> None:
    for position, block in enumerate(blocks):
        following = blocks[position + 1] if position + 1 < len(blocks) else None
        if block.kind == "paragraph" and following is not None and following.kind == "list":
            draft.use(block)
            label = _LABEL_RE.match(block.text)
            text = block.text[label.end() :] if label else block.text
            problem = (block.start, " ".join(text.split()))
        elif block.kind == "list" and block.items:
            draft.use(block)
            _add_chain(draft, block, problem)
            problem = None


def _add_chain(draft: Draft, block: Block, problem: tuple[int, str] | None) -> None:
    items = [(item.line, _WHY_PREFIX_RE.sub("", item.text)) for item in block.items]
    if problem is None:
        problem, items = items[0], items[1:]
    index = draft.append("whys", {"problem": problem[1], "whys": [t for _, t in items]}, problem[0])
    draft.lines[("whys", index, "problem")] = problem[0]
    for position, (line, _) in enumerate(items):
        draft.lines[("whys", index, "whys", position)] = line
