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
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import polars as pl

from hotwash.errors import ParseError
from hotwash.parse import ParseContext
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
#: A request or trace id written into the message (``trace_id=4bf92f35``).
_TRACE_ID = r"\b(?:trace_id|request_id|req_id)=([\w-]+)"
_SEVERITY = {0: "fatal", 1: "fatal", 2: "fatal", 3: "error", 4: "warn", 5: "info", 6: "info"}


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
    new = pl.col("line").str.extract_groups(_RFC5424)
    old = pl.col("line").str.extract_groups(_RFC3164)
    frame = lines.select(
        "offset",
        new.struct.field("ts").alias("ts5424"),
        old.struct.field("ts").alias("ts3164"),
        old.struct.field("mon").replace_strict(_MONTHS, default=None).alias("month"),
        pl.concat_str(
            old.struct.field("day").str.zfill(2), pl.lit("T"), old.struct.field("time")
        ).alias("daytime"),
        *[
            pl.coalesce([new.struct.field(n), old.struct.field(n)]).alias(n)
            for n in ("pri", "host", "app", "pid", "msg")
        ],
        "line",
    )
    frame = frame.with_columns(years.years(frame["month"]).alias("year"))
    local = pl.format(
        "{}-{}-{}.000000",
        pl.col("year"),
        pl.col("month").cast(pl.String).str.zfill(2),
        pl.col("daytime"),
    )
    is_new = pl.col("ts5424").is_not_null()
    return frame.select(
        "offset",
        pl.coalesce(["ts5424", "ts3164"]).alias("ts_text"),
        pl.when(is_new)
        .then(iso_to_utc(pl.col("ts5424"), ctx.timezone))
        .otherwise(local_to_utc(local, ctx.timezone))
        .alias("ts"),
        (~is_new & pl.col("ts3164").is_not_null()).alias("naive"),
        _level_from_pri(pl.col("pri")).alias("level"),
        pl.coalesce(["msg", "line"]).alias("message"),
        pl.col("host").alias("stream"),
        pl.struct("app", "pid").struct.json_encode().alias("fields"),
        pl.col("msg").str.extract(_TRACE_ID, 1).alias("trace_id"),
    )


def _level_from_pri(pri: pl.Expr) -> pl.Expr:
    severity = pri.cast(pl.Int32, strict=False) % 8
    level = severity.replace_strict(_SEVERITY, default="debug", return_dtype=pl.String)
    return pl.when(severity.is_not_null()).then(level).otherwise(pl.lit(None, dtype=pl.String))
