"""The external version of a report: for customers, made from the same document.

Three parts: Summary, What happened, What we are doing about it. No names (@handles or
anyone in ``incident.people``), no e-mail addresses, IPs, internal host names or internal
links, no evidence, no rule codes, and fewer internal words ("pod" becomes "server").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hotwash.document import Document
from hotwash.model import ActionStatus, ActionType, FactorKind, Incident
from hotwash.redact import RedactionHit, RedactionPolicy, redact_text
from hotwash.timeutil import format_duration, format_utc

__all__ = ["ExternalReport", "build_external", "plain_language"]

#: Internal words and what a customer would call them (applied whole-word, case-kept).
GLOSSARY: tuple[tuple[str, str], ...] = (
    (r"readiness probes?", "health checks"),
    (r"liveness probes?", "health checks"),
    (r"ReplicaSets?", "previous version"),
    (r"(?:per|each) pod", "per server"),
    (r"pods", "servers"),
    (r"pod", "server"),
    (r"Helm (?:values|chart)s?", "configuration"),
    (r"k8s|Kubernetes", "our hosting platform"),
    (r"5xx|HTTP 5\d\d", "server errors"),
    (r"p99|p95", "slowest requests"),
    (r"on-?call", "engineer on duty"),
)

_PUBLIC_TYPES = (ActionType.PREVENT, ActionType.DETECT, ActionType.MITIGATE, ActionType.REPAIR)


@dataclass(frozen=True)
class Step:
    at: str
    text: str


@dataclass
class ExternalReport:
    title: str
    day: str
    summary: str
    impact: str
    cause: str
    duration: str
    steps: list[Step] = field(default_factory=list)
    actions: list[tuple[str, str]] = field(default_factory=list)
    hits: list[RedactionHit] = field(default_factory=list)


def plain_language(text: str) -> str:
    """Replace internal jargon with words a customer knows."""
    for pattern, plain in GLOSSARY:
        text = re.sub(rf"(?<![\w-])(?:{pattern})(?![\w-])", plain, text, flags=re.I)
    return text


class _Cleaner:
    """Redacts with the external policy and keeps the hits."""

    def __init__(self, policy: RedactionPolicy) -> None:
        self.policy = policy
        self.hits: list[RedactionHit] = []

    def __call__(self, text: str, where: str) -> str:
        result = redact_text(text, self.policy, where)
        self.hits.extend(result.hits)
        return plain_language(result.text).strip()


_STEPS = (
    ("impact_started", "The problem began and customers were affected."),
    ("detected", "Our monitoring detected the problem."),
    ("acknowledged", "Our engineers started working on it."),
    ("mitigated", "The impact was stopped."),
    ("resolved", "The incident was resolved."),
)


def build_external(doc: Document, policy: RedactionPolicy) -> ExternalReport:
    """The external report of ``doc`` under ``policy.for_external`` (people of the document)."""
    incident = doc.incident
    clean = _Cleaner(policy.for_external(incident.people))
    first = incident.milestones.impact_started or (
        incident.timeline[0].at if incident.timeline else None
    )
    report = ExternalReport(
        title=clean(incident.title, "title"),
        day=f"{first:%Y-%m-%d}" if first else "",
        summary=clean(incident.summary, "summary"),
        impact=clean(incident.impact.description, "impact.description"),
        cause=clean(_cause(incident), "trigger"),
        duration=format_duration(incident.time_to_resolve),
    )
    report.steps = [
        Step(format_utc(at, with_seconds=False), text)
        for name, text in _STEPS
        if (at := getattr(incident.milestones, name)) is not None
    ]
    report.actions = [
        (clean(a.action, f"action_items[{n}].action"), _action_state(a.status))
        for n, a in enumerate(incident.action_items)
        if a.type in _PUBLIC_TYPES and a.status is not ActionStatus.DECLINED
    ]
    report.hits = clean.hits
    return report


def _cause(incident: Incident) -> str:
    triggers = [f.text for f in incident.factors if f.kind is FactorKind.TRIGGER]
    return incident.trigger or (triggers[0] if triggers else "")


def _action_state(status: ActionStatus) -> str:
    return {ActionStatus.DONE: "done", ActionStatus.IN_PROGRESS: "in progress"}.get(
        status, "planned"
    )
