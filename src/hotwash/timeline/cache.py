"""The log detectors' aggregates of a workspace's records, kept between timeline runs.

Reading and masking the log lines is most of a timeline's time (about 4.5 s for a
gigabyte of logs), and a post-mortem builds the same timeline several times
(``hotwash timeline`` to review it, ``--accept`` to write it, again after an edit of the
document). What the log detectors keep of the lines, their merged aggregates
(:func:`~hotwash.detect.signatures.line_aggregates`,
:func:`~hotwash.detect.http_errors.access_aggregates`), depends on nothing but:

- the records files (their names, sizes and modification times: a records file is
  written whole and renamed into place, never changed where it is);
- the incident window and baseline (:class:`~hotwash.detect.base.DetectContext`), the
  clock offsets the timeline corrects, and which log detectors run;
- the code that computes them: the text of the modules of :data:`CODE`, hashed, and the
  versions of Hotwash and polars, so any change to masking or grouping starts afresh.

Those make the key. The aggregates are written beside the records,
``records/aggregates/<key>.<part>.parquet`` (derived data: deleting the folder costs one
slower run; about a tenth of a second to write for a gigabyte of logs), and read instead
of the lines when every part of the key is there. Only the newest key is kept. A cache
that cannot be written (a read-only workspace, a full disk) is skipped: the timeline
never depends on it. ``hotwash timeline --no-cache`` (``TimelineOptions(cache=False)``)
neither reads nor writes it.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path

import polars as pl

from hotwash import __version__
from hotwash.detect.base import DetectContext

__all__ = ["CODE", "FOLDER", "AggregateCache", "Parts"]

#: The folder under ``records/`` that holds the aggregates.
FOLDER = "aggregates"

#: The modules whose text is part of every key.
CODE = (
    "hotwash.detect.masking",
    "hotwash.detect.signatures",
    "hotwash.detect.http_errors",
    "hotwash.detect.firstline",
    "hotwash.detect.frames",
    "hotwash.detect.bursts",
    "hotwash.skew",
    "hotwash.timeline.load",
    "hotwash.timeline.evidence",
    "hotwash.timeline.cache",
)

#: Aggregates by part name: ``lines`` (signatures), ``buckets`` and ``histogram`` (access
#: logs), each present when its detector runs and there are log rows.
Parts = dict[str, pl.DataFrame]


@cache
def _code_fingerprint() -> str:
    """A hash of the versions of Hotwash and polars and of the text of :data:`CODE` (a
    module whose text cannot be read counts by its name)."""
    digest = hashlib.sha256(f"{__version__} polars {pl.__version__}".encode())
    for name in CODE:
        path = getattr(importlib.import_module(name), "__file__", None)
        try:
            digest.update(Path(path).read_bytes() if path else name.encode())
        except OSError:
            digest.update(name.encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class AggregateCache:
    """Where the aggregates of one run's records and settings are kept."""

    folder: Path
    key: str
    parts: tuple[str, ...]

    @classmethod
    def of(
        cls,
        files: Sequence[str],
        offsets: Mapping[str, timedelta],
        context: DetectContext,
        parts: Sequence[str],
    ) -> AggregateCache | None:
        """The cache of these settings; None without records files, or when one of them
        cannot be read."""
        if not files:
            return None
        seen: list[tuple[str, int, int]] = []
        try:
            for name in sorted(files):
                info = os.stat(name)
                seen.append((Path(name).name, info.st_size, info.st_mtime_ns))
        except OSError:
            return None
        baseline = context.baseline
        chosen = tuple(sorted(parts))
        settings = {
            "code": _code_fingerprint(),
            "files": seen,
            "window": [context.window.start.isoformat(), context.window.end.isoformat()],
            "baseline": [baseline.start.isoformat(), baseline.end.isoformat()]
            if baseline is not None
            else None,
            "offsets": {k: v // timedelta(microseconds=1) for k, v in sorted(offsets.items())},
            "parts": chosen,
        }
        key = hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:32]
        return cls(Path(files[0]).parent / FOLDER, key, chosen)

    def load(self) -> Parts | None:
        """The aggregates kept under this key, or None."""
        found: Parts = {}
        for part in self.parts:
            try:
                found[part] = pl.read_parquet(self._path(part))
            except (OSError, pl.exceptions.PolarsError):
                return None
        return found

    def save(self, parts: Parts) -> None:
        """Keep ``parts`` (when they are all of this key's parts) under this key, each
        written whole then renamed into place, and drop those of other keys. Failures
        are ignored."""
        if set(parts) != set(self.parts):
            return
        try:
            self.folder.mkdir(exist_ok=True)
            for part, frame in parts.items():
                fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=self.folder)
                os.close(fd)
                try:
                    frame.write_parquet(tmp, compression="lz4", statistics=False)
                    os.replace(tmp, self._path(part))
                finally:
                    Path(tmp).unlink(missing_ok=True)
            for old in self.folder.glob("*.parquet"):
                if old.name.split(".")[0] != self.key:
                    old.unlink(missing_ok=True)
        except (OSError, pl.exceptions.PolarsError):
            return

    def _path(self, part: str) -> Path:
        return self.folder / f"{self.key}.{part}.parquet"
