"""Helpers shared by the parsers of JSON API payloads (Prometheus, Loki, PagerDuty, ...).

They load a payload keeping numbers exact (a timestamp ``1435781430.781`` stays that text),
turn timestamp texts and epoch numbers into aware UTC, and build record frames. Every
failure is a :class:`~hotwash.errors.ParseError` naming the evidence and the item.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import polars as pl

from hotwash.errors import ParseError
from hotwash.parse import ParseContext
from hotwash.records import RECORD_SCHEMA
from hotwash.timeutil import NaiveTimeError, parse_instant

__all__ = [
    "Columns",
    "epoch",
    "epoch_micros",
    "frame",
    "get_path",
    "instant",
    "labels_text",
    "load_json",
    "to_json",
    "where",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def where(ctx: ParseContext) -> str:
    """The name of the evidence in messages: its path, else its sha256, else the source."""
    return ctx.path or ctx.evidence or f"<{ctx.source}>"


def load_json(data: bytes | Path, ctx: ParseContext) -> Any:
    """Decode a payload; numbers with a fraction become exact ``Decimal`` values."""
    raw = data.read_bytes() if isinstance(data, Path) else data
    try:
        return json.loads(raw, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise ParseError(f"not valid JSON: {exc.msg} (char {exc.pos})", where(ctx)) from exc
    except UnicodeDecodeError as exc:
        raise ParseError(f"not UTF-8 text: {exc.reason}", where(ctx)) from exc


def expect(value: Any, kind: type, what: str, ctx: ParseContext) -> Any:
    """``value`` if it is a ``kind``; a ParseError naming ``what`` otherwise."""
    if not isinstance(value, kind):
        got = type(value).__name__
        raise ParseError(f"{what}: expected {kind.__name__}, got {got}", where(ctx))
    return value


def instant(text: Any, ctx: ParseContext, item: str) -> datetime:
    """An ISO-8601 text as aware UTC; a naive one uses the declared zone or fails."""
    if not isinstance(text, str):
        raise ParseError(f"{item}: expected an ISO-8601 time, got {text!r}", where(ctx))
    try:
        return parse_instant(_trim_fraction(text), ctx.timezone)
    except NaiveTimeError as exc:
        raise ParseError(
            f"{item}: time {text!r} has no zone; declare the source's timezone", where(ctx)
        ) from exc
    except ValueError as exc:
        raise ParseError(f"{item}: {exc}", where(ctx)) from exc


def _trim_fraction(text: str) -> str:
    """Keep at most 6 fractional digits (Go writes nanoseconds; Python holds microseconds)."""
    dot = text.find(".")
    if dot < 0:
        return text
    end = dot + 1
    while end < len(text) and text[end].isdigit():
        end += 1
    return text[: min(end, dot + 7)] + text[end:]


_MICROS_PER = {"s": 1_000_000, "ms": 1_000}


def epoch_micros(value: Any, unit: str, ctx: ParseContext, item: str) -> int:
    """Microseconds since the epoch of an epoch number in ``s``, ``ms`` or ``ns`` (floored).

    Integers (and integer texts for ``ns``) take a fast exact path; fractions go through
    ``Decimal`` so that ``1435781430.781`` is exactly ``...430.781000``.
    """
    try:
        if type(value) is int:
            return value // 1000 if unit == "ns" else value * _MICROS_PER[unit]
        if unit == "ns" and isinstance(value, str) and value.isdigit():
            return int(value) // 1000
        scaled = Decimal(str(value)) * 1_000_000 / {"s": 1, "ms": 1_000, "ns": 1_000_000_000}[unit]
        return int(scaled.to_integral_value(rounding="ROUND_FLOOR"))
    except (InvalidOperation, ValueError, OverflowError, KeyError) as exc:
        raise ParseError(f"{item}: not an epoch time in {unit}: {value!r}", where(ctx)) from exc


def epoch(value: Any, unit: str, ctx: ParseContext, item: str) -> datetime:
    """An epoch number (``s``, ``ms`` or ``ns``; int, Decimal or numeric text) as UTC."""
    micros = epoch_micros(value, unit, ctx, item)
    try:
        return _EPOCH + timedelta(microseconds=micros)
    except OverflowError as exc:
        raise ParseError(f"{item}: epoch time out of range: {value!r}", where(ctx)) from exc


def get_path(doc: Mapping[str, Any], dotted: str) -> Any:
    """``log.level`` from ``{"log": {"level": ..}}`` or from ``{"log.level": ..}``."""
    if dotted in doc:
        return doc[dotted]
    head, _, rest = dotted.partition(".")
    inner = doc.get(head)
    if rest and isinstance(inner, Mapping):
        return get_path(inner, rest)
    return None


def labels_text(labels: Mapping[str, Any], skip: tuple[str, ...] = ()) -> str:
    """``{job="api", code="500"}`` in label order, Prometheus style."""
    inner = ", ".join(f'{k}="{v}"' for k, v in labels.items() if k not in skip)
    return "{" + inner + "}"


def to_json(value: Any) -> str:
    """Compact JSON for the ``fields`` column (Decimals written as numbers)."""
    return json.dumps(value, default=_default, ensure_ascii=False, separators=(",", ":"))


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def frame(rows: list[dict[str, Any]], ctx: ParseContext) -> pl.DataFrame:
    """Record rows (dicts with some of the schema's columns) as a frame in the schema."""
    for row in rows:
        row.setdefault("source", ctx.source)
        row.setdefault("evidence", ctx.evidence)
    columns = {name: [row.get(name) for row in rows] for name in RECORD_SCHEMA}
    return pl.DataFrame(columns, schema=RECORD_SCHEMA)


class Columns:
    """Record columns built series by series (fast for large payloads of samples).

    ``ts`` is held as epoch microseconds; values shared by a whole series (stream,
    message, fields) are given once per series rather than once per sample.
    """

    def __init__(self) -> None:
        self.data: dict[str, list[Any]] = {name: [] for name in RECORD_SCHEMA}

    def __len__(self) -> int:
        return len(self.data["offset"])

    def extend(self, varying: dict[str, list[Any]], constant: dict[str, Any]) -> None:
        """Add ``len(varying["ts"])`` rows; columns not given are None."""
        count = len(varying["ts"])
        start = len(self)
        for name, column in self.data.items():
            if name == "offset":
                column.extend(range(start, start + count))
            elif name in varying:
                column.extend(varying[name])
            else:
                column.extend([constant.get(name)] * count)

    def frame(self, ctx: ParseContext) -> pl.DataFrame:
        schema = {**RECORD_SCHEMA, "ts": pl.Int64}
        table = pl.DataFrame(self.data, schema=schema)
        return table.with_columns(
            pl.col("ts").cast(pl.Datetime("us", "UTC")),
            pl.lit(ctx.source, pl.String).alias("source"),
            pl.lit(ctx.evidence, pl.String).alias("evidence"),
        )
