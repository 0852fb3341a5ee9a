"""Log files on disk (kind ``logfile``): globs, folders, plain or gzip.

Spec options::

    [[sources]]
    name = "edge-nginx"
    kind = "logfile"
    paths = ["raw/logs/edge/*.log*", "raw/logs/checkout"]   # globs, files or folders
    format = "nginx"            # optional: auto-detected per file from its first lines
    timezone = "Europe/Paris"   # zone of timestamps written without one
    stream = "edge"             # optional: stream name (default: the file name)

Every matching file is one artefact, streamed into the store unchanged (a ``.gz`` file is
stored compressed, exactly as it was). A pattern that matches no file is an error naming
the pattern: a missing log is said plainly, not skipped.
"""

from __future__ import annotations

import glob
from collections.abc import Iterator
from pathlib import Path

from hotwash.errors import SourceError
from hotwash.evidence.model import Window
from hotwash.model import SourceSpec
from hotwash.sources.base import Fetched, Source, register_source
from hotwash.sources.options import list_option, str_option

__all__ = ["LogFileSource", "expand_paths"]


def expand_paths(spec: SourceSpec, patterns: list[str]) -> list[Path]:
    """Every file the patterns name (folders recursively, hidden files skipped), in order."""
    found: list[Path] = []
    for pattern in patterns:
        matches = _expand(Path(pattern).expanduser())
        if not matches:
            raise SourceError(spec.name, f"{pattern!r} matches no file")
        found.extend(m for m in matches if m not in found)
    return found


def _expand(path: Path) -> list[Path]:
    if glob.has_magic(str(path)):
        hits = sorted(Path(p) for p in glob.glob(str(path), recursive=True))
        return [f for hit in hits for f in _expand(hit)]
    if path.is_dir():
        return sorted(
            p
            for p in path.rglob("*")
            if p.is_file() and not any(s.startswith(".") for s in p.parts)
        )
    return [path] if path.is_file() else []


@register_source
class LogFileSource(Source):
    """Log files named by globs, files or folders."""

    name = "logfile"

    def collect(self, spec: SourceSpec, window: Window) -> Iterator[Fetched]:
        """One artefact per file: the file itself, streamed, with format ``log.<format>``."""
        patterns = list_option(spec, "paths") + list_option(spec, "path")
        if not patterns:
            raise SourceError(spec.name, "option 'paths' is required (globs, files or folders)")
        fmt = str_option(spec, "format", "auto")
        stream = str_option(spec, "stream")
        for file in expand_paths(spec, patterns):
            meta = {"file": str(file)}
            if stream:
                meta["stream"] = stream
            yield Fetched(format=f"log.{fmt}", query=str(file), path=file, meta=meta)
