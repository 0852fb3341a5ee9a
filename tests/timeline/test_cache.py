"""The log detectors' aggregates kept between timeline runs (``records/aggregates/``):
a second run reads them instead of the lines and finds the same timeline; any change of
records, window, offsets or code computes them again; a damaged or unwritable cache is
never an error; ``--no-cache`` neither reads nor writes it."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from hotwash.cli import main
from hotwash.evidence.model import Window
from hotwash.records import records_dir
from hotwash.timeline import TimelineOptions, TimelineResult, build_for_workspace


@pytest.fixture
def workspace(collected: Path, tmp_path: Path) -> Path:
    """A fresh copy of the collected example, without any kept aggregates."""
    copy = tmp_path / "checkout-errors"
    shutil.copytree(collected, copy, ignore=shutil.ignore_patterns("aggregates"))
    return copy


def summary(result: TimelineResult) -> list[Any]:
    return [
        [(e.event.at, e.event.title, e.event.details, e.event.evidence) for e in result.entries],
        [[(d.at, d.title, d.evidence) for d in e.detections] for e in result.entries],
        [(m.name, m.entry_id) for m in result.milestones],
        [s.to_json() for s in result.skew],
    ]


def new_signatures(result: TimelineResult) -> list[str]:
    """The log signature detections of a timeline, alone or folded into an entry."""
    found = (d for e in result.entries for d in [e.event, *e.detections])
    return [d.title for d in found if d.title.startswith("New error signature")]


@pytest.fixture
def lines_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The records files whose log lines the timeline reads."""
    import hotwash.timeline.evidence as evidence

    read: list[str] = []
    original: Callable[..., Iterator[pl.DataFrame]] = evidence.read_logs

    def counting(path: str, *args: Any) -> Iterator[pl.DataFrame]:
        read.append(path)
        return original(path, *args)

    monkeypatch.setattr(evidence, "read_logs", counting)
    return read


def kept(workspace: Path) -> list[str]:
    folder = records_dir(workspace) / "aggregates"
    return sorted(p.name for p in folder.glob("*")) if folder.is_dir() else []


def test_a_second_run_reads_the_kept_aggregates_and_finds_the_same_timeline(
    workspace: Path, lines_read: list[str]
) -> None:
    uncached = summary(build_for_workspace(workspace, TimelineOptions(cache=False)))
    assert kept(workspace) == [] and lines_read
    first = build_for_workspace(workspace)
    names = kept(workspace)
    assert {n.split(".")[1] for n in names} == {"lines", "buckets", "histogram"}
    assert len({n.split(".")[0] for n in names}) == 1  # one key
    lines_read.clear()
    second = build_for_workspace(workspace)
    assert lines_read == []  # no log line read again
    assert summary(second) == summary(first) == uncached
    assert new_signatures(second)


def test_the_kept_aggregates_are_what_the_run_uses_and_no_cache_ignores_them(
    workspace: Path,
) -> None:
    """Aggregates changed on disk change the next run (so they are read); with
    ``cache=False`` (``--no-cache``) the lines are read and the timeline is right."""
    right = build_for_workspace(workspace)
    assert new_signatures(right)
    (lines,) = (records_dir(workspace) / "aggregates").glob("*.lines.parquet")
    pl.read_parquet(lines).clear().write_parquet(lines)  # as if no log line had a signature
    tampered = build_for_workspace(workspace)
    assert new_signatures(tampered) == []
    again = build_for_workspace(workspace, TimelineOptions(cache=False))
    assert summary(again) == summary(right)


def test_a_rewritten_records_file_is_read_again(workspace: Path, lines_read: list[str]) -> None:
    first = summary(build_for_workspace(workspace))
    records = sorted(records_dir(workspace).glob("*.parquet"))
    pl.read_parquet(records[0]).write_parquet(records[0])  # same rows, a new file
    lines_read.clear()
    assert summary(build_for_workspace(workspace)) == first
    assert lines_read  # the key changed: every file read again
    assert len({n.split(".")[0] for n in kept(workspace)}) == 1  # the old key dropped


def test_another_window_or_offset_computes_again_and_keeps_only_the_newest(
    workspace: Path, lines_read: list[str]
) -> None:
    whole = build_for_workspace(workspace)
    before = kept(workspace)
    lines_read.clear()
    start = whole.window.start + timedelta(minutes=5)
    narrow = TimelineOptions(window=Window(start=start, end=whole.window.end))
    build_for_workspace(workspace, narrow)
    assert lines_read and kept(workspace) != before and len(kept(workspace)) == 3
    lines_read.clear()
    corrected = TimelineOptions(correct_skew=True, skew_threshold=timedelta(0))
    build_for_workspace(workspace, corrected)
    assert lines_read  # other offsets, other aggregates


def test_a_change_of_code_computes_again(
    workspace: Path, lines_read: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import hotwash.timeline.cache as cache

    build_for_workspace(workspace)
    monkeypatch.setattr(cache, "_code_fingerprint", lambda: "another version of masking")
    lines_read.clear()
    build_for_workspace(workspace)
    assert lines_read


def test_a_damaged_cache_is_computed_again(workspace: Path, lines_read: list[str]) -> None:
    first = summary(build_for_workspace(workspace))
    (lines,) = (records_dir(workspace) / "aggregates").glob("*.lines.parquet")
    lines.write_bytes(lines.read_bytes()[:100])  # cut short, as by a crash
    lines_read.clear()
    assert summary(build_for_workspace(workspace)) == first
    assert lines_read
    assert pl.read_parquet(lines).height > 0  # written whole again


def test_a_cache_that_cannot_be_written_is_skipped(workspace: Path) -> None:
    first = summary(build_for_workspace(workspace, TimelineOptions(cache=False)))
    (records_dir(workspace) / "aggregates").write_text("not a folder", encoding="utf-8")
    assert summary(build_for_workspace(workspace)) == first


def test_the_cli_no_cache_flag_writes_nothing(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["timeline", str(workspace), "--json", "--no-cache"])
    assert kept(workspace) == []
    uncached = capsys.readouterr().out
    main(["timeline", str(workspace), "--json"])
    assert len(kept(workspace)) == 3
    assert capsys.readouterr().out == uncached


def test_progress_counts_the_files_read_and_is_silent_on_kept_aggregates(
    workspace: Path,
) -> None:
    told: list[tuple[int, int]] = []
    options = TimelineOptions(progress=lambda done, files: told.append((done, files)))
    build_for_workspace(workspace, options)
    files = len(list(records_dir(workspace).glob("*.parquet")))
    assert told[0] == (0, files) and told[-1] == (files, files)
    assert [done for done, _ in told] == list(range(files + 1))
    told.clear()
    build_for_workspace(workspace, options)
    assert told == []  # nothing read: the kept aggregates are used
