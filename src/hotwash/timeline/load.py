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

from dataclasses import dataclass

import polars as pl

from hotwash.skew import zone_less_sources

__all__ = ["LoadedRecords", "load_records"]

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
