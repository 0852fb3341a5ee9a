"""PagerDuty and Opsgenie sources: pagination, UTC requests, auth headers, offsets honoured."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import polars as pl
import pytest
from tests.sources.conftest import SOURCES_DATA

from hotwash.errors import SourceError
from hotwash.evidence.model import Window
from hotwash.model import SourceSpec
from hotwash.parse import ParseContext, parse
from hotwash.sources.base import Fetched
from hotwash.sources.opsgenie import OpsgenieSource
from hotwash.sources.pagerduty import PagerDutySource

WINDOW = Window(
    start=datetime(2024, 5, 14, 14, 0, tzinfo=UTC), end=datetime(2024, 5, 14, 15, 0, tzinfo=UTC)
)


PD_SECRET = "pd-secret-u+0000-value"


def fixture(name: str) -> dict[str, Any]:
    response: dict[str, Any] = json.loads((SOURCES_DATA / name).read_text())["response"]
    return response


def records(fetched: list[Fetched], fmt: str) -> pl.DataFrame:
    frames = [
        parse(f.format, f.data or b"", ParseContext(source="pd"))
        for f in fetched
        if f.format == fmt
    ]
    return pl.concat(frames)


def fake_pagerduty(requests: list[httpx.Request]) -> httpx.MockTransport:
    """Two incidents (the fixture one and a copy) and the fixture's log entries, paged."""
    first = fixture("pagerduty_incidents.json")["incidents"][0]
    incidents = [first, {**first, "id": "Q2SECOND", "incident_number": 4822, "resolved_at": None}]
    entries = fixture("pagerduty_log_entries.json")["log_entries"]

    def page(key: str, items: list[Any], request: httpx.Request) -> httpx.Response:
        offset, limit = int(request.url.params["offset"]), int(request.url.params["limit"])
        chunk = items[offset : offset + limit]
        body = {
            key: chunk,
            "limit": limit,
            "offset": offset,
            "total": None,
            "more": offset + limit < len(items),
        }
        return httpx.Response(200, json=body)

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        if request.url.path == "/incidents":
            return page("incidents", incidents, request)
        if request.url.path == "/incidents/Q1W2E3R4T5Y6U7/log_entries":
            return page("log_entries", entries, request)
        return page("log_entries", [], request)

    return httpx.MockTransport(handler)


def collect_pagerduty() -> tuple[list[httpx.Request], list[Fetched]]:
    requests: list[httpx.Request] = []
    spec = SourceSpec(
        name="pd", kind="pagerduty", token_env="PD_TOKEN", service_ids=["PSRV123"], page_size=2
    )
    source = PagerDutySource(
        client=httpx.Client(transport=fake_pagerduty(requests)), env={"PD_TOKEN": PD_SECRET}
    )
    return requests, list(source.collect(spec, WINDOW))


def test_pagerduty_requests_ask_utc_and_filter_by_service() -> None:
    requests, _ = collect_pagerduty()
    assert all(r.url.params["time_zone"] == "UTC" for r in requests)
    listing = requests[0]
    assert listing.url.host == "api.pagerduty.com"
    assert listing.url.params["since"] == "2024-05-14T14:00:00Z"
    assert listing.url.params["until"] == "2024-05-14T15:00:00Z"
    assert listing.url.params.get_list("service_ids[]") == ["PSRV123"]
    assert listing.headers["Authorization"] == f"Token token={PD_SECRET}"
    assert listing.headers["Accept"] == "application/vnd.pagerduty+json;version=2"


def test_pagerduty_token_is_in_no_stored_artefact() -> None:
    _, fetched = collect_pagerduty()
    stored = [f.query + repr(f.meta) + (f.data or b"").decode() for f in fetched]
    assert stored and not any(PD_SECRET in text for text in stored)


def test_pagerduty_pages_log_entries_until_more_is_false() -> None:
    requests, fetched = collect_pagerduty()
    entry_offsets = [
        r.url.params["offset"] for r in requests if r.url.path.startswith("/incidents/Q1")
    ]
    assert entry_offsets == ["0", "2", "4"]  # five entries, two per page
    entries = records(fetched, "pagerduty.log_entries")
    assert entries.height == 5
    assert [f.format for f in fetched][:1] == ["pagerduty.incidents"]


def test_pagerduty_offsets_are_normalised_to_utc() -> None:
    _, fetched = collect_pagerduty()
    entries = records(fetched, "pagerduty.log_entries").sort("ts")
    ack = entries.filter(pl.col("level") == "acknowledge").row(0, named=True)
    assert ack["ts"] == datetime(2024, 5, 14, 14, 9, 12, tzinfo=UTC)
    assert ack["ts_text"] == "2024-05-14T16:09:12+02:00"
    assert ack["actor"] == "Sam Rivera"
    assert entries["level"].to_list() == ["trigger", "notify", "acknowledge", "annotate", "resolve"]
    incidents = records(fetched, "pagerduty.incidents")
    assert incidents.filter(pl.col("level") == "resolved")["ts"].to_list() == [
        datetime(2024, 5, 14, 14, 47, 5, tzinfo=UTC)
    ]


def fake_opsgenie(requests: list[httpx.Request]) -> httpx.MockTransport:
    """The fixture's five log entries, ``limit`` at a time after the opaque ``offset``."""
    logs = fixture("opsgenie_alert_logs.json")["data"]

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        after, limit = request.url.params.get("offset"), int(request.url.params["limit"])
        start = next(i + 1 for i, e in enumerate(logs) if e["offset"] == after) if after else 0
        chunk = logs[start : start + limit]
        paging = {"first": str(request.url.copy_remove_param("offset"))}
        if start + limit < len(logs):
            paging["next"] = str(request.url.copy_set_param("offset", chunk[-1]["offset"]))
        return httpx.Response(
            200, json={"data": chunk, "paging": paging, "took": 0.01, "requestId": "r"}
        )

    return httpx.MockTransport(handler)


def test_opsgenie_follows_the_offset_cursor() -> None:
    requests: list[httpx.Request] = []
    spec = SourceSpec(
        name="og", kind="opsgenie", token_env="OG_KEY", alert_ids=["8418d193"], page_size=2
    )
    source = OpsgenieSource(
        client=httpx.Client(transport=fake_opsgenie(requests)), env={"OG_KEY": "g"}
    )
    fetched = list(source.collect(spec, WINDOW))
    assert [r.url.params.get("offset") for r in requests] == [
        None,
        "1715695603030_1715695603030441000",
        "1715697230104_1715697230104518000",
    ]
    assert requests[0].url.path == "/v2/alerts/8418d193/logs"
    assert requests[0].headers["Authorization"] == "GenieKey g"
    assert (
        requests[0].url.params["order"] == "asc" and requests[0].url.params["direction"] == "next"
    )
    rows = pl.concat([parse(f.format, f.data or b"", ParseContext(source="og")) for f in fetched])
    assert rows.height == 5 and rows["ts"].is_sorted()
    assert rows["stream"].unique().to_list() == ["8418d193"]


def test_opsgenie_needs_alert_ids() -> None:
    spec = SourceSpec(name="og", kind="opsgenie", token_env="OG_KEY")
    with pytest.raises(SourceError, match="alert_ids"):
        list(OpsgenieSource(env={"OG_KEY": "g"}).collect(spec, WINDOW))
