"""Kubernetes Events (``kubectl get events -o json``) into records (kind ``k8s``).

Which time an event happened at depends on which API wrote it: legacy events have
``firstTimestamp``/``lastTimestamp`` (whole seconds) and ``eventTime`` null; events.k8s.io
events have ``eventTime`` (microseconds), maybe ``series.lastObservedTime``, and null
first/last. The first occurrence is ``firstTimestamp``, else ``eventTime``, else
``metadata.creationTimestamp``; the last is ``lastTimestamp``, else
``series.lastObservedTime``. An event seen ``count`` > 1 times gives two records, its
first and its last occurrence (``fields.occurrence``), so that "probes failed from 14:03:41
until 14:30:11, 160 times" survives.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from hotwash.errors import ParseError
from hotwash.parse import ParseContext, register_parser
from hotwash.timeutil import parse_instant

__all__ = ["parse_events", "read_json"]


def read_json(data: bytes | Path, ctx: ParseContext) -> Any:
    """The JSON document of a blob; invalid JSON is a ParseError naming file and line."""
    raw = data if isinstance(data, bytes) else Path(data).read_bytes()
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ParseError(f"invalid JSON: {exc.msg}", ctx.path, exc.lineno) from exc
    except UnicodeDecodeError as exc:
        raise ParseError(f"not UTF-8 JSON ({exc.reason})", ctx.path) from exc


def _first_time(item: dict[str, Any]) -> str | None:
    meta = item.get("metadata") or {}
    for value in (item.get("firstTimestamp"), item.get("eventTime"), meta.get("creationTimestamp")):
        if value:
            return str(value)
    return None


def _last_time(item: dict[str, Any]) -> str | None:
    series = item.get("series") or {}
    for value in (item.get("lastTimestamp"), series.get("lastObservedTime")):
        if value:
            return str(value)
    return None


def _count(item: dict[str, Any]) -> int:
    series = item.get("series") or {}
    try:
        return int(item.get("count") or series.get("count") or 1)
    except (TypeError, ValueError):
        return 1


def _rows(item: dict[str, Any], index: int, ctx: ParseContext) -> list[dict[str, Any]]:
    first, last = _first_time(item), _last_time(item)
    if first is None:
        raise ParseError("event has no timestamp at all", ctx.path, index)
    obj = item.get("involvedObject") or {}
    source = item.get("source") or {}
    count = _count(item)
    base = {
        "kind": "k8s",
        "stream": f"{obj.get('namespace', '')}/{obj.get('kind', '')}/{obj.get('name', '')}",
        "level": item.get("type"),
        "message": f"{item.get('reason', '')}: {item.get('message', '')}",
        "actor": item.get("reportingComponent") or source.get("component"),
        "offset": index,
    }
    fields = {"reason": item.get("reason"), "count": count, "first": first, "last": last}
    rows = [_row(base, first, fields | {"occurrence": "first"}, ctx)]
    if count > 1 and last and last != first:
        rows.append(_row(base, last, fields | {"occurrence": "last"}, ctx))
    return rows


def _row(
    base: dict[str, Any], text: str, fields: dict[str, Any], ctx: ParseContext
) -> dict[str, Any]:
    try:
        ts = parse_instant(text)
    except ValueError as exc:
        raise ParseError(f"event time {text!r}: {exc}", ctx.path, base["offset"]) from exc
    return base | {"ts": ts, "ts_text": text, "fields": json.dumps(fields, sort_keys=True)}


@register_parser("kubernetes.events")
def parse_events(data: bytes | Path, ctx: ParseContext) -> pl.DataFrame:
    """One or two records per Event of an EventList (``items``)."""
    document = read_json(data, ctx)
    items = document.get("items") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise ParseError("not a Kubernetes list: no 'items' array", ctx.path, 1)
    rows = [
        r for i, item in enumerate(items, 1) if isinstance(item, dict) for r in _rows(item, i, ctx)
    ]
    frame = pl.DataFrame(rows, infer_schema_length=None) if rows else pl.DataFrame()
    if frame.height == 0:
        from hotwash.records import empty_records

        return empty_records()
    return frame.with_columns(
        pl.lit(ctx.source).alias("source"), pl.lit(ctx.evidence).alias("evidence")
    )
