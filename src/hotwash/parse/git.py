"""Git changes (``git.log``, from the git source) into records of kind ``change``.

Each line is ``commit|tag`` then fields separated by ``\\x1f`` (see
:mod:`hotwash.sources.git`). ``level`` says what the change is: ``tag``, ``merge`` or
``commit``; ``actor`` is the author or tagger; ``fields`` has the sha, parents and refs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from hotwash.errors import ParseError
from hotwash.parse import ParseContext, register_parser
from hotwash.parse.rows import frame_of_lines
from hotwash.timeutil import parse_instant

__all__ = ["parse_git_log"]

SEP = "\x1f"


def _row(line: str, index: int, ctx: ParseContext) -> dict[str, Any]:
    parts = line.split(SEP)
    if len(parts) < 7 or parts[0] not in {"commit", "tag"}:
        raise ParseError("not a git.log line (expected 7 fields)", ctx.path, index)
    kind, ident, when, who, parents, refs, subject = parts[:7]
    try:
        ts = parse_instant(when)
    except ValueError as exc:
        raise ParseError(f"git date {when!r}: {exc}", ctx.path, index) from exc
    merge = kind == "commit" and len(parents.split()) > 1
    level = "tag" if kind == "tag" else ("merge" if merge else "commit")
    message = f"tag {ident}: {subject}" if kind == "tag" else subject
    fields = {"sha": ident if kind == "commit" else parents, "parents": parents, "refs": refs}
    return {
        "ts": ts,
        "ts_text": when,
        "kind": "change",
        "stream": ctx.stream or ctx.source,
        "level": level,
        "message": message,
        "actor": who or None,
        "fields": json.dumps(fields, sort_keys=True),
        "offset": index,
    }


@register_parser("git.log")
def parse_git_log(data: bytes | Path, ctx: ParseContext) -> pl.DataFrame:
    """One change record per line."""
    return frame_of_lines(data, ctx, _row)
