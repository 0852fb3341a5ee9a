"""Hand-collected events as JSON lines (``generic.jsonl``): deploy history, notes, exports.

One JSON object per line with at least ``ts`` (ISO-8601 *with* a zone, or the source's
declared ``timezone``) and ``message``; optional ``kind`` (one of the record kinds, default
``log``), ``stream``, ``level``, ``actor``, ``status``, ``trace_id``. Other keys go to
``fields``. A line that is not a JSON object, or has no usable ``ts``, is an error naming
the line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from hotwash.errors import ParseError
from hotwash.parse import ParseContext, register_parser
from hotwash.parse.rows import frame_of_lines
from hotwash.records import RECORD_KINDS
from hotwash.timeutil import parse_instant

__all__ = ["parse_generic"]

_KNOWN = ("ts", "kind", "stream", "level", "message", "actor", "status", "trace_id")


def _row(line: str, index: int, ctx: ParseContext) -> dict[str, Any]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ParseError(f"invalid JSON: {exc.msg}", ctx.path, index) from exc
    if not isinstance(item, dict) or "ts" not in item:
        raise ParseError("each line must be a JSON object with a 'ts'", ctx.path, index)
    try:
        ts = parse_instant(str(item["ts"]), ctx.timezone)
    except ValueError as exc:
        raise ParseError(f"ts: {exc}", ctx.path, index) from exc
    kind = str(item.get("kind") or "log")
    if kind not in RECORD_KINDS:
        raise ParseError(f"kind {kind!r} is not one of {', '.join(RECORD_KINDS)}", ctx.path, index)
    return {
        "ts": ts,
        "ts_text": str(item["ts"]),
        "kind": kind,
        "stream": str(item.get("stream") or ctx.stream or ctx.source),
        "level": item.get("level"),
        "message": str(item.get("message") or ""),
        "actor": item.get("actor"),
        "status": item.get("status"),
        "trace_id": item.get("trace_id"),
        "fields": json.dumps({k: v for k, v in item.items() if k not in _KNOWN}, sort_keys=True),
        "offset": index,
    }


@register_parser("generic.jsonl")
def parse_generic(data: bytes | Path, ctx: ParseContext) -> pl.DataFrame:
    """One record per non-empty line."""
    return frame_of_lines(data, ctx, _row)
