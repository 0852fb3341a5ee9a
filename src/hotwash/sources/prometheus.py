"""Prometheus (kind ``prometheus``): range queries, alert history and active alerts.

Spec options::

    [[sources]]
    name = "prom"
    kind = "prometheus"
    url = "http://prometheus:9090"
    queries = [{name = "5xx", expr = 'sum(rate(http_requests_total{code=~"5.."}[5m]))'}]
    scrape_interval = "15s"   # the step is never below it (default 15s)
    step = "30s"              # optional: force the step
    alerts = true             # ALERTS series (alert history) and /api/v1/alerts (default true)
    token_env = "PROM_TOKEN"  # optional bearer token (auth = "basic" + username also works)

Each query is asked on a grid of evaluation times ``k * step`` inside the half-open
window, split into chunks of at most ``max_points`` (default 10,000; the server refuses
more than 11,000). Alertmanager only holds what fires now, so alert *history* comes from
the synthetic ``ALERTS`` series. ``/api/v1/status/flags`` gives the retention; every
artefact carries ``meta["retention"]`` and ``meta["retention_drops_at"]`` (when the
window's start falls out of retention, measured from now).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hotwash.errors import SourceError
from hotwash.evidence.model import Window
from hotwash.model import SourceSpec
from hotwash.sources.base import Fetched, register_source
from hotwash.sources.http import (
    HttpApi,
    HttpResponse,
    HttpSource,
    api_error_detail,
    number_option,
    option,
)
from hotwash.sources.options import bool_option, str_option
from hotwash.timeutil import format_iso

__all__ = [
    "DEFAULT_MAX_POINTS",
    "Chunk",
    "PrometheusSource",
    "choose_step",
    "chunk_grid",
    "parse_duration",
    "retention_meta",
]

DEFAULT_MAX_POINTS = 10_000
SERVER_MAX_POINTS = 11_000
ALERTS_QUERY = "ALERTS"
_DURATION_PART = re.compile(r"(\d+)(ms|y|w|d|h|m|s)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}


def parse_duration(text: str) -> timedelta:
    """A Prometheus duration (``15s``, ``1h30m``, ``10y``, ``500ms``) as a timedelta."""
    cleaned = str(text).strip()
    parts = _DURATION_PART.findall(cleaned)
    if not parts or "".join(n + u for n, u in parts) != cleaned:
        raise ValueError(f"not a Prometheus duration: {text!r} (use e.g. 15s, 5m, 1h30m, 15d)")
    return timedelta(seconds=sum(int(n) * _UNIT_SECONDS[u] for n, u in parts))


def choose_step(window: Window, scrape_interval: timedelta, forced: timedelta | None) -> timedelta:
    """About 1,000 points per window, one every 15-60 s, never under the scrape interval."""
    if forced is not None:
        return forced
    wanted = math.ceil(window.duration.total_seconds() / 1000)
    return max(scrape_interval, timedelta(seconds=min(60, max(15, wanted))))


@dataclass(frozen=True)
class Chunk:
    """One range query: evaluation times ``start, start + step, ..., end`` (inclusive)."""

    start: datetime
    end: datetime
    step: timedelta

    @property
    def points(self) -> int:
        return int((self.end - self.start) / self.step) + 1


def chunk_grid(window: Window, step: timedelta, max_points: int) -> list[Chunk]:
    """Split the evaluation grid (multiples of ``step`` inside ``[start, end)``) into chunks.

    Chunks are contiguous on the grid and never share an evaluation time, so no sample is
    asked twice; each has at most ``max_points`` points.
    """
    if step <= timedelta(0) or max_points < 1:
        raise ValueError("step must be positive and max_points at least 1")
    step_us = _micros(step)
    first = -(-_epoch_micros(window.start) // step_us) * step_us
    end_us = _epoch_micros(window.end)
    chunks: list[Chunk] = []
    while first < end_us:
        last = min(first + (max_points - 1) * step_us, (end_us - 1) // step_us * step_us)
        chunks.append(Chunk(_from_micros(first), _from_micros(last), step))
        first = last + step_us
    return chunks


def _micros(delta: timedelta) -> int:
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def _epoch_micros(value: datetime) -> int:
    return _micros(value - datetime(1970, 1, 1, tzinfo=UTC))


def _from_micros(value: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=value)


def _seconds_text(value: datetime | timedelta) -> str:
    """Unix seconds (or a step in seconds) as Prometheus reads them: ``1715695080.25``."""
    micros = _epoch_micros(value) if isinstance(value, datetime) else _micros(value)
    whole, frac = divmod(micros, 1_000_000)
    return f"{whole}.{frac:06d}".rstrip("0").rstrip(".") if frac else str(whole)


def retention_meta(flags: Mapping[str, Any], window: Window) -> dict[str, str]:
    """``retention`` and ``retention_drops_at`` from ``/api/v1/status/flags`` data.

    A time retention of ``0s`` means the default (15d) unless a size retention is set,
    in which case the time the data goes cannot be known (``retention: size-based``).
    """
    text = str(flags.get("storage.tsdb.retention.time") or flags.get("storage.tsdb.retention", ""))
    try:
        retention = parse_duration(text) if text else timedelta(0)
    except ValueError:
        return {"retention": text or "unknown"}
    if retention == timedelta(0):
        size = str(flags.get("storage.tsdb.retention.size", "0B"))
        if size.strip("0B") != "":
            return {"retention": f"size-based ({size})"}
        retention, text = timedelta(days=15), "15d"
    return {"retention": text, "retention_drops_at": format_iso(window.start + retention)}


@register_source
class PrometheusSource(HttpSource):
    """Range queries, the ALERTS history and active alerts from one Prometheus server."""

    name = "prometheus"

    def collect(self, spec: SourceSpec, window: Window) -> Iterator[Fetched]:
        """Yield each chunk of each query, then the ALERTS chunks, then active alerts."""
        queries = _queries(spec)
        step = _step(spec, window)
        max_points = min(
            int(number_option(spec, "max_points", DEFAULT_MAX_POINTS, 2)), SERVER_MAX_POINTS
        )
        alerts = bool_option(spec, "alerts", True)
        with self.api(spec) as api:
            meta = self._retention(api, window)
            if alerts:
                queries.append((ALERTS_QUERY, ALERTS_QUERY))
            for name, expr in queries:
                for chunk in chunk_grid(window, step, max_points):
                    answer = self._query_range(api, expr, chunk)
                    yield _fetched("prometheus.query_range", answer, meta, name, expr, step)
            if alerts:
                answer = _checked(api, api.get("/api/v1/alerts"))
                yield Fetched("prometheus.alerts", answer.request, answer.content, meta=dict(meta))

    def _retention(self, api: HttpApi, window: Window) -> dict[str, str]:
        answer = api.get_optional("/api/v1/status/flags")
        if answer is None or not isinstance(answer.data, dict):
            return {"retention": "unknown"}
        flags = _checked(api, answer).data.get("data") or {}
        return retention_meta(flags, window)

    def _query_range(self, api: HttpApi, expr: str, chunk: Chunk) -> HttpResponse:
        params = {
            "query": expr,
            "start": _seconds_text(chunk.start),
            "end": _seconds_text(chunk.end),
            "step": _seconds_text(chunk.step),
        }
        return _checked(api, api.get("/api/v1/query_range", params))


def _fetched(
    fmt: str, answer: HttpResponse, meta: dict[str, str], name: str, expr: str, step: timedelta
) -> Fetched:
    extra = {"query_name": name, "expr": expr, "step": _seconds_text(step) + "s"}
    return Fetched(fmt, answer.request, answer.content, meta={**meta, **extra})


def _checked(api: HttpApi, answer: HttpResponse) -> HttpResponse:
    """An answer with ``status: success``; an error envelope becomes a SourceError."""
    data = answer.data
    if not isinstance(data, dict) or data.get("status") != "success":
        detail = api_error_detail(answer.content)
        raise SourceError(api.source, f"Prometheus error for {answer.request}: {detail}")
    return answer


def _queries(spec: SourceSpec) -> list[tuple[str, str]]:
    raw = option(spec, "queries", [])
    if not isinstance(raw, list):
        raise SourceError(spec.name, "queries must be a list of {name, expr} tables")
    queries: list[tuple[str, str]] = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or not item.get("expr"):
            raise SourceError(spec.name, f"queries[{index}] needs an expr (and a name)")
        queries.append((str(item.get("name") or item["expr"]), str(item["expr"])))
    return queries


def _step(spec: SourceSpec, window: Window) -> timedelta:
    try:
        scrape = parse_duration(str_option(spec, "scrape_interval", "15s") or "15s")
        forced = str_option(spec, "step")
        step = choose_step(window, scrape, parse_duration(forced) if forced else None)
    except ValueError as exc:
        raise SourceError(spec.name, str(exc)) from exc
    if step <= timedelta(0):
        raise SourceError(spec.name, "step and scrape_interval must be positive")
    return step
