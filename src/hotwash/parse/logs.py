"""Log files into records: nginx/Apache combined, JSON lines, logfmt, syslog, kubectl, ISO.

Formats (register names): ``log.nginx`` (also Apache combined), ``log.json``,
``log.logfmt``, ``log.syslog`` (RFC 3164 and RFC 5424), ``log.kubectl``
(``kubectl logs --timestamps``), ``log.iso`` (lines starting with an ISO-8601 time) and
``log.auto``, which detects the format of each file from a sample of its first lines.

Files are read in chunks (:mod:`hotwash.parse.lines`) and every field is extracted with
vectorised polars expressions, so a 2 GB file is parsed in bounded memory.

Timestamps: a time with a zone is converted exactly; a time without one uses the source's
declared ``timezone``; with none declared the file is refused with
:class:`NaiveTimestampError` naming the file and the first line (the collector keeps the
blob and marks the evidence ``naive_timestamps``). Lines without a timestamp of their own
(stack traces, wrapped messages) take the time of the line before them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import polars as pl

from hotwash.errors import ParseError
from hotwash.parse import ParseContext, register_chunked_parser, register_parser
from hotwash.parse.detect_format import LOG_FORMATS, detect_format
from hotwash.parse.fields import (
    PAYLOAD_COLUMNS,
    choose_payload_mode,
    level_from_keyword,
    payload_columns,
)
from hotwash.parse.lines import iter_line_frames
from hotwash.parse.nginx import nginx_columns
from hotwash.parse.syslog import SyslogYears, syslog_columns
from hotwash.parse.timestamps import ISO_TEXT, resolve_times

__all__ = ["NaiveTimestampError", "iter_log_records", "parse_log"]

_KUBECTL = (
    r"^(?P<ts>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) (?P<rest>.*)$"
)
_ISO_LINE = rf"^\s*\[?(?P<ts>{ISO_TEXT})\]?\s+(?P<rest>.*)$"


class NaiveTimestampError(ParseError):
    """Timestamps without a zone, and no zone declared for the source."""


@dataclass
class _State:
    """What one chunk hands to the next: the last time seen, the syslog year."""

    fmt: str
    last_ts: datetime | None = None
    years: SyslogYears | None = None


Extractor = Callable[[pl.DataFrame, ParseContext, _State], pl.DataFrame]


def iter_log_records(data: bytes | Path, ctx: ParseContext, fmt: str) -> Iterator[pl.DataFrame]:
    """Yield record frames for a log blob, chunk by chunk; ``fmt`` may be ``auto``."""
    state: _State | None = None
    for lines in iter_line_frames(data, ctx):
        lines = _drop_blank(lines)
        if lines.height == 0:
            continue
        if state is None:
            chosen = _choose(fmt, lines, ctx)
            state = _State(fmt=chosen)
            ctx.notes["format"] = f"log.{chosen}"
        yield _finish(_EXTRACTORS[state.fmt](lines, ctx, state), lines, ctx, state)


def parse_log(data: bytes | Path, ctx: ParseContext, fmt: str) -> pl.DataFrame:
    """All records of a log blob in one frame (small files; the collector streams)."""
    frames = list(iter_log_records(data, ctx, fmt))
    if not frames:
        from hotwash.records import empty_records

        return empty_records()
    return pl.concat(frames, how="vertical_relaxed")


def _finish(
    frame: pl.DataFrame, lines: pl.DataFrame, ctx: ParseContext, state: _State
) -> pl.DataFrame:
    """Refuse zone-less times, carry times to continuation lines, add the common columns."""
    _refuse_naive(frame, ctx)
    frame = frame.with_columns(pl.col("ts").fill_null(strategy="forward"))
    if state.last_ts is not None:
        frame = frame.with_columns(pl.col("ts").fill_null(state.last_ts))
    missing = frame["ts"].null_count()
    if missing:
        frame = frame.filter(pl.col("ts").is_not_null())
        dropped = int(ctx.notes.get("lines_without_time", "0")) + missing
        ctx.notes["lines_without_time"] = str(dropped)
    if frame.height:
        state.last_ts = frame["ts"][-1]
    return frame.with_columns(
        pl.lit("log").alias("kind"),
        pl.lit(ctx.source).alias("source"),
        pl.lit(ctx.evidence).alias("evidence"),
    )


def _drop_blank(lines: pl.DataFrame) -> pl.DataFrame:
    """``lines`` without its blank lines (not copied when it has none)."""
    blank = lines["line"].str.strip_chars() == ""
    return lines.filter(~blank) if blank.any() else lines


def _refuse_naive(frame: pl.DataFrame, ctx: ParseContext) -> None:
    naive = frame.filter(pl.col("naive") & pl.col("ts").is_null())
    if naive.height == 0:
        return
    row = naive.row(0, named=True)
    raise NaiveTimestampError(
        f"time {row['ts_text']!r} has no zone and the source declares none; "
        'set timezone = "Europe/Paris" (or the zone it was written in) on the source',
        ctx.path,
        int(row["offset"]),
    )


def _stream(ctx: ParseContext) -> pl.Expr:
    name = ctx.stream or (Path(ctx.path).name if ctx.path else ctx.source)
    return pl.lit(name)


# Formats ----------------------------------------------------------------------------


def _nginx(lines: pl.DataFrame, ctx: ParseContext, state: _State) -> pl.DataFrame:
    return nginx_columns(lines, _stream(ctx))


def _json(lines: pl.DataFrame, ctx: ParseContext, state: _State) -> pl.DataFrame:
    frame = payload_columns(lines, "line", "json", ts=True)
    return _with_stream(resolve_times(frame, ctx.timezone, epoch=True), ctx)


def _logfmt(lines: pl.DataFrame, ctx: ParseContext, state: _State) -> pl.DataFrame:
    frame = payload_columns(lines, "line", "logfmt", ts=True)
    return _with_stream(resolve_times(frame, ctx.timezone), ctx)


def _prefixed(pattern: str) -> Extractor:
    """A format whose lines are ``<timestamp> <payload>`` (kubectl, ISO-prefixed); the
    payload is read as JSON, logfmt or plain text, whichever the chunk mostly holds.

    ``pattern`` ends with ``(?P<rest>.*)$``, which matches whatever follows its head (a
    line holds no newline): only the head is matched, and the payload is the rest of the
    line after it. A head ``^(?P<ts>...) `` whose time can hold no white space (kubectl's)
    ends at the line's first space, so the lines it matches are split there.
    """
    head = pattern.removesuffix("(?P<rest>.*)$")
    if head == pattern or not head.startswith("^"):
        raise ValueError(f"a line pattern is ^<head>(?P<rest>.*)$, not {pattern!r}")
    # \d, \. and these characters match no white space, whatever the regex made of them
    spaced = re.fullmatch(r"\^\(\?P<ts>(?:\\[d.]|[-0-9{},:+?()|TZ\[\]])+\) ", head)
    head_groups = f"^(?P<head>{head[1:]})"

    def split(lines: pl.DataFrame) -> pl.DataFrame:
        line = pl.col("line")
        if spaced:
            parts = pl.when(line.str.contains(head)).then(line).str.splitn(" ", 2)
            lines = lines.with_columns(parts.alias("_split"))
            ts = pl.col("_split").struct.field("field_0")
            rest = pl.col("_split").struct.field("field_1")
        else:
            groups = line.str.extract_groups(head_groups)
            ts, rest = groups.struct.field("ts"), line.str.strip_prefix(groups.struct.field("head"))
        return lines.select(
            "offset", ts.alias("ts_text"), pl.coalesce([rest, line]).alias("payload")
        )

    def extract(lines: pl.DataFrame, ctx: ParseContext, state: _State) -> pl.DataFrame:
        split_lines = split(lines)
        mode = choose_payload_mode(split_lines["payload"])
        frame = payload_columns(split_lines, "payload", mode)
        return _with_stream(resolve_times(frame, ctx.timezone), ctx)

    return extract


def _with_stream(frame: pl.DataFrame, ctx: ParseContext) -> pl.DataFrame:
    """The record columns of an extracted frame: ``stream`` is the service, else the
    file's stream; ``fields`` is null, as the line itself stays in the evidence blob."""
    return frame.select(
        "offset",
        "ts_text",
        "ts",
        "naive",
        *PAYLOAD_COLUMNS,
        pl.coalesce([pl.col("service"), _stream(ctx)]).alias("stream"),
        pl.lit(None, dtype=pl.String).alias("fields"),
    )


def _syslog(lines: pl.DataFrame, ctx: ParseContext, state: _State) -> pl.DataFrame:
    if state.years is None:
        state.years = SyslogYears.start(ctx)
    frame = syslog_columns(lines, ctx, state.years)
    without_level = pl.when(pl.col("level").is_null()).then(pl.col("message"))
    return frame.with_columns(
        pl.coalesce([pl.col("level"), level_from_keyword(without_level)]).alias("level"),
        pl.coalesce([pl.col("stream"), _stream(ctx)]).alias("stream"),
    )


_EXTRACTORS: dict[str, Extractor] = {
    "nginx": _nginx,
    "json": _json,
    "logfmt": _logfmt,
    "syslog": _syslog,
    "kubectl": _prefixed(_KUBECTL),
    "iso": _prefixed(_ISO_LINE),
}
assert set(_EXTRACTORS) == set(LOG_FORMATS)


def _register(name: str) -> None:
    def whole(data: bytes | Path, ctx: ParseContext) -> pl.DataFrame:
        return parse_log(data, ctx, name)

    def chunks(data: bytes | Path, ctx: ParseContext) -> Iterator[pl.DataFrame]:
        return iter_log_records(data, ctx, name)

    register_parser(f"log.{name}")(whole)
    register_chunked_parser(f"log.{name}")(chunks)


for _name in (*LOG_FORMATS, "auto"):
    _register(_name)


def _choose(fmt: str, lines: pl.DataFrame, ctx: ParseContext) -> str:
    if fmt != "auto":
        return fmt
    return detect_format(lines["line"].head(200).to_list(), ctx.path)
