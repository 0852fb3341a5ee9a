"""Grafana Loki (kind ``loki``): log lines of a LogQL query over the window, paged forward.

Spec options::

    [[sources]]
    name = "loki"
    kind = "loki"
    url = "http://loki:3100"
    query = '{namespace="shop", app="checkout-api"}'
    limit = 1000                            # lines per request (server max is usually 5000)
    headers = {X-Scope-OrgID = "tenant-1"}  # multi-tenant Loki
    token_env = "LOKI_TOKEN"                # optional bearer token

Paging goes forward in time (``direction=forward``). When a page comes back full, the
lines at its last nanosecond may continue on the next page, so the page is asked again
for ``[start, last)`` (complete, since it holds fewer lines than the limit) and the next
page starts *at* ``last``. A page full of one nanosecond is asked again for that
nanosecond alone with a doubled limit (up to 5,000). Every stored page is an exact server
answer for a half-open range, pages never overlap, and no line sharing a boundary
nanosecond is lost or stored twice. This costs one extra request per full page.

Retention: Loki's ``/config`` endpoint shows the server's configuration. When the
compactor deletes data (``compactor.retention_enabled``), ``limits_config.retention_period``
is the retention (``table_manager.retention_period`` on older setups); otherwise nothing
is deleted by age. Per-tenant overrides are not visible there, so the figure is the
global default. Without ``/config`` (a gateway may hide it) the manifest says
``retention: unknown``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from hotwash.errors import SourceError
from hotwash.evidence.model import Window
from hotwash.model import SourceSpec
from hotwash.sources.base import Fetched, register_source
from hotwash.sources.http import HttpApi, HttpResponse, HttpSource, number_option
from hotwash.sources.options import str_option
from hotwash.sources.prometheus import parse_duration
from hotwash.timeutil import format_iso

__all__ = ["LokiSource", "epoch_ns", "loki_retention", "page_timestamps", "retention_period"]

DEFAULT_LIMIT = 1000
#: Loki's default ``max_entries_limit_per_query``: the most one request may ask for.
MAX_LIMIT = 5000
PATH = "/loki/api/v1/query_range"


def epoch_ns(value: datetime) -> int:
    """Unix nanoseconds of an aware datetime (exact to the microsecond)."""
    delta = value - datetime(1970, 1, 1, tzinfo=UTC)
    return ((delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds) * 1000


def page_timestamps(data: Any) -> list[int]:
    """Every line's nanosecond timestamp in a ``streams`` answer (all streams)."""
    result = (data.get("data") or {}).get("result") or []
    return [int(value[0]) for stream in result for value in stream.get("values") or []]


@register_source
class LokiSource(HttpSource):
    """Pages a LogQL query forward through the window under ``limit`` lines per request."""

    name = "loki"

    def collect(self, spec: SourceSpec, window: Window) -> Iterator[Fetched]:
        """Yield non-overlapping pages covering ``[window.start, window.end)``."""
        query = str_option(spec, "query")
        if not query or not query.strip():
            raise SourceError(spec.name, "query (a LogQL selector) is required")
        limit = int(number_option(spec, "limit", DEFAULT_LIMIT, minimum=1))
        with self.api(spec) as api:
            meta = {**loki_retention(api, window), "direction": "forward"}
            for answer in self._pages(api, query, limit, window):
                yield Fetched("loki.query_range", answer.request, answer.content, meta=dict(meta))

    def _pages(
        self, api: HttpApi, query: str, limit: int, window: Window
    ) -> Iterator[HttpResponse]:
        start, end = epoch_ns(window.start), epoch_ns(window.end)
        while start < end:
            answer = self._ask(api, query, start, end, limit)
            stamps = page_timestamps(answer.data)
            if _result_type(answer) != "streams" or len(stamps) < limit:
                yield answer
                return
            last = max(stamps)
            if last <= start:
                yield self._whole_nanosecond(api, query, start, limit)
                start += 1
                continue
            yield self._complete_page(api, query, start, last, limit)
            start = last

    def _whole_nanosecond(self, api: HttpApi, query: str, at: int, limit: int) -> HttpResponse:
        """Every line of the nanosecond ``at``, asking with a doubled limit until they fit."""
        bigger = limit * 2
        while bigger <= max(MAX_LIMIT, limit * 2):
            answer = self._ask(api, query, at, at + 1, bigger)
            if len(page_timestamps(answer.data)) < bigger:
                return answer
            bigger *= 2
        raise SourceError(
            api.source, f"more than {bigger // 2} lines share the nanosecond {at}; cannot page"
        )

    def _complete_page(
        self, api: HttpApi, query: str, start: int, last: int, limit: int
    ) -> HttpResponse:
        answer = self._ask(api, query, start, last, limit)
        if len(page_timestamps(answer.data)) >= limit:
            raise SourceError(
                api.source, f"lines changed while paging {answer.request}; collect again"
            )
        return answer

    def _ask(self, api: HttpApi, query: str, start: int, end: int, limit: int) -> HttpResponse:
        params = {
            "query": query,
            "start": str(start),
            "end": str(end),
            "limit": str(limit),
            "direction": "forward",
        }
        answer = api.get(PATH, params)
        if not isinstance(answer.data, dict) or answer.data.get("status") != "success":
            raise SourceError(api.source, f"Loki error for {answer.request}")
        try:
            page_timestamps(answer.data)
        except (AttributeError, TypeError, ValueError, IndexError, KeyError) as exc:
            raise SourceError(
                api.source, f"unexpected Loki answer shape from {answer.request}: {exc}"
            ) from exc
        return answer


def loki_retention(api: HttpApi, window: Window) -> dict[str, str]:
    """``retention`` (and ``retention_drops_at``) from ``/config``; ``unknown`` without it."""
    try:
        answer = api.get_text_optional("/config")
    except SourceError as exc:  # a gateway may refuse /config and still serve queries
        return {"retention": "unknown", "retention_note": str(exc)}
    if answer is None:
        return {"retention": "unknown"}
    try:
        config = YAML(typ="safe").load(answer.content)
    except YAMLError:
        return {"retention": "unknown", "retention_note": "/config is not YAML"}
    period = retention_period(config if isinstance(config, dict) else {})
    if period is None:
        return {"retention": "none (no deletion by age)"}
    try:
        delta = parse_duration(period)
    except ValueError:
        return {"retention": period}
    if delta == timedelta(0):
        return {"retention": "none (retention_period 0s)"}
    return {"retention": period, "retention_drops_at": format_iso(window.start + delta)}


def retention_period(config: dict[str, Any]) -> str | None:
    """The retention a Loki configuration applies, or None when nothing is deleted by age."""
    compactor = config.get("compactor") or {}
    if compactor.get("retention_enabled"):
        return str((config.get("limits_config") or {}).get("retention_period", "0s"))
    table_manager = config.get("table_manager") or {}
    if table_manager.get("retention_deletes_enabled"):
        return str(table_manager.get("retention_period", "0s"))
    return None


def _result_type(answer: HttpResponse) -> str:
    return str((answer.data.get("data") or {}).get("resultType", ""))
