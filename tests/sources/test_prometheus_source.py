"""Prometheus step and chunk choice, over a long window against a strict mock server."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import httpx
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotwash.errors import SourceError
from hotwash.evidence.model import Window
from hotwash.model import SourceSpec
from hotwash.parse import ParseContext, parse
from hotwash.sources.prometheus import (
    PrometheusSource,
    choose_step,
    chunk_grid,
    parse_duration,
    retention_meta,
)

START = datetime(2024, 5, 1, 0, 0, 7, tzinfo=UTC)


def window(hours: float) -> Window:
    return Window(start=START, end=START + timedelta(hours=hours))


def test_step_aims_at_15_to_60_seconds_and_respects_scrape_interval() -> None:
    scrape = timedelta(seconds=15)
    assert choose_step(window(1), scrape, None) == timedelta(seconds=15)
    assert choose_step(window(10), scrape, None) == timedelta(seconds=36)
    assert choose_step(window(24 * 7), scrape, None) == timedelta(seconds=60)
    assert choose_step(window(1), timedelta(minutes=2), None) == timedelta(minutes=2)
    assert choose_step(window(1), scrape, timedelta(seconds=1)) == timedelta(seconds=1)


def test_durations_in_prometheus_syntax() -> None:
    assert parse_duration("1h30m") == timedelta(minutes=90)
    assert parse_duration("10y") == timedelta(days=3650)
    assert parse_duration("500ms") == timedelta(milliseconds=500)
    with pytest.raises(ValueError, match="not a Prometheus duration"):
        parse_duration("15 minutes")


@settings(max_examples=60, deadline=None)
@given(
    intervals=st.integers(min_value=0, max_value=20_000),
    extra=st.floats(min_value=0.001, max_value=0.999),
    step=st.integers(min_value=1, max_value=600),
    max_points=st.integers(min_value=2, max_value=11_000),
)
def test_chunks_are_contiguous_bounded_and_cover_the_grid(
    intervals: int, extra: float, step: int, max_points: int
) -> None:
    seconds = intervals * step + extra * step
    win = Window(start=START, end=START + timedelta(seconds=seconds))
    chunks = chunk_grid(win, timedelta(seconds=step), max_points)
    grid = [c.start + i * c.step for c in chunks for i in range(c.points)]
    assert all(c.points <= max_points for c in chunks)
    assert grid == sorted(set(grid))  # no evaluation time asked twice
    assert all(b - a == timedelta(seconds=step) for a, b in itertools.pairwise(grid))
    assert all(win.start <= t < win.end for t in grid)
    if grid:
        assert grid[0] - win.start < timedelta(seconds=step)
        assert win.end - grid[-1] <= timedelta(seconds=step)


def strict_prometheus(asked: list[tuple[float, float, float]]) -> httpx.MockTransport:
    """Answers like Prometheus: one sample per evaluation time; >11,000 points is a 400."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/status/flags":
            flags = {"storage.tsdb.retention.time": "15d", "storage.tsdb.retention.size": "0B"}
            return httpx.Response(200, json={"status": "success", "data": flags})
        start, end, step = (float(request.url.params[k]) for k in ("start", "end", "step"))
        if (end - start) / step > 11_000:
            error = "exceeded maximum resolution of 11,000 points per timeseries"
            return httpx.Response(400, json={"status": "error", "error": error})
        asked.append((start, end, step))
        count = int((end - start) // step) + 1
        values = [[start + i * step, str(i % 7)] for i in range(count)]
        result = [{"metric": {"__name__": "up", "job": "api"}, "values": values}]
        data = {"resultType": "matrix", "result": result}
        return httpx.Response(200, json={"status": "success", "data": data})

    return httpx.MockTransport(handler)


def test_long_window_is_chunked_under_the_server_limit_without_duplicates() -> None:
    asked: list[tuple[float, float, float]] = []
    spec = SourceSpec(
        name="prom",
        kind="prometheus",
        url="http://prom.test",
        queries=[{"name": "up", "expr": "up"}],
        alerts=False,
    )
    win = Window(start=START, end=START + timedelta(days=30))
    client = httpx.Client(transport=strict_prometheus(asked))
    fetched = list(PrometheusSource(client=client).collect(spec, win))

    assert len(fetched) == len(asked) == 5  # 43,200 points at 60 s, 10,000 per chunk
    assert all((end - start) / step <= 11_000 for start, end, step in asked)
    assert all(later[0] - earlier[1] == 60 for earlier, later in itertools.pairwise(asked))
    frames = [parse(f.format, f.data or b"", ParseContext(source="prom")) for f in fetched]
    samples = pl.concat(frames)
    assert samples.height == 43_200
    assert samples["ts"].n_unique() == samples.height
    assert samples["ts"].min() >= win.start and samples["ts"].max() < win.end
    assert fetched[0].meta["retention"] == "15d"
    assert fetched[0].meta["retention_drops_at"] == "2024-05-16T00:00:07Z"
    assert fetched[0].meta["step"] == "60s"


def test_retention_of_0s_is_the_default_unless_size_based() -> None:
    win = window(1)
    default = retention_meta({"storage.tsdb.retention.time": "0s"}, win)
    assert default == {"retention": "15d", "retention_drops_at": "2024-05-16T00:00:07Z"}
    sized = {"storage.tsdb.retention.time": "0s", "storage.tsdb.retention.size": "50GB"}
    assert retention_meta(sized, win) == {"retention": "size-based (50GB)"}


def test_queries_need_an_expression() -> None:
    spec = SourceSpec(name="prom", kind="prometheus", url="http://p.test", queries=[{"name": "x"}])
    with pytest.raises(SourceError, match=r"queries\[0\] needs an expr"):
        list(PrometheusSource().collect(spec, window(1)))
