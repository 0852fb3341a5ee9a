"""The action items section: a table (``ID | Action | Owner | Deadline | Priority`` and
optional ``Type | Status | Factors | Tracker``, or the SRE book's
``Action Item | Type | Owner | Bug``), or a plain list of actions.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from hotwash.markdown import values
from hotwash.markdown.blocks import Block, Row
from hotwash.markdown.draft import Draft
from hotwash.markdown.vocabulary import ACTION_COLUMNS, lookup

__all__ = ["read_actions"]

_NORMALISED = {"id", "priority", "due", "status", "type"}
_CHECKBOX_RE = re.compile(r"^\[(?P<mark>[ xX])\]\s*")


def read_actions(draft: Draft, blocks: list[Block]) -> None:
    """Append the action items of the section's ``blocks`` to ``draft``."""
    for block in blocks:
        if block.kind == "table":
            _read_table(draft, block)
        elif block.kind == "list":
            _read_list(draft, block)
        else:
            continue
        draft.use(block)


def _read_table(draft: Draft, block: Block) -> None:
    header = block.header()
    columns = _columns(draft, header, block.start)
    for row in block.rows():
        if len(row.cells) != len(header):
            draft.fail(
                f"action item row has {len(row.cells)} cells but the table has {len(header)} "
                f"columns ({' | '.join(header)})",
                row.line,
                ("action_items",),
            )
        _add_item(draft, dict(zip(columns, row.cells, strict=True)), row)


def _columns(draft: Draft, header: list[str], line: int) -> list[str]:
    columns = []
    for name in header:
        key = lookup(ACTION_COLUMNS, name)
        if key is None:
            known = ", ".join(a[0] for a in ACTION_COLUMNS.values() if a[0])
            draft.fail(f"unknown action item column {name!r}; known columns: {known}", line)
        columns.append(key)
    if "action" not in columns:
        draft.fail("an action items table needs an Action column", line, ("action_items",))
    return columns


def _read_list(draft: Draft, block: Block) -> None:
    for item in block.items:
        text = item.text
        status = ""
        checkbox = _CHECKBOX_RE.match(text)
        if checkbox:
            status = "done" if checkbox.group("mark").strip() else ""
            text = text[checkbox.end() :]
        _add_item(draft, {"action": text, "status": status}, Row(item.line, []))


def _add_item(draft: Draft, cells: dict[str, str], row: Row) -> None:
    index = len(draft.data.get("action_items", []))
    item: dict[str, Any] = {"action": cells["action"].strip()}
    for name, text in cells.items():
        draft.lines[("action_items", index, name)] = row.line
        try:
            _READERS[name](item, text.strip(), index + 1)
        except ValueError as exc:
            draft.fail(str(exc), row.line, ("action_items", index, name))
        original = text.strip()
        if name in _NORMALISED and original and original != str(item.get(name)):
            draft.texts[("action_items", index, name)] = original
    item.setdefault("id", f"AI-{index + 1:03d}")
    draft.append("action_items", item, row.line)
    draft.lines[("action_items", index, "id")] = row.line


def _read_id(item: dict[str, Any], text: str, position: int) -> None:
    item["id"] = values.action_id(text, position)


def _read_owner(item: dict[str, Any], text: str, position: int) -> None:
    if not values.empty(text):
        item["owner"] = text


def _read_due(item: dict[str, Any], text: str, position: int) -> None:
    item["due"] = values.due_date(text)


def _read_priority(item: dict[str, Any], text: str, position: int) -> None:
    item["priority"] = values.priority(text)


def _read_type(item: dict[str, Any], text: str, position: int) -> None:
    item["type"] = values.action_type(text)


def _read_status(item: dict[str, Any], text: str, position: int) -> None:
    item["status"], reason = values.action_status(text)
    if reason:
        item["declined_reason"] = reason


def _read_factors(item: dict[str, Any], text: str, position: int) -> None:
    if not values.empty(text):
        item["factors"] = [f.strip() for f in re.split(r"[,;\s]+", text) if f.strip()]


def _read_tracker(item: dict[str, Any], text: str, position: int) -> None:
    item["tracker"] = values.tracker(text)


def _ignore(item: dict[str, Any], text: str, position: int) -> None:
    """The action text is read before the other cells."""


_READERS: dict[str, Callable[[dict[str, Any], str, int], None]] = {
    "id": _read_id,
    "action": _ignore,
    "owner": _read_owner,
    "due": _read_due,
    "priority": _read_priority,
    "type": _read_type,
    "status": _read_status,
    "factors": _read_factors,
    "tracker": _read_tracker,
}
