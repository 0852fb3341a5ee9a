"""nginx / Apache "combined" access lines into record columns, without a regex per field.

A regular expression with capture groups costs about 400 ns a line; cutting a line on
its double quotes runs at over 1 GB/s. Lines of the exact combined shape (client, ident,
user, ``[time]``, ``"request"``, status, bytes, ``"referer"``, ``"agent"``, then anything)
are cut on their six quotes, and the cut pieces are checked against the shape with short
regexes *without* captures (a fast DFA); every other line (common format, odd lines) goes
through the capturing regex :data:`NGINX`, so both paths give the same columns.

The latency and trace id regexes read what follows the agent (``rest``), and only on the
lines where it can hold them: a ``\\d+\\.\\d+`` needs a ``.``, and the usual
``request_id=<id>`` is cut on ``_id=`` (see :func:`first_id`).
"""

from __future__ import annotations

import polars as pl

from hotwash.parse.timestamps import UTC_DTYPE

__all__ = ["NGINX", "first_id", "nginx_columns"]

NGINX = (
    r'^(?P<client>\S+) \S+ (?P<user>\S+) \[(?P<ts>[^\]]+)\] "(?P<request>[^"]*)" '
    r'(?P<status>\d{3}) (?P<bytes>\d+|-)(?: "(?P<referer>[^"]*)" "(?P<agent>[^"]*)")?(?P<rest>.*)$'
)
#: The combined shape is ``<head>"request"<codes>"referer" "agent"rest``: these are its
#: head (three words, then a time of the usual width, read from the end) and its codes,
#: so that cutting on quotes gives exactly the groups of :data:`NGINX`.
_HEAD = r"^\S+ \S+ \S+ \[\d{2}/[A-Za-z]{3}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] $"
_CODES = r"^ \d{3} (?:\d+|-) $"
_TIME_FORMAT = "%d/%b/%Y:%H:%M:%S %z"
_LATENCY = r"(?:rt=|request_time=)?(\d+\.\d+)"
_TRACE_ID = r"(?:req(?:uest)?_id|trace_id)=([\w-]+)"
_TRACE_KEY = r"(?:req(?:uest)?|trace)$"
_LEVEL_BY_STATUS = (
    pl.when(pl.col("status") >= 500)
    .then(pl.lit("error"))
    .when(pl.col("status") >= 400)
    .then(pl.lit("warn"))
    .otherwise(pl.lit("info"))
)


def nginx_columns(lines: pl.DataFrame, stream: pl.Expr) -> pl.DataFrame:
    """offset, ts_text, ts, naive, message, status, latency_ms, trace_id, stream, fields,
    level for access lines (``line``, ``offset``), in the order of ``lines``."""
    quoted = pl.col("line").str.splitn('"', 7)
    cut = lines.select(
        "offset", "line", *[quoted.struct.field(f"field_{i}").alias(f"q{i}") for i in range(7)]
    )
    combined = (
        pl.col("q0").str.contains(_HEAD)
        & pl.col("q2").str.contains(_CODES)
        & (pl.col("q4") == " ")
        & pl.col("q6").is_not_null()
    )
    cut = cut.with_columns(combined.fill_null(False).alias("combined"))
    if cut["combined"].all():
        groups = cut.select("offset", *[g.alias(n) for n, g in _cut_groups().items()])
        return _columns(groups, stream)
    return _columns(_mixed_groups(cut), stream)


def _cut_groups() -> dict[str, pl.Expr]:
    """ts, request, status and rest of :data:`NGINX` for lines of the combined shape."""
    return {
        "ts": pl.col("q0").str.slice(-28, 26),
        "request": pl.col("q1"),
        "status": pl.col("q2").str.slice(1, 3),
        "rest": pl.col("q6"),
    }


def _mixed_groups(cut: pl.DataFrame) -> pl.DataFrame:
    """The groups of every line: cut for the combined ones, by :data:`NGINX` otherwise (the
    regex only runs on the other lines: the combined ones are null for it)."""
    odd = pl.when(~pl.col("combined")).then(pl.col("line")).str.extract_groups(NGINX)
    cut = cut.with_columns(odd.alias("odd"))
    by_regex = pl.col("odd").struct
    return cut.select(
        "offset",
        *[
            pl.when("combined").then(g).otherwise(by_regex.field(n)).alias(n)
            for n, g in _cut_groups().items()
        ],
        "line",
    )


def _columns(groups: pl.DataFrame, stream: pl.Expr) -> pl.DataFrame:
    rest = pl.col("rest")
    message = pl.col("request")
    if "line" in groups.columns:  # lines that are no access line at all keep their text
        message = pl.coalesce([message, pl.col("line")])
    with_dot = pl.when(rest.str.contains(".", literal=True)).then(rest)
    latency = with_dot.str.extract(_LATENCY, 1).cast(pl.Float64, strict=False) * 1000
    frame = groups.select(
        "offset",
        pl.col("ts").alias("ts_text"),
        pl.col("ts").str.strptime(UTC_DTYPE, _TIME_FORMAT, strict=False).alias("ts"),
        pl.lit(False).alias("naive"),
        message.alias("message"),
        pl.col("status").cast(pl.Int32, strict=False).alias("status"),
        latency.alias("latency_ms"),
        stream.alias("stream"),
        pl.lit(None, dtype=pl.String).alias("fields"),
        pl.col("rest"),
    )
    return frame.with_columns(
        first_id(frame["rest"], _TRACE_ID, _TRACE_KEY).alias("trace_id"),
        _LEVEL_BY_STATUS.alias("level"),
    ).drop("rest")


def first_id(text: pl.Series, pattern: str, key_before: str) -> pl.Series:
    """``text.str.extract(pattern, 1)`` for a ``pattern`` of the form
    ``<key>_id=([\\w-]+)``, about three times as fast on lines that name one id.

    ``key_before`` is ``<key>$``: it tells whether the text before the first ``_id=`` of a
    line ends with a key. If so, that key starts the leftmost match (two ``_id=`` cannot
    overlap, so a later one starts later), and when the text after it up to the next space
    is all ``[\\w-]``, that is the id. Other lines with an ``_id=`` take ``pattern``.
    """
    present = text.is_not_null()
    if present.all():
        return _first_id(text, pattern, key_before)
    if not present.any():
        return text
    ids = _first_id(text.filter(present), pattern, key_before)  # only where it may name one
    nulls = pl.repeat(None, text.len(), dtype=pl.String, eager=True)
    return nulls.scatter(present.arg_true(), ids).alias(text.name)


def _first_id(text: pl.Series, pattern: str, key_before: str) -> pl.Series:
    before, after = pl.col("field_0"), pl.col("field_1")
    found = before.str.contains(key_before) & after.str.contains(r"^[\w-]+(?: |$)")
    frame = text.str.splitn("_id=", 2).struct.unnest().with_columns(found.alias("found"))
    spaced = pl.when(pl.col("found") & after.str.contains(" ", literal=True)).then(after)
    frame = frame.select(
        pl.coalesce(
            spaced.str.splitn(" ", 2).struct.field("field_0"), pl.when("found").then(after)
        ).alias("cut"),
        pl.when(~pl.col("found") & after.is_not_null()).then(pl.lit(text)).alias("other"),
    )
    by_regex = frame["other"].str.extract(pattern, 1)
    return frame["cut"].fill_null(by_regex).alias(text.name)
