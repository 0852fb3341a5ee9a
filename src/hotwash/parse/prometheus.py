"""Parsers for the Prometheus HTTP API: ``prometheus.query_range`` and ``prometheus.alerts``.

``prometheus.query_range`` (``GET /api/v1/query_range``, ``resultType: matrix``): one
record per sample. Times are Unix seconds as JSON numbers (maybe fractional); ``ts_text``
keeps the number as written. Values are strings (``"NaN"``, ``"+Inf"``) and become floats.
Samples of the synthetic ``ALERTS`` series are alert records (``level`` = ``pending`` or
``firing``, ``message`` = the alert name); every other sample is a metric record whose
``message`` is the metric name (or the label set of an expression without a name).

``prometheus.alerts`` (``GET /api/v1/alerts``): one record per active alert at its
``activeAt``, which the server writes with its local offset and nanoseconds; ``activeAt``
is when the alert became *pending*, not when it fired.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from hotwash.errors import ParseError
from hotwash.parse import ParseContext, register_parser
from hotwash.parse.httpjson import (
    Columns,
    epoch_micros,
    expect,
    frame,
    instant,
    labels_text,
    load_json,
    to_json,
)
from hotwash.parse.httpjson import where as where_of

__all__ = [
    "parse_alerts",
    "parse_query_range",
    "sample_columns",
    "sample_value",
    "series_constants",
]


def api_data(data: bytes | Path, ctx: ParseContext) -> dict[str, Any]:
    """The ``data`` of a Prometheus envelope; an error envelope is a ParseError."""
    body = expect(load_json(data, ctx), dict, "response", ctx)
    if body.get("status") != "success":
        error = body.get("error", "no error text")
        raise ParseError(
            f"Prometheus answered status {body.get('status')!r}: {error}", where_of(ctx)
        )
    result: dict[str, Any] = expect(body.get("data"), dict, "data", ctx)
    return result


def sample_value(text: Any, ctx: ParseContext, item: str) -> float:
    """A sample value string (``"0.02"``, ``"NaN"``, ``"+Inf"``) as a float."""
    try:
        return float(str(text))
    except ValueError as exc:
        raise ParseError(f"{item}: sample value {text!r} is not a number", where_of(ctx)) from exc


@register_parser("prometheus.query_range")
def parse_query_range(data: bytes | Path, ctx: ParseContext) -> pl.DataFrame:
    """One record per sample of a matrix (or vector) result; see the module docstring."""
    payload = api_data(data, ctx)
    kind = payload.get("resultType")
    if kind not in ("matrix", "vector"):
        raise ParseError(f"resultType {kind!r} is not a matrix or vector", where_of(ctx))
    columns = Columns()
    for index, series in enumerate(expect(payload.get("result"), list, "data.result", ctx)):
        series = expect(series, dict, f"result[{index}]", ctx)
        points = series.get("values") or ([series["value"]] if "value" in series else [])
        points = expect(points, list, f"result[{index}].values", ctx)
        metric = expect(series.get("metric") or {}, dict, f"result[{index}].metric", ctx)
        constants = series_constants(metric, ctx.query_name)
        columns.extend(sample_columns(points, len(columns), ctx), constants)
    return columns.frame(ctx)


def series_constants(metric: dict[str, Any], query_name: str | None = None) -> dict[str, Any]:
    """The columns every sample of one series shares (``ALERTS`` samples are alerts).

    A series with no ``__name__`` (the result of an expression such as ``sum by (code)
    (rate(...))``) is named after its query, so that two such series stay apart."""
    name = str(metric.get("__name__", ""))
    if name == "ALERTS":
        return {
            "kind": "alert",
            "stream": labels_text(metric, skip=("__name__",)),
            "level": metric.get("alertstate"),
            "message": metric.get("alertname", name),
            "fields": to_json(metric),
        }
    return {
        "kind": "metric",
        "stream": labels_text(metric, skip=("__name__",)),
        "message": name or query_name or labels_text(metric),
        "fields": to_json(metric),
    }


def sample_columns(points: list[Any], first: int, ctx: ParseContext) -> dict[str, list[Any]]:
    """``ts`` (epoch microseconds), ``ts_text`` and ``value`` of ``[time, "value"]`` pairs."""
    stamps: list[int] = []
    texts: list[str] = []
    values: list[float] = []
    for number, point in enumerate(points, start=first):
        if not isinstance(point, list) or len(point) != 2:
            raise ParseError(
                f"sample {number}: expected [time, value], got {point!r}", where_of(ctx)
            )
        stamps.append(epoch_micros(point[0], "s", ctx, f"sample {number}"))
        texts.append(str(point[0]))
        values.append(sample_value(point[1], ctx, f"sample {number}"))
    return {"ts": stamps, "ts_text": texts, "value": values}


@register_parser("prometheus.alerts")
def parse_alerts(data: bytes | Path, ctx: ParseContext) -> pl.DataFrame:
    """One record per active alert at ``activeAt`` (pending start), level = state."""
    payload = api_data(data, ctx)
    rows: list[dict[str, Any]] = []
    for index, alert in enumerate(expect(payload.get("alerts"), list, "data.alerts", ctx)):
        alert = expect(alert, dict, f"alerts[{index}]", ctx)
        if "activeAt" not in alert:
            continue
        labels = alert.get("labels") or {}
        rows.append(
            {
                "ts": instant(alert["activeAt"], ctx, f"alerts[{index}].activeAt"),
                "ts_text": alert["activeAt"],
                "kind": "alert",
                "stream": labels_text(labels),
                "level": alert.get("state"),
                "message": labels.get("alertname", ""),
                "value": sample_value(alert.get("value", "NaN"), ctx, f"alerts[{index}]"),
                "fields": to_json({k: v for k, v in alert.items() if k != "value"}),
                "offset": index,
            }
        )
    return frame(rows, ctx)
