"""Markdown source -> a tree of sections made of blocks, every piece with its line.

markdown-it-py finds the structure (headings, paragraphs, lists, tables) and the source
line of each; the text of a block is taken from the source lines themselves, so what a
person wrote is kept exactly. Table rows are split here, not by markdown-it, because
markdown-it silently pads or truncates a row with the wrong number of cells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Block", "Item", "Row", "Section", "parse_sections", "split_row"]


@dataclass
class Item:
    """One list item: its 1-based line and its text on one line (marker removed)."""

    line: int
    text: str


@dataclass
class Row:
    """One table row: its 1-based line and its cells, stripped, ``\\|`` unescaped."""

    line: int
    cells: list[str]


@dataclass
class Block:
    """A top-level block of a section: ``paragraph``, ``list``, ``table`` or ``other``."""

    kind: str
    start: int
    end: int
    lines: list[str]
    items: list[Item] = field(default_factory=list)
    ordered: bool = False

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip()

    def rows(self) -> list[Row]:
        """Table rows after the header and delimiter row (the header is :meth:`header`)."""
        return [
            Row(self.start + offset, split_row(line))
            for offset, line in enumerate(self.lines)
            if offset >= 2 and line.strip()
        ]

    def header(self) -> list[str]:
        return split_row(self.lines[0]) if self.lines else []


@dataclass
class Section:
    """A heading, the blocks before its first sub-heading, and its sub-sections."""

    title: str
    level: int
    line: int
    end: int = 0
    blocks: list[Block] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)

    def walk(self) -> list[Section]:
        """This section and every section below it, in document order."""
        found = [self]
        for child in self.children:
            found.extend(child.walk())
        return found


_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def split_row(line: str) -> list[str]:
    """Cells of a pipe-table row: outer pipes optional, ``\\|`` is a literal pipe."""
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    return [cell.strip().replace("\\|", "|") for cell in _CELL_SPLIT.split(text)]


def parse_sections(text: str) -> Section:
    """The document as a root section (level 0) holding the heading tree."""
    from markdown_it import MarkdownIt

    # Only the block structure is needed: inline parsing (emphasis, links) is skipped, the
    # text of each block is taken from the source lines.
    parser = MarkdownIt("commonmark").enable("table").disable(["inline", "text_join"])
    tokens = parser.parse(text)
    source = text.splitlines()
    root = Section(title="", level=0, line=1, end=len(source))
    stack = [root]
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.level != 0 or token.nesting == -1 or token.map is None:
            index += 1
            continue
        if token.type == "heading_open":
            section = _heading(token, tokens[index + 1], source)
            while stack[-1].level >= section.level:
                stack.pop()
            stack[-1].children.append(section)
            stack.append(section)
        else:
            stack[-1].blocks.append(_block(tokens, index, source))
        index += 1
    _close(root, len(source))
    return root


def _heading(token: Any, inline: Any, source: list[str]) -> Section:
    level = int(token.tag[1:])
    return Section(title=inline.content.strip(), level=level, line=token.map[0] + 1)


def _block(tokens: list[Any], index: int, source: list[str]) -> Block:
    token = tokens[index]
    start, end = token.map
    lines = source[start:end]
    while lines and not lines[-1].strip():
        lines.pop()
        end -= 1
    kinds = {"paragraph_open": "paragraph", "table_open": "table"}
    kind = kinds.get(token.type, "other")
    block = Block(kind=kind, start=start + 1, end=end, lines=lines)
    if token.type in {"bullet_list_open", "ordered_list_open"}:
        block.kind = "list"
        block.ordered = token.type == "ordered_list_open"
        block.items = _items(tokens, index)
    return block


def _items(tokens: list[Any], index: int) -> list[Item]:
    """The items of the list opened at ``tokens[index]`` (nested text joined in)."""
    items: list[Item] = []
    depth = 0
    for token in tokens[index:]:
        depth += token.nesting
        if token.type == "list_item_open" and token.level == 1 and token.map is not None:
            items.append(Item(line=token.map[0] + 1, text=""))
        elif token.type == "inline" and items:
            joined = " ".join(part.strip() for part in token.content.splitlines())
            items[-1].text = f"{items[-1].text} {joined}".strip()
        if depth == 0:
            break
    return items


def _close(section: Section, end: int) -> None:
    """Set each section's last line: the line before the next heading at its level or above."""
    section.end = end
    for position, child in enumerate(section.children):
        following = section.children[position + 1 :]
        _close(child, following[0].line - 1 if following else end)
