"""Loki paging forward under ``limit``, with lines sharing a nanosecond at page boundaries."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta

import httpx
import polars as pl
import pytest

from hotwash.errors import SourceError
from hotwash.evidence.model import Window
from hotwash.model import SourceSpec
from hotwash.parse import ParseContext, parse
from hotwash.sources.loki import LokiSource, epoch_ns

START = datetime(2024, 5, 14, 14, 0, tzinfo=UTC)
WINDOW = Window(start=START, end=START + timedelta(minutes=10))
BASE = epoch_ns(START)
API = {"app": "checkout-api", "pod": "checkout-api-x2x9k"}
WORKER = {"app": "checkout-worker", "pod": "checkout-worker-0"}
T = BASE + 3_000_000_123  # the nanosecond many lines share

LINES: list[tuple[dict[str, str], int, str]] = [
    (API, BASE + 1_000_000_001, "level=info msg=start"),
    (WORKER, BASE + 2_000_000_000, "level=info msg=poll"),
    (API, BASE + 2_500_000_000, "level=warn msg=slow acquire"),
    (API, T, "level=error msg=pool exhausted a"),
    (API, T, "level=error msg=pool exhausted b"),
    (WORKER, T, "level=error msg=db timeout"),
    (API, T, "level=error msg=pool exhausted c"),
    (WORKER, BASE + 4_000_000_000, "level=info msg=retry"),
    (API, BASE + 5_000_000_000, "level=info msg=recovered"),
    (API, BASE + 599_999_999_999, "level=info msg=last line in window"),
    (API, BASE + 600_000_000_000, "level=info msg=at window end: excluded"),
]


def fake_loki(requests: list[httpx.Request]) -> httpx.MockTransport:
    """Loki's forward query: the oldest ``limit`` lines of [start, end), grouped by stream."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/config":
            return httpx.Response(404, text="404 page not found")
        requests.append(request)
        params = request.url.params
        assert params["direction"] == "forward"
        start, end, limit = int(params["start"]), int(params["end"]), int(params["limit"])
        chosen = sorted((x for x in LINES if start <= x[1] < end), key=lambda x: (x[1], x[2]))
        streams: dict[str, dict[str, object]] = {}
        for labels, ts, line in chosen[:limit]:
            entry = streams.setdefault(json.dumps(labels), {"stream": labels, "values": []})
            entry["values"].append([str(ts), line])  # type: ignore[attr-defined]
        data = {"resultType": "streams", "result": list(streams.values()), "stats": {}}
        return httpx.Response(200, json={"status": "success", "data": data})

    return httpx.MockTransport(handler)


def collect(limit: int) -> tuple[list[httpx.Request], pl.DataFrame, list[str]]:
    requests: list[httpx.Request] = []
    spec = SourceSpec(
        name="loki", kind="loki", url="http://loki.test", query='{app=~"checkout.*"}', limit=limit
    )
    source = LokiSource(client=httpx.Client(transport=fake_loki(requests)))
    fetched = list(source.collect(spec, WINDOW))
    frames = [parse(f.format, f.data or b"", ParseContext(source="loki")) for f in fetched]
    return requests, pl.concat(frames), [f.query for f in fetched]


@pytest.mark.parametrize("limit", [2, 4, 5, 100])
def test_pages_lose_and_duplicate_no_line_at_a_shared_nanosecond(limit: int) -> None:
    _, rows, _ = collect(limit)
    got = sorted(zip(rows["ts_text"].to_list(), rows["message"].to_list(), strict=True))
    expected = sorted((str(ts), line) for _, ts, line in LINES[:-1])
    assert got == expected


def test_stored_pages_cover_half_open_ranges_that_do_not_overlap() -> None:
    requests, _rows, queries = collect(4)
    ranges = [
        (
            int(httpx.URL(q.split(" ", 1)[1]).params["start"]),
            int(httpx.URL(q.split(" ", 1)[1]).params["end"]),
        )
        for q in queries
    ]
    assert ranges[0][0] == BASE and ranges[-1][1] == epoch_ns(WINDOW.end)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))
    assert ranges[0] == (BASE, T)  # the full first page ended at T: stored up to T, exclusive
    assert len(requests) == 2 * (len(queries) - 1) + 1  # one re-ask per full page


def test_line_fields_keep_nanoseconds_and_labels() -> None:
    _, rows, _ = collect(100)
    row = rows.filter(pl.col("message") == "level=info msg=start").row(0, named=True)
    assert row["ts_text"] == str(BASE + 1_000_000_001)
    assert row["ts"] == START + timedelta(seconds=1)  # microseconds kept, ns in ts_text
    assert row["stream"] == '{app="checkout-api", pod="checkout-api-x2x9k"}'
    assert row["level"] == "info" and row["kind"] == "log"


def test_a_page_full_of_one_nanosecond_is_asked_again_for_that_nanosecond() -> None:
    _requests, rows, queries = collect(2)
    at_t = rows.filter(pl.col("ts_text") == str(T))
    assert at_t.height == 4
    # limit 2 is full, so is 4 (the 4 lines at T); 8 holds them all
    assert any(f"start={T}&end={T + 1}&limit=8" in q for q in queries)


def test_more_lines_at_one_nanosecond_than_loki_serves_is_an_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/config":
            return httpx.Response(404)
        params = request.url.params
        limit, start, end = (int(params[k]) for k in ("limit", "start", "end"))
        values = [[str(T), f"line {i}"] for i in range(limit)] if start <= T < end else []
        data = {"resultType": "streams", "result": [{"stream": API, "values": values}]}
        return httpx.Response(200, json={"status": "success", "data": data})

    spec = SourceSpec(name="loki", kind="loki", url="http://loki.test", query="{}", limit=1000)
    source = LokiSource(client=httpx.Client(transport=httpx.MockTransport(handler)))
    with pytest.raises(SourceError, match="more than 4000 lines share the nanosecond"):
        list(source.collect(spec, WINDOW))


def test_query_is_required() -> None:
    spec = SourceSpec(name="loki", kind="loki", url="http://loki.test")
    with pytest.raises(SourceError, match="query"):
        list(LokiSource().collect(spec, WINDOW))


LOKI_CONFIG = """target: all
limits_config:
  max_entries_limit_per_query: 5000
  retention_period: 744h
compactor:
  working_directory: /loki/compactor
  retention_enabled: true
"""


def retention_of(config: httpx.Response) -> dict[str, str]:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/config":
            return config
        data = {"resultType": "streams", "result": []}
        return httpx.Response(200, json={"status": "success", "data": data})

    spec = SourceSpec(name="loki", kind="loki", url="http://loki.test", query="{}")
    source = LokiSource(client=httpx.Client(transport=httpx.MockTransport(handler)))
    (fetched,) = source.collect(spec, WINDOW)
    return fetched.meta


def test_retention_is_read_from_the_compactor_configuration() -> None:
    meta = retention_of(httpx.Response(200, text=LOKI_CONFIG))
    assert meta["retention"] == "744h"
    assert meta["retention_drops_at"] == "2024-06-14T14:00:00Z"  # 31 days after the start


def test_retention_without_compactor_deletion_is_none() -> None:
    text = LOKI_CONFIG.replace("retention_enabled: true", "retention_enabled: false")
    assert retention_of(httpx.Response(200, text=text))["retention"] == "none (no deletion by age)"


def test_a_gateway_hiding_config_leaves_retention_unknown() -> None:
    meta = retention_of(httpx.Response(403, text="forbidden"))
    assert meta["retention"] == "unknown"
    assert "HTTP 403" in meta["retention_note"] or "authentication" in meta["retention_note"]
    assert retention_of(httpx.Response(404))["retention"] == "unknown"
