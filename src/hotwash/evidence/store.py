"""The evidence store: content-addressed blobs and the append-only manifest.

Layout inside a workspace::

    evidence/blobs/<sha[:2]>/<sha256>   the exact bytes a source returned
    evidence/manifest.json              :class:`~hotwash.evidence.model.Manifest`

A blob is streamed to a temporary file inside the store while it is hashed, then fsynced
and renamed into place; if a blob with that hash exists already the temporary file is
dropped, so a blob is never rewritten. ``collect`` stages a blob (written and hashed) and
seals it (fsync, rename) after parsing it, so that the disk writes it back meanwhile. The
manifest is written atomically and only *after* the blob is in place: a half-written blob
never enters the manifest. Entries are only ever appended, and an entry for the same
source, query and sha256 is not appended twice, which makes a re-run idempotent and an
interrupted run resumable.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from pydantic import ValidationError

from hotwash.document import atomic_write
from hotwash.errors import EvidenceError
from hotwash.evidence.model import Evidence, Manifest

__all__ = ["EvidenceStore", "StagedBlob", "StoredBlob", "workspace_evidence"]

_CHUNK = 1 << 20


class StoredBlob:
    """Where a blob landed: its hash, size and path."""

    __slots__ = ("path", "sha256", "size")

    def __init__(self, sha256: str, size: int, path: Path) -> None:
        self.sha256 = sha256
        self.size = size
        self.path = path


class StagedBlob:
    """A blob written and hashed but not yet in place: its bytes are in a temporary file
    of the store (``readable``) until :meth:`seal` fsyncs it and renames it to
    ``blob.path``. Sealing late lets the disk write the bytes back while they are parsed,
    instead of waiting for it first. Nothing refers to a blob before it is sealed."""

    __slots__ = ("_tmp", "blob")

    def __init__(self, blob: StoredBlob, tmp: Path | None) -> None:
        self.blob = blob
        self._tmp = tmp

    @property
    def readable(self) -> Path:
        """Where the blob's bytes can be read now."""
        return self._tmp or self.blob.path

    def seal(self) -> StoredBlob:
        """fsync the bytes and rename them into place (an identical blob already there is
        kept); once, later calls do nothing."""
        tmp, self._tmp = self._tmp, None
        if tmp is None:
            return self.blob
        try:
            fd = os.open(tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            if self.blob.path.exists():
                tmp.unlink()
            else:
                self.blob.path.parent.mkdir(parents=True, exist_ok=True)
                os.replace(tmp, self.blob.path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return self.blob


class EvidenceStore:
    """The ``evidence/`` folder of one workspace."""

    def __init__(self, workspace: Path) -> None:
        self.workspace = Path(workspace)
        self.root = self.workspace / "evidence"
        self.blobs = self.root / "blobs"
        self.manifest_path = self.root / "manifest.json"

    # Blobs -------------------------------------------------------------------------

    def blob_path(self, sha256: str) -> Path:
        """``evidence/blobs/<sha[:2]>/<sha256>`` (whether or not it exists)."""
        return self.blobs / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.blob_path(sha256).is_file()

    def put_bytes(self, data: bytes) -> StoredBlob:
        """Store ``data``; returns the blob (an existing identical blob is reused, and then
        nothing is written)."""
        return self.stage_bytes(data).seal()

    def put_file(self, path: Path) -> StoredBlob:
        """Stream the file at ``path`` into the store while hashing it."""
        return self.stage_file(path).seal()

    def put_stream(self, handle: BinaryIO) -> StoredBlob:
        """Copy ``handle`` to a temporary file in the store, hash, fsync, rename into place."""
        return self.stage_stream(handle).seal()

    def stage_bytes(self, data: bytes) -> StagedBlob:
        """:meth:`put_bytes` but for the seal (:class:`StagedBlob`)."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.blob_path(digest)
        if target.is_file():
            return StagedBlob(StoredBlob(digest, len(data), target), None)
        return self._stage(lambda fd: _write_hashed(data, digest, fd))

    def stage_file(self, path: Path) -> StagedBlob:
        """:meth:`put_file` but for the seal (:class:`StagedBlob`)."""
        try:
            with path.open("rb") as handle:
                return self.stage_stream(handle)
        except OSError as exc:
            raise EvidenceError(f"{path}: cannot read: {exc.strerror or exc}") from exc

    def stage_stream(self, handle: BinaryIO) -> StagedBlob:
        """:meth:`put_stream` but for the seal (:class:`StagedBlob`)."""
        return self._stage(lambda fd: _copy_hashing(handle, fd))

    def _stage(self, write: Callable[[int], tuple[str, int]]) -> StagedBlob:
        """Write a blob to a temporary file with ``write(fd) -> (sha256, size)``; when an
        identical blob is in place already, the temporary file is dropped."""
        self.blobs.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".incoming.", suffix=".tmp", dir=self.blobs)
        tmp = Path(tmp_name)
        try:
            digest, size = write(fd)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        blob = StoredBlob(digest, size, self.blob_path(digest))
        if blob.path.exists():
            tmp.unlink()
            return StagedBlob(blob, None)
        return StagedBlob(blob, tmp)

    def verify(self, sha256: str) -> bool:
        """Whether the blob exists and its bytes still hash to ``sha256``."""
        path = self.blob_path(sha256)
        if not path.is_file():
            return False
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
        return digest.hexdigest() == sha256

    # Manifest ----------------------------------------------------------------------

    def load_manifest(self) -> Manifest:
        """The manifest (empty when nothing was collected yet)."""
        if not self.manifest_path.exists():
            return Manifest()
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
            return Manifest.model_validate(data)
        except (OSError, ValueError, ValidationError) as exc:
            raise EvidenceError(f"{self.manifest_path}: damaged manifest: {exc}") from exc

    def append(
        self, entries: Iterable[Evidence] = (), errors: Iterable[dict[str, str]] = ()
    ) -> Manifest:
        """Append new entries and errors (duplicates skipped) and write the manifest atomically.

        Every entry's blob must already be in the store; the manifest never names a blob
        that is not fully written.
        """
        manifest = self.load_manifest()
        known = {_entry_key(e) for e in manifest.evidence}
        for entry in entries:
            if not self.has(entry.sha256):
                raise EvidenceError(f"blob {entry.sha256} is not in the store; not recorded")
            if _entry_key(entry) not in known:
                manifest.evidence.append(entry)
                known.add(_entry_key(entry))
        for error in errors:
            if error not in manifest.errors:
                manifest.errors.append(error)
        self._write(manifest)
        return manifest

    def find(self, source: str, query: str, sha256: str) -> Evidence | None:
        """The manifest entry for this source, query and blob, if recorded."""
        for entry in self.load_manifest().evidence:
            if _entry_key(entry) == (source, query, sha256):
                return entry
        return None

    def _write(self, manifest: Manifest) -> None:
        text = manifest.model_dump_json(indent=2) + "\n"
        atomic_write(self.manifest_path, text.encode("utf-8"))


def _entry_key(entry: Evidence) -> tuple[str, str, str]:
    return (entry.source, entry.query, entry.sha256)


def _copy_hashing(handle: BinaryIO, fd: int) -> tuple[str, int]:
    """Copy ``handle`` to ``fd`` through one reused buffer (no allocation per block; the
    hash and the write release the GIL, so two blobs are stored on two cores)."""
    digest = hashlib.sha256()
    size = 0
    buffer = bytearray(_CHUNK)
    view = memoryview(buffer)
    with os.fdopen(fd, "wb", buffering=0) as out:
        while count := _read_into(handle, buffer):
            block = view[:count]
            digest.update(block)
            _write_all(out, block)
            size += count
        _start_writeback(out.fileno())
    return digest.hexdigest(), size


def _write_hashed(data: bytes, digest: str, fd: int) -> tuple[str, int]:
    """Write ``data`` (already hashed to ``digest``) to ``fd``."""
    with os.fdopen(fd, "wb", buffering=0) as out:
        _write_all(out, memoryview(data))
        _start_writeback(out.fileno())
    return digest, len(data)


def _start_writeback(fd: int) -> None:
    """Have the kernel start writing the file's pages to disk now, without waiting (on
    Linux, ``POSIX_FADV_DONTNEED`` starts the writeback of dirty pages), so that the
    fsync of :meth:`StagedBlob.seal` finds little left to write."""
    advise = getattr(os, "posix_fadvise", None)
    if advise is not None:
        advise(fd, 0, 0, os.POSIX_FADV_DONTNEED)


def _read_into(handle: BinaryIO, buffer: bytearray) -> int:
    if isinstance(handle, io.BufferedReader | io.FileIO | io.BytesIO):
        return handle.readinto(buffer) or 0
    chunk = handle.read(len(buffer))
    buffer[: len(chunk)] = chunk
    return len(chunk)


def _write_all(out: BinaryIO, block: memoryview) -> None:
    """Write all of ``block`` (an unbuffered write may take only part of it)."""
    while block:
        written = out.write(block) or 0
        block = block[written:]


def workspace_evidence(workspace: Path | None) -> list[Evidence]:
    """The manifest entries of a workspace ([] when nothing was collected, or no workspace)."""
    if workspace is None:
        return []
    return EvidenceStore(workspace).load_manifest().evidence
