"""The first line of each group of records, found without sorting the records.

A group's first line is its first in the order of
:func:`~hotwash.detect.frames.sort_records`: by time, then evidence text, then offset,
nulls last. :func:`group_first_lines` packs that order into one 128-bit integer per row,
so that the first line of a group is its smallest integer, a plain ``min`` (merging the
line aggregates of a 1 GB workspace takes about half the CPU time of sorting them
first), and unpacks the line's time, evidence and offset from it:

============  ==============================================================
bits          hold
============  ==============================================================
127 - 64      the time, minus the frame's earliest (in the column's own unit)
63 - 40       the rank of the evidence text among the frame's texts (last: null)
39 - 0        the offset (last: null)
============  ==============================================================

Rows that do not fit (an offset below 0 or from 2 ** 40 - 1, 2 ** 24 - 1 evidence texts
or more, times 2 ** 63 units apart, no evidence text at all, evidence that is not
categorical) are sorted instead, for the same result.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from hotwash.detect.frames import record_order

__all__ = ["group_first_lines"]

_TEXT_BITS = 24
_OFFSET_BITS = 40
_NO_TEXT = 2**_TEXT_BITS - 1
_NO_OFFSET = 2**_OFFSET_BITS - 1


def group_first_lines(
    frame: pl.DataFrame, keys: list[str], values: dict[str, pl.Expr], ts: str
) -> pl.DataFrame:
    """``frame`` grouped by ``keys``: the ``values`` (aggregations by name) and each
    group's first line's ``first_ts`` (from ``ts``, which holds no null), ``evidence``
    and ``offset``. Groups come in no particular order."""
    packed = _Packing.of(frame, ts)
    if packed is None:
        firsts = {
            "first_ts": pl.col(ts).first(),
            "evidence": pl.col("evidence").first(),
            "offset": pl.col("offset").first(),
        }
        ordered = frame.sort(record_order(frame, ts=ts)).lazy()
        return ordered.group_by(keys).agg(**values, **firsts).collect(engine="streaming")
    keyed = frame.lazy().with_columns(line=packed.key)
    grouped = keyed.group_by(keys).agg(**values, line=pl.col("line").min())
    found = grouped.collect(engine="streaming")
    return found.with_columns(packed.unpack("line")).drop("line")


@dataclass(frozen=True)
class _Packing:
    """How the rows of one frame are packed: ``key`` (an expression on the frame), and
    what unpacking needs."""

    key: pl.Expr
    earliest: int
    texts: pl.Series
    """The evidence texts by rank (rank 1 first), then a null."""
    schema: pl.Schema
    """``first_ts``, ``evidence`` and ``offset`` as the frame holds them."""

    @classmethod
    def of(cls, frame: pl.DataFrame, ts: str) -> _Packing | None:
        """The packing of ``frame``, or None when its rows do not fit."""
        times, offsets = frame[ts].to_physical(), frame["offset"].drop_nulls()
        used = frame["evidence"].unique().drop_nulls()
        if used.is_empty() or times.null_count() or used.dtype != pl.Categorical:
            return None
        earliest, latest = int(times.min()), int(times.max())  # type: ignore[arg-type]
        low, high = (offsets.min(), offsets.max()) if offsets.len() else (0, 0)
        fits = int(low) >= 0 and int(high) < _NO_OFFSET  # type: ignore[arg-type]
        if not fits or used.len() >= _NO_TEXT or latest - earliest >= 2**63:
            return None
        by_text = used.gather(used.cast(pl.String).arg_sort())
        ranks = pl.int_range(1, by_text.len() + 1, dtype=pl.Int64, eager=True)
        codes = pl.col("evidence").to_physical()
        rank = codes.replace_strict(by_text.to_physical(), ranks, return_dtype=pl.Int64)
        offset = pl.col("offset").fill_null(_NO_OFFSET).cast(pl.Int128)
        line = rank.fill_null(_NO_TEXT).cast(pl.Int128) * 2**_OFFSET_BITS + offset
        key = (pl.col(ts).to_physical().cast(pl.Int128) - earliest) * 2**64 + line
        texts = pl.concat([by_text, pl.Series([None], dtype=by_text.dtype)])
        schema = pl.Schema(
            {"first_ts": frame.schema[ts], "evidence": used.dtype, "offset": frame.schema["offset"]}
        )
        return cls(key, earliest, texts, schema)

    def unpack(self, key: str) -> list[pl.Expr]:
        """``first_ts``, ``evidence`` and ``offset`` of the packed column ``key``."""
        line = pl.col(key) % 2**64
        time = pl.col(key) // 2**64 + self.earliest
        rank = (line // 2**_OFFSET_BITS).cast(pl.Int64).clip(upper_bound=self.texts.len())
        offset = (line % 2**_OFFSET_BITS).cast(pl.Int64)
        found = {
            "first_ts": time.cast(pl.Int64),
            "evidence": pl.lit(self.texts).gather(rank - 1),
            "offset": pl.when(offset != _NO_OFFSET).then(offset),
        }
        return [found[name].cast(dtype).alias(name) for name, dtype in self.schema.items()]
