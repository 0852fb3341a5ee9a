"""Tracker states back into the action items (``hotwash sync``).

A closed issue marks its item done on the day it was closed (``done_on``); an issue opened
again reopens a done item. Every synced reference records the tracker's ``state`` and
``synced_at``; a change of assignee that maps back to a known owner updates ``owner``.
Declined items are never changed: declining is a decision of the post-mortem, not of the
tracker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from hotwash.document import Document, save
from hotwash.model import ActionItem, ActionStatus
from hotwash.publish.options import require_writable
from hotwash.publish.trackers.base import IssueState, Tracker

__all__ = ["SyncChange", "sync_items"]


@dataclass(frozen=True)
class SyncChange:
    """What sync changed on one action item (``changes`` empty: nothing new)."""

    item_id: str
    key: str
    state: str
    changes: list[str] = field(default_factory=list)


def sync_items(
    doc: Document,
    tracker: Tracker,
    now: datetime,
    dry_run: bool = False,
    write: Callable[[Document], Path] = save,
) -> list[SyncChange]:
    """Read every issue of ``tracker`` the document links to and apply its state.

    The document is saved once at the end (not at all in a dry run).
    """
    if not dry_run:
        require_writable(doc)
    results = []
    for item in doc.incident.action_items:
        ref = item.tracker
        if ref is None or ref.system != tracker.name:
            continue
        state = tracker.fetch(ref)
        changes = _apply(item, state, tracker)
        if not dry_run:
            item.tracker = ref.model_copy(update={"state": state.state, "synced_at": now})
        results.append(SyncChange(item.id, ref.key, state.state, changes))
    if results and not dry_run:
        write(doc)
    return results


def _apply(item: ActionItem, state: IssueState, tracker: Tracker) -> list[str]:
    changes: list[str] = []
    if item.status is ActionStatus.DECLINED:
        return changes
    if state.state == "closed" and item.status is not ActionStatus.DONE:
        done_on = state.closed_at.date() if state.closed_at else None
        changes.append(
            f"status {item.status.value} -> done" + (f" on {done_on}" if done_on else "")
        )
        item.status, item.done_on = ActionStatus.DONE, done_on
    elif state.state != "closed" and item.status is ActionStatus.DONE:
        changes.append("status done -> open (reopened)")
        item.status, item.done_on = ActionStatus.OPEN, None
    owner = tracker.owner_for(state.assignee)
    if owner and owner != item.owner:
        changes.append(f"owner {item.owner or '-'} -> {owner}")
        item.owner = owner
    return changes
