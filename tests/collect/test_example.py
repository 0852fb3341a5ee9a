"""The bundled example's raw evidence: reproducible, collectable, true to its ground truth."""

from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from ruamel.yaml import YAML
from tests.conftest import EXAMPLE

from hotwash.collect import CollectResult, collect
from hotwash.records import read_records
from hotwash.timeutil import parse_instant

RAW = EXAMPLE / "raw"


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, CollectResult]:
    workspace = tmp_path_factory.mktemp("example") / "checkout-errors"
    shutil.copytree(EXAMPLE, workspace, ignore=shutil.ignore_patterns("evidence", "records", "out"))
    return workspace, collect(workspace)


def ground_truth() -> dict[str, object]:
    data: dict[str, object] = YAML(typ="safe").load((EXAMPLE / "ground_truth.yaml").read_text())
    return data


def test_the_generator_reproduces_the_raw_folder_byte_for_byte(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(RAW / "generate.py"), "--out", str(tmp_path)], check=True)
    produced = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    committed = sorted(
        p.relative_to(RAW) for p in RAW.rglob("*") if p.is_file() and p.name != "generate.py"
    )
    assert produced == committed
    _, mismatch, errors = filecmp.cmpfiles(tmp_path, RAW, [str(p) for p in produced], shallow=False)
    assert mismatch == [] and errors == []
    assert sum((RAW / p).stat().st_size for p in committed) < 3_000_000


def test_every_source_of_the_example_collects_without_error(
    collected: tuple[Path, CollectResult],
) -> None:
    _, result = collected
    assert result.ok, [o.errors for o in result.outcomes]
    assert all(o.records > 0 for o in result.outcomes)
    assert len(result.outcomes) == 10


def test_the_planted_db_syslog_gap_is_found(collected: tuple[Path, CollectResult]) -> None:
    _, result = collected
    gaps = {o.name: o.gaps for o in result.outcomes if o.gaps}
    assert list(gaps) == ["db-syslog"]
    (gap,) = gaps["db-syslog"]
    truth = ground_truth()["gaps"][0]  # type: ignore[index]
    skew = timedelta(seconds=7)
    assert abs(gap.start - (parse_instant(str(truth["start"])) + skew)) < timedelta(seconds=60)
    assert abs(gap.end - (parse_instant(str(truth["end"])) + skew)) < timedelta(seconds=10)


def test_every_ground_truth_event_has_records_near_it_in_its_sources(
    collected: tuple[Path, CollectResult],
) -> None:
    workspace, _ = collected
    records = read_records(workspace).select("ts", "source").collect()
    truth = ground_truth()
    default = timedelta(seconds=int(truth["tolerance_seconds"]))  # type: ignore[call-overload]
    for event in truth["events"]:  # type: ignore[attr-defined]
        at: datetime = parse_instant(str(event["at"]))
        tolerance = timedelta(seconds=int(event.get("tolerance_seconds", default.total_seconds())))
        for source in event["sources"]:
            near = records.filter(
                (pl.col("source") == source)
                & pl.col("ts").is_between(at - tolerance, at + tolerance)
            )
            assert near.height > 0, (event["title"], source)


def test_the_new_error_signature_is_absent_from_the_baseline(
    collected: tuple[Path, CollectResult],
) -> None:
    workspace, _ = collected
    records = read_records(workspace).collect()
    exhausted = records.filter(
        (pl.col("source") == "checkout-api-logs") & pl.col("message").str.contains("pool exhausted")
    )
    first = parse_instant("2024-05-14T14:03:12.117Z")
    assert exhausted["ts"].min() == first and exhausted.height > 100


def test_pagerduty_offsets_and_paris_syslog_become_utc(
    collected: tuple[Path, CollectResult],
) -> None:
    workspace, _ = collected
    records = read_records(workspace).collect()
    ack = records.filter(
        (pl.col("source") == "pagerduty") & pl.col("message").str.contains("Acknowledged")
    )
    assert ack["ts"][0] == parse_instant("2024-05-14T14:09:12Z")
    assert ack["ts_text"][0] == "2024-05-14T16:09:12+02:00"
    db = records.filter(pl.col("source") == "db-syslog").sort("ts")
    assert db["ts_text"][0].startswith("May 14 14:")
    assert db["ts"][0].hour == 12


def test_the_demo_step_collects_and_prints_the_summary(tmp_path: Path) -> None:
    from hotwash.demo import DemoRun, prepare, step_collect

    run = DemoRun(workspace=prepare(tmp_path / "demo"), echo=lambda _text: None)
    step_collect(run)
    text = "\n".join(run.lines)
    assert not run.failed
    assert "== collect" in text and "Evidence for 2024-05-14 12:03 .. 2024-05-14 15:17 UTC" in text
    assert "14:09-14:20 (10m 33s)" in text
    assert (run.workspace / "evidence" / "manifest.json").exists()
