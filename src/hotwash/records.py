"""Records: the columnar form of parsed evidence, shared by every stage after collect.

One row is one parsed line, sample or message. Every ``ts`` is UTC and ``ts_text`` keeps
the timestamp exactly as the evidence wrote it. Records of one evidence blob are stored
as ``records/<sha256>.parquet`` in the workspace (derived; rebuilt from ``evidence/``).

Columns (:data:`RECORD_SCHEMA`):

=============  ==========================  ===============================================
column         type                        meaning
=============  ==========================  ===============================================
ts             Datetime(us, UTC)           when it happened, UTC
ts_text        str                         the timestamp as written in the evidence
source         str                         the SourceSpec name that collected it
kind           str                         log, metric, alert, page, chat, change, k8s
stream         str                         host / service / pod / channel / series labels
level          str | null                  log level, alert state, page status
message        str                         the line or message text (metric name for samples)
status         int32 | null                HTTP status where present
latency_ms     float64 | null              request latency where present
trace_id       str | null                  request or trace id where present
value          float64 | null              metric sample value
actor          str | null                  who did it (chat author, responder, deployer)
fields         str | null                  JSON object of everything else (null for
                                           log-file lines: the line stays in the blob)
evidence       str                         sha256 of the evidence blob
offset         int64                       1-based line number, or index in the payload
=============  ==========================  ===============================================
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

__all__ = ["RECORD_KINDS", "RECORD_SCHEMA", "empty_records", "read_records", "records_dir"]

RECORD_KINDS = ("log", "metric", "alert", "page", "chat", "change", "k8s")

RECORD_SCHEMA: dict[str, Any] = {
    "ts": pl.Datetime("us", "UTC"),
    "ts_text": pl.String,
    "source": pl.String,
    "kind": pl.String,
    "stream": pl.String,
    "level": pl.String,
    "message": pl.String,
    "status": pl.Int32,
    "latency_ms": pl.Float64,
    "trace_id": pl.String,
    "value": pl.Float64,
    "actor": pl.String,
    "fields": pl.String,
    "evidence": pl.String,
    "offset": pl.Int64,
}


def empty_records() -> pl.DataFrame:
    return pl.DataFrame(schema=RECORD_SCHEMA)


def conform(frame: pl.DataFrame) -> pl.DataFrame:
    """Add missing columns as nulls and order/cast columns to :data:`RECORD_SCHEMA`."""
    missing = [
        pl.lit(None, dtype=t).alias(c) for c, t in RECORD_SCHEMA.items() if c not in frame.columns
    ]
    if missing:
        frame = frame.with_columns(missing)
    return frame.select([pl.col(c).cast(t) for c, t in RECORD_SCHEMA.items()])


def records_dir(workspace: Path) -> Path:
    return workspace / "records"


def read_records(workspace: Path) -> pl.LazyFrame:
    """All records of a workspace as one lazy frame (empty if none were parsed)."""
    files = sorted(records_dir(workspace).glob("*.parquet"))
    if not files:
        return empty_records().lazy()
    return pl.scan_parquet([str(f) for f in files])
