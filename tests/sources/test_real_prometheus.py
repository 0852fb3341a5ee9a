"""The Prometheus and Alertmanager sources against real servers (Debian packages)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import polars as pl
import pytest
from tests.sources.conftest import LiveStack, Replay

from hotwash.evidence.model import Window
from hotwash.model import SourceSpec
from hotwash.parse import ParseContext, parse
from hotwash.sources.alertmanager import AlertmanagerSource
from hotwash.sources.base import Fetched
from hotwash.sources.prometheus import PrometheusSource

pytestmark = [pytest.mark.prometheus, pytest.mark.slow]


def records(fetched: list[Fetched], fmt: str, source: str) -> pl.DataFrame:
    frames = [
        parse(item.format, item.data or b"", ParseContext(source=source))
        for item in fetched
        if item.format == fmt
    ]
    return pl.concat(frames)


def test_replayed_incident_comes_back_sample_by_sample(replay_prometheus: Replay) -> None:
    spec = SourceSpec(
        name="prom",
        kind="prometheus",
        url=replay_prometheus.url,
        queries=[
            {"name": "errors", "expr": "app_errors_total"},
            {"name": "latency", "expr": "app_latency_seconds"},
        ],
        max_points=50,  # force chunking on the real server: 120 points -> 3 chunks
    )
    window = Window(start=replay_prometheus.start, end=replay_prometheus.end)
    fetched = list(PrometheusSource().collect(spec, window))

    samples = records(fetched, "prometheus.query_range", "prom").filter(pl.col("kind") == "metric")
    got: dict[str, dict[int, float]] = {}
    for row in samples.iter_rows(named=True):
        series = f"{row['message']}{row['stream']}"
        assert int(row["ts_text"]) not in got.get(series, {}), "sample duplicated across chunks"
        got.setdefault(series, {})[int(row["ts"].timestamp())] = row["value"]
        assert row["ts"].tzinfo is not None and row["ts"].utcoffset() == timedelta(0)
        assert row["ts"] == datetime.fromtimestamp(int(row["ts_text"]), UTC)
    assert got == replay_prometheus.series

    query_chunks = [f for f in fetched if f.meta.get("query_name") == "errors"]
    assert len(query_chunks) == 3
    assert {f.meta["retention"] for f in fetched} == {"10y"}
    drops_at = replay_prometheus.start + timedelta(days=3650)
    assert fetched[0].meta["retention_drops_at"] == drops_at.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_live_alert_seen_in_alertmanager_and_alerts_series(live_stack: LiveStack) -> None:
    now = datetime.now(UTC)
    window = Window(start=live_stack.started - timedelta(seconds=5), end=now + timedelta(seconds=1))
    am_spec = SourceSpec(name="am", kind="alertmanager", url=live_stack.alertmanager)
    am_fetched = list(AlertmanagerSource().collect(am_spec, window))
    assert [f.format for f in am_fetched] == ["alertmanager.alerts", "alertmanager.silences"]

    alerts = records(am_fetched, "alertmanager.alerts", "am")
    alert = alerts.filter(pl.col("message") == "AppErrors").row(0, named=True)
    assert alert["level"] == "active"
    assert 'service="checkout"' in alert["stream"] and 'severity="page"' in alert["stream"]
    assert live_stack.started - timedelta(seconds=1) <= alert["ts"] <= now
    assert json.loads(alert["fields"])["annotations"]["summary"] == "checkout is raising errors"

    prom_spec = SourceSpec(
        name="prom", kind="prometheus", url=live_stack.prometheus, step="1s", scrape_interval="1s"
    )
    prom_fetched = list(PrometheusSource().collect(prom_spec, window))
    history = records(prom_fetched, "prometheus.query_range", "prom")
    firing = history.filter((pl.col("message") == "AppErrors") & (pl.col("level") == "firing"))
    assert firing.height >= 1
    assert firing["kind"].unique().to_list() == ["alert"]
    assert live_stack.started <= firing["ts"].min() <= alert["ts"] + timedelta(seconds=2)
    active = records(prom_fetched, "prometheus.alerts", "prom")
    assert active.filter(pl.col("message") == "AppErrors")["level"].to_list() == ["firing"]


def test_webhook_body_from_real_alertmanager_parses_as_firing(live_stack: LiveStack) -> None:
    body = live_stack.exporter.webhooks[0]
    rows = parse("alertmanager.webhook", body, ParseContext(source="hook"))
    assert rows["level"].to_list() == ["firing"]  # the 0001-01-01 endsAt is not a resolution
    assert rows["message"].to_list() == ["AppErrors"]
    assert rows["ts"][0] >= live_stack.started - timedelta(seconds=1)


def test_silence_created_in_real_alertmanager_is_collected(live_stack: LiveStack) -> None:
    now = datetime.now(UTC)
    silence = {
        "matchers": [{"name": "alertname", "value": "DiskFull", "isRegex": False, "isEqual": True}],
        "startsAt": now.isoformat(),
        "endsAt": (now + timedelta(hours=1)).isoformat(),
        "createdBy": "sam.rivera",
        "comment": "maintenance of the disk array",
    }
    created = httpx.post(f"{live_stack.alertmanager}/api/v2/silences", json=silence, timeout=5)
    assert created.status_code == 200, created.text
    spec = SourceSpec(name="am", kind="alertmanager", url=live_stack.alertmanager)
    window = Window(start=now - timedelta(minutes=1), end=now + timedelta(minutes=1))
    fetched = list(AlertmanagerSource().collect(spec, window))
    rows = records(fetched, "alertmanager.silences", "am")
    row = rows.filter(pl.col("message") == "maintenance of the disk array").row(0, named=True)
    assert row["actor"] == "sam.rivera"
    assert row["level"] == "silence-active"
    assert row["stream"] == '{alertname="DiskFull"}'
    assert abs(row["ts"] - now) < timedelta(seconds=2)


def test_alertmanager_filter_is_applied_by_the_real_server(live_stack: LiveStack) -> None:
    now = datetime.now(UTC)
    window = Window(start=now - timedelta(minutes=1), end=now)
    fetched = {}
    for matcher in ('alertname="AppErrors"', 'alertname="NoSuchAlert"'):
        spec = SourceSpec(
            name="am", kind="alertmanager", url=live_stack.alertmanager, filter=[matcher]
        )
        fetched[matcher] = records(
            list(AlertmanagerSource().collect(spec, window)), "alertmanager.alerts", "am"
        )
    assert fetched['alertname="AppErrors"']["message"].to_list() == ["AppErrors"]
    assert fetched['alertname="NoSuchAlert"'].height == 0
