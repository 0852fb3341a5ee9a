"""Vectorised timestamp parsing for log lines: every instant to UTC, never a silent UTC.

The functions here take polars expressions over timestamp *text* and return expressions
of ``Datetime("us", "UTC")``. A text with its own zone (``Z``, ``+02:00``, ``UTC``) is
converted exactly. A text without one uses the zone the source declared; with none
declared the value stays null and :func:`naive_mask` tells the caller which rows they
are, so that the parser can refuse the file naming the first such line.
"""

from __future__ import annotations

import re
from datetime import UTC, tzinfo

import polars as pl

__all__ = [
    "FAST_ISO_FORMAT",
    "ISO_PATTERN",
    "ISO_TEXT",
    "UTC_DTYPE",
    "epoch_to_utc",
    "iso_to_utc",
    "naive_mask",
    "resolve_times",
    "zone_name",
]

UTC_DTYPE = pl.Datetime("us", "UTC")

#: An ISO-8601 / RFC 3339 instant, ``T`` or space separated, optional fraction and zone.
ISO_PATTERN = (
    r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:[.,](\d{1,9}))?"
    r"\s?(Z|z|[+-]\d{2}:?\d{2}|UTC|GMT)?"
)
_ISO_FULL = rf"^\s*{ISO_PATTERN}\s*$"
#: The same instant with no capturing groups, for embedding in line patterns.
ISO_TEXT = (
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?"
    r"(?:\s?(?:Z|z|[+-]\d{2}:?\d{2}|UTC|GMT))?"
)


#: RFC 3339 with ``Z`` or an offset, fraction optional: parsed directly (the fast path).
FAST_ISO_FORMAT = "%Y-%m-%dT%H:%M:%S%.f%#z"
_EPOCH = r"^\s*\d{9,13}(?:\.\d+)?\s*$"


def resolve_times(frame: pl.DataFrame, tz: tzinfo | None, epoch: bool = False) -> pl.DataFrame:
    """Add ``ts`` (UTC) and ``naive`` to a frame with a ``ts_text`` column.

    RFC 3339 texts take the fast path; only when some text is not RFC 3339 (space
    separator, comma fraction, no zone, ``UTC`` suffix, Unix epoch when ``epoch``) is the
    general path run, on the whole chunk.
    """
    text = pl.col("ts_text")
    fast = _rfc3339(frame)
    if fast.select((pl.col("ts").is_null() & text.is_not_null()).any()).item() is False:
        return fast.with_columns(pl.lit(False).alias("naive"))
    is_epoch = text.str.contains(_EPOCH) if epoch else pl.lit(False)
    return frame.with_columns(
        pl.when(is_epoch).then(epoch_to_utc(text)).otherwise(iso_to_utc(text, tz)).alias("ts"),
        (~is_epoch & naive_mask(text).fill_null(False)).alias("naive"),
    )


#: ``Z`` times with 3, 6 or 9 decimals, which polars parses several times faster with a
#: fixed-width format (giving the same instant as :data:`FAST_ISO_FORMAT` where it parses).
_FIXED_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.([0-9]+)Z")


def _rfc3339(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with ``ts`` parsed by :data:`FAST_ISO_FORMAT` (null where it fails); when
    the chunk's first time is written like ``2024-05-14T12:03:12.123456Z``, the texts
    written alike are parsed with their fixed-width format first, the others as usual."""
    text = pl.col("ts_text")
    first = next((t for t in frame["ts_text"].head(16) if t is not None), None)
    fixed = _FIXED_ISO.fullmatch(first) if first is not None else None
    if fixed is None or len(fixed.group(1)) not in (3, 6, 9):
        return frame.with_columns(_strptime_rfc3339(text).alias("ts"))
    width = f"%Y-%m-%dT%H:%M:%S.%{len(fixed.group(1))}fZ"
    naive = text.str.strptime(pl.Datetime("us"), width, strict=False)
    frame = frame.with_columns(naive.dt.replace_time_zone("UTC").alias("ts"))
    ts = pl.col("ts")
    rest = _strptime_rfc3339(pl.when(ts.is_null()).then(text))
    return frame.with_columns(pl.coalesce([ts, rest]))


def _strptime_rfc3339(text: pl.Expr) -> pl.Expr:
    return text.str.strptime(UTC_DTYPE, FAST_ISO_FORMAT, strict=False)


def zone_name(tz: tzinfo | None) -> str | None:
    """The IANA name polars needs for ``tz`` (``UTC`` for the UTC singleton)."""
    if tz is None:
        return None
    if tz is UTC:
        return "UTC"
    key = getattr(tz, "key", None)
    return str(key) if key else str(tz)


def iso_to_utc(text: pl.Expr, tz: tzinfo | None) -> pl.Expr:
    """UTC instants from ISO texts; zone-less texts use ``tz`` (null when ``tz`` is None)."""
    parts = text.str.extract_groups(_ISO_FULL)
    frac = parts.struct.field("3").fill_null("0").str.pad_end(6, "0").str.slice(0, 6)
    base = pl.concat_str(
        [parts.struct.field("1"), pl.lit("T"), parts.struct.field("2"), pl.lit("."), frac]
    )
    zone = _offset(parts.struct.field("4"))
    aware = pl.concat_str([base, zone]).str.strptime(
        UTC_DTYPE, "%Y-%m-%dT%H:%M:%S%.f%z", strict=False
    )
    return pl.when(zone.is_not_null()).then(aware).otherwise(local_to_utc(base, tz))


def local_to_utc(
    canonical: pl.Expr, tz: tzinfo | None, fmt: str = "%Y-%m-%dT%H:%M:%S%.f"
) -> pl.Expr:
    """Wall-clock texts in zone ``tz`` to UTC (null without a zone: never assumed UTC)."""
    name = zone_name(tz)
    if name is None:
        return pl.lit(None, dtype=UTC_DTYPE)
    naive = canonical.str.strptime(pl.Datetime("us"), fmt, strict=False)
    local = naive.dt.replace_time_zone(name, ambiguous="earliest", non_existent="null")
    return local.dt.convert_time_zone("UTC")


def naive_mask(text: pl.Expr) -> pl.Expr:
    """Rows whose ISO timestamp text carries no zone."""
    return text.str.extract_groups(_ISO_FULL).struct.field("4").is_null() & text.str.contains(
        _ISO_FULL
    )


def epoch_to_utc(text: pl.Expr) -> pl.Expr:
    """UTC instants from Unix epoch texts: seconds (with fraction), or milliseconds (13 digits)."""
    number = text.str.strip_chars().cast(pl.Float64, strict=False)
    micros = (
        pl.when(number > 1e11).then(number * 1_000).otherwise(number * 1_000_000).cast(pl.Int64)
    )
    return pl.from_epoch(micros, time_unit="us").dt.replace_time_zone("UTC")


def _offset(zone: pl.Expr) -> pl.Expr:
    """``Z``/``UTC``/``GMT`` -> ``+0000``; ``+02:00`` -> ``+0200``; null stays null."""
    upper = zone.str.to_uppercase()
    return (
        pl.when(upper.is_in(["Z", "UTC", "GMT"]))
        .then(pl.lit("+0000"))
        .otherwise(zone.str.replace(":", "", literal=True))
    )
