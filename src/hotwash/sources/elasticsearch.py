"""Elasticsearch / OpenSearch (kind ``elasticsearch``): documents of the window, paged.

Spec options::

    [[sources]]
    name = "es"
    kind = "elasticsearch"
    url = "https://es:9200"
    index = "logs-checkout-*"
    query = 'log.level:error'      # optional Lucene query_string, AND-ed with the window
    time_field = "@timestamp"      # default
    tiebreaker = "event.sequence"  # a unique field with doc values (see below)
    pit = false                    # true: page inside an Elasticsearch point in time
    page_size = 1000
    token_env = "ES_API_KEY"       # auth = "apikey" (default) or "basic" with username

Each page is a ``_search`` sorted by the time field then the tiebreaker, and the next
page starts ``search_after`` the last hit's ``sort`` values (``from``/``size`` stops at
10,000). With ``pit = true`` (Elasticsearch 7.10+) the pages come from one consistent
point in time and ``_shard_doc`` is the tiebreaker. Without a PIT and without a
``tiebreaker``, hits sharing the last timestamp of a full page can be skipped; every
artefact then says so in ``meta["paging"]``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from hotwash.errors import SourceError
from hotwash.evidence.model import Window
from hotwash.model import SourceSpec
from hotwash.sources.base import Fetched, register_source
from hotwash.sources.http import HttpApi, HttpResponse, HttpSource, number_option
from hotwash.sources.options import bool_option, str_option
from hotwash.timeutil import format_iso

__all__ = ["ElasticsearchSource", "search_body"]

PIT_KEEP_ALIVE = "2m"
UNSAFE_PAGING = (
    "no tiebreaker: hits sharing the last timestamp of a full page may be skipped; "
    "set tiebreaker or pit = true"
)


def search_body(spec: SourceSpec, window: Window, size: int) -> dict[str, Any]:
    """The ``_search`` body: window range (+ query), sorted by time then tiebreaker."""
    time_field = str_option(spec, "time_field", "@timestamp") or "@timestamp"
    query, tiebreaker = str_option(spec, "query"), str_option(spec, "tiebreaker")
    window_range = {
        "range": {
            time_field: {
                "gte": format_iso(window.start),
                "lt": format_iso(window.end),
                "format": "strict_date_optional_time",
            }
        }
    }
    filters: list[dict[str, Any]] = [window_range]
    if query:
        filters.append({"query_string": {"query": query}})
    sort: list[dict[str, Any]] = [{time_field: {"order": "asc"}}]
    if tiebreaker:
        sort.append({tiebreaker: {"order": "asc"}})
    elif bool_option(spec, "pit", False):
        sort.append({"_shard_doc": {"order": "asc"}})
    return {"size": size, "sort": sort, "query": {"bool": {"filter": filters}}}


@register_source
class ElasticsearchSource(HttpSource):
    """``_search`` pages with ``search_after`` (optionally inside a point in time)."""

    name = "elasticsearch"

    def collect(self, spec: SourceSpec, window: Window) -> Iterator[Fetched]:
        """Yield every page of hits in the window, oldest first."""
        index = str_option(spec, "index", "*") or "*"
        size = int(number_option(spec, "page_size", 1000, minimum=1))
        body = search_body(spec, window, size)
        use_pit = bool_option(spec, "pit", False)
        safe = use_pit or str_option(spec, "tiebreaker")
        meta = {} if safe else {"paging": UNSAFE_PAGING}
        with self.api(spec, default_auth="apikey") as api:
            pit = _open_pit(api, index) if use_pit else None
            for answer, shown in _pages(api, index, body, pit):
                yield Fetched("elasticsearch.search", shown, answer.content, meta=dict(meta))
            if pit is not None:
                api.delete("/_pit", {"id": pit[0]})


def _open_pit(api: HttpApi, index: str) -> list[str]:
    answer = api.post(f"/{index}/_pit", None, {"keep_alive": PIT_KEEP_ALIVE})
    pit_id = answer.data.get("id") if isinstance(answer.data, dict) else None
    if not isinstance(pit_id, str):
        raise SourceError(api.source, f"no point-in-time id in the answer to {answer.request}")
    return [pit_id]


def _pages(
    api: HttpApi, index: str, body: dict[str, Any], pit: list[str] | None
) -> Iterator[tuple[HttpResponse, str]]:
    """Each page's answer and the request as shown in the manifest (PIT id elided)."""
    while True:
        path = "/_search" if pit else f"/{index}/_search"
        if pit:
            body["pit"] = {"id": pit[0], "keep_alive": PIT_KEEP_ALIVE}
        answer = api.post(path, body)
        shown = f"POST {api.url('/' + index + '/_search')} {json.dumps(_shown(body))}"
        hits = _hits(api, answer)
        yield answer, shown
        if len(hits) < body["size"]:
            return
        if pit:
            pit[0] = str(answer.data.get("pit_id") or pit[0])
        body["search_after"] = _sort_values(api, hits[-1], answer)


def _shown(body: dict[str, Any]) -> dict[str, Any]:
    return {k: ("<pit>" if k == "pit" else v) for k, v in body.items()}


def _hits(api: HttpApi, answer: HttpResponse) -> list[Any]:
    hits = (answer.data.get("hits") or {}).get("hits") if isinstance(answer.data, dict) else None
    if not isinstance(hits, list):
        raise SourceError(api.source, f"no hits.hits in the answer to {answer.request}")
    return hits


def _sort_values(api: HttpApi, hit: Any, answer: HttpResponse) -> list[Any]:
    values = hit.get("sort") if isinstance(hit, dict) else None
    if not isinstance(values, list) or not values:
        raise SourceError(api.source, f"a hit has no sort values in {answer.request}")
    return values
