"""Parser for Loki ``GET /loki/api/v1/query_range`` answers (format ``loki.query_range``).

``resultType: streams``: one log record per line. Times are Unix **nanoseconds as
strings**; ``ts`` keeps microseconds and ``ts_text`` the nanosecond string as written.
``stream`` is the stream's label set; ``level`` comes from a ``level`` or
``detected_level`` label, else from ``level=...`` or ``"level":"..."`` in the line.
A third element in a value (structured metadata) goes into ``fields``.

``resultType: matrix`` (metric queries): one metric record per sample; times are Unix
**seconds as numbers** there, like Prometheus.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import polars as pl

from hotwash.errors import ParseError
from hotwash.parse import ParseContext, register_parser
from hotwash.parse.httpjson import (
    Columns,
    epoch,
    epoch_micros,
    expect,
    frame,
    labels_text,
    load_json,
    to_json,
    where,
)
from hotwash.parse.prometheus import sample_value

__all__ = ["line_level", "parse_query_range"]

_LEVEL_IN_LINE = re.compile(r"""(?:\blevel=|"level"\s*:\s*)"?([A-Za-z]+)""")


def line_level(line: str) -> str | None:
    """``error`` from ``level=error ...`` or ``{"level":"ERROR"}``; None if absent."""
    match = _LEVEL_IN_LINE.search(line)
    return match.group(1).lower() if match else None


@register_parser("loki.query_range")
def parse_query_range(data: bytes | Path, ctx: ParseContext) -> pl.DataFrame:
    """Log lines (streams) or samples (matrix) of one Loki answer."""
    body = expect(load_json(data, ctx), dict, "response", ctx)
    if body.get("status") != "success":
        raise ParseError(f"Loki answered status {body.get('status')!r}", where(ctx))
    payload = expect(body.get("data"), dict, "data", ctx)
    result = expect(payload.get("result"), list, "data.result", ctx)
    kind = payload.get("resultType")
    if kind == "streams":
        return _streams(result, ctx)
    if kind == "matrix":
        return frame(_matrix_rows(result, ctx), ctx)
    raise ParseError(f"resultType {kind!r} is not streams or matrix", where(ctx))


def _streams(result: list[Any], ctx: ParseContext) -> pl.DataFrame:
    columns = Columns()
    for index, stream in enumerate(result):
        stream = expect(stream, dict, f"result[{index}]", ctx)
        labels = expect(stream.get("stream") or {}, dict, f"result[{index}].stream", ctx)
        values = expect(stream.get("values"), list, f"result[{index}].values", ctx)
        constant = {"kind": "log", "stream": labels_text(labels), "fields": to_json(labels)}
        columns.extend(_line_columns(labels, values, len(columns), ctx), constant)
    return columns.frame(ctx)


def _line_columns(
    labels: dict[str, Any], values: list[Any], first: int, ctx: ParseContext
) -> dict[str, list[Any]]:
    """``ts``, ``ts_text``, ``message``, ``level`` (and ``fields`` with metadata) per line."""
    label_level = labels.get("level") or labels.get("detected_level")
    columns: dict[str, list[Any]] = {"ts": [], "ts_text": [], "message": [], "level": []}
    with_metadata = any(isinstance(v, list) and len(v) > 2 for v in values)
    if with_metadata:
        columns["fields"] = []
    for number, value in enumerate(values, start=first):
        if not isinstance(value, list) or len(value) < 2 or not isinstance(value[0], str):
            raise ParseError(
                f'line {number}: expected ["<ns>", "<line>"], got {value!r}', where(ctx)
            )
        line = str(value[1])
        level = label_level or line_level(line)
        columns["ts"].append(epoch_micros(value[0], "ns", ctx, f"line {number}"))
        columns["ts_text"].append(value[0])
        columns["message"].append(line)
        columns["level"].append(str(level).lower() if level else None)
        if with_metadata:
            metadata = value[2] if len(value) > 2 else None
            columns["fields"].append(to_json({**labels, "metadata": metadata}))
    return columns


def _matrix_rows(result: list[Any], ctx: ParseContext) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for index, series in enumerate(result):
        series = expect(series, dict, f"result[{index}]", ctx)
        metric = series.get("metric") or {}
        for point in expect(series.get("values"), list, f"result[{index}].values", ctx):
            item = f"sample {len(rows)}"
            if not isinstance(point, list) or len(point) != 2:
                raise ParseError(f"{item}: expected [time, value], got {point!r}", where(ctx))
            rows.append(
                {
                    "ts": epoch(point[0], "s", ctx, item),
                    "ts_text": str(point[0]),
                    "kind": "metric",
                    "stream": labels_text(metric),
                    "message": labels_text(metric),
                    "value": sample_value(point[1], ctx, item),
                    "fields": to_json(metric),
                    "offset": len(rows),
                }
            )
    return rows
