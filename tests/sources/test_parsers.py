"""The HTTP payload parsers on real-shaped payloads, their time traps and bad input."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.sources.conftest import SOURCES_DATA, payload

from hotwash.errors import ParseError
from hotwash.parse import ParseContext, parse
from hotwash.records import RECORD_SCHEMA

CTX = ParseContext(source="src", evidence="e" * 64)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def rows(fmt: str, body: bytes | Any, ctx: ParseContext = CTX) -> pl.DataFrame:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    frame = parse(fmt, data, ctx)
    assert frame.schema == pl.Schema(RECORD_SCHEMA)
    return frame


def test_prometheus_matrix_samples_keep_their_text_and_labels() -> None:
    frame = rows("prometheus.query_range", payload("prometheus_query_range.json"))
    assert frame.height == 20
    first = frame.row(0, named=True)
    assert first["ts"] == utc(2024, 5, 14, 13, 58) and first["ts_text"] == "1715695080"
    assert first["value"] == 212.4 and first["kind"] == "metric"
    assert first["stream"] == first["message"] == '{code_class="2xx"}'
    assert first["source"] == "src" and first["evidence"] == "e" * 64
    assert frame["offset"].to_list() == list(range(20))


def test_prometheus_special_values_and_fractional_times() -> None:
    values = [[1435781430.781, "NaN"], [1435781431, "+Inf"], [1435781432, "-Inf"]]
    body = {
        "status": "success",
        "data": {
            "resultType": "matrix",
            "result": [{"metric": {"__name__": "up"}, "values": values}],
        },
    }
    frame = rows("prometheus.query_range", body)
    assert frame["ts"][0] == utc(2015, 7, 1, 20, 10, 30, 781000)
    assert frame["ts_text"].to_list() == ["1435781430.781", "1435781431", "1435781432"]
    got = frame["value"].to_list()
    assert got[0] != got[0] and got[1:] == [float("inf"), float("-inf")]
    assert frame["message"].to_list() == ["up"] * 3


def test_alerts_series_gives_pending_then_firing() -> None:
    frame = rows("prometheus.query_range", payload("prometheus_ALERTS_series.json"))
    assert set(frame["kind"]) == {"alert"}
    firsts = frame.group_by("level").agg(pl.col("ts").min()).sort("ts")
    assert firsts.rows() == [
        ("pending", utc(2024, 5, 14, 14, 4, 30)),
        ("firing", utc(2024, 5, 14, 14, 6, 30)),
    ]
    assert set(frame["message"]) == {"CheckoutHighErrorRate"}
    assert frame["stream"].n_unique() == 2  # the pending and the firing series


def test_prometheus_active_alerts_activeat_offset_and_nanoseconds() -> None:
    frame = rows("prometheus.alerts", payload("prometheus_api_v1_alerts.json"))
    first = frame.row(0, named=True)
    assert first["ts"] == utc(2024, 5, 14, 14, 4, 30, 118214)
    assert first["ts_text"] == "2024-05-14T16:04:30.118214907+02:00"
    assert (first["level"], first["message"], first["value"]) == (
        "firing",
        "CheckoutHighErrorRate",
        0.13254,
    )
    assert frame["level"].to_list() == ["firing", "pending"]


def test_alertmanager_alerts_start_at_startsat_and_ignore_the_moving_endsat() -> None:
    frame = rows("alertmanager.alerts", payload("alertmanager_v2_alerts.json"))
    assert frame["ts"].to_list() == [utc(2024, 5, 14, 14, 6, 30, 118000), utc(2024, 5, 14, 14, 7)]
    assert frame["level"].to_list() == ["active", "suppressed"]
    assert "resolved" not in frame["level"].to_list()
    assert json.loads(frame["fields"][0])["endsAt"] == "2024-05-14T14:13:30.118Z"


def test_webhook_resolved_gives_firing_and_resolved() -> None:
    frame = rows("alertmanager.webhook", payload("alertmanager_webhook.json"))
    assert frame.select("level", "ts").rows() == [
        ("firing", utc(2024, 5, 14, 14, 6, 30, 118000)),
        ("resolved", utc(2024, 5, 14, 14, 41, 30, 118000)),
    ]


def test_webhook_firing_zero_endsat_is_not_a_resolution() -> None:
    body = json.loads(payload("alertmanager_webhook.json"))
    body["status"] = "firing"
    body["alerts"][0].update(status="firing", endsAt="0001-01-01T00:00:00Z")
    frame = rows("alertmanager.webhook", body)
    assert frame["level"].to_list() == ["firing"]


def test_silences_record_start_and_end_of_an_expired_silence() -> None:
    silence = {
        "id": "a1b2",
        "status": {"state": "expired"},
        "updatedAt": "2024-05-14T14:20:00.000Z",
        "comment": "rollback in progress",
        "createdBy": "sam.rivera",
        "startsAt": "2024-05-14T14:10:00.000Z",
        "endsAt": "2024-05-14T14:40:00.000Z",
        "matchers": [
            {"name": "alertname", "value": "Checkout.*", "isRegex": True, "isEqual": True}
        ],
    }
    frame = rows("alertmanager.silences", [silence])
    assert frame.select("level", "ts", "actor").rows() == [
        ("silence-expired", utc(2024, 5, 14, 14, 10), "sam.rivera"),
        ("silence-ended", utc(2024, 5, 14, 14, 40), "sam.rivera"),
    ]
    assert frame["stream"][0] == '{alertname=~"Checkout.*"}'


def test_loki_streams_nanoseconds_and_levels() -> None:
    frame = rows("loki.query_range", payload("loki_query_range.json"))
    assert frame.height == 4
    first = frame.row(0, named=True)
    assert first["ts_text"] == "1715695392482113000"
    assert first["ts"] == utc(2024, 5, 14, 14, 3, 12, 482113)
    assert frame["level"].to_list() == ["error", "error", "warn", "info"]
    assert first["stream"].startswith('{app="checkout-api", namespace="shop"')


def test_loki_matrix_uses_seconds() -> None:
    body = json.loads((SOURCES_DATA / "loki_query_range.json").read_text())[
        "response_metric_example"
    ]
    frame = rows("loki.query_range", body)
    assert frame["ts"].to_list() == [
        utc(2024, 5, 14, 14, 0),
        utc(2024, 5, 14, 14, 5),
        utc(2024, 5, 14, 14, 10),
    ]
    assert frame["value"].to_list() == [0.0, 1874.0, 2410.0] and set(frame["kind"]) == {"metric"}


def test_elasticsearch_hits_with_ecs_fields() -> None:
    frame = rows("elasticsearch.search", payload("elasticsearch_search.json"))
    assert frame["ts"].to_list()[0] == utc(2024, 5, 14, 14, 2, 58, 903000)
    assert frame["ts_text"][0] == "2024-05-14T14:02:58.903Z"
    assert frame["stream"].to_list()[2] == "checkout-api-7f9c6d5b8-ab3cd"
    assert set(frame["level"]) == {"error"}
    hit = {
        "_index": "logs",
        "_id": "1",
        "_source": {
            "@timestamp": 1715695392117,
            "message": "POST /checkout 502",
            "http": {"response": {"status_code": 502}},
            "trace.id": "4bf92f3577b34da6",
            "event": {"duration": 1_250_000_000},
            "log.level": "ERROR",
        },
    }
    row = rows("elasticsearch.search", {"hits": {"total": 1, "hits": [hit]}}).row(0, named=True)
    assert row["ts"] == utc(2024, 5, 14, 14, 3, 12, 117000) and row["ts_text"] == "1715695392117"
    assert (row["status"], row["trace_id"], row["latency_ms"], row["level"]) == (
        502,
        "4bf92f3577b34da6",
        1250.0,
        "error",
    )


def test_naive_timestamp_needs_a_declared_zone() -> None:
    hit = {"_id": "x", "_source": {"@timestamp": "2024-05-14 16:03:12", "message": "m"}}
    body = {"hits": {"hits": [hit]}}
    with pytest.raises(ParseError, match="has no zone"):
        rows("elasticsearch.search", body)
    berlin = ParseContext(source="src", timezone=ZoneInfo("Europe/Berlin"))
    assert rows("elasticsearch.search", body, berlin)["ts"][0] == utc(2024, 5, 14, 14, 3, 12)


def test_pagerduty_incident_and_log_entries() -> None:
    incidents = rows("pagerduty.incidents", payload("pagerduty_incidents.json"))
    assert incidents.select("level", "ts", "actor").rows() == [
        ("triggered", utc(2024, 5, 14, 14, 6, 41), None),
        ("resolved", utc(2024, 5, 14, 14, 47, 5), "Sam Rivera"),
    ]
    entries = rows("pagerduty.log_entries", payload("pagerduty_log_entries.json"))
    note = entries.filter(pl.col("level") == "annotate").row(0, named=True)
    assert note["message"] == "Rolled back checkout-api to v2.30.4; 5xx rate dropping"
    assert note["ts"] == utc(2024, 5, 14, 14, 33, 50)
    notify = entries.filter(pl.col("level") == "notify").row(0, named=True)
    assert notify["actor"] is None and json.loads(notify["fields"])["notified"] == "Sam Rivera"


def test_opsgenie_logs() -> None:
    frame = rows("opsgenie.alert_logs", payload("opsgenie_alert_logs.json"))
    assert frame["actor"].to_list() == [None] + ["sam.rivera@acme.example"] * 3 + [None]
    assert frame["ts"][2] == utc(2024, 5, 14, 14, 9, 12, 877000)
    assert frame["stream"][0] == "8418d193-2dab-4490-b331-8c02cdd196b7"


FORMATS = [
    "prometheus.query_range",
    "prometheus.alerts",
    "alertmanager.alerts",
    "alertmanager.silences",
    "alertmanager.webhook",
    "loki.query_range",
    "elasticsearch.search",
    "pagerduty.incidents",
    "pagerduty.log_entries",
    "opsgenie.alert_logs",
]
BAD = [
    b"",
    b"not json",
    b'{"status":"success","data":{"resultType":"matrix","result":[{"metric":{}',
    b'{"status":"error","errorType":"bad_data","error":"boom"}',
    b'{"data": 5, "alerts": {}, "hits": [], "incidents": 3, "log_entries": "x"}',
    b'[{"startsAt": "yesterday"}]',
    b'{"status":"success","data":{"resultType":"streams","result":[{"stream":{},"values":[[1,2]]}]}}',
    b'{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[["x","1"]]}]}}',
    b'{"incidents":[{"created_at":"2024-05-14T14:06:41"}],"log_entries":[{"created_at":null}]}',
    b'{"data":[{"createdAt":"14:06"}],"hits":{"hits":[{"_source":{}}]}}',
    b"\xff\xfe\x00",
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("bad", BAD, ids=range(len(BAD)))
def test_bad_input_is_a_parse_error_or_nothing_never_a_crash(fmt: str, bad: bytes) -> None:
    try:
        frame = parse(fmt, bad, CTX)
    except ParseError as exc:
        assert str(exc)
        return
    assert frame.height == 0 or frame["ts"].null_count() == 0


@given(st.integers(min_value=0, max_value=4_102_444_800 * 10**9))
def test_loki_nanoseconds_map_to_the_microsecond_below(ns: int) -> None:
    body = {
        "status": "success",
        "data": {"resultType": "streams", "result": [{"stream": {}, "values": [[str(ns), "x"]]}]},
    }
    frame = parse("loki.query_range", json.dumps(body).encode(), CTX)
    assert frame["ts"][0] == datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=ns // 1000)
    assert frame["ts_text"][0] == str(ns)
