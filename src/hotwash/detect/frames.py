"""Small record-frame helpers shared by the signal detectors."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import polars as pl

from hotwash.detect.base import DetectContext
from hotwash.detect.baseline import Floats

__all__ = [
    "baseline_and_window",
    "baseline_seconds",
    "epoch_seconds",
    "record_order",
    "series_label",
    "sort_records",
    "window_conditions",
]


def sort_records(records: pl.DataFrame) -> pl.DataFrame:
    """Records in a stable order: by time, then evidence and offset, nulls last (input
    order ignored)."""
    return records.sort(record_order(records))


def record_order(
    records: pl.DataFrame, ts: str = "ts", evidence: str = "evidence", offset: str = "offset"
) -> list[pl.Expr]:
    """Keys that sort ``records`` (a plain ascending ``sort``) as :func:`sort_records`
    does: by time, evidence text and offset (named ``ts``, ``evidence``, ``offset`` in
    ``records``), nulls last.

    Sorting on several columns with ``nulls_last=True`` takes a path of polars several
    times slower, so a column holding nulls gets an ``is_null`` key before it instead. A
    categorical ``evidence`` (records read from disk) is ordered by its text, through a
    numeric key: several times faster than comparing categoricals on millions of rows."""
    if records.schema.get(evidence) == pl.Categorical:
        text = _text_order(records[evidence])
    else:
        text = _nulls_last(records, evidence)
    return [*_nulls_last(records, ts), *text, *_nulls_last(records, offset)]


def _nulls_last(records: pl.DataFrame, name: str) -> list[pl.Expr]:
    if records[name].null_count() == 0:
        return [pl.col(name)]
    return [pl.col(name).is_null(), pl.col(name)]


def _text_order(column: pl.Series) -> list[pl.Expr]:
    """A numeric key that orders a categorical column as its texts would be ordered
    (nulls last)."""
    used = column.unique().drop_nulls()
    rank = used.cast(pl.String).rank("ordinal")
    codes = pl.col(column.name).to_physical()
    key = codes.replace_strict(used.to_physical(), rank, default=None, return_dtype=pl.UInt32)
    return [key.fill_null(used.len() + 1)]


def baseline_and_window(
    records: pl.DataFrame, context: DetectContext
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split sorted records into (baseline, incident window).

    The baseline is ``context.baseline`` if given, else everything before the window.
    """
    in_baseline, in_window = window_conditions(context)
    # filtered before sorting: two smaller sorts, and no sorted copy of everything
    return sort_records(records.filter(in_baseline)), sort_records(records.filter(in_window))


def window_conditions(context: DetectContext) -> tuple[pl.Expr, pl.Expr]:
    """(in the baseline, in the incident window) as conditions on ``ts`` (see
    :func:`baseline_and_window`)."""
    window = context.window
    in_window = (pl.col("ts") >= window.start) & (pl.col("ts") < window.end)
    if context.baseline is not None:
        base = context.baseline
        return (pl.col("ts") >= base.start) & (pl.col("ts") < base.end), in_window
    return pl.col("ts") < window.start, in_window


def baseline_seconds(before: pl.DataFrame, context: DetectContext) -> float:
    """Length of the baseline: ``context.baseline``, else from the first record before the
    window to the window's start; 0 when there is no baseline at all."""
    if context.baseline is not None:
        return context.baseline.duration.total_seconds()
    if before.is_empty():
        return 0.0
    earliest: datetime = before["ts"].min()  # type: ignore[assignment]
    return (context.window.start - earliest).total_seconds()


def epoch_seconds(records: pl.DataFrame) -> Floats:
    """The ``ts`` column as float epoch seconds."""
    micros = records["ts"].dt.epoch("us").to_numpy()
    return np.asarray(micros, dtype=np.float64) / 1e6


def series_label(name: str | None, stream: str | None) -> str:
    """``name{labels}`` when the stream is a label set, else ``name (stream)``."""
    if not name or name.startswith("{"):
        # an expression without a metric name: its parser put the label set in both
        name = "series" if not stream or stream == "{}" else ""
    if not stream or stream == "{}" or stream == name:
        return name or "series"
    if stream.startswith("{"):
        return f"{name}{stream}"
    return f"{name} ({stream})"
