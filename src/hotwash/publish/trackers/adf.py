"""Atlassian Document Format: the rich text Jira Cloud's REST v3 wants for descriptions."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["to_adf"]

_LINK_RE = re.compile(r"https?://\S+")


def to_adf(markdown: str, marker: str | None = None) -> dict[str, Any]:
    """Paragraphs and ``- `` bullet lists of ``markdown`` as an ADF document.

    HTML comments are dropped (ADF has none); ``marker`` is added as a final code-styled
    paragraph so that a search for it finds the issue again.
    """
    content: list[dict[str, Any]] = []
    for block in re.split(r"\n\s*\n", re.sub(r"<!--.*?-->", "", markdown, flags=re.S)):
        lines = [line for line in block.strip().splitlines() if line.strip()]
        if not lines:
            continue
        bullets = [line[2:] for line in lines if line.startswith("- ")]
        plain = [line for line in lines if not line.startswith("- ")]
        if plain:
            content.append(_paragraph(" ".join(plain)))
        if bullets:
            items = [{"type": "listItem", "content": [_paragraph(b)]} for b in bullets]
            content.append({"type": "bulletList", "content": items})
    if marker:
        content.append({"type": "paragraph", "content": [_text(marker, [{"type": "code"}])]})
    return {"type": "doc", "version": 1, "content": content}


def _paragraph(text: str) -> dict[str, Any]:
    nodes: list[dict[str, Any]] = []
    last = 0
    for match in _LINK_RE.finditer(text):
        if match.start() > last:
            nodes.append(_text(text[last : match.start()]))
        href = match.group(0)
        nodes.append(_text(href, [{"type": "link", "attrs": {"href": href}}]))
        last = match.end()
    if last < len(text):
        nodes.append(_text(text[last:]))
    return {"type": "paragraph", "content": nodes}


def _text(text: str, marks: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "text", "text": text}
    if marks:
        node["marks"] = marks
    return node
