"""Accepting proposals into the document: chosen entries and the proposed milestones.

Accepted entries are written ``auto: true`` with their evidence refs, sources and
confidence, each at its place in time order. An entry that is already in the document
(hand-written, or accepted before: same id, or the same happening) is never added twice.
Milestones fill only the ones the document leaves empty; a written milestone is the
author's and is kept. The caller saves through :func:`hotwash.document.save`, which keeps
comments and refuses a file that changed since it was read.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from hotwash.document import Document
from hotwash.errors import DocumentError
from hotwash.model import MILESTONE_NAMES, Event, Milestones
from hotwash.timeline.assemble import same_happening
from hotwash.timeline.result import Entry, TimelineResult

if TYPE_CHECKING:
    from hotwash.timeline.build import TimelineOptions

__all__ = ["Accepted", "accept_in_workspace", "accept_into", "choose"]


@dataclass
class Accepted:
    """What accepting changed: the entry ids added and the milestones filled."""

    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    milestones: list[str] = field(default_factory=list)


def choose(
    result: TimelineResult, ids: Collection[str] | None, min_confidence: float = 0.0
) -> list[Entry]:
    """The detected entries to accept: the listed ids, or all at or above the confidence."""
    detected = [e for e in result.entries if not e.in_document]
    if ids is None:
        return [e for e in detected if (e.event.confidence or 0) >= min_confidence]
    known = {e.id: e for e in result.entries}
    unknown = sorted(set(ids) - set(known))
    if unknown:
        raise DocumentError(f"no timeline entry with id {', '.join(unknown)}")
    return [known[i] for i in ids if not known[i].in_document]


def accept_into(
    document: Document, entries: list[Entry], result: TimelineResult, milestones: bool = True
) -> Accepted:
    """Add ``entries`` (and the proposed milestones) to ``document`` in memory."""
    done = Accepted()
    for entry in entries:
        if _already_there(document.incident.timeline, entry.event):
            done.skipped.append(entry.id)
            continue
        _insert(document, entry.event)
        done.added.append(entry.id)
    if milestones:
        done.milestones = _fill_milestones(document, result)
    return done


def _already_there(timeline: list[Event], event: Event) -> bool:
    return any(
        (event.id is not None and written.id == event.id) or same_happening(written, event)
        for written in timeline
    )


def _insert(document: Document, event: Event) -> None:
    timeline = document.incident.timeline
    index = bisect.bisect_right([e.at for e in timeline], event.at)
    accepted = event.model_copy(update={"auto": True})
    document.incident.timeline = [*timeline[:index], accepted, *timeline[index:]]
    raw = document.raw
    if isinstance(raw, CommentedMap):
        seq = raw.get("timeline")
        if not isinstance(seq, CommentedSeq):
            seq = raw["timeline"] = CommentedSeq()
        seq.insert(index, CommentedMap())


def _fill_milestones(document: Document, result: TimelineResult) -> list[str]:
    current = document.incident.milestones
    values = current.model_dump()
    filled = []
    for proposal in result.milestones:
        if values.get(proposal.name) is None:
            values[proposal.name] = proposal.at
            filled.append(proposal.name)
    if not filled:
        return []
    try:
        document.incident.milestones = Milestones(**values)
    except ValidationError as exc:
        order = ", ".join(MILESTONE_NAMES)
        raise DocumentError(
            f"the proposed milestones conflict with the written ones ({order} must be in "
            f"order): {exc.errors()[0]['msg'].removeprefix('Value error, ')}"
        ) from exc
    return filled


def accept_in_workspace(
    path: Path | str, ids: Collection[str] | None, options: TimelineOptions | None = None
) -> tuple[TimelineResult, Accepted, Path]:
    """Build the workspace's timeline and accept ``ids`` (None: every detection shown) into
    its ``incident.yaml``, saved atomically with comments kept; a stale file is refused."""
    from hotwash.document import load, save
    from hotwash.timeline.build import build_for_workspace

    document = load(path)
    result = build_for_workspace(path, options, incident=document.incident)
    done = accept_into(document, choose(result, ids), result)
    return result, done, save(document)
