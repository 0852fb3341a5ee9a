"""End to end: ``hotwash collect`` with a prometheus source against a real replay server."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from tests.sources.conftest import Replay

from hotwash.cli import cli
from hotwash.records import read_records
from hotwash.timeutil import format_iso

pytestmark = [pytest.mark.prometheus, pytest.mark.slow]


def workspace(root: Path, url: str) -> Path:
    (root / "hotwash.toml").write_text(
        f"""[[sources]]
name = "replay-prom"
kind = "prometheus"
url = "{url}"
queries = [{{name = "errors", expr = "app_errors_total"}}]
alerts = false
"""
    )
    folder = root / "2024-05-14-checkout-errors"
    folder.mkdir()
    (folder / "incident.yaml").write_text("title: Checkout errors after v2.31.0\n")
    return folder


def test_hotwash_collect_stores_and_parses_the_replayed_metrics(
    replay_prometheus: Replay, tmp_path: Path
) -> None:
    folder = workspace(tmp_path, replay_prometheus.url)
    since, until = format_iso(replay_prometheus.start), format_iso(replay_prometheus.end)
    args = ["collect", str(folder), "--since", since, "--until", until, "--json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["ok"] and summary["sources"][0]["records"] == 120

    manifest = json.loads((folder / "evidence" / "manifest.json").read_text())
    (entry,) = manifest["evidence"]
    assert (entry["source"], entry["kind"], entry["format"]) == (
        "replay-prom",
        "prometheus",
        "prometheus.query_range",
    )
    assert entry["query"].startswith(f"GET {replay_prometheus.url}/api/v1/query_range?query=")
    assert entry["meta"]["retention"] == "10y" and entry["records"] == 120

    records = read_records(folder).collect().sort("ts")
    expected = replay_prometheus.series['app_errors_total{service="checkout"}']
    got = {int(ts.timestamp()): v for ts, v in zip(records["ts"], records["value"], strict=True)}
    assert got == expected
    assert set(records["source"]) == {"replay-prom"}
    assert records["evidence"].to_list() == [entry["sha256"]] * 120
    assert records.filter(pl.col("kind") != "metric").height == 0
