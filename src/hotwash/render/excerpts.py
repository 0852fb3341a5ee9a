"""Evidence excerpts: the lines behind each timeline entry, for the report's appendix.

An event's evidence ref is ``<sha256>#L<line>`` (or ``#L<a>-L<b>``, or the bare sha256).
The blob lives at ``<workspace>/evidence/blobs/<sha[:2]>/<sha>`` (plain or gzip). Each
excerpt keeps a few lines of context, every line redacted; a missing blob is reported as
missing, never silently dropped.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, cast

from hotwash.model import Incident
from hotwash.redact import RedactionHit, RedactionPolicy, redact_text

__all__ = ["CONTEXT_LINES", "Excerpt", "ExcerptLine", "blob_path", "collect_excerpts", "parse_ref"]

CONTEXT_LINES = 2
MAX_LINE_CHARS = 400
_REF = re.compile(r"^(?P<sha>[0-9a-f]{64})(?:#L(?P<first>\d+)(?:-L?(?P<last>\d+))?)?$")


@dataclass(frozen=True)
class ExcerptLine:
    number: int
    text: str
    cited: bool


@dataclass
class Excerpt:
    """The lines around one evidence ref, or why they could not be shown."""

    ref: str
    anchor: str
    sha256: str = ""
    first: int | None = None
    last: int | None = None
    lines: list[ExcerptLine] = field(default_factory=list)
    problem: str = ""
    events: list[int] = field(default_factory=list)

    @property
    def label(self) -> str:
        where = "" if self.first is None else f" line {self.first}"
        if self.last is not None and self.last != self.first:
            where = f" lines {self.first}–{self.last}"
        return f"{self.sha256[:12] or self.ref[:40]}{where}"


def parse_ref(ref: str) -> tuple[str, int | None, int | None] | None:
    """``(sha256, first line, last line)`` of an evidence ref, or None if malformed."""
    match = _REF.match(ref.strip())
    if match is None:
        return None
    first = int(match["first"]) if match["first"] else None
    last = int(match["last"]) if match["last"] else first
    return match["sha"], first, last


def blob_path(workspace: Path, sha256: str) -> Path:
    return workspace / "evidence" / "blobs" / sha256[:2] / sha256


def _anchor(ref: str) -> str:
    return "ev-" + re.sub(r"[^A-Za-z0-9-]", "-", ref.strip())[:90]


def collect_excerpts(
    incident: Incident,
    workspace: Path | None,
    policy: RedactionPolicy,
    hits: list[RedactionHit],
) -> dict[str, Excerpt]:
    """Ref -> excerpt for every evidence ref of the timeline, in timeline order."""
    excerpts: dict[str, Excerpt] = {}
    for number, event in enumerate(incident.timeline, start=1):
        for ref in event.evidence:
            if ref not in excerpts:
                excerpts[ref] = _excerpt(ref, workspace, policy, hits)
            excerpts[ref].events.append(number)
    return excerpts


def _excerpt(
    ref: str, workspace: Path | None, policy: RedactionPolicy, hits: list[RedactionHit]
) -> Excerpt:
    excerpt = Excerpt(ref=ref, anchor=_anchor(ref))
    parsed = parse_ref(ref)
    if parsed is None:
        excerpt.problem = "not an evidence reference (expected <sha256>#L<line>)"
        return excerpt
    excerpt.sha256, excerpt.first, excerpt.last = parsed
    path = blob_path(workspace, excerpt.sha256) if workspace else None
    if path is None or not path.is_file():
        excerpt.problem = "the evidence blob is not in this workspace"
        return excerpt
    try:
        excerpt.lines = _read_lines(path, excerpt.first, excerpt.last, policy, hits, excerpt.sha256)
    except OSError as exc:
        excerpt.problem = f"the evidence blob cannot be read ({exc.strerror or exc})"
    if excerpt.first is not None and not any(line.cited for line in excerpt.lines):
        excerpt.problem = f"the evidence has no line {excerpt.first}"
    return excerpt


def _open(path: Path) -> IO[bytes]:
    with path.open("rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


def _numbered(handle: IO[bytes]) -> Iterator[tuple[int, str]]:
    for number, raw in enumerate(handle, start=1):
        yield number, raw.decode("utf-8", errors="replace").rstrip("\r\n")


def _read_lines(
    path: Path,
    first: int | None,
    last: int | None,
    policy: RedactionPolicy,
    hits: list[RedactionHit],
    sha: str,
) -> list[ExcerptLine]:
    low = max(1, (first or 1) - CONTEXT_LINES)
    high = (last or first or 1) + CONTEXT_LINES
    lines = []
    with _open(path) as handle:
        for number, text in islice(_numbered(handle), low - 1, high):
            clipped = text if len(text) <= MAX_LINE_CHARS else text[:MAX_LINE_CHARS] + " …"
            result = redact_text(clipped, policy, f"evidence:{sha[:12]}#L{number}")
            hits.extend(result.hits)
            cited = first is not None and first <= number <= (last or first)
            lines.append(ExcerptLine(number, result.text, cited))
    return lines
