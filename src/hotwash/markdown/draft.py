"""The incident being assembled from Markdown: plain data, field lines, original texts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from hotwash.document import format_field_path
from hotwash.errors import DocumentError, Location
from hotwash.markdown.blocks import Block
from hotwash.markdown.times import Clock

__all__ = ["Draft", "FieldPath"]

FieldPath = tuple[str | int, ...]


@dataclass
class Draft:
    """What the importer has read so far.

    ``data`` is plain data for :class:`~hotwash.model.Incident`; ``lines`` maps a field
    path to its 1-based Markdown line; ``texts`` keeps the original text of values that
    were normalised (times, action item IDs, priorities, statuses).
    """

    path: Path | None
    source: list[str]
    data: dict[str, Any] = field(default_factory=dict)
    lines: dict[FieldPath, int] = field(default_factory=dict)
    texts: dict[FieldPath, str] = field(default_factory=dict)
    clock: Clock = field(default_factory=Clock)
    used: set[int] = field(default_factory=set)
    """First lines of the blocks a section reader took in; the rest is kept verbatim."""
    duration: tuple[str, int] | None = None
    """The ``**Duration**`` text and its line (it gives ``resolved`` when nothing else does)."""

    def put(self, path: FieldPath, value: Any, line: int, original: str | None = None) -> None:
        """Set the field at ``path`` (creating parent mappings) and remember its line."""
        target = self.data
        for part in path[:-1]:
            assert isinstance(part, str)
            target = target.setdefault(part, {})
        key = path[-1]
        assert isinstance(key, str)
        target[key] = value
        self.lines[path] = line
        if original is not None and original != str(value):
            self.texts[path] = original

    def append(self, name: str, value: Any, line: int) -> int:
        """Append to the list field ``name``; returns the new item's index."""
        items: list[Any] = self.data.setdefault(name, [])
        items.append(value)
        self.lines.setdefault((name,), line)
        self.lines[(name, len(items) - 1)] = line
        return len(items) - 1

    def use(self, *blocks: Block) -> None:
        """Mark ``blocks`` as read into fields (so they are not also kept as notes)."""
        self.used.update(block.start for block in blocks)

    def fail(self, message: str, line: int | None, field: FieldPath = ()) -> NoReturn:
        """Raise the one clear error: file, Markdown line, field."""
        where = Location(
            file=str(self.path) if self.path else None,
            line=line,
            field=format_field_path(field) or None,
        )
        raise DocumentError(message, where)

    def body(self, start: int, end: int) -> str:
        """Source lines ``start``..``end`` (1-based, inclusive), verbatim, trimmed of blanks."""
        return "\n".join(self.source[start - 1 : end]).strip("\n")
