"""Taking in one fetched artefact: store the blob, parse it, write records, describe it.

The order is what makes collecting safe to interrupt: the blob is fully in the store
before anything refers to it; the records file is written atomically next; the manifest
entry is appended last. A re-run that fetches the same bytes for the same source and
query finds the entry and does nothing (it only rebuilds a missing records file).
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from hotwash.errors import EvidenceError, HotwashError, ParseError
from hotwash.evidence.coverage import GapPolicy, covered_window, find_gaps
from hotwash.evidence.model import Evidence, Gap, Window
from hotwash.evidence.store import EvidenceStore, StagedBlob, StoredBlob
from hotwash.model import SourceSpec
from hotwash.parse import ParseContext, parse_chunks
from hotwash.records import records_dir
from hotwash.sources.base import Fetched
from hotwash.sources.options import str_option
from hotwash.timeutil import zone

__all__ = ["Ingested", "commit", "ingest", "prepare", "records_path", "write_records"]

_IN_MEMORY_LIMIT = 64 << 20


@dataclass
class Ingested:
    """What became of one artefact: its manifest entry, and a problem if it had one."""

    entry: Evidence
    problem: str | None = None
    new: bool = True
    notes: dict[str, str] = field(default_factory=dict)


def records_path(workspace: Path, sha256: str) -> Path:
    return records_dir(workspace) / f"{sha256}.parquet"


def ingest(
    store: EvidenceStore,
    spec: SourceSpec,
    fetched: Fetched,
    window: Window,
    gaps: GapPolicy,
) -> Ingested:
    """Store, parse and record one artefact; a parse failure keeps the blob and says why."""
    taken = prepare(store, spec, fetched, window, gaps)
    commit(store, taken)
    return taken


def commit(store: EvidenceStore, taken: Ingested) -> None:
    """Append a prepared artefact's new manifest entry (the last step of :func:`ingest`)."""
    if taken.new:
        store.append([taken.entry])


def prepare(
    store: EvidenceStore,
    spec: SourceSpec,
    fetched: Fetched,
    window: Window,
    gaps: GapPolicy,
) -> Ingested:
    """Everything :func:`ingest` does but the manifest append: store the blob, write its
    records, describe it. Safe to run for several artefacts at once (in threads: the work
    is in polars, which releases the GIL), as long as :func:`commit` runs in one thread."""
    staged, payload = _store(store, fetched)
    blob = staged.blob
    target = records_path(store.workspace, blob.sha256)
    try:
        existing = store.find(spec.name, fetched.query, blob.sha256)
        if existing is not None and (target.exists() or existing.meta.get("parse_error")):
            return Ingested(entry=existing, new=False)
        ctx = _context(spec, fetched, blob, window)
        parsed = _parse(fetched.format, payload, ctx, target, window, gaps)
    finally:
        _seal(staged, target)
    entry = existing or Evidence(
        sha256=blob.sha256,
        source=spec.name,
        kind=spec.kind,
        format=ctx.notes.pop("format", fetched.format),
        query=fetched.query,
        window_asked=window,
        window_covered=parsed.covered,
        fetched_at=datetime.now(UTC),
        size=blob.size,
        records=parsed.count,
        gaps=parsed.gaps,
        naive_timestamps=parsed.naive,
        meta=dict(fetched.meta) | ctx.notes,
    )
    return Ingested(entry=entry, problem=parsed.problem, new=existing is None, notes=ctx.notes)


def _seal(staged: StagedBlob, records: Path) -> None:
    """Put the blob in place (it then backs its records); if that fails, the records
    just written for it go too, so that no records file names a blob the store lacks (a
    blob stored before is in place already, and sealing it cannot fail)."""
    try:
        staged.seal()
    except BaseException:
        records.unlink(missing_ok=True)
        raise


@dataclass
class _Parsed:
    count: int = 0
    covered: Window | None = None
    gaps: list[Gap] = field(default_factory=list)
    naive: bool = False
    problem: str | None = None


def _parse(
    fmt: str,
    payload: bytes | Path,
    ctx: ParseContext,
    target: Path,
    window: Window,
    gaps: GapPolicy,
) -> _Parsed:
    """Parse the stored blob into ``target`` and measure it; problems are noted, not raised."""
    parsed = _Parsed()
    try:
        write_records(parse_chunks(fmt, payload, ctx), target)
        frame = _timing_columns(target)
        parsed.count, parsed.covered = frame.height, covered_window(frame)
        parsed.gaps = find_gaps(frame, window, gaps)
    except ParseError as exc:
        parsed.problem = str(exc)
        parsed.naive = type(exc).__name__ == "NaiveTimestampError"
    except pl.exceptions.PolarsError as exc:
        parsed.problem = f"{ctx.path}: could not parse as {fmt}: {str(exc).splitlines()[0]}"
    if parsed.problem:
        ctx.notes["parse_error"] = parsed.problem
    if "truncated" in ctx.notes:
        parsed.problem = f"{ctx.path}: {ctx.notes['truncated']}"
    return parsed


def _timing_columns(target: Path) -> pl.DataFrame:
    """What coverage needs: ``ts`` alone for pure logs (bounded for huge files), and
    ``kind`` and ``stream`` as well when there are metric series to tell apart."""
    scan = pl.scan_parquet(target)
    kinds = set(scan.select(pl.col("kind").unique()).collect()["kind"].to_list())
    if kinds <= {"log"}:
        return scan.select("ts").collect()
    return scan.select("ts", "kind", "stream").collect()


def _store(store: EvidenceStore, fetched: Fetched) -> tuple[StagedBlob, bytes | Path]:
    """The staged blob (sealed by the caller), and what to parse: the very bytes that were
    hashed and stored when they fit in memory (read once), else where the staged blob's
    bytes are (streamed)."""
    if fetched.path is not None:
        data = _read_small(fetched.path)
        if data is None:
            staged = store.stage_file(fetched.path)
            return staged, staged.readable
        return store.stage_bytes(data), data
    if fetched.data is not None:
        staged = store.stage_bytes(fetched.data)
        return staged, fetched.data if staged.blob.size <= _IN_MEMORY_LIMIT else staged.readable
    raise HotwashError(f"artefact {fetched.query!r} has neither data nor path")


def _read_small(path: Path) -> bytes | None:
    """The bytes of a regular file no larger than :data:`_IN_MEMORY_LIMIT`, else None (a
    pipe, or a file that grew past the limit while it was read, is streamed instead)."""
    try:
        with path.open("rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > _IN_MEMORY_LIMIT:
                return None
            data = handle.read(_IN_MEMORY_LIMIT + 1)
            return data if len(data) <= _IN_MEMORY_LIMIT else None
    except OSError as exc:
        raise EvidenceError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def _context(spec: SourceSpec, fetched: Fetched, blob: StoredBlob, window: Window) -> ParseContext:
    tz_name = str_option(spec, "timezone")
    try:
        tz = zone(tz_name) if tz_name else None
    except ValueError as exc:
        raise HotwashError(f"source {spec.name!r}: timezone: {exc}") from exc
    return ParseContext(
        source=spec.name,
        evidence=blob.sha256,
        timezone=tz,
        path=fetched.meta.get("file") or fetched.query,
        year_hint=window.start.year,
        reference=window.start,
        stream=fetched.meta.get("stream"),
        query_name=fetched.meta.get("query_name") or _stem(fetched.meta.get("file")),
    )


def _stem(file: str | None) -> str | None:
    """A saved payload's file name without folder and suffix (``http_rate_by_code``)."""
    return Path(file).stem if file else None


#: Records held in memory and written at once (estimated frame size); past that, the
#: records are written as they are parsed.
IN_MEMORY_RECORDS = 64 << 20


def write_records(
    frames: Iterable[pl.DataFrame], target: Path, held: int = IN_MEMORY_RECORDS
) -> int:
    """Write record frames to ``target`` atomically, in bounded memory; returns the rows.

    Frames are held in memory up to ``held`` bytes and written at once; past that, the
    held frames and the ones still to come are streamed into the file by polars as they
    are parsed (its streaming engine pulls them from the iterator), in order. Either way
    the file is written in a temporary folder beside ``target`` and renamed into place
    when complete; an error while parsing leaves neither.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{target.stem}.", dir=target.parent))
    try:
        tmp = scratch / "all.parquet"
        rows = _write(iter(frames), tmp, held)
        with tmp.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, target)
        return rows
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _write(frames: Iterator[pl.DataFrame], out: Path, held: int) -> int:
    kept: list[pl.DataFrame] = []
    kept_bytes = 0
    for frame in frames:
        kept.append(frame)
        kept_bytes += int(frame.estimated_size())
        if kept_bytes > held:
            return _stream(kept, frames, out)
    if not kept:
        from hotwash.records import empty_records

        kept = [empty_records()]
    _write_final(pl.concat(kept, how="vertical_relaxed", rechunk=False), out)
    return sum(frame.height for frame in kept)


def _stream(kept: list[pl.DataFrame], rest: Iterator[pl.DataFrame], out: Path) -> int:
    """Stream ``kept`` then ``rest`` into ``out`` (frames share the records schema)."""
    from polars.io.plugins import register_io_source

    rows = 0

    def source(*_: object) -> Iterator[pl.DataFrame]:
        nonlocal rows
        while kept:  # handed over one by one, so that none is held once written
            frame = kept.pop(0)
            rows += frame.height
            yield frame
        for frame in rest:
            rows += frame.height
            yield frame

    schema = kept[0].schema
    register_io_source(source, schema=schema).sink_parquet(
        out, compression="zstd", compression_level=1
    )
    return rows


def _write_final(frame: pl.DataFrame, out: Path) -> None:
    # zstd level 1: smaller than the default level and about a fifth faster to write
    frame.write_parquet(out, compression="zstd", compression_level=1)
