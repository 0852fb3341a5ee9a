"""The streaming path (:func:`build_for_workspace`, log rows read one file at a time)
finds the same timeline as the frame path (:func:`build_timeline`, every record in
memory), on the bundled example's records as collected and split into more files."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from hotwash.document import load
from hotwash.records import read_records, records_dir
from hotwash.timeline import TimelineOptions, TimelineResult, build_for_workspace, build_timeline
from hotwash.timeline.build import read_manifest


@pytest.fixture(scope="module")
def split(collected: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same records, each file cut in three (lines of one blob in several files)."""
    workspace = tmp_path_factory.mktemp("split") / "checkout-errors"
    shutil.copytree(collected, workspace)
    for path in sorted(records_dir(workspace).glob("*.parquet")):
        frame = pl.read_parquet(path)
        path.unlink()
        step = max(1, -(-frame.height // 3))
        for i in range(0, frame.height, step):
            frame.slice(i, step).write_parquet(path.with_name(f"{path.stem}-{i}.parquet"))
    return workspace


def summary(result: TimelineResult) -> dict[str, Any]:
    """What a reader sees of a timeline: entries, milestones, skew, flags."""
    return {
        "window": result.window,
        "entries": [
            (e.id, e.event.at, e.event.title, e.event.details, e.event.evidence, e.times)
            for e in result.entries
        ],
        "milestones": [(m.name, m.entry_id) for m in result.milestones],
        "skew": [s.to_json() for s in result.skew],
        "flags": [(f.kind, f.source, f.message) for f in result.flags],
        "corrected": result.corrected,
    }


def in_memory(workspace: Path, options: TimelineOptions | None = None) -> TimelineResult:
    incident = load(workspace).incident
    return build_timeline(read_records(workspace), read_manifest(workspace), incident, options)


@pytest.mark.parametrize("correct", [False, True])
@pytest.mark.parametrize("layout", ["collected", "split"])
def test_streaming_equals_in_memory(
    layout: str, correct: bool, request: pytest.FixtureRequest
) -> None:
    workspace: Path = request.getfixturevalue(layout)
    options = TimelineOptions(correct_skew=correct)
    streamed = build_for_workspace(workspace, options)
    assert len(list(records_dir(workspace).glob("*.parquet"))) > 3
    assert any(e.event.kind.value == "signal" for e in streamed.entries)
    assert summary(streamed) == summary(in_memory(workspace, options))


def test_streaming_runs_only_the_chosen_detectors(collected: Path) -> None:
    options = TimelineOptions(detectors=["signatures"])
    streamed = build_for_workspace(collected, options)
    assert streamed.entries
    assert summary(streamed) == summary(in_memory(collected, options))


def test_files_read_in_small_chunks_give_the_same_timeline(
    collected: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hotwash.timeline.load

    uncached = TimelineOptions(cache=False)  # read the lines again, in chunks this time
    whole = build_for_workspace(collected, uncached)
    monkeypatch.setattr(hotwash.timeline.load, "CHUNK_ROWS", 97)
    assert summary(build_for_workspace(collected, uncached)) == summary(whole)
