"""The domain types of a post-mortem: the incident document and its parts.

These are plain pydantic models with no I/O. Every instant is a timezone-aware UTC
:data:`~hotwash.timeutil.UtcDatetime`; unknown fields are refused so that a typo in
``incident.yaml`` is an error, not silently dropped data.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from enum import StrEnum
from itertools import pairwise
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from hotwash.timeutil import UtcDatetime

__all__ = [
    "ActionItem",
    "ActionStatus",
    "ActionType",
    "Distribution",
    "Event",
    "EventKind",
    "ExtraSection",
    "Factor",
    "FactorKind",
    "Impact",
    "Incident",
    "Milestones",
    "SourceSpec",
    "Status",
    "TrackerRef",
    "WhyChain",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, use_enum_values=False)


class Status(StrEnum):
    """Where the post-mortem is in its life."""

    DRAFT = "draft"
    IN_REVIEW = "in-review"
    REVIEWED = "reviewed"
    PUBLISHED = "published"
    CLOSED = "closed"


class EventKind(StrEnum):
    """What kind of happening a timeline entry records."""

    SIGNAL = "signal"
    ALERT = "alert"
    PAGE = "page"
    ACTION = "action"
    COMMUNICATION = "communication"
    CHANGE = "change"
    MILESTONE = "milestone"


class FactorKind(StrEnum):
    TRIGGER = "trigger"
    CONTRIBUTING = "contributing"
    SYSTEMIC = "systemic"


FACTOR_CATEGORIES = (
    "monitoring",
    "testing",
    "runbook",
    "capacity",
    "change",
    "dependency",
    "communication",
    "design",
    "configuration",
    "process",
    "tooling",
    "documentation",
    "other",
)


class ActionType(StrEnum):
    MITIGATE = "mitigate"
    PREVENT = "prevent"
    DETECT = "detect"
    PROCESS = "process"
    REPAIR = "repair"
    INVESTIGATE = "investigate"


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in-progress"
    DONE = "done"
    DECLINED = "declined"


def _kebab(value: Any) -> Any:
    if isinstance(value, str):
        return re.sub(r"[\s_]+", "-", value.strip().lower())
    return value


class Milestones(_Model):
    """The five instants every incident has; durations are derived from them."""

    impact_started: UtcDatetime | None = None
    detected: UtcDatetime | None = None
    acknowledged: UtcDatetime | None = None
    mitigated: UtcDatetime | None = None
    resolved: UtcDatetime | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Milestones:
        named = [(n, getattr(self, n)) for n in MILESTONE_NAMES]
        present = [(n, v) for n, v in named if v is not None]
        for (a, va), (b, vb) in pairwise(present):
            if vb < va:
                raise ValueError(f"milestone {b} ({vb:%Y-%m-%d %H:%M:%S} UTC) is before {a}")
        return self


MILESTONE_NAMES = ("impact_started", "detected", "acknowledged", "mitigated", "resolved")


class Impact(_Model):
    """Who and what was hurt, in words and, where known, in numbers."""

    description: str = ""
    failed_requests: int | None = Field(default=None, ge=0)
    users_affected: int | None = Field(default=None, ge=0)
    revenue_lost: float | None = Field(default=None, ge=0)
    currency: str | None = None
    data_lost: bool | None = None


class Event(_Model):
    """One timeline entry."""

    at: UtcDatetime
    title: str = Field(min_length=1)
    id: str | None = None
    source: str | None = None
    sources: list[str] = Field(default_factory=list)
    actor: str | None = None
    kind: EventKind | None = None
    evidence: list[str] = Field(default_factory=list)
    known_at_the_time: bool = True
    auto: bool = False
    confidence: float | None = Field(default=None, ge=0, le=1)
    details: str | None = None

    _normalize_kind = field_validator("kind", mode="before")(_kebab)


class Factor(_Model):
    """A contributing factor: the trigger, a contributing condition, or a systemic issue."""

    id: str | None = None
    kind: FactorKind
    category: str = "other"
    text: str = Field(min_length=1)
    events: list[str] = Field(default_factory=list)

    _normalize_kind = field_validator("kind", mode="before")(_kebab)

    @field_validator("category", mode="before")
    @classmethod
    def _category(cls, value: Any) -> Any:
        value = _kebab(value)
        if isinstance(value, str) and value not in FACTOR_CATEGORIES:
            raise ValueError(f"unknown category {value!r}; one of {', '.join(FACTOR_CATEGORIES)}")
        return value


class WhyChain(_Model):
    """A five-whys chain: a problem statement and its successive answers."""

    id: str | None = None
    problem: str = Field(min_length=1)
    whys: list[str] = Field(default_factory=list)


class TrackerRef(_Model):
    """Where an action item is tracked: ``github:owner/repo#12``, ``jira:OPS-42``."""

    system: str
    key: str
    url: str | None = None
    state: str | None = None
    synced_at: UtcDatetime | None = None


class ActionItem(_Model):
    """A commitment: one owner, a deadline, a priority, a type, the factor it addresses."""

    id: str = Field(pattern=r"^[A-Z]{1,6}-\d{1,5}$")
    action: str = Field(min_length=1)
    owner: str | None = None
    due: date | None = None
    priority: str | None = Field(default=None, pattern=r"^P[0-4]$")
    type: ActionType | None = None
    factors: list[str] = Field(default_factory=list)
    status: ActionStatus = ActionStatus.OPEN
    declined_reason: str | None = None
    done_on: date | None = None
    sponsor: str | None = None
    tracker: TrackerRef | None = None

    _normalize = field_validator("type", "status", mode="before")(_kebab)

    @field_validator("priority", mode="before")
    @classmethod
    def _priority(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _declined_needs_reason(self) -> ActionItem:
        if self.status is ActionStatus.DECLINED and not (self.declined_reason or "").strip():
            raise ValueError("a declined action item needs declined_reason")
        return self


class Distribution(_Model):
    """One delivery of the report: to whom, when, through which channel."""

    to: str
    at: UtcDatetime
    channel: str = "email"
    audience: str = "internal"


class ExtraSection(_Model):
    """A section the template does not know, kept verbatim (from Markdown import)."""

    title: str
    body: str = ""


class SourceSpec(BaseModel):
    """How to get one kind of evidence; options depend on the source kind."""

    model_config = ConfigDict(extra="allow")

    name: str
    kind: str


class Incident(_Model):
    """The post-mortem document."""

    title: str = Field(min_length=1)
    id: str | None = None
    timezone: str | None = None
    severity: str | None = None
    status: Status = Status.DRAFT
    owner: str | None = None
    authors: list[str] = Field(default_factory=list)
    reviewers: list[str] = Field(default_factory=list)
    reviewed_on: date | None = None
    created: UtcDatetime | None = None
    milestones: Milestones = Field(default_factory=Milestones)
    impact: Impact = Field(default_factory=Impact)
    summary: str = ""
    trigger: str = ""
    root_causes: str = ""
    detection: str = ""
    resolution: str = ""
    timeline: list[Event] = Field(default_factory=list)
    factors: list[Factor] = Field(default_factory=list)
    whys: list[WhyChain] = Field(default_factory=list)
    went_well: list[str] = Field(default_factory=list)
    went_poorly: list[str] = Field(default_factory=list)
    lucky: list[str] = Field(default_factory=list)
    lessons: list[str] = Field(default_factory=list)
    prevention: str = ""
    action_items: list[ActionItem] = Field(default_factory=list)
    distribution: list[Distribution] = Field(default_factory=list)
    follow_up_review: UtcDatetime | None = None
    sources: list[SourceSpec] = Field(default_factory=list)
    extra_sections: list[ExtraSection] = Field(default_factory=list)

    _normalize_status = field_validator("status", mode="before")(_kebab)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            from hotwash.timeutil import zone

            zone(value)
        return value

    # Derived durations -------------------------------------------------------------

    def _between(self, start: str, end: str) -> timedelta | None:
        a = getattr(self.milestones, start)
        b = getattr(self.milestones, end)
        return b - a if a is not None and b is not None else None

    @property
    def time_to_detect(self) -> timedelta | None:
        return self._between("impact_started", "detected")

    @property
    def time_to_acknowledge(self) -> timedelta | None:
        return self._between("detected", "acknowledged")

    @property
    def time_to_mitigate(self) -> timedelta | None:
        return self._between("impact_started", "mitigated")

    @property
    def time_to_resolve(self) -> timedelta | None:
        return self._between("impact_started", "resolved")

    @property
    def durations(self) -> dict[str, timedelta | None]:
        """Time to detect, acknowledge, mitigate and resolve, from the milestones."""
        return {
            "detect": self.time_to_detect,
            "acknowledge": self.time_to_acknowledge,
            "mitigate": self.time_to_mitigate,
            "resolve": self.time_to_resolve,
        }

    @property
    def people(self) -> set[str]:
        """Every person the document names in a role: authors, owners, actors, reviewers."""
        names = {*self.authors, *self.reviewers}
        if self.owner:
            names.add(self.owner)
        names.update(a.owner for a in self.action_items if a.owner)
        names.update(a.sponsor for a in self.action_items if a.sponsor)
        names.update(e.actor for e in self.timeline if e.actor)
        return {n.strip() for n in names if n and n.strip()}
