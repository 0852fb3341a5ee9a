"""Vectorised field extraction shared by the log formats: levels, logfmt keys, JSON keys.

Everything here maps polars expressions over line text to expressions; nothing loops over
lines in Python. JSON lines are read with one regular expression per field (the keys of
:data:`JSON_KEYS`, whichever comes first in the line), which is several times faster than
decoding each line and good enough for flat log objects; a nested or odd line simply
leaves that field empty.
"""

from __future__ import annotations

import re

import polars as pl

__all__ = [
    "JSON_KEYS",
    "choose_payload_mode",
    "json_field",
    "level_from_keyword",
    "logfmt_field",
    "normalise_level",
    "payload_fields",
]

#: Keys looked for in JSON lines and logfmt lines, by role.
JSON_KEYS: dict[str, tuple[str, ...]] = {
    "ts": ("ts", "time", "timestamp", "@timestamp"),
    "level": ("level", "lvl", "severity", "log.level"),
    "message": ("msg", "message"),
    "error": ("err", "error"),
    "trace_id": ("trace_id", "traceId", "request_id", "req_id"),
    "status": ("status", "status_code"),
    "latency_ms": ("latency_ms", "duration_ms"),
    "service": ("service", "app"),
}

_LEVELS = {
    "trace": "debug",
    "debug": "debug",
    "info": "info",
    "notice": "info",
    "warn": "warn",
    "warning": "warn",
    "err": "error",
    "error": "error",
    "crit": "fatal",
    "critical": "fatal",
    "fatal": "fatal",
    "panic": "fatal",
    "emerg": "fatal",
    "alert": "fatal",
}
_KEYWORD = r"\b(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|CRIT|CRITICAL|FATAL|PANIC)\b"
_LOGFMT_HINT = r"(?:^|\s)(?:level|lvl|msg)="


def normalise_level(level: pl.Expr) -> pl.Expr:
    """debug, info, warn, error, fatal (unknown words kept lower-cased)."""
    return level.str.strip_chars().str.to_lowercase().replace(_LEVELS)


def level_from_keyword(text: pl.Expr) -> pl.Expr:
    """The first upper-case level word in free text (``ERROR``, ``WARN``...), normalised."""
    return normalise_level(text.str.extract(_KEYWORD, 1))


def _keys(role: str) -> str:
    return "|".join(re.escape(k) for k in JSON_KEYS[role])


def json_field(line: pl.Expr, role: str) -> pl.Expr:
    """The value of the first key of ``role`` in a flat JSON line, as text (escapes undone
    for quotes and backslashes)."""
    value = r'("(?:[^"\\]|\\.)*"|[-+.\deE]+|true|false)'
    raw = line.str.extract(rf'"(?:{_keys(role)})"\s*:\s*{value}', 1)
    text = _unquoted(raw)
    if role in {"message", "error"}:
        text = text.str.replace_all(r'\\(["\\/])', "$1")
    return text


def _unquoted(raw: pl.Expr) -> pl.Expr:
    """``raw`` without surrounding double quotes (one regex group holding the quotes is
    several times faster than two named groups, and a string value always has both)."""
    return raw.str.strip_prefix('"').str.strip_suffix('"')


def logfmt_field(line: pl.Expr, role: str) -> pl.Expr:
    """The value of the first key of ``role`` in a logfmt line (quotes removed)."""
    raw = line.str.extract(rf'(?:^|\s)(?:{_keys(role)})=("(?:[^"\\]|\\.)*"|\S*)', 1)
    return _unquoted(raw).str.replace_all('\\"', '"', literal=True)


def choose_payload_mode(payload: pl.Series) -> str:
    """``json``, ``logfmt`` or ``plain``: what most payloads of a chunk look like."""
    sample = payload.head(2000)
    if sample.len() == 0:
        return "plain"
    json_share = sample.str.starts_with("{").sum() / sample.len()
    logfmt_share = sample.str.contains(_LOGFMT_HINT).sum() / sample.len()
    if json_share >= 0.5 and json_share >= logfmt_share:
        return "json"
    return "logfmt" if logfmt_share >= 0.5 else "plain"


def payload_fields(payload: pl.Expr, mode: str) -> list[pl.Expr]:
    """level, message, trace_id, status, latency_ms, service from each payload.

    ``mode`` says how to read them (:func:`choose_payload_mode`): ``json`` objects,
    ``logfmt`` pairs, or ``plain`` text whose level is an upper-case keyword. A payload the
    mode does not fit keeps itself as the message.
    """
    if mode == "plain":
        none = pl.lit(None, dtype=pl.String)
        return [
            level_from_keyword(payload).alias("level"),
            payload.alias("message"),
            none.alias("trace_id"),
            none.cast(pl.Int32).alias("status"),
            none.cast(pl.Float64).alias("latency_ms"),
            none.alias("service"),
        ]
    field = json_field if mode == "json" else logfmt_field
    message, error = field(payload, "message"), field(payload, "error")
    full_message = (
        pl.when(error.is_not_null() & message.is_not_null())
        .then(pl.concat_str([message, pl.lit(": "), error]))
        .otherwise(pl.coalesce([message, error, payload]))
    )
    return [
        pl.coalesce([normalise_level(field(payload, "level")), level_from_keyword(payload)]).alias(
            "level"
        ),
        full_message.alias("message"),
        field(payload, "trace_id").alias("trace_id"),
        field(payload, "status").cast(pl.Int32, strict=False).alias("status"),
        field(payload, "latency_ms").cast(pl.Float64, strict=False).alias("latency_ms"),
        field(payload, "service").alias("service"),
    ]
