"""Building the timeline: detectors -> assembly -> skew -> milestones -> suggestions.

:func:`build_timeline` is pure (records, manifest and document in; a
:class:`~hotwash.timeline.result.TimelineResult` out). :func:`build_for_workspace` reads
an incident workspace (records, manifest, ``incident.yaml``) and calls it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl

from hotwash.analysis import suggest
from hotwash.detect.base import DetectContext
from hotwash.errors import EvidenceError
from hotwash.evidence.model import Manifest, Window
from hotwash.model import EventKind, Incident
from hotwash.records import RECORD_SCHEMA, conform
from hotwash.skew import (
    DEFAULT_THRESHOLD,
    SkewEstimate,
    zone_less_sources,
)
from hotwash.timeline.assemble import assemble
from hotwash.timeline.detection import detect_events, estimate_skew
from hotwash.timeline.evidence import Evidence, InMemory, Streamed
from hotwash.timeline.load import load_records, stream_records
from hotwash.timeline.milestones import propose_milestones
from hotwash.timeline.result import Entry, Flag, ProposedMilestone, TimelineResult
from hotwash.timeline.window import detect_context, incident_window

__all__ = [
    "TimelineOptions",
    "build_for_workspace",
    "build_timeline",
    "detect_events",
    "estimate_skew",
    "read_manifest",
]


@dataclass(frozen=True)
class TimelineOptions:
    """How to build: which detectors, skew threshold and correction, filters."""

    detectors: Sequence[str] | None = None
    skew_threshold: timedelta = DEFAULT_THRESHOLD
    correct_skew: bool = False
    min_confidence: float = 0.5
    """Detections below it are left out of the entries, the milestones and the suggestions."""
    since: datetime | None = None
    until: datetime | None = None
    window: Window | None = None
    """The incident window to search (default: see :func:`detect_context`)."""
    cache: bool = True
    """Read and keep the log detectors' aggregates in ``records/aggregates/`` (see
    :mod:`hotwash.timeline.cache`); a workspace's timeline only."""
    progress: Callable[[int, int], None] | None = None
    """Called as ``progress(files_read, files)`` while the log records files of a
    workspace are read (not when their kept aggregates are)."""


def build_timeline(
    records: pl.DataFrame | pl.LazyFrame,
    manifest: Manifest | None = None,
    incident: Incident | None = None,
    options: TimelineOptions | None = None,
) -> TimelineResult:
    """The timeline of the evidence merged with the document's hand-written events."""
    frame, zone_less = _frame(records)
    return _build(InMemory(frame), zone_less, manifest, incident, options)


def _build(
    evidence: Evidence,
    zone_less: list[tuple[str, int, str]],
    manifest: Manifest | None,
    incident: Incident | None,
    options: TimelineOptions | None,
) -> TimelineResult:
    """:func:`build_timeline` on records in memory or streamed (:class:`Evidence`)."""
    options = options or TimelineOptions()
    manifest = manifest or Manifest()
    window = incident_window(evidence.span(), manifest, incident)
    context = _context(evidence.small(), window, incident, options)
    written = incident.timeline if incident is not None else []
    entries = assemble(evidence.detect(context, options.detectors), written)
    skew = evidence.skew(entries, options.skew_threshold)
    corrected = {s.source: s.offset for s in skew if s.flagged} if options.correct_skew else {}
    if corrected:
        evidence = evidence.shifted(corrected)
        window = incident_window(evidence.span(), manifest, incident)
        context = _context(evidence.small(), window, incident, options)
        entries = assemble(evidence.detect(context, options.detectors), written)
    milestones = propose_milestones(entries, options.min_confidence)
    _mark_turning_points(entries, milestones)
    result = TimelineResult(
        window=window,
        entries=_shown(entries, window, options),
        milestones=milestones,
        skew=skew,
        suggestions=[],
        flags=_flags(manifest, skew, corrected, zone_less),
        corrected=corrected,
    )
    confident = [e.event for e in entries if (e.event.confidence or 1) >= options.min_confidence]
    result.suggestions = suggest(confident, result.proposed_milestones(), manifest, window)
    return result


def _context(
    frame: pl.DataFrame, window: Window, incident: Incident | None, options: TimelineOptions
) -> DetectContext:
    if options.window is None:
        return detect_context(frame, window, incident)
    chosen = options.window
    before = Window(start=window.start, end=chosen.start) if window.start < chosen.start else None
    return DetectContext(window=chosen, baseline=before)


def _frame(
    records: pl.DataFrame | pl.LazyFrame,
) -> tuple[pl.DataFrame, list[tuple[str, int, str]]]:
    """The records in memory (lean when read from disk) and their zone-less sources."""
    if isinstance(records, pl.LazyFrame):
        if set(records.collect_schema().names()) == set(RECORD_SCHEMA):
            loaded = load_records(records)
            return loaded.frame, loaded.zone_less
        records = records.collect()
    frame = records if set(records.columns) == set(RECORD_SCHEMA) else conform(records)
    return frame, zone_less_sources(frame)


#: Proposed milestones whose detected entry is shown as kind ``milestone``.
TURNING_POINTS = ("mitigated", "resolved")


def _mark_turning_points(entries: list[Entry], milestones: list[ProposedMilestone]) -> None:
    """The detected entries that mark mitigation and resolution become milestone entries."""
    chosen = {m.entry_id for m in milestones if m.name in TURNING_POINTS}
    for entry in entries:
        if entry.id in chosen and not entry.in_document:
            entry.event = entry.event.model_copy(update={"kind": EventKind.MILESTONE})


def _shown(entries: list[Entry], window: Window, options: TimelineOptions) -> list[Entry]:
    """Entries between since and until; detections inside the collected window and at or
    above min_confidence (changes before the window still feed the suggestions)."""
    since, until = options.since, options.until

    def detected_and_shown(e: Entry) -> bool:
        inside = window.start <= e.event.at <= window.end
        return inside and (e.event.confidence or 0) >= options.min_confidence

    return [
        e
        for e in entries
        if (since is None or e.event.at >= since)
        and (until is None or e.event.at <= until)
        and (e.in_document or detected_and_shown(e))
    ]


def _flags(
    manifest: Manifest,
    skew: list[SkewEstimate],
    corrected: dict[str, timedelta],
    zone_less: list[tuple[str, int, str]],
) -> list[Flag]:
    flags = [
        Flag("skew", s.source, s.describe() + (" (corrected)" if s.source in corrected else ""))
        for s in skew
        if s.flagged
    ]
    written = {source: (count, example) for source, count, example in zone_less}
    naive = sorted({e.source for e in manifest.evidence if e.naive_timestamps} | set(written))
    for source in naive:
        count, example = written.get(source, (0, ""))
        seen = f"{count} times such as {example!r} " if count else "its times "
        flags.append(
            Flag(
                "naive-time",
                source,
                f"{source}: {seen}carry no zone; they were read in the zone the source "
                "declares (or assumed), check that it is right",
            )
        )
    return flags


def build_for_workspace(
    path: Path | str, options: TimelineOptions | None = None, incident: Incident | None = None
) -> TimelineResult:
    """Read a workspace's records, manifest and document, and build its timeline.

    ``incident`` replaces the workspace's ``incident.yaml`` (already loaded by the caller).
    """
    from hotwash.document import DOCUMENT_NAME, load
    from hotwash.records import records_dir

    root = Path(path)
    if not root.is_dir():
        raise EvidenceError(f"{root}: no such workspace folder")
    if incident is None and (root / DOCUMENT_NAME).exists():
        incident = load(root).incident
    files = sorted(str(f) for f in records_dir(root).glob("*.parquet"))
    streamed = stream_records(files)
    options = options or TimelineOptions()
    evidence = Streamed(streamed, cache=options.cache, progress=options.progress)
    return _build(evidence, streamed.zone_less, read_manifest(root), incident, options)


def read_manifest(root: Path) -> Manifest:
    """``evidence/manifest.json`` of a workspace (an empty manifest when there is none)."""
    from hotwash.evidence.store import EvidenceStore

    return EvidenceStore(root).load_manifest()
