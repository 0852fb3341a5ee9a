"""The summary of a collect run, as a rich table or as plain text lines."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from hotwash.timeutil import format_duration

if TYPE_CHECKING:
    from rich.table import Table

    from hotwash.collect import CollectResult, SourceOutcome

__all__ = ["summary_rows", "summary_table", "summary_text"]

_COLUMNS = ("source", "kind", "records", "covered (UTC)", "gaps", "errors")


def _covered(outcome: SourceOutcome) -> str:
    span = outcome.covered
    if span is None:
        return "-"
    return f"{span.start:%m-%d %H:%M:%S} .. {span.end:%H:%M:%S}"


def _gaps(outcome: SourceOutcome) -> str:
    gaps = outcome.gaps
    if not gaps:
        return "-"
    parts = [f"{g.start:%H:%M}-{g.end:%H:%M} ({format_duration(g.end - g.start)})" for g in gaps]
    return ", ".join(parts[:3]) + (f" +{len(parts) - 3}" if len(parts) > 3 else "")


def summary_rows(result: CollectResult) -> list[tuple[str, ...]]:
    """One row per source: name, kind, records, covered window, gaps, errors."""
    rows: list[tuple[str, ...]] = []
    for outcome in result.outcomes:
        naive = " naive-timestamps" if any(e.naive_timestamps for e in outcome.entries) else ""
        errors = "; ".join(outcome.errors) or ("nothing returned" if not outcome.records else "")
        rows.append(
            (
                outcome.name,
                outcome.kind,
                f"{outcome.records:,}",
                _covered(outcome),
                _gaps(outcome),
                (errors + naive).strip() or "-",
            )
        )
    return rows


def summary_table(result: CollectResult) -> Table:
    from rich.table import Table

    window = result.window
    title = f"Evidence for {window.start:%Y-%m-%d %H:%M} .. {window.end:%Y-%m-%d %H:%M} UTC"
    table = Table(title=title)
    for column in _COLUMNS:
        table.add_column(column, justify="right" if column == "records" else "left")
    for row in summary_rows(result):
        table.add_row(*row)
    return table


def summary_text(result: CollectResult, width: int = 140) -> str:
    """The table rendered as plain text (for the demo and logs)."""
    from rich.console import Console

    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None).print(summary_table(result))
    return buffer.getvalue().rstrip()
