"""Resolving render options: workspace, settings, redaction policy, findings, audience."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from hotwash.config import Settings
from hotwash.document import Document
from hotwash.errors import RenderError
from hotwash.redact import RedactionPolicy
from hotwash.render.context import ReportContext, build_context
from hotwash.render.external import ExternalReport, build_external

__all__ = ["RenderOptions"]

_KNOWN = {
    "audience",
    "findings",
    "now",
    "settings",
    "policy",
    "workspace",
    "charts",
    "check_context",
}


@dataclass
class RenderOptions:
    """The options of one render, with their defaults filled in from the document."""

    audience: str = "internal"
    workspace: Path | None = None
    settings: Settings = field(default_factory=Settings)
    policy: RedactionPolicy = field(default_factory=RedactionPolicy)
    findings: list[Any] | None = None
    now: datetime | None = None
    charts: bool = True
    check_context: Any = None

    @classmethod
    def from_options(cls, doc: Document, options: dict[str, Any]) -> RenderOptions:
        unknown = set(options) - _KNOWN
        if unknown:
            raise RenderError(f"unknown render option {sorted(unknown)[0]!r}")
        audience = str(options.get("audience") or "internal")
        if audience not in {"internal", "external"}:
            raise RenderError(f"unknown audience {audience!r}; use internal or external")
        workspace = options.get("workspace") or (doc.path.parent if doc.path else None)
        settings = options.get("settings") or _settings(workspace)
        return cls(
            audience=audience,
            workspace=Path(workspace) if workspace else None,
            settings=settings,
            policy=options.get("policy") or RedactionPolicy.from_settings(settings),
            findings=options.get("findings"),
            now=options.get("now"),
            charts=bool(options.get("charts", True)),
            check_context=options.get("check_context"),
        )

    def build(self, doc: Document, charts: bool) -> ReportContext | ExternalReport:
        """The template context for this audience."""
        if self.audience == "external":
            return build_external(doc, self.policy)
        return build_context(
            doc, self.policy, workspace=self.workspace, findings=self._findings(doc), charts=charts
        )

    def _findings(self, doc: Document) -> list[Any]:
        if self.findings is not None:
            return list(self.findings)
        from hotwash.checks.rule import CheckContext
        from hotwash.checks.runner import run_checks

        ctx = self.check_context
        if ctx is None:
            from hotwash.evidence.store import workspace_evidence

            ctx = CheckContext(settings=self.settings, evidence=workspace_evidence(self.workspace))
        if self.now is not None:
            ctx.now = self.now
        return list(run_checks(doc, ctx).findings)


def _settings(workspace: Path | None) -> Settings:
    if workspace is None:
        return Settings()
    from hotwash.config import load_settings

    return load_settings(workspace)
