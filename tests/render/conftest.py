"""A fixed render workspace: the fixture document, one evidence blob, a records parquet."""

from __future__ import annotations

import hashlib
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from hotwash.records import conform

DATA = Path(__file__).resolve().parents[1] / "data" / "render"
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "render"
NOW = datetime(2024, 5, 17, 12, 0, tzinfo=UTC)
START = datetime(2024, 5, 14, 13, 45, tzinfo=UTC)


def _metric_rows() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for step in range(160):
        at = START + timedelta(seconds=30 * step)
        minute = (at - datetime(2024, 5, 14, 14, 3, tzinfo=UTC)).total_seconds() / 60
        errors = 0.2 + (15.0 if 0 <= minute < 28 else 0.0) + (step % 3) * 0.1
        rows.append(
            {
                "ts": at,
                "kind": "metric",
                "stream": "checkout",
                "message": "http 5xx per second",
                "value": errors,
            }
        )
        for pod, base in (("pod-a", 9.0), ("pod-b", 8.0)):
            active = 10.0 if 0 <= minute < 28 else base - (step % 2)
            rows.append(
                {
                    "ts": at,
                    "kind": "metric",
                    "stream": pod,
                    "message": "db pool active connections",
                    "value": active,
                }
            )
    return rows


def _log_rows() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for second in range(0, 28 * 60, 20):
        at = datetime(2024, 5, 14, 14, 3, tzinfo=UTC) + timedelta(seconds=second)
        rows.append(
            {
                "ts": at,
                "kind": "log",
                "stream": "checkout",
                "level": "ERROR",
                "message": f"pool exhausted after 30000ms waiting={200 + second % 50}",
            }
        )
        if second % 60 == 0:
            rows.append(
                {
                    "ts": at,
                    "kind": "log",
                    "stream": "checkout",
                    "level": "WARN",
                    "message": f"slow acquire waited_ms={800 + second}",
                }
            )
    rows.append(
        {
            "ts": datetime(2024, 5, 14, 14, 0, tzinfo=UTC),
            "kind": "log",
            "stream": "checkout",
            "level": "INFO",
            "message": "started",
        }
    )
    return rows


def build_records(folder: Path) -> Path:
    """Write ``records/fixture.parquet`` in the records schema."""
    frame = pl.DataFrame(_metric_rows() + _log_rows(), infer_schema_length=None)
    frame = frame.with_columns(
        pl.col("ts").dt.strftime("%Y-%m-%dT%H:%M:%SZ").alias("ts_text"),
        pl.lit("fixture").alias("source"),
        pl.lit("{}").alias("fields"),
        pl.lit("0" * 64).alias("evidence"),
        pl.lit(1).alias("offset"),
    )
    target = folder / "records" / "fixture.parquet"
    target.parent.mkdir(parents=True, exist_ok=True)
    conform(frame).write_parquet(target)
    return target


def store_blob(workspace: Path, source: Path) -> str:
    data = source.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    target = workspace / "evidence" / "blobs" / sha[:2] / sha
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return sha


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """The fixture incident with its evidence blob, records and hotwash.toml."""
    folder = tmp_path / "incident"
    folder.mkdir()
    shutil.copy(DATA / "incident.yaml", folder / "incident.yaml")
    shutil.copy(DATA / "hotwash.toml", folder / "hotwash.toml")
    store_blob(folder, DATA / "checkout.log")
    build_records(folder)
    return folder


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
