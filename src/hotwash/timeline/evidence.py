"""The records a timeline is built from: in memory (:class:`InMemory`), or streamed from a
workspace (:class:`Streamed`), where log rows are read one evidence file at a time and
only their aggregates are kept (see ``docs/timeline.md``, *Memory*)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from functools import partial
from typing import Generic, Protocol, TypeVar

import polars as pl

from hotwash.detect.base import DetectContext
from hotwash.detect.http_errors import access_aggregates, access_of, http_events, merge_access
from hotwash.detect.signatures import (
    line_aggregates,
    logs_of,
    merge_aggregates,
    signature_events,
)
from hotwash.model import Event
from hotwash.parallel import in_order
from hotwash.skew import SkewEstimate, correct
from hotwash.timeline.cache import AggregateCache, Parts
from hotwash.timeline.detection import detect_events, estimate_skew, estimate_skew_of
from hotwash.timeline.load import StreamedRecords, read_logs
from hotwash.timeline.result import Entry

__all__ = ["Evidence", "InMemory", "Streamed"]

#: The detectors that read log rows, run on per-file aggregates when streaming.
LOG_DETECTORS = ("http_errors", "signatures")


class Evidence(Protocol):
    """What building a timeline reads of the records."""

    def span(self) -> pl.DataFrame:
        """Records (at least ``ts``) whose first and last times are the records' span."""

    def small(self) -> pl.DataFrame:
        """Records holding every alert and page (what the incident window reads)."""

    def detect(self, context: DetectContext, names: Sequence[str] | None) -> list[Event]:
        """The events of the detectors (all, or ``names``)."""

    def skew(self, entries: Iterable[Entry], threshold: timedelta) -> list[SkewEstimate]:
        """Skew estimates of the sources (see :func:`estimate_skew`)."""

    def shifted(self, offsets: Mapping[str, timedelta]) -> Evidence:
        """The same records with each named source's times shifted back by its offset."""


@dataclass(frozen=True)
class InMemory:
    """Every record in one frame."""

    frame: pl.DataFrame

    def span(self) -> pl.DataFrame:
        return self.frame

    def small(self) -> pl.DataFrame:
        return self.frame

    def detect(self, context: DetectContext, names: Sequence[str] | None) -> list[Event]:
        return detect_events(self.frame, context, names)

    def skew(self, entries: Iterable[Entry], threshold: timedelta) -> list[SkewEstimate]:
        return estimate_skew(self.frame, entries, threshold)

    def shifted(self, offsets: Mapping[str, timedelta]) -> Evidence:
        return InMemory(correct(self.frame, offsets))


@dataclass(frozen=True)
class Streamed:
    """A workspace's records: the small kinds in memory, log rows read file by file."""

    records: StreamedRecords
    offsets: Mapping[str, timedelta] = field(default_factory=dict)
    cache: bool = True
    """Whether the log detectors' aggregates are read from and kept in the cache."""
    progress: Callable[[int, int], None] | None = None
    """Told ``(files read, files)`` as the log records files are read."""

    def span(self) -> pl.DataFrame:
        spans = self.records.spans
        ends = pl.concat([spans.select("source", ts="first"), spans.select("source", ts="last")])
        return correct(ends, self.offsets)

    def small(self) -> pl.DataFrame:
        return correct(self.records.small, self.offsets)

    def detect(self, context: DetectContext, names: Sequence[str] | None) -> list[Event]:
        wanted = [n for n in LOG_DETECTORS if names is None or n in names]
        found = _log_events(
            self.records.files, self.offsets, context, wanted, self.cache, self.progress
        )
        replaced: dict[str, Callable[[], Iterable[Event]]] = {
            name: partial(_events_of, found, name) for name in LOG_DETECTORS
        }
        return detect_events(self.small(), context, names, replaced)

    def skew(self, entries: Iterable[Entry], threshold: timedelta) -> list[SkewEstimate]:
        records = self.records
        return estimate_skew_of(records.sizes, records.traced, records.ranked, entries, threshold)

    def shifted(self, offsets: Mapping[str, timedelta]) -> Evidence:
        return replace(self, offsets=offsets)


def _read_lines(files: list[str], wanted: pl.DataFrame) -> pl.DataFrame:
    """``wanted`` (``evidence``, ``offset``) with the ``message`` of those log lines, read
    from the record ``files`` (a streaming scan of three columns; the few wanted lines
    are all that is kept)."""
    if not files:
        return wanted.with_columns(message=pl.lit(None, dtype=pl.String))
    evidence = pl.col("evidence").cast(pl.String)
    chosen = evidence.is_in(wanted["evidence"].unique().implode()) & pl.col("offset").is_in(
        wanted["offset"].unique().implode()
    )
    logs = pl.scan_parquet(files).filter((pl.col("kind") == "log") & chosen)
    text = logs.select(evidence, "offset", "message")
    found = wanted.lazy().join(text, on=["evidence", "offset"], how="left")
    return found.unique(["evidence", "offset"]).collect(engine="streaming")


def _events_of(found: Mapping[str, list[Event]], name: str) -> list[Event]:
    return found.get(name, [])


T = TypeVar("T")


#: Rows of aggregates left unmerged until the next merge (a few tens of MB), or as many
#: as the merged aggregate holds when that is more: fewer merges of small aggregates.
MERGE_ROWS = 1_000_000


@dataclass
class _Merged(Generic[T]):
    """Aggregates of one file after another, merged as they come: whenever the parts not
    yet merged hold as many rows as the merged one (and at least :data:`MERGE_ROWS`), so
    memory stays near the size of the merged aggregate and each row is merged a
    logarithmic number of times."""

    merge: Callable[[list[T]], T]
    rows: Callable[[T], int]
    merged: list[T] = field(default_factory=list)
    pending: list[T] = field(default_factory=list)

    def add(self, part: T) -> None:
        self.pending.append(part)
        done = sum(self.rows(m) for m in self.merged)
        if sum(self.rows(p) for p in self.pending) >= max(done, MERGE_ROWS):
            self.merged, self.pending = [self.merge([*self.merged, *self.pending])], []

    def result(self) -> T | None:
        parts = [*self.merged, *self.pending]
        return self.merge(parts) if parts else None


def _access_rows(part: tuple[pl.DataFrame, pl.DataFrame]) -> int:
    return part[0].height + part[1].height


#: Rows of log chunks aggregated at once, each chunk on a thread of its own: polars
#: releases the GIL, so the steps of one chunk that keep one core busy overlap with the
#: others'. Once a chunk is running, another starts until the running ones hold this many
#: rows: two chunks of :data:`~hotwash.timeline.load.CHUNK_ROWS`, or more smaller ones.
ROWS_AT_ONCE = 600_000


@dataclass(frozen=True)
class _Aggregates:
    """The aggregates of one chunk of log rows, for the detectors that want them."""

    lines: pl.DataFrame | None
    access: tuple[pl.DataFrame, pl.DataFrame] | None


def _aggregates(
    chunk: pl.DataFrame, offsets: Mapping[str, timedelta], context: DetectContext, wanted: list[str]
) -> _Aggregates:
    logs = correct(chunk, offsets)
    return _Aggregates(
        lines=line_aggregates(logs_of(logs), context) if "signatures" in wanted else None,
        access=access_aggregates(access_of(logs), context) if "http_errors" in wanted else None,
    )


def _log_events(
    files: list[str],
    offsets: Mapping[str, timedelta],
    context: DetectContext,
    wanted: list[str],
    use_cache: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, list[Event]]:
    """The events of the ``wanted`` log detectors, from the aggregates of the records
    files: those an earlier run with the same files and settings kept
    (:mod:`~hotwash.timeline.cache`), else those of their chunks
    (:func:`~hotwash.timeline.load.read_logs`), several chunks at once
    (:data:`ROWS_AT_ONCE`), merged, and kept for the next run (``use_cache``)."""
    if not wanted:
        return {}
    cache = AggregateCache.of(files, offsets, context, _parts(wanted)) if use_cache else None
    kept = cache.load() if cache is not None else None
    if kept is None:
        kept = _merged_aggregates(files, offsets, context, wanted, progress)
        if cache is not None:
            cache.save(kept)
    found: dict[str, list[Event]] = {}
    if "lines" in kept:
        reader = partial(_read_lines, files)
        found["signatures"] = list(signature_events(kept["lines"], context, reader))
    if "buckets" in kept:
        found["http_errors"] = list(http_events(kept["buckets"], kept["histogram"], context))
    return found


def _parts(wanted: list[str]) -> list[str]:
    """The names of the aggregates the ``wanted`` log detectors read."""
    return (["lines"] if "signatures" in wanted else []) + (
        ["buckets", "histogram"] if "http_errors" in wanted else []
    )


def _merged_aggregates(
    files: list[str],
    offsets: Mapping[str, timedelta],
    context: DetectContext,
    wanted: list[str],
    progress: Callable[[int, int], None] | None = None,
) -> Parts:
    """The aggregates of every log row of ``files`` (by :func:`_parts` name; none when
    there is no row), computed on chunks of rows, several chunks at once, and merged as
    they come."""
    lines = _Merged(merge_aggregates, pl.DataFrame.__len__)
    access = _Merged(merge_access, _access_rows)
    told = progress or (lambda _done, _files: None)

    def read(paths: list[str]) -> Iterator[pl.DataFrame]:
        for done, path in enumerate(paths):
            told(done, len(paths))
            yield from read_logs(path)
        told(len(paths), len(paths))

    chunks = read(files)
    aggregate = partial(_aggregates, offsets=offsets, context=context, wanted=wanted)
    for part in in_order(aggregate, chunks, ROWS_AT_ONCE, weight=pl.DataFrame.__len__):
        if part.lines is not None:
            lines.add(part.lines)
        if part.access is not None:
            access.add(part.access)
    found: Parts = {}
    merged_lines, merged_access = lines.result(), access.result()
    if merged_lines is not None:
        found["lines"] = merged_lines
    if merged_access is not None:
        found |= {"buckets": merged_access[0], "histogram": merged_access[1]}
    return found
