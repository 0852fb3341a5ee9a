"""The timeline as readable text: one line per entry, the date on every line, UTC."""

from __future__ import annotations

from hotwash.timeline.result import Entry, TimelineResult
from hotwash.timeutil import format_duration, format_utc

__all__ = ["format_entry", "format_result"]

_DURATION_NAMES = {
    "detect": "time to detect",
    "acknowledge": "time to acknowledge",
    "mitigate": "time to mitigate",
    "resolve": "time to resolve",
}


def _sources(entry: Entry) -> str:
    event = entry.event
    names = event.sources or ([event.source] if event.source else sorted(entry.times))
    return ",".join(names) or "-"


def _row(entry: Entry, widths: tuple[int, int]) -> tuple[str, ...]:
    event = entry.event
    confidence = "doc" if entry.in_document else f"{event.confidence or 0:.2f}"
    kind = event.kind.value if event.kind else "-"
    title = event.title if entry.count == 1 else f"{event.title} (x{entry.count})"
    return (
        f"{entry.id:<9}",
        format_utc(event.at),
        f"{_clip(_sources(entry), widths[0]):<{widths[0]}}",
        f"{_clip(event.actor or '-', widths[1]):<{widths[1]}}",
        f"{kind:<13}",
        f"{confidence:<4}",
        _clip(title, 110),
    )


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _widths(entries: list[Entry]) -> tuple[int, int]:
    sources = max((len(_sources(e)) for e in entries), default=9)
    actors = max((len(e.event.actor or "-") for e in entries), default=5)
    return max(9, min(sources, 40)), max(5, min(actors, 24))


def format_entry(entry: Entry) -> str:
    """``<id> <date time UTC> <sources> <actor> <kind> <confidence> <title> (xN)``."""
    return "  ".join(_row(entry, _widths([entry])))


def format_result(result: TimelineResult) -> str:
    """The whole result: entries, proposed milestones, durations, skew, flags, suggestions."""
    widths = _widths(result.entries)
    head = (
        f"{'id':<9}",
        f"{'when (UTC)':<23}",
        f"{'source(s)':<{widths[0]}}",
        f"{'actor':<{widths[1]}}",
        f"{'kind':<13}",
        "conf",
        "title",
    )
    lines = ["  ".join(head), *("  ".join(_row(e, widths)) for e in result.entries)]
    if not result.entries:
        lines.append("(no events found)")
    lines += ["", "Proposed milestones:"]
    lines += [f"  {m.name:<15} {format_utc(m.at)}  ({m.reason})" for m in result.milestones]
    if not result.milestones:
        lines.append("  (none)")
    lines += ["", "Durations:"]
    lines += [
        f"  {_DURATION_NAMES[name]:<20} {format_duration(value)}"
        for name, value in result.durations.items()
    ]
    lines += _section("Clock skew and time flags:", [f.message for f in result.flags])
    lines += _section("Suggestions:", [s.message for s in result.suggestions])
    return "\n".join(lines)


def _section(title: str, items: list[str]) -> list[str]:
    return ["", title, *(f"  - {item}" for item in items)] if items else []
