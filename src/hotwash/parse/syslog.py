"""Syslog lines, RFC 5424 and the older, yearless and zone-less RFC 3164 (BSD).

RFC 5424 (``<34>1 2024-05-14T14:03:12.003Z host app pid msgid [sd] message``) carries a
full timestamp and is converted exactly.

RFC 3164 (``<34>May 14 14:03:12 host app[pid]: message``) has neither year nor zone:

- the **year** comes from the window asked (``ParseContext.reference``): the year that puts
  the file's first month nearest the window; each time the month goes *back* by more than
  six (December -> January) while reading on, the year moves forward by one, so a file
  that crosses a new year keeps its order;
- the **zone** is the source's declared ``timezone``; with none the lines are zone-less and
  the parser refuses the file naming the first line (never silently UTC).

The usual RFC 3164 lines (:data:`_USUAL_3164`, recognised by a regex without captures) are
cut by position, several times faster than the capturing regexes, which read the other
lines into the same columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import polars as pl

from hotwash.errors import ParseError
from hotwash.parse import ParseContext
from hotwash.parse.fields import byte_slice
from hotwash.parse.nginx import first_id
from hotwash.parse.timestamps import iso_to_utc, local_to_utc

__all__ = ["SyslogYears", "syslog_columns"]

_RFC5424 = (
    r"^<(?P<pri>\d{1,3})>1 (?P<ts>\S+) (?P<host>\S+) (?P<app>\S+) (?P<pid>\S+) \S+ "
    r"(?:-|(?:\[(?:[^\]\\]|\\.)*\])+)\s?(?P<msg>.*)$"
)
_RFC3164 = (
    r"^(?:<(?P<pri>\d{1,3})>)?(?P<ts>(?P<mon>[A-Z][a-z]{2})\s+(?P<day>\d{1,2}) "
    r"(?P<time>\d{2}:\d{2}:\d{2})) (?P<host>\S+) (?P<app>[^:\[\s]+)(?:\[(?P<pid>\d+)\])?:\s?"
    r"(?P<msg>.*)$"
)
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    )
}
#: A request or trace id written into the message (``trace_id=4bf92f35``), and the key
#: at the end of the text before its ``_id=`` (see :func:`~hotwash.parse.nginx.first_id`).
_TRACE_ID = r"\b(?:trace_id|request_id|req_id)=([\w-]+)"
_TRACE_KEY = r"\b(?:trace|request|req)$"
#: The usual RFC 3164 line, which :func:`_cut_3164` cuts exactly as :data:`_RFC3164` reads
#: it: ASCII digits, a time 15 characters wide, a host without ``:``, ``app[pid]: ``.
_USUAL_3164 = (
    r"^(?:<[0-9]{1,3}>)?[A-Z][a-z]{2} (?: [0-9]|[0-9]{2}) [0-9]{2}:[0-9]{2}:[0-9]{2} "
    r"[^\s:]+ [^:\[\s]+(?:\[[0-9]+\])?: "
)
#: ``<year> <mon> <day> <time>``, the same instant as the year, month, day and time read
#: apart (checked for every day, time and month, including invalid ones).
_LOCAL_FORMAT = "%Y %b %d %H:%M:%S"
_SEVERITY = {0: "fatal", 1: "fatal", 2: "fatal", 3: "error", 4: "warn", 5: "info", 6: "info"}
#: Every ``<pri>`` text of one to three digits, and its level: its severity, ``pri % 8``.
_PRI_TEXTS = [f"{pri:0{width}d}" for width in (1, 2, 3) for pri in range(10**width)]
_PRI_TEXT = pl.Series(_PRI_TEXTS, dtype=pl.String)
_PRI_LEVEL = pl.Series([_SEVERITY.get(int(t) % 8, "debug") for t in _PRI_TEXTS], dtype=pl.String)


@dataclass
class SyslogYears:
    """The year of yearless lines, carried from one chunk of a file to the next."""

    reference: datetime
    base: int | None = None
    last_month: int | None = None
    rollovers: int = 0

    @classmethod
    def start(cls, ctx: ParseContext) -> SyslogYears:
        if ctx.reference is not None:
            return cls(reference=ctx.reference)
        if ctx.year_hint is not None:
            return cls(reference=datetime(ctx.year_hint, 6, 1, tzinfo=UTC))
        raise ParseError(
            "RFC 3164 syslog lines carry no year; collect them for an incident window",
            ctx.path,
        )

    def years(self, months: pl.Series) -> pl.Series:
        """The year of each line, from its month (null months take the line before's)."""
        filled = months.fill_null(strategy="forward").fill_null(self.last_month or 0)
        if self.base is None:
            first = filled.drop_nulls().filter(filled > 0)
            self.base = self._base_for(int(first[0]) if first.len() else self.reference.month)
        previous = filled.shift(1).fill_null(self.last_month or filled[0])
        rolls = ((previous - filled) > 6).cast(pl.Int32).cum_sum() + self.rollovers
        self.rollovers = int(rolls[-1])
        self.last_month = int(filled[-1]) or self.last_month
        return rolls + self.base

    def _base_for(self, first_month: int) -> int:
        year = self.reference.year
        if first_month - self.reference.month > 6:
            return year - 1
        if self.reference.month - first_month > 6:
            return year + 1
        return year


def syslog_columns(lines: pl.DataFrame, ctx: ParseContext, years: SyslogYears) -> pl.DataFrame:
    """offset, ts_text, ts, naive, level, message, stream, fields, trace_id for syslog lines."""
    usual = lines["line"].str.contains(_USUAL_3164)
    if usual.all():
        frame = _cut_3164(lines)
    else:
        cut = _cut_3164(lines) if usual.any() else None
        frame = _by_regex_where_unusual(lines.with_columns(usual.alias("usual")), cut)
    year = years.years(frame["month"])
    if year.n_unique() == 1:  # as in most chunks: one text to put before every time
        local = pl.concat_str(pl.lit(f"{year[0]} "), pl.col("local"))
    else:
        local = pl.concat_str(pl.lit(year).cast(pl.String), pl.lit(" "), pl.col("local"))
    is_new = pl.col("ts5424").is_not_null()
    msg = pl.col("msg")
    frame = frame.select(
        "offset",
        pl.coalesce(["ts5424", "ts3164"]).alias("ts_text"),
        pl.when(is_new)
        .then(iso_to_utc(pl.col("ts5424"), ctx.timezone))
        .otherwise(local_to_utc(local, ctx.timezone, _LOCAL_FORMAT))
        .alias("ts"),
        (~is_new & pl.col("ts3164").is_not_null()).alias("naive"),
        _level_from_pri(pl.col("pri")).alias("level"),
        pl.coalesce([msg, pl.col("line")]).alias("message"),
        pl.col("host").alias("stream"),
        pl.lit(None, dtype=pl.String).alias("fields"),
        pl.when(msg.str.contains("_id=", literal=True)).then(msg).alias("trace_id"),
    )
    return frame.with_columns(first_id(frame["trace_id"], _TRACE_ID, _TRACE_KEY))


def _cut_3164(lines: pl.DataFrame) -> pl.DataFrame:
    """The groups of :data:`_RFC3164` (and null ``ts5424``) for lines of the
    :data:`_USUAL_3164` shape, cut by position: an optional ``<pri>``, a time 15 characters
    wide, the host up to the next space, the message after the first ``: ``; ``local`` is
    the time to read with the year before it (other lines give garbage)."""
    line, body, ts = pl.col("line"), pl.col("body"), pl.col("ts3164")
    frame = lines.with_columns(line.str.strip_chars_start("<0123456789>").alias("body"))
    host_on = body.str.slice(16)
    frame = frame.select(
        "offset",
        pl.lit(None, dtype=pl.String).alias("ts5424"),
        body.str.slice(0, 15).alias("ts3164"),
        pl.when(line.str.starts_with("<"))
        .then(line.str.slice(1, line.str.find(">", literal=True) - 1))
        .alias("pri"),
        byte_slice(host_on, pl.lit(0), host_on.str.find(" ", literal=True)).alias("host"),
        byte_slice(body, body.str.find(": ", literal=True) + 2).alias("msg"),
        "line",
    )
    return frame.with_columns(
        ts.str.slice(0, 3).replace_strict(_MONTHS, default=None).alias("month"),
        ts.alias("local"),
    )


def _by_regex_where_unusual(lines: pl.DataFrame, cut: pl.DataFrame | None) -> pl.DataFrame:
    """The groups of ``lines``: the ``cut`` ones where ``usual``, read by the regexes
    elsewhere (which only run on those lines: the usual ones are null for them)."""
    other = pl.when(~pl.col("usual")).then(pl.col("line"))
    frame = lines.with_columns(
        other.str.extract_groups(_RFC5424).alias("new"),
        other.str.extract_groups(_RFC3164).alias("old"),
    )
    new, old = pl.col("new").struct, pl.col("old").struct
    mon = old.field("mon")
    by_regex = {
        "ts5424": new.field("ts"),
        "ts3164": old.field("ts"),
        "month": mon.replace_strict(_MONTHS, default=None),
        "local": pl.concat_str(
            mon, pl.lit(" "), old.field("day").str.zfill(2), pl.lit(" "), old.field("time")
        ),
        **{n: pl.coalesce([new.field(n), old.field(n)]) for n in ("pri", "host", "msg")},
    }
    if cut is None:
        return frame.select("offset", *[g.alias(n) for n, g in by_regex.items()], "line")
    frame = pl.concat([frame, cut.select(pl.all().name.prefix("cut_"))], how="horizontal")
    return frame.select(
        "offset",
        *[pl.when("usual").then(f"cut_{n}").otherwise(g).alias(n) for n, g in by_regex.items()],
        "line",
    )


def _level_from_pri(pri: pl.Expr) -> pl.Expr:
    return pri.replace_strict(_PRI_TEXT, _PRI_LEVEL, default=None, return_dtype=pl.String)
