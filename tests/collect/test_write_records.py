"""Records files are written whole or not at all, from memory or streamed as parsed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from hotwash.collect.ingest import write_records
from hotwash.records import RECORD_SCHEMA, conform


def _frames(count: int, rows: int = 1000) -> Iterator[pl.DataFrame]:
    start = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
    for part in range(count):
        first = part * rows
        yield conform(
            pl.DataFrame(
                {
                    "ts": [start + timedelta(seconds=first + i) for i in range(rows)],
                    "kind": "log",
                    "source": "edge",
                    "message": [f"GET /api/{first + i}" for i in range(rows)],
                    "evidence": "ab" * 32,
                    "offset": list(range(first + 1, first + rows + 1)),
                }
            )
        )


@pytest.mark.parametrize("held", [0, 10_000, 1 << 30], ids=["streamed", "mixed", "in-memory"])
def test_every_row_in_order_whatever_is_held(tmp_path: Path, held: int) -> None:
    target = tmp_path / "records" / "x.parquet"
    assert write_records(_frames(5), target, held=held) == 5000
    written = pl.read_parquet(target)
    assert list(written.columns) == list(RECORD_SCHEMA)
    assert_frame_equal(written, pl.concat(list(_frames(5))))
    assert sorted(p.name for p in target.parent.iterdir()) == ["x.parquet"]


def test_no_frames_gives_an_empty_records_file(tmp_path: Path) -> None:
    target = tmp_path / "x.parquet"
    assert write_records(iter([]), target) == 0
    assert pl.read_parquet(target).height == 0


@pytest.mark.parametrize("held", [0, 1 << 30], ids=["streamed", "in-memory"])
def test_a_failing_parse_leaves_neither_file_nor_scratch(tmp_path: Path, held: int) -> None:
    def failing() -> Iterator[pl.DataFrame]:
        yield from _frames(2)
        raise ValueError("line 2001: bad")

    target = tmp_path / "x.parquet"
    with pytest.raises(ValueError, match="line 2001"):
        write_records(failing(), target, held=held)
    assert list(tmp_path.iterdir()) == []
