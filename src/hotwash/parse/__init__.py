"""Parsing evidence into records, one parser per evidence format, registered by name.

A parser turns the bytes (or the file, for large logs) of one evidence blob into a polars
DataFrame with the columns of :data:`hotwash.records.RECORD_SCHEMA`. Every ``ts`` is UTC and
``ts_text`` keeps the text the evidence wrote. A timestamp without a zone uses the zone the
source declared (``ParseContext.timezone``); with none declared, the parser raises
:class:`~hotwash.errors.ParseError` naming the file and line, or (for formats that are
zone-less by design) marks the evidence ``naive`` as the format's documentation says.

Format names are dotted: ``log.nginx``, ``log.json``, ``log.logfmt``, ``log.syslog``,
``log.kubectl``, ``log.iso``, ``log.auto`` (detect per file), ``prometheus.query_range``,
``alertmanager.alerts``, ``loki.query_range``, ``elasticsearch.search``,
``pagerduty.log_entries``, ``slack.export``, ``kubernetes.events``, ``git.log``, ...
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from hotwash.errors import ParseError
from hotwash.registry import Registry

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "ChunkedParser",
    "ParseContext",
    "Parser",
    "all_parsers",
    "parse",
    "parse_chunks",
    "register_chunked_parser",
    "register_parser",
]


@dataclass(frozen=True)
class ParseContext:
    """What a parser needs besides the data."""

    source: str
    evidence: str = ""
    timezone: tzinfo | None = None
    path: str | None = None
    year_hint: int | None = None
    reference: datetime | None = None
    """An instant near the data (the start of the window asked), for yearless formats."""
    stream: str | None = None
    """The stream name to give records that carry none (file, pod, channel)."""
    query_name: str | None = None
    """The name of the query behind a payload (``queries = [{name, expr}]``, or a saved
    file's stem), for series that carry no metric name of their own."""
    notes: dict[str, str] = field(default_factory=dict)
    """Parsers may note what the collector should keep in the evidence ``meta``
    (``invalid_utf8_lines``, ``truncated``); the only mutable part of the context."""


Parser = Callable[["bytes | Path", ParseContext], "pl.DataFrame"]

#: Modules holding the built-in parsers; each registers its formats on import.
BUILTIN_MODULES: tuple[str, ...] = (
    "hotwash.parse.logs",
    "hotwash.parse.kubernetes",
    "hotwash.parse.slack",
    "hotwash.parse.git",
    "hotwash.parse.generic",
    "hotwash.parse.prometheus",
    "hotwash.parse.alertmanager",
    "hotwash.parse.loki",
    "hotwash.parse.elasticsearch",
    "hotwash.parse.pagerduty",
    "hotwash.parse.opsgenie",
)

ChunkedParser = Callable[["bytes | Path", ParseContext], "Iterator[pl.DataFrame]"]

PARSERS: Registry[Parser] = Registry(
    BUILTIN_MODULES,
    None,
    lambda fmt, _old: ParseError(f"parser for format {fmt!r} registered twice"),
)
CHUNKED_PARSERS: Registry[ChunkedParser] = Registry(
    BUILTIN_MODULES,
    None,
    lambda fmt, _old: ParseError(f"chunked parser for format {fmt!r} registered twice"),
)


def register_parser(fmt: str) -> Callable[[Parser], Parser]:
    """Decorator: register ``func`` as the parser of ``fmt``; duplicates fail loudly."""
    return lambda func: PARSERS.add(fmt, func)


def register_chunked_parser(fmt: str) -> Callable[[ChunkedParser], ChunkedParser]:
    """Decorator: a parser of ``fmt`` yielding records in bounded chunks (large logs).

    The format must also have a plain parser (:func:`register_parser`); the collector uses
    the chunked one when there is one, so memory stays bounded whatever the file size.
    """
    return lambda func: CHUNKED_PARSERS.add(fmt, func)


def all_parsers() -> dict[str, Parser]:
    """Every registered parser by format (the built-in modules are imported once)."""
    return PARSERS.all()


def parse(fmt: str, data: bytes | Path, ctx: ParseContext) -> pl.DataFrame:
    """Parse one blob of format ``fmt`` into records (conformed to the record schema)."""
    from hotwash.records import conform

    parsers = all_parsers()
    if fmt not in parsers:
        raise ParseError(f"no parser for format {fmt!r}", ctx.path)
    return conform(parsers[fmt](data, ctx))


def parse_chunks(fmt: str, data: bytes | Path, ctx: ParseContext) -> Iterator[pl.DataFrame]:
    """Parse one blob into a sequence of record frames (one frame for most formats)."""
    from hotwash.records import conform

    parsers = all_parsers()
    chunked = CHUNKED_PARSERS.get(fmt)
    if chunked is not None:
        for frame in chunked(data, ctx):
            yield conform(frame)
        return
    if fmt not in parsers:
        raise ParseError(f"no parser for format {fmt!r}", ctx.path)
    yield conform(parsers[fmt](data, ctx))
