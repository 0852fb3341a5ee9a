"""The collector end to end: window, sources, store, records, faults, re-runs, CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner

from hotwash.cli import cli
from hotwash.collect import collect
from hotwash.errors import ConfigError
from hotwash.evidence.model import Window
from hotwash.evidence.store import EvidenceStore
from hotwash.model import SourceSpec
from hotwash.records import read_records
from hotwash.sources.base import Fetched, Source, register_source

from .conftest import make_workspace, manifest

JSON_LOG = (
    b'{"ts":"2024-05-14T14:03:12.117Z","level":"error","msg":"acquire conn",'
    b'"err":"pool exhausted"}\n'
    b'{"ts":"2024-05-14T14:03:13.000Z","level":"info","msg":"order placed"}\n'
)

TOML = """
[collect]
baseline = "1h"
tail = "10m"

[[sources]]
name = "app"
kind = "logfile"
paths = ["logs/*.log"]

[[sources]]
name = "missing"
kind = "logfile"
paths = ["nowhere/*.log"]

[[sources]]
name = "bad-json"
kind = "file"
path = "payloads/broken.json"
format = "kubernetes.events"
"""


def setup(tmp_path: Path) -> Path:
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "app.log").write_bytes(JSON_LOG)
    (tmp_path / "payloads").mkdir()
    (tmp_path / "payloads" / "broken.json").write_text('{"items": [\n  {"reason": }\n]}\n')
    return make_workspace(tmp_path, TOML)


def test_window_comes_from_milestones_with_baseline_and_tail(tmp_path: Path) -> None:
    result = collect(setup(tmp_path), only=["app"])
    assert result.window == Window(
        start=datetime(2024, 5, 14, 13, 3, 12, tzinfo=UTC),
        end=datetime(2024, 5, 14, 14, 57, 5, tzinfo=UTC),
    )


def test_a_failing_source_is_reported_and_the_others_keep_their_evidence(tmp_path: Path) -> None:
    folder = setup(tmp_path)
    result = collect(folder)
    by_name = {o.name: o for o in result.outcomes}
    assert not result.ok
    assert by_name["app"].ok and by_name["app"].records == 2
    assert by_name["missing"].errors == [
        f"source 'missing': {str(tmp_path / 'nowhere' / '*.log')!r} matches no file"
    ]
    (bad,) = by_name["bad-json"].errors
    assert bad.startswith("payloads/broken.json:2: invalid JSON")
    data = manifest(folder)
    errors = data["errors"]
    assert isinstance(errors, list)
    assert {e["source"] for e in errors} == {"missing", "bad-json"}
    entries = {e["source"]: e for e in data["evidence"]}  # type: ignore[attr-defined]
    assert entries["app"]["records"] == 2 and entries["app"]["format"] == "log.json"
    assert entries["app"]["query"] == "logs/app.log"  # relative to hotwash.toml
    assert (
        entries["bad-json"]["records"] == 0
        and "invalid JSON" in entries["bad-json"]["meta"]["parse_error"]
    )
    store = EvidenceStore(folder)
    assert all(store.verify(e["sha256"]) for e in entries.values())


def test_records_are_written_per_blob_with_source_and_evidence(tmp_path: Path) -> None:
    folder = setup(tmp_path)
    result = collect(folder, only=["app"])
    (entry,) = result.outcomes[0].entries
    records = read_records(folder).collect()
    assert (folder / "records" / f"{entry.sha256}.parquet").exists()
    assert set(records["evidence"]) == {entry.sha256} and set(records["source"]) == {"app"}
    assert records["message"].to_list() == ["acquire conn: pool exhausted", "order placed"]


def test_a_second_run_is_idempotent(tmp_path: Path) -> None:
    folder = setup(tmp_path)
    collect(folder, only=["app"])
    first = (folder / "evidence" / "manifest.json").read_text()
    again = collect(folder, only=["app"])
    assert again.outcomes[0].reused == 1
    assert (folder / "evidence" / "manifest.json").read_text() == first


def test_a_file_too_large_for_memory_is_streamed_to_the_same_blob_and_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hotwash.collect.ingest as ingest

    for root in (tmp_path / "a", tmp_path / "b"):
        (root / "logs").mkdir(parents=True)
        (root / "logs" / "app.log").write_bytes(_iso_lines(2000))
    in_memory = collect(make_workspace(tmp_path / "a", FAULTS))
    monkeypatch.setattr(ingest, "_IN_MEMORY_LIMIT", 1000)
    streamed = collect(make_workspace(tmp_path / "b", FAULTS))
    (small,), (large,) = in_memory.outcomes[0].entries, streamed.outcomes[0].entries
    assert small.sha256 == large.sha256 and small.records == large.records == 2000
    frames = [read_records(r.workspace).collect() for r in (in_memory, streamed)]
    assert frames[0]["message"].to_list() == frames[1]["message"].to_list()


def test_a_changed_file_adds_an_entry_and_keeps_the_old_one(tmp_path: Path) -> None:
    folder = setup(tmp_path)
    collect(folder, only=["app"])
    with (tmp_path / "logs" / "app.log").open("ab") as handle:
        handle.write(b'{"ts":"2024-05-14T14:04:00Z","level":"info","msg":"later"}\n')
    collect(folder, only=["app"])
    entries = manifest(folder)["evidence"]
    assert [e["records"] for e in entries] == [2, 3]  # type: ignore[union-attr,index]


def test_unknown_source_name_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no source named nope"):
        collect(setup(tmp_path), only=["nope"])


def test_document_sources_are_relative_to_the_workspace(tmp_path: Path) -> None:
    incident = (
        "title: t\nmilestones:\n  impact_started: 2024-05-14T14:03:12Z\n"
        "  resolved: 2024-05-14T14:47:05Z\n"
        "sources:\n  - name: local\n    kind: logfile\n    paths: [mine.log]\n"
    )
    folder = make_workspace(tmp_path, "", incident)
    (folder / "mine.log").write_bytes(JSON_LOG)
    assert collect(folder).outcomes[0].records == 2


def test_no_milestones_and_no_since_is_a_clear_error(tmp_path: Path) -> None:
    folder = make_workspace(tmp_path, "", "title: t\n")
    with pytest.raises(ConfigError, match="--since and --until"):
        collect(folder)


# Interruption ---------------------------------------------------------------------------


@register_source
class FlakySource(Source):
    """Yields one artefact, then fails (as a crash mid-collect would)."""

    name = "test-flaky"
    fail: ClassVar[bool] = True

    def collect(self, spec: SourceSpec, window: Window) -> Iterator[Fetched]:
        yield Fetched(format="log.json", query="first", data=JSON_LOG)
        if FlakySource.fail:
            raise RuntimeError("connection reset")
        yield Fetched(format="log.json", query="second", data=JSON_LOG[:-1] + b" \n")


def test_an_interrupted_source_keeps_what_it_fetched_and_resumes(tmp_path: Path) -> None:
    folder = make_workspace(tmp_path, '[[sources]]\nname = "flaky"\nkind = "test-flaky"\n')
    blobs = folder / "evidence" / "blobs"
    blobs.mkdir(parents=True)
    (blobs / ".incoming.killed.tmp").write_bytes(b"half a blob from a killed run")
    FlakySource.fail = True
    try:
        first = collect(folder)
    finally:
        FlakySource.fail = False
    assert first.outcomes[0].errors == ["RuntimeError: connection reset"]
    assert [e["query"] for e in manifest(folder)["evidence"]] == ["first"]  # type: ignore[union-attr,index]
    second = collect(folder)
    assert second.ok and second.outcomes[0].reused == 1
    data = manifest(folder)
    assert [e["query"] for e in data["evidence"]] == ["first", "second"]  # type: ignore[union-attr,index]
    store = EvidenceStore(folder)
    assert all(store.verify(e["sha256"]) for e in data["evidence"])  # type: ignore[union-attr,index]


# Command line ---------------------------------------------------------------------------


def test_cli_exit_code_and_json_say_what_failed(tmp_path: Path) -> None:
    folder = setup(tmp_path)
    result = CliRunner().invoke(cli, ["collect", str(folder), "--json"])
    assert result.exit_code == 1
    summary = json.loads(result.output)
    assert [(s["source"], bool(s["errors"])) for s in summary["sources"]] == [
        ("app", False), ("missing", True), ("bad-json", True)
    ]  # fmt: skip


def test_cli_one_source_succeeds_with_a_summary_table(tmp_path: Path) -> None:
    folder = setup(tmp_path)
    result = CliRunner().invoke(cli, ["collect", str(folder), "--source", "app"])
    assert result.exit_code == 0, result.output
    assert "app" in result.output and "log" in result.output and "missing" not in result.output


def test_cli_since_without_zone_is_refused(tmp_path: Path) -> None:
    from hotwash.cli import main

    folder = setup(tmp_path)
    with pytest.raises(SystemExit) as stop:
        main(
            [
                "collect",
                str(folder),
                "--since",
                "2024-05-14T14:00:00",
                "--until",
                "2024-05-14T15:00:00Z",
            ]
        )
    assert stop.value.code == 2


# Faults in the data ---------------------------------------------------------------------

FAULTS = """
[[sources]]
name = "edge"
kind = "logfile"
paths = ["logs"]
"""


def _iso_lines(count: int) -> bytes:
    return b"".join(
        f"2024-05-14T14:{i // 60:02d}:{i % 60:02d}Z INFO request {i} {'x' * 50}\n".encode()
        for i in range(count)
    )


def test_a_truncated_gzip_is_an_error_naming_the_file_and_keeps_what_was_read(
    tmp_path: Path,
) -> None:
    import gzip

    (tmp_path / "logs").mkdir()
    packed = gzip.compress(_iso_lines(3000))
    (tmp_path / "logs" / "edge.log.gz").write_bytes(packed[: len(packed) * 2 // 3])
    folder = make_workspace(tmp_path, FAULTS)
    result = collect(folder)
    (outcome,) = result.outcomes
    (error,) = outcome.errors
    assert error.startswith("logs/edge.log.gz: compressed data damaged")
    assert "compressed data damaged" in error and "kept the" in error
    (entry,) = outcome.entries
    assert 0 < entry.records < 3000 and "truncated" in entry.meta
    assert EvidenceStore(folder).verify(entry.sha256)


def test_invalid_utf8_is_kept_and_flagged_in_the_manifest(tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "app.log").write_bytes(
        b"2024-05-14T14:03:12Z ERROR caf\xe9 au lait\n2024-05-14T14:03:13Z INFO ok\n"
    )
    folder = make_workspace(tmp_path, FAULTS)
    (outcome,) = collect(folder).outcomes
    assert outcome.ok and outcome.records == 2
    assert outcome.entries[0].meta["invalid_utf8_lines"] == "1"


def test_zone_less_times_mark_the_evidence_naive_and_e003_says_so(tmp_path: Path) -> None:
    from hotwash.checks.rule import CheckContext
    from hotwash.checks.runner import run_checks
    from hotwash.document import load
    from hotwash.evidence.store import workspace_evidence

    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "db.log").write_bytes(b"May 14 16:03:12 db-1 postgres[1]: LOG: hello\n")
    folder = make_workspace(tmp_path, FAULTS)
    (outcome,) = collect(folder).outcomes
    (error,) = outcome.errors
    assert error.startswith("logs/db.log:1: time 'May 14 16:03:12' has no zone")
    (entry,) = outcome.entries
    assert entry.naive_timestamps and entry.records == 0
    ctx = CheckContext(evidence=workspace_evidence(folder))
    codes = [f.code for f in run_checks(load(folder), ctx, ["E"]).findings]
    assert "E003" in codes


def test_concatenated_gzip_members_are_all_read(tmp_path: Path) -> None:
    import gzip

    (tmp_path / "logs").mkdir()
    lines = _iso_lines(10)
    data = gzip.compress(lines[:300]) + gzip.compress(lines[300:])
    (tmp_path / "logs" / "edge.log.gz").write_bytes(data)
    (outcome,) = collect(make_workspace(tmp_path, FAULTS)).outcomes
    assert outcome.ok and outcome.records == 10


def test_no_source_configured_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no sources configured: add \[\[sources\]\]"):
        collect(make_workspace(tmp_path, ""))
