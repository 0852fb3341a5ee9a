"""Reading a workspace's records for the timeline, in as little memory as they allow.

Log lines are most of the records of an incident (millions of rows for a gigabyte of
logs), and the log detectors never read their ``fields`` (the parsed line again) or their
``ts_text``. :func:`load_records` scans ``records/*.parquet`` with the streaming engine,
takes what needs ``ts_text`` (the sources whose times carry no zone) on the way, and
keeps those two columns only for the other kinds of records (alerts, pages, chat,
changes, Kubernetes), whose detectors read them. Texts of few distinct values
(``evidence``, ``stream``, ``level``...) become categoricals: four bytes a row instead of
a sixteen-byte view and a copy of the text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

import polars as pl

from hotwash.records import empty_records
from hotwash.skew import shared_trace_rows, sources_with_ids, zone_less_sources

__all__ = ["LoadedRecords", "StreamedRecords", "load_records", "read_logs", "stream_records"]

#: Columns the log detectors never read, left null in log rows.
_NOT_FOR_LOGS = ["fields", "ts_text"]
#: Columns of few distinct values (or, for log rows, all null), held as categoricals.
_CATEGORICAL = ["kind", "stream", "level", "actor", "fields", "ts_text", "evidence"]


@dataclass(frozen=True)
class LoadedRecords:
    """The records the detectors read, and the zone-less sources found while reading."""

    frame: pl.DataFrame
    zone_less: list[tuple[str, int, str]]


def load_records(records: pl.LazyFrame) -> LoadedRecords:
    """Collect ``records`` lean (see the module docstring), in bounded working memory."""
    zone_less = zone_less_sources(records)
    is_log = pl.col("kind") == "log"
    frame = records.with_columns(
        *[pl.when(is_log).then(None).otherwise(pl.col(c)).alias(c) for c in _NOT_FOR_LOGS],
    ).with_columns(pl.col(_CATEGORICAL).cast(pl.Categorical))
    lean = frame.collect(engine="streaming")
    return LoadedRecords(frame=lean, zone_less=zone_less)


#: The columns of log rows the streaming path reads, one evidence file at a time.
_LOG_COLUMNS = ["ts", "source", "kind", "stream", "level", "message", "status"]
_LOG_COLUMNS += ["latency_ms", "evidence", "offset"]


@dataclass(frozen=True)
class StreamedRecords:
    """A workspace's records for the timeline without its log rows in memory.

    ``small`` holds the records of every other kind (alerts, pages, chat, changes,
    metrics, Kubernetes), lean as :func:`load_records` makes them; the log rows stay in
    ``files`` and are read one file at a time (:func:`read_logs`). What the timeline
    needs of all rows is computed on the way: ``sizes`` (records per source), ``spans``
    (first and last time per source), ``ranked`` (the sources that logged trace ids), and
    ``traced`` when first read (the trace-id rows the skew estimate reads, see
    :func:`~hotwash.skew.shared_trace_rows`)."""

    files: list[str]
    small: pl.DataFrame
    zone_less: list[tuple[str, int, str]]
    sizes: dict[str, int]
    spans: pl.DataFrame
    ranked: list[str]

    @cached_property
    def traced(self) -> pl.DataFrame:
        """The rows of the trace ids two sources share. Read when the skew is estimated,
        after the log detectors: the memory of its scans then goes to what they freed,
        instead of staying taken under them (a peak of about 710 MB instead of 977 MB on 4 GB of
        logs)."""
        return shared_trace_rows(_scan(self.files))


def _scan(files: list[str]) -> pl.LazyFrame:
    return pl.scan_parquet(files) if files else empty_records().lazy()


def stream_records(files: list[str]) -> StreamedRecords:
    """Scan the record ``files`` (streaming engine) into :class:`StreamedRecords`."""
    records = _scan(files)
    lean = load_records(records.filter(pl.col("kind") != "log"))
    per_source = (
        records.group_by("source")
        .agg(n=pl.len(), first=pl.col("ts").min(), last=pl.col("ts").max())
        .sort("source")
        .collect(engine="streaming")
    )
    return StreamedRecords(
        files=files,
        small=lean.frame,
        zone_less=zone_less_sources(records),
        sizes=dict(zip(per_source["source"], per_source["n"], strict=True)),
        spans=per_source.drop("n"),
        ranked=sources_with_ids(records),
    )


#: Rows of a records file read at once: what bounds the memory of the log detectors.
CHUNK_ROWS = 500_000


def read_logs(path: str, chunk_rows: int | None = None) -> Iterator[pl.DataFrame]:
    """The log rows of one record file, ``chunk_rows`` (default :data:`CHUNK_ROWS`) rows
    of the file at a time, only the columns the log detectors read."""
    chunk_rows = chunk_rows or CHUNK_ROWS
    records = pl.scan_parquet(path)
    total = records.select(pl.len()).collect().item()
    for start in range(0, total, chunk_rows):
        chunk = records.slice(start, chunk_rows)
        yield chunk.filter(pl.col("kind") == "log").select(_LOG_COLUMNS).collect()
