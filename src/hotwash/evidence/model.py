"""Evidence: one collected artefact, immutable, addressed by its sha256."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hotwash.timeutil import UtcDatetime

__all__ = ["Evidence", "Gap", "Manifest", "Window"]


class Window(BaseModel):
    """A half-open UTC interval [start, end)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: UtcDatetime
    end: UtcDatetime

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.end < self.start:
            raise ValueError("window end is before its start")
        return self

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


class Gap(BaseModel):
    """A hole in a source's coverage: no lines or samples for longer than expected."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: UtcDatetime
    end: UtcDatetime
    reason: str = "no data"


class Evidence(BaseModel):
    """One manifest entry: what was asked, what came back, where it is stored."""

    model_config = ConfigDict(extra="forbid")

    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    source: str
    kind: str
    format: str
    query: str = ""
    window_asked: Window
    window_covered: Window | None = None
    fetched_at: UtcDatetime
    size: int = Field(ge=0)
    records: int = Field(default=0, ge=0)
    gaps: list[Gap] = Field(default_factory=list)
    naive_timestamps: bool = False
    meta: dict[str, str] = Field(default_factory=dict)


class Manifest(BaseModel):
    """``evidence/manifest.json``: every evidence entry, appended, never rewritten."""

    model_config = ConfigDict(extra="forbid")

    version: int = 1
    evidence: list[Evidence] = Field(default_factory=list)
    errors: list[dict[str, str]] = Field(default_factory=list)
