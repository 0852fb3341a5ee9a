"""The evidence store: content-addressed blobs, an append-only manifest."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hotwash.errors import EvidenceError
from hotwash.evidence.model import Evidence, Window
from hotwash.evidence.store import EvidenceStore, workspace_evidence

WINDOW = Window(
    start=datetime(2024, 5, 14, 12, tzinfo=UTC), end=datetime(2024, 5, 14, 15, tzinfo=UTC)
)


def entry(sha: str, query: str = "q") -> Evidence:
    return Evidence(
        sha256=sha, source="s", kind="file", format="log.auto", query=query,
        window_asked=WINDOW, fetched_at=datetime(2024, 5, 14, 16, tzinfo=UTC), size=3,
    )  # fmt: skip


def test_a_blob_is_stored_under_its_hash_and_reused(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    first = store.put_bytes(b"abc")
    again = store.put_stream(io.BytesIO(b"abc"))
    sha = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert first.sha256 == again.sha256 == sha
    assert first.path == tmp_path / "evidence" / "blobs" / "ba" / sha
    assert first.path.read_bytes() == b"abc" and store.verify(sha)
    assert [p.name for p in first.path.parent.parent.rglob("*") if p.is_file()] == [sha]


def test_a_changed_blob_no_longer_verifies(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    blob = store.put_bytes(b"abc")
    blob.path.write_bytes(b"abd")
    assert not store.verify(blob.sha256)


def test_manifest_appends_once_per_source_query_and_blob(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    sha = store.put_bytes(b"abc").sha256
    store.append([entry(sha)])
    store.append([entry(sha)], errors=[{"source": "s", "message": "boom"}])
    store.append([entry(sha, query="other")], errors=[{"source": "s", "message": "boom"}])
    manifest = store.load_manifest()
    assert [e.query for e in manifest.evidence] == ["q", "other"]
    assert manifest.errors == [{"source": "s", "message": "boom"}]
    assert [e.sha256 for e in workspace_evidence(tmp_path)] == [sha, sha]


def test_an_entry_whose_blob_is_not_stored_is_refused(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    with pytest.raises(EvidenceError, match="not in the store"):
        store.append([entry("0" * 64)])
    assert not store.manifest_path.exists()


def test_a_failing_stream_leaves_no_blob_and_no_temporary_file(tmp_path: Path) -> None:
    class Broken(io.RawIOBase):
        def __init__(self) -> None:
            self.calls = 0

        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            self.calls += 1
            if self.calls > 1:
                raise OSError("disk vanished")
            return b"partial"

    store = EvidenceStore(tmp_path)
    with pytest.raises(OSError):
        store.put_stream(Broken())  # type: ignore[arg-type]
    assert [p for p in store.blobs.rglob("*") if p.is_file()] == []


def test_a_staged_blob_is_in_place_only_once_sealed(tmp_path: Path) -> None:
    """Until sealed, a staged blob's bytes are readable but it is not in the store (a crash
    then leaves no blob a later run could take for whole); sealing twice does nothing."""
    store = EvidenceStore(tmp_path)
    staged = store.stage_bytes(b"line one\nline two\n")
    sha = staged.blob.sha256
    assert staged.readable.read_bytes() == b"line one\nline two\n"
    assert staged.readable != staged.blob.path and not store.has(sha)
    assert staged.seal().path == staged.blob.path == staged.readable
    assert store.has(sha) and store.verify(sha) and staged.seal() is staged.blob
    again = store.stage_stream(io.BytesIO(b"line one\nline two\n"))
    assert again.readable == again.blob.path  # already stored: nothing staged
    assert [p.name for p in store.blobs.rglob("*") if p.is_file()] == [sha]


def test_a_blob_is_sealed_even_when_its_parse_fails_unexpectedly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hotwash.collect.ingest as ingest
    from hotwash.evidence.coverage import GapPolicy
    from hotwash.model import SourceSpec
    from hotwash.sources.base import Fetched

    def broken(*args: object) -> None:
        raise RuntimeError("a parser bug")

    monkeypatch.setattr(ingest, "_parse", broken)
    store = EvidenceStore(tmp_path)
    spec = SourceSpec(name="app", kind="logfile")
    fetched = Fetched(query="app.log", format="log.auto", data=b"2024-05-14T12:00:00Z boom\n")
    with pytest.raises(RuntimeError, match="a parser bug"):
        ingest.prepare(store, spec, fetched, WINDOW, GapPolicy())
    blobs = [p for p in store.blobs.rglob("*") if p.is_file()]
    assert len(blobs) == 1 and store.verify(blobs[0].name)  # in place, no temporary file


def test_a_blob_that_cannot_be_made_durable_leaves_no_blob_and_no_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hotwash.collect.ingest as ingest
    import hotwash.evidence.store as store_module
    from hotwash.evidence.coverage import GapPolicy
    from hotwash.model import SourceSpec
    from hotwash.sources.base import Fetched

    def no_space(fd: int) -> None:
        raise OSError(28, "No space left on device")

    real_seal = store_module.StagedBlob.seal

    def seal_on_a_full_disk(staged: store_module.StagedBlob) -> object:
        with monkeypatch.context() as full:  # the records were written; the blob's fsync fails
            full.setattr(store_module.os, "fsync", no_space)
            return real_seal(staged)

    monkeypatch.setattr(store_module.StagedBlob, "seal", seal_on_a_full_disk)
    store = EvidenceStore(tmp_path)
    spec = SourceSpec(name="app", kind="logfile")
    fetched = Fetched(query="app.log", format="log.auto", data=b"2024-05-14T12:00:00Z boom\n")
    with pytest.raises(OSError, match="No space left"):
        ingest.prepare(store, spec, fetched, WINDOW, GapPolicy())
    assert [p for p in store.blobs.rglob("*") if p.is_file()] == []
    assert [p for p in (tmp_path / "records").glob("*.parquet")] == []


def test_a_damaged_manifest_is_a_clear_error(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    store.manifest_path.parent.mkdir(parents=True)
    store.manifest_path.write_text("{not json")
    with pytest.raises(EvidenceError, match="damaged manifest"):
        store.load_manifest()


def test_no_workspace_means_no_evidence(tmp_path: Path) -> None:
    assert workspace_evidence(None) == [] and workspace_evidence(tmp_path) == []


def test_the_public_api_of_collect_is_small_and_stable() -> None:
    import hotwash.collect

    assert hotwash.collect.__all__ == [
        "CollectResult",
        "Progress",
        "SourceOutcome",
        "collect",
        "collect_sources",
    ]
