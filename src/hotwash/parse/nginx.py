"""nginx / Apache "combined" access lines into record columns, without a regex per field.

A regular expression with capture groups runs at about 120 MB/s; splitting on the double
quotes runs at over 1 GB/s. Lines of the exact combined shape (client, ident, user,
``[time]``, ``"request"``, status, bytes, ``"referer"``, ``"agent"``, then anything) are
recognised by a regex *without* captures (a fast DFA) and cut on their quotes; every other
line (common format, odd lines) goes through the capturing regex :data:`NGINX`, so both
paths give the same columns for the same line.
"""

from __future__ import annotations

import polars as pl

from hotwash.parse.timestamps import UTC_DTYPE

__all__ = ["NGINX", "nginx_columns"]

NGINX = (
    r'^(?P<client>\S+) \S+ (?P<user>\S+) \[(?P<ts>[^\]]+)\] "(?P<request>[^"]*)" '
    r'(?P<status>\d{3}) (?P<bytes>\d+|-)(?: "(?P<referer>[^"]*)" "(?P<agent>[^"]*)")?(?P<rest>.*)$'
)
#: The combined shape, with no quote or bracket inside the first three words or the time,
#: so that cutting on quotes and brackets gives exactly the groups of :data:`NGINX`.
_COMBINED = r'^[^"\s\[]+ [^"\s\[]+ [^"\s\[]+ \[[^\]"\[]+\] "[^"]*" \d{3} (?:\d+|-) "[^"]*" "[^"]*"'
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
    combined = lines["line"].str.contains(_COMBINED)
    if combined.all():
        return _columns(lines, _cut_groups(), stream)
    parts = [
        _columns(lines.filter(combined), _cut_groups(), stream),
        _columns(lines.filter(~combined), _regex_groups(), stream),
    ]
    return pl.concat(parts).sort("offset")


def _cut_groups() -> dict[str, pl.Expr]:
    """The groups of :data:`NGINX` for lines of the :data:`_COMBINED` shape, by cutting."""
    quoted = pl.col("line").str.splitn('"', 6)
    head, tail = quoted.struct.field("field_0"), quoted.struct.field("field_5")
    codes = quoted.struct.field("field_2")  # ' 200 1234 '
    agent_rest = tail.str.splitn('"', 2)
    return {
        "client": head.str.splitn(" ", 2).struct.field("field_0"),
        "ts": head.str.splitn("[", 2).struct.field("field_1").str.strip_suffix("] "),
        "request": quoted.struct.field("field_1"),
        "status": codes.str.slice(1, 3),
        "bytes": codes.str.slice(5).str.strip_suffix(" "),
        "agent": agent_rest.struct.field("field_0"),
        "rest": agent_rest.struct.field("field_1").fill_null(""),
    }


def _regex_groups() -> dict[str, pl.Expr]:
    groups = pl.col("line").str.extract_groups(NGINX)
    names = ("client", "ts", "request", "status", "bytes", "agent", "rest")
    return {name: groups.struct.field(name) for name in names}


def _columns(lines: pl.DataFrame, g: dict[str, pl.Expr], stream: pl.Expr) -> pl.DataFrame:
    rest = g["rest"]
    frame = lines.select(
        "offset",
        g["ts"].alias("ts_text"),
        g["ts"].str.strptime(UTC_DTYPE, "%d/%b/%Y:%H:%M:%S %z", strict=False).alias("ts"),
        pl.lit(False).alias("naive"),
        pl.coalesce([g["request"], pl.col("line")]).alias("message"),
        g["status"].cast(pl.Int32, strict=False).alias("status"),
        (rest.str.extract(r"(?:rt=|request_time=)?(\d+\.\d+)", 1).cast(pl.Float64) * 1000).alias(
            "latency_ms"
        ),
        rest.str.extract(r"(?:req(?:uest)?_id|trace_id)=([\w-]+)", 1).alias("trace_id"),
        stream.alias("stream"),
        pl.struct(g["client"].alias("client"), g["bytes"].alias("bytes"), g["agent"].alias("agent"))
        .struct.json_encode()
        .alias("fields"),
    )
    return frame.with_columns(_LEVEL_BY_STATUS.alias("level"))
