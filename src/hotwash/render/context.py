"""What the report templates see: the redacted incident and everything derived from it.

:func:`build_context` redacts the incident first (secrets always, more per the policy),
then derives durations, factor groups, the timeline with its evidence links, evidence
excerpts, coverage and gaps, the findings and the charts. Templates only format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from hotwash.document import Document
from hotwash.model import Event, Factor, FactorKind, Incident
from hotwash.redact import RedactionHit, RedactionPolicy, redact_incident, redact_text
from hotwash.render.charts import Chart
from hotwash.render.excerpts import Excerpt, collect_excerpts
from hotwash.timeutil import format_duration, format_utc

__all__ = ["CoverageRow", "FindingRow", "ReportContext", "TimelineRow", "build_context"]

DURATION_LABELS = {
    "detect": "Time to detect",
    "acknowledge": "Time to acknowledge",
    "mitigate": "Time to mitigate",
    "resolve": "Time to resolve",
}


@dataclass(frozen=True)
class TimelineRow:
    number: int
    event: Event
    excerpts: list[Excerpt]


@dataclass(frozen=True)
class FindingRow:
    severity: str
    code: str
    name: str
    message: str
    field: str
    hint: str


@dataclass(frozen=True)
class CoverageRow:
    source: str
    kind: str
    window: str
    records: int
    gaps: list[str]


@dataclass
class ReportContext:
    """Everything a report template needs, already redacted."""

    incident: Incident
    audience: str = "internal"
    timeline: list[TimelineRow] = field(default_factory=list)
    excerpts: list[Excerpt] = field(default_factory=list)
    coverage: list[CoverageRow] = field(default_factory=list)
    coverage_problem: str = ""
    findings: list[FindingRow] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    chart_files: dict[str, str] = field(default_factory=dict)
    charts_missing: bool = False
    chart_problems: list[str] = field(default_factory=list)
    hits: list[RedactionHit] = field(default_factory=list)

    @property
    def day(self) -> date | None:
        """The incident's date: impact start, else the first event, else creation."""
        i = self.incident
        first = i.milestones.impact_started or (i.timeline[0].at if i.timeline else None)
        when = first or i.created
        return when.date() if when else None

    @property
    def durations(self) -> list[tuple[str, str]]:
        return [
            (DURATION_LABELS[k], format_duration(v)) for k, v in self.incident.durations.items()
        ]

    def factors(self, kind: str) -> list[Factor]:
        return [f for f in self.incident.factors if f.kind is FactorKind(kind)]

    @property
    def unsupported_events(self) -> list[int]:
        """Timeline rows that cite no evidence."""
        return [row.number for row in self.timeline if not row.event.evidence]

    @property
    def missing_excerpts(self) -> list[Excerpt]:
        return [e for e in self.excerpts if e.problem]

    def finding_counts(self) -> dict[str, int]:
        counts = {"error": 0, "warning": 0, "info": 0}
        for row in self.findings:
            counts[row.severity] = counts.get(row.severity, 0) + 1
        return counts


def build_context(
    doc: Document,
    policy: RedactionPolicy,
    *,
    workspace: Path | None,
    findings: list[Any],
    charts: bool,
) -> ReportContext:
    """The context of the internal report of ``doc``; every text redacted by ``policy``."""
    incident, hits = redact_incident(doc.incident, policy)
    report = ReportContext(incident=incident, hits=hits)
    excerpts = collect_excerpts(incident, workspace, policy, hits)
    report.excerpts = list(excerpts.values())
    report.timeline = [
        TimelineRow(n, e, [excerpts[r] for r in e.evidence])
        for n, e in enumerate(incident.timeline, 1)
    ]
    report.findings = [_finding_row(f, policy, hits) for f in findings]
    report.coverage, report.coverage_problem = _coverage(workspace)
    if charts:
        from hotwash.render.charts import build_charts, charts_available

        report.charts = build_charts(incident, workspace, policy, hits, report.chart_problems)
        report.charts_missing = not charts_available()
    return report


def _finding_row(finding: Any, policy: RedactionPolicy, hits: list[RedactionHit]) -> FindingRow:
    message = redact_text(finding.message, policy, f"finding:{finding.code}")
    hits.extend(message.hits)
    return FindingRow(
        severity=finding.severity.value,
        code=finding.code,
        name=finding.name,
        message=message.text,
        field=finding.location.field or "",
        hint=finding.hint,
    )


def _coverage(workspace: Path | None) -> tuple[list[CoverageRow], str]:
    """One row per evidence entry of ``evidence/manifest.json`` (none when there is none)."""
    if workspace is None:
        return [], ""
    path = workspace / "evidence" / "manifest.json"
    if not path.is_file():
        return [], ""
    from hotwash.evidence.model import Manifest

    try:
        manifest = Manifest.model_validate_json(path.read_bytes())
    except (OSError, ValidationError, ValueError) as exc:
        return [], f"evidence/manifest.json could not be read: {str(exc).splitlines()[0]}"
    return [_coverage_row(e) for e in manifest.evidence], ""


def _coverage_row(evidence: Any) -> CoverageRow:
    window = evidence.window_covered or evidence.window_asked
    return CoverageRow(
        source=evidence.source,
        kind=evidence.kind,
        window=f"{_hm(window.start)} – {_hm(window.end)}",
        records=evidence.records,
        gaps=[f"{_hm(g.start)} – {_hm(g.end)}: {g.reason}" for g in evidence.gaps],
    )


def _hm(value: datetime) -> str:
    return format_utc(value)
