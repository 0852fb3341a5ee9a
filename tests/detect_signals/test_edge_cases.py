"""Every signal detector copes with empty, foreign and sparse records."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl
import pytest

from hotwash.detect.base import DetectContext, Detector
from hotwash.detect.changepoint import MetricChangeDetector
from hotwash.detect.http_errors import HttpErrorDetector
from hotwash.detect.signatures import LogSignatureDetector
from hotwash.records import empty_records

RecordsFactory = Callable[[list[dict[str, Any]]], pl.DataFrame]
ContextFactory = Callable[[datetime, float, float], DetectContext]
T0 = datetime(2024, 5, 14, 12, 0, tzinfo=UTC)
DETECTORS = [LogSignatureDetector, HttpErrorDetector, MetricChangeDetector]


@pytest.mark.parametrize("detector", DETECTORS)
def test_empty_records(detector: type[Detector], make_context: ContextFactory) -> None:
    assert list(detector().detect(empty_records(), make_context(T0, 1, 1))) == []


@pytest.mark.parametrize("detector", DETECTORS)
def test_other_kinds_and_nulls_are_ignored(
    detector: type[Detector], make_records: RecordsFactory, make_context: ContextFactory
) -> None:
    rows: list[dict[str, Any]] = [
        {"ts": T0 + timedelta(minutes=i), "kind": "chat", "message": f"error {i}"}
        for i in range(120)
    ]
    rows += [{"ts": T0 + timedelta(minutes=90), "kind": "log", "message": None}]
    rows += [{"ts": T0 + timedelta(minutes=91), "kind": "metric", "message": "x", "value": None}]
    rows += [{"ts": T0 + timedelta(minutes=92), "kind": "log", "message": "GET /", "status": 200}]
    assert list(detector().detect(make_records(rows), make_context(T0, 1, 1))) == []
