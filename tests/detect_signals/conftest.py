"""Builders for synthetic records of the signal detectors' tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import polars as pl
import pytest

from hotwash.detect.base import DetectContext
from hotwash.evidence.model import Window
from hotwash.records import conform

SHA = "a" * 64

RecordsFactory = Callable[[list[dict[str, Any]]], pl.DataFrame]


def _records(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """Rows (dicts with at least ``ts``) as records; offsets are 1-based row numbers."""
    filled = [
        {
            "ts_text": row["ts"].isoformat(),
            "source": "app",
            "kind": "log",
            "stream": "checkout",
            "fields": "{}",
            "evidence": SHA,
            "offset": i + 1,
            **row,
        }
        for i, row in enumerate(rows)
    ]
    frame = pl.DataFrame(filled, infer_schema_length=None)
    return conform(frame.with_columns(pl.col("ts").dt.convert_time_zone("UTC")))


@pytest.fixture
def make_records() -> RecordsFactory:
    return _records


def context(t0: datetime, baseline_hours: float, window_hours: float) -> DetectContext:
    """Baseline [t0, t0+b), incident window [t0+b, t0+b+w)."""
    split = t0 + timedelta(hours=baseline_hours)
    return DetectContext(
        window=Window(start=split, end=split + timedelta(hours=window_hours)),
        baseline=Window(start=t0, end=split),
    )


ContextFactory = Callable[[datetime, float, float], DetectContext]


@pytest.fixture
def make_context() -> ContextFactory:
    return context
