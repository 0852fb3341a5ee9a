"""What to collect: the configured sources, the window, and the collector's settings.

Sources come from ``hotwash.toml`` (``[[sources]]`` tables, shared by the incidents under
it; relative paths resolved against the toml's folder) and from the document's
``sources:`` (relative to the workspace). The window runs from the impact start (or the
detection) minus a baseline to the resolution (or the mitigation) plus a tail::

    [collect]
    baseline = "2h"      # before impact_started / detected, to compare against
    tail = "30m"         # after resolved / mitigated
    gap_factor = 5       # a silence longer than factor x the median interval is a gap...
    gap_floor = "5m"     # ...and never shorter than this
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from hotwash.config import Settings
from hotwash.errors import ConfigError
from hotwash.evidence.coverage import GapPolicy
from hotwash.evidence.model import Window
from hotwash.model import Incident, SourceSpec

__all__ = [
    "PATH_OPTIONS",
    "CollectSettings",
    "collect_window",
    "configured_sources",
    "parse_span",
]

#: Options holding paths; relative ones are resolved against where the spec was written.
PATH_OPTIONS = ("path", "paths", "repo", "kubeconfig")

_SPAN = re.compile(r"(\d+(?:\.\d+)?)\s*(d|h|m|s)")
_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}


def parse_span(text: str, where: str = "") -> timedelta:
    """``"2h"``, ``"30m"``, ``"1h30m"``, ``"90s"``, ``"1d"`` as a timedelta."""
    cleaned = str(text).strip().lower().replace(" ", "")
    parts = _SPAN.findall(cleaned)
    if not parts or "".join(n + u for n, u in parts) != cleaned:
        raise ConfigError(f"{where}{text!r} is not a duration such as 2h, 30m or 1h30m")
    return timedelta(seconds=sum(float(n) * _UNITS[u] for n, u in parts))


@dataclass(frozen=True)
class CollectSettings:
    """The ``[collect]`` table of hotwash.toml."""

    baseline: timedelta = timedelta(hours=2)
    tail: timedelta = timedelta(minutes=30)
    gaps: GapPolicy = field(default_factory=GapPolicy)

    @classmethod
    def from_settings(cls, settings: Settings) -> CollectSettings:
        table = settings.section("collect")
        where = f"{settings.path}: [collect] " if settings.path else "[collect] "
        unknown = set(table) - {"baseline", "tail", "gap_factor", "gap_floor"}
        if unknown:
            raise ConfigError(f"{where}unknown key(s): {', '.join(sorted(unknown))}")
        default = cls()
        factor = table.get("gap_factor", default.gaps.factor)
        if not isinstance(factor, int | float) or isinstance(factor, bool) or factor <= 0:
            raise ConfigError(f"{where}gap_factor must be a positive number, got {factor!r}")
        return cls(
            baseline=_span(table, "baseline", default.baseline, where),
            tail=_span(table, "tail", default.tail, where),
            gaps=GapPolicy(
                factor=float(factor), floor=_span(table, "gap_floor", default.gaps.floor, where)
            ),
        )


def _span(table: dict[str, Any], key: str, default: timedelta, where: str) -> timedelta:
    return parse_span(table[key], f"{where}{key}: ") if key in table else default


def collect_window(
    incident: Incident,
    settings: CollectSettings,
    since: datetime | None = None,
    until: datetime | None = None,
    now: datetime | None = None,
) -> Window:
    """The window asked of every source (``since``/``until`` override the milestones)."""
    marks = incident.milestones
    start = since
    if start is None:
        onset = marks.impact_started or marks.detected
        if onset is None:
            raise ConfigError(
                "no window: set milestones.impact_started (or detected) in the document, "
                "or pass --since and --until"
            )
        start = onset - settings.baseline
    end = until
    if end is None:
        finish = marks.resolved or marks.mitigated
        end = finish + settings.tail if finish is not None else now
    if end is None:
        raise ConfigError("no end to the window: set milestones.resolved or pass --until")
    if end <= start:
        raise ConfigError(f"the window ends ({end:%Y-%m-%d %H:%M} UTC) before it starts")
    return Window(start=start, end=end)


def configured_sources(settings: Settings, incident: Incident, workspace: Path) -> list[SourceSpec]:
    """Every source spec, hotwash.toml's first; duplicate names are an error."""
    specs: list[SourceSpec] = []
    raw = settings.raw.get("sources", [])
    if raw and not isinstance(raw, list):
        raise ConfigError(f"{settings.path}: sources must be [[sources]] tables")
    base = settings.path.parent if settings.path else workspace
    for index, table in enumerate(raw):
        specs.append(_spec_from_table(table, f"{settings.path}: sources[{index}]", base))
    for spec in incident.sources:
        specs.append(_resolved(spec, workspace))
    seen: set[str] = set()
    for spec in specs:
        if spec.name in seen:
            raise ConfigError(f"two sources are named {spec.name!r}; names must be unique")
        seen.add(spec.name)
    return specs


def _spec_from_table(table: Any, where: str, base: Path) -> SourceSpec:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: must be a table with name and kind")
    try:
        spec = SourceSpec.model_validate(table)
    except ValidationError as exc:
        problem = exc.errors()[0]
        field_name = ".".join(str(p) for p in problem["loc"])
        raise ConfigError(f"{where}.{field_name}: {problem['msg']}") from exc
    return _resolved(spec, base)


def _resolved(spec: SourceSpec, base: Path) -> SourceSpec:
    extra = dict(spec.model_extra or {})
    for key in PATH_OPTIONS:
        if isinstance(extra.get(key), str):
            extra[key] = _absolute(extra[key], base)
        elif isinstance(extra.get(key), list):
            extra[key] = [_absolute(v, base) if isinstance(v, str) else v for v in extra[key]]
    return SourceSpec(name=spec.name, kind=spec.kind, **extra)


def _absolute(value: str, base: Path) -> str:
    path = Path(value).expanduser()
    return str(path if path.is_absolute() else base / path)
