"""Elasticsearch ``search_after`` paging (with and without a point in time)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import polars as pl

from hotwash.evidence.model import Window
from hotwash.model import SourceSpec
from hotwash.parse import ParseContext, parse
from hotwash.sources.elasticsearch import UNSAFE_PAGING, ElasticsearchSource

START = datetime(2024, 5, 14, 14, 0, tzinfo=UTC)
WINDOW = Window(start=START, end=START + timedelta(minutes=45))
# Seven documents; three share one millisecond, across what will be a page boundary.
DOCS = [
    {"@timestamp": "2024-05-14T14:02:58.903Z", "seq": 1, "message": "slow acquire"},
    {"@timestamp": "2024-05-14T14:03:12.117Z", "seq": 2, "message": "pool exhausted"},
    {"@timestamp": "2024-05-14T14:03:12.482Z", "seq": 3, "message": "pool exhausted"},
    {"@timestamp": "2024-05-14T14:03:12.482Z", "seq": 4, "message": "pool exhausted"},
    {"@timestamp": "2024-05-14T14:03:12.482Z", "seq": 5, "message": "pool exhausted"},
    {"@timestamp": "2024-05-14T14:09:00.000Z", "seq": 6, "message": "recovered"},
    {"@timestamp": "2024-05-14T14:44:59.999Z", "seq": 7, "message": "last"},
]


def _millis(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp() * 1000)


def fake_es(bodies: list[dict[str, Any]], paths: list[str]) -> httpx.MockTransport:
    """_search sorted by (@timestamp, seq) honouring size and search_after; PIT endpoints."""

    def handler(request: httpx.Request) -> httpx.Response:
        paths.append(f"{request.method} {request.url.path}")
        if request.url.path.endswith("/_pit") and request.method == "POST":
            return httpx.Response(200, json={"id": "pit-1"})
        if request.method == "DELETE":
            return httpx.Response(200, json={"succeeded": True, "num_freed": 1})
        body = json.loads(request.content)
        bodies.append(body)
        hits = [
            {
                "_index": "logs",
                "_id": f"d{d['seq']}",
                "_source": d,
                "sort": [_millis(str(d["@timestamp"])), d["seq"]],
            }
            for d in DOCS
        ]
        after = body.get("search_after")
        if after:
            hits = [h for h in hits if h["sort"] > after]
        page = hits[: body["size"]]
        answer = {
            "took": 1,
            "timed_out": False,
            "hits": {
                "total": {"value": len(DOCS), "relation": "eq"},
                "max_score": None,
                "hits": page,
            },
        }
        if "pit" in body:
            answer["pit_id"] = "pit-1"
        return httpx.Response(200, json=answer)

    return httpx.MockTransport(handler)


def collect(**options: Any) -> tuple[list[dict[str, Any]], list[str], pl.DataFrame, list[Any]]:
    bodies: list[dict[str, Any]] = []
    paths: list[str] = []
    spec = SourceSpec(
        name="es",
        kind="elasticsearch",
        url="http://es.test",
        index="logs-*",
        page_size=2,
        **options,
    )
    source = ElasticsearchSource(client=httpx.Client(transport=fake_es(bodies, paths)))
    fetched = list(source.collect(spec, WINDOW))
    rows = pl.concat([parse(f.format, f.data or b"", ParseContext(source="es")) for f in fetched])
    return bodies, paths, rows, fetched


def test_search_after_pages_through_every_document_once() -> None:
    bodies, paths, rows, fetched = collect(tiebreaker="seq")
    assert [json.loads(f)["seq"] for f in rows["fields"].to_list()] == [1, 2, 3, 4, 5, 6, 7]
    assert len(fetched) == 4  # 2 + 2 + 2 + 1
    assert bodies[1]["search_after"] == [_millis("2024-05-14T14:03:12.117Z"), 2]
    assert bodies[0]["sort"] == [{"@timestamp": {"order": "asc"}}, {"seq": {"order": "asc"}}]
    window_range = bodies[0]["query"]["bool"]["filter"][0]["range"]["@timestamp"]
    assert (window_range["gte"], window_range["lt"]) == (
        "2024-05-14T14:00:00Z",
        "2024-05-14T14:45:00Z",
    )
    assert all(not f.meta for f in fetched)
    assert set(paths) == {"POST /logs-*/_search"}


def test_point_in_time_is_opened_used_and_closed() -> None:
    bodies, paths, rows, fetched = collect(pit=True)
    assert paths[0] == "POST /logs-*/_pit" and paths[-1] == "DELETE /_pit"
    assert all(b["pit"]["id"] == "pit-1" for b in bodies)
    assert bodies[0]["sort"][-1] == {"_shard_doc": {"order": "asc"}}
    assert rows.height == 7
    assert '"pit": "<pit>"' in fetched[0].query  # the manifest does not keep the PIT id


def test_without_tiebreaker_the_risk_is_recorded() -> None:
    _, _, _, fetched = collect()
    assert fetched[0].meta == {"paging": UNSAFE_PAGING}


def test_query_string_is_added_to_the_window_filter() -> None:
    bodies, _, _, _ = collect(tiebreaker="seq", query="log.level:error")
    assert bodies[0]["query"]["bool"]["filter"][1] == {"query_string": {"query": "log.level:error"}}
