"""Parser for Elasticsearch / OpenSearch ``_search`` answers (format ``elasticsearch.search``).

One log record per hit. ``ts`` comes from ``_source.@timestamp`` exactly as the shipper
wrote it: an ISO-8601 text (ECS writes UTC; a text without a zone needs the source's
declared ``timezone``) or epoch milliseconds (Elasticsearch's default date format).
ECS fields fill the record columns where present: ``message``, ``log.level``,
``http.response.status_code``, ``trace.id``, ``event.duration`` (nanoseconds, kept as
``latency_ms``). ``stream`` is the pod, host or service, else the index. The whole
``_source`` with ``_index`` and ``_id`` is kept in ``fields``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from hotwash.errors import ParseError
from hotwash.parse import ParseContext, register_parser
from hotwash.parse.httpjson import epoch, expect, frame, get_path, instant, load_json, to_json
from hotwash.parse.httpjson import where as where_of

__all__ = ["parse_search"]

TIME_FIELD = "@timestamp"
STREAM_FIELDS = ("kubernetes.pod.name", "host.name", "service.name")


@register_parser("elasticsearch.search")
def parse_search(data: bytes | Path, ctx: ParseContext) -> pl.DataFrame:
    """One record per hit of ``hits.hits``."""
    body = expect(load_json(data, ctx), dict, "response", ctx)
    hits = expect((body.get("hits") or {}).get("hits"), list, "hits.hits", ctx)
    rows = [_hit_row(expect(hit, dict, f"hits[{i}]", ctx), i, ctx) for i, hit in enumerate(hits)]
    return frame(rows, ctx)


def _hit_row(hit: dict[str, Any], index: int, ctx: ParseContext) -> dict[str, Any]:
    source = expect(hit.get("_source") or {}, dict, f"hits[{index}]._source", ctx)
    stamp = get_path(source, TIME_FIELD)
    if stamp is None:
        raise ParseError(f"hits[{index}] (_id {hit.get('_id')}) has no {TIME_FIELD}", where_of(ctx))
    return {
        "ts": _timestamp(stamp, ctx, f"hits[{index}].{TIME_FIELD}"),
        "ts_text": str(stamp),
        "kind": "log",
        "stream": _stream(source, hit),
        "level": _text(get_path(source, "log.level") or get_path(source, "level"), lower=True),
        "message": _text(get_path(source, "message")) or "",
        "status": _number(get_path(source, "http.response.status_code")),
        "latency_ms": _duration_ms(get_path(source, "event.duration")),
        "trace_id": _text(get_path(source, "trace.id")),
        "fields": to_json({"_index": hit.get("_index"), "_id": hit.get("_id"), **source}),
        "offset": index,
    }


def _timestamp(stamp: Any, ctx: ParseContext, item: str) -> Any:
    if isinstance(stamp, int) and not isinstance(stamp, bool):
        return epoch(stamp, "ms", ctx, item)
    return instant(stamp, ctx, item)


def _stream(source: dict[str, Any], hit: dict[str, Any]) -> str:
    for field in STREAM_FIELDS:
        value = get_path(source, field)
        if value:
            return str(value)
    return str(hit.get("_index", ""))


def _text(value: Any, lower: bool = False) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    return str(value).lower() if lower else str(value)


def _number(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _duration_ms(value: Any) -> float | None:
    """ECS ``event.duration`` is in nanoseconds."""
    try:
        return float(value) / 1e6 if value is not None else None
    except (TypeError, ValueError):
        return None
