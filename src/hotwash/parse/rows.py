"""Small line-oriented payloads (deploy logs, git log output) parsed row by row.

For formats with a few hundred lines at most, where clarity beats vectorisation; large
logs go through the chunked polars parsers of ``parse.logs`` instead.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

    from hotwash.parse import ParseContext

RowParser = Callable[[str, int, "ParseContext"], dict[str, Any]]


def frame_of_lines(data: bytes | Path, ctx: ParseContext, row: RowParser) -> pl.DataFrame:
    """One record per non-empty line (``row(line, line_number, ctx)``), with source and evidence."""
    import polars as pl

    from hotwash.records import empty_records

    raw = data if isinstance(data, bytes) else Path(data).read_bytes()
    text = raw.decode("utf-8", errors="replace")
    rows = [row(line, i, ctx) for i, line in enumerate(text.splitlines(), 1) if line.strip()]
    if not rows:
        return empty_records()
    frame = pl.DataFrame(rows, infer_schema_length=None)
    return frame.with_columns(
        pl.lit(ctx.source).alias("source"), pl.lit(ctx.evidence).alias("evidence")
    )
