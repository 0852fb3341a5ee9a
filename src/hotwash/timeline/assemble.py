"""Assembly: run the detectors, fold repeats and sources together, order, give ids.

Rules, in order:

1. **Repeats collapse**: detections of one source with the same kind and title less than
   :data:`REPEAT_SPAN` after the previous one become one entry with a count.
2. **One happening, one entry**: detections from different sources of the same kind
   whose titles match
   (equal once normalised, or sharing most of their words) and lie within
   :data:`MERGE_SPAN` of each other become one entry listing every source (``source`` and
   ``sources``) and every evidence ref. Changes and actions also merge when they lie
   within :data:`CHANGE_SPAN` and name the same service (``checkout-api``): a rollout
   seen by the deploy pipeline and by Kubernetes. Signals also merge when they lie within
   :data:`SIGNAL_SPAN` and share a telling word (``readiness``). The entry's time is the
   time of its most confident detection (the earliest among equals).
3. **Hand-written entries win**: a detection that matches an entry of the document (same
   family, within :data:`MERGE_SPAN` and matching words, or within 5 s and same kind) is
   folded into it, so that accepting never duplicates what the author wrote. A written
   milestone entry absorbs any detection within 5 s.
4. Entries are ordered by time, then kind, then title, and get a stable id derived from
   their kind, title and time (``a`` + 7 hex digits), which ``--accept`` refers to.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from hotwash.model import Event, EventKind
from hotwash.timeline.result import Entry

__all__ = ["MERGE_SPAN", "REPEAT_SPAN", "assemble", "auto_id", "same_happening"]

REPEAT_SPAN = timedelta(minutes=5)
MERGE_SPAN = timedelta(seconds=90)
CHANGE_SPAN = timedelta(seconds=10)
SIGNAL_SPAN = timedelta(seconds=2)
_GENERIC = {
    "error",
    "errors",
    "signature",
    "failed",
    "failing",
    "failure",
    "warning",
    "burst",
    "start",
    "started",
    "starts",
    "first",
    "latency",
    "recovered",
    "normal",
}
MAX_REFS = 20
_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+")
_HASHED = re.compile(r"-[a-z0-9]*\d[a-z0-9]*$")
_WORD = re.compile(r"[a-z0-9]+")
_STOP = {"the", "a", "an", "on", "in", "of", "to", "for", "at", "and", "by", "from", "is"}
_KIND_ORDER = {k: i for i, k in enumerate(EventKind)}


def family(kind: EventKind | None) -> str:
    """Kinds that can describe the same happening share a family (a milestone entry is
    the happening it marks, so it matches any kind)."""
    return kind.value if kind is not None else ""


def _same_family(a: Event, b: Event) -> bool:
    return EventKind.MILESTONE in (a.kind, b.kind) or family(a.kind) == family(b.kind)


def _words(title: str) -> set[str]:
    return {w for w in _WORD.findall(title.lower()) if w not in _STOP}


def titles_match(a: str, b: str) -> bool:
    """Equal once normalised, or at least 60% of the words of the shorter one shared."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return False
    return wa == wb or len(wa & wb) / min(len(wa), len(wb)) >= 0.6


def _names(title: str) -> set[str]:
    """Service-like names in a title (``checkout-api``), without replica-set hashes."""
    return {n for n in _NAME.findall(title.lower()) if not _HASHED.search(n)}


def same_happening(a: Event, b: Event, span: timedelta = MERGE_SPAN) -> bool:
    """Whether two events describe one happening (see the module docstring, rule 2)."""
    if not _same_family(a, b) or abs(a.at - b.at) > span:
        return False
    if titles_match(a.title, b.title):
        return True
    gap = abs(a.at - b.at)
    if a.kind is EventKind.SIGNAL and gap <= SIGNAL_SPAN:
        return bool(_telling(a.title) & _telling(b.title))
    close = gap <= CHANGE_SPAN and a.kind in (EventKind.CHANGE, EventKind.ACTION)
    return close and bool(_names(a.title) & _names(b.title))


def _telling(title: str) -> set[str]:
    """Words of five letters or more that say what a signal is about."""
    return {w for w in _words(title) if len(w) >= 5 and w.isalpha() and w not in _GENERIC}


def auto_id(event: Event) -> str:
    """A stable id: the same kind, title and second give the same id."""
    key = f"{event.kind}|{event.title}|{event.at:%Y-%m-%dT%H:%M:%S}"
    return "a" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:7]


def assemble(detected: Iterable[Event], document: Sequence[Event]) -> list[Entry]:
    """Entries from the detections and the document's hand-written events."""
    merged = _merge_sources(_collapse_repeats(detected))
    entries = [_document_entry(i, e) for i, e in enumerate(document)]
    for entry in merged:
        target = _matching_document_entry(entries, entry.event)
        if target is None:
            entries.append(_with_id(entry))
        else:
            target.times.update(entry.times)
            target.count += entry.count
            target.detections.append(entry.event)
    return sorted(entries, key=_order)


def _order(entry: Entry) -> tuple[object, ...]:
    e = entry.event
    return (e.at, _KIND_ORDER.get(e.kind, 99) if e.kind else 99, e.title, entry.id)


def _document_entry(index: int, event: Event) -> Entry:
    ident = event.id or f"d{index + 1}"
    return Entry(event=event.model_copy(update={"id": ident}), in_document=True)


def _with_id(entry: Entry) -> Entry:
    entry.event = entry.event.model_copy(update={"id": auto_id(entry.event)})
    return entry


def _matching_document_entry(entries: list[Entry], event: Event) -> Entry | None:
    for entry in entries:
        written = entry.event
        if not entry.in_document or not _same_family(written, event):
            continue
        close = abs(written.at - event.at)
        same_kind = written.kind in (event.kind, EventKind.MILESTONE)
        if close <= timedelta(seconds=5) and same_kind:
            return entry
        if close <= MERGE_SPAN and titles_match(written.title, event.title):
            return entry
    return None


def _sort_key(event: Event) -> tuple[object, ...]:
    return (event.at, event.source or "", event.title)


def _collapse_repeats(events: Iterable[Event]) -> list[Entry]:
    last: dict[tuple[object, ...], Entry] = {}
    out: list[Entry] = []
    for event in sorted(events, key=_sort_key):
        key = (event.source, event.kind, event.title)
        entry = last.get(key)
        if entry is not None and event.at - _last_seen(entry) <= REPEAT_SPAN:
            entry.count += 1
            entry.times[f"last:{event.source}"] = event.at
            entry.event = _union(entry.event, event, keep_time=True)
            continue
        entry = Entry(event=event, times={event.source or "": event.at})
        last[key] = entry
        out.append(entry)
    return out


def _last_seen(entry: Entry) -> datetime:
    source = entry.event.source or ""
    return entry.times.get(f"last:{source}", entry.times.get(source, entry.event.at))


def _merge_sources(entries: list[Entry]) -> list[Entry]:
    groups: list[list[Entry]] = []
    for entry in entries:
        group = next((g for g in reversed(groups) if _mergeable(g, entry)), None)
        if group is None:
            groups.append([entry])
        else:
            group.append(entry)
    return [_fold(group) for group in groups]


def _mergeable(group: list[Entry], entry: Entry) -> bool:
    if any(entry.event.source == member.event.source for member in group):
        return False
    return same_happening(group[0].event, entry.event)


def _fold(group: list[Entry]) -> Entry:
    """One entry for a group: the time of the most confident detection (earliest among
    equals), the title of the most confident (first source by name among equals)."""
    if len(group) == 1:
        entry = group[0]
        entry.times = {k: v for k, v in entry.times.items() if not k.startswith("last:")}
        return entry
    by_time = min(group, key=lambda e: (-(e.event.confidence or 0), e.event.at))
    by_name = min(group, key=lambda e: (-(e.event.confidence or 0), e.event.source or ""))
    event = by_name.event.model_copy(update={"at": by_time.event.at})
    for member in sorted(group, key=lambda e: e.event.source or ""):
        event = _union(event, member.event, keep_time=True)
    times = {k: v for m in group for k, v in m.times.items() if not k.startswith("last:")}
    return Entry(event=event, count=sum(m.count for m in group), times=times)


def _union(kept: Event, other: Event, keep_time: bool) -> Event:
    """``kept`` with the sources, evidence and best confidence of ``other`` added."""
    sources = list(dict.fromkeys([*_sources(kept), *_sources(other)]))
    refs = list(dict.fromkeys([*kept.evidence, *other.evidence]))[:MAX_REFS]
    base = kept if keep_time else other.model_copy(update={"title": kept.title})
    return base.model_copy(
        update={
            "source": sources[0] if sources else None,
            "sources": sources,
            "evidence": refs,
            "actor": kept.actor or other.actor,
            "confidence": max(kept.confidence or 0, other.confidence or 0) or None,
            "details": kept.details or other.details,
        }
    )


def _sources(event: Event) -> list[str]:
    return [s for s in [event.source, *event.sources] if s]
