"""Run the selected rules over a document and apply inline suppressions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from hotwash.checks.finding import Finding, Severity
from hotwash.checks.rule import CheckContext, iter_selected
from hotwash.checks.suppression import parse_suppressions
from hotwash.document import Document

__all__ = ["CheckResult", "run_checks"]

_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass
class CheckResult:
    """The findings of one document, and those suppressed with a reason."""

    document: Document
    findings: list[Finding] = field(default_factory=list)
    suppressed: list[tuple[Finding, str]] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        return {s.value: sum(1 for f in self.findings if f.severity is s) for s in Severity}


def run_checks(
    doc: Document,
    ctx: CheckContext | None = None,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
) -> CheckResult:
    """Run every selected rule on ``doc``. ``select``/``ignore`` take codes or prefixes."""
    ctx = ctx or CheckContext()
    select = list(select) or list(ctx.settings.get("select", []))
    ignore = list(ignore) + list(ctx.settings.get("ignore", []))
    suppressions = parse_suppressions(doc.text)
    result = CheckResult(document=doc)
    for rule_cls in iter_selected(select, ignore):
        for found in rule_cls().check(doc, ctx):
            reason = suppressions.reason_for(found.code, found.location.line)
            if reason:
                result.suppressed.append((found, reason))
            elif reason == "":
                note = " (suppression ignored: give a reason after `--`)"
                result.findings.append(replace(found, message=found.message + note))
            else:
                result.findings.append(found)
    result.findings.sort(key=lambda f: (f.location.line or 0, _SEVERITY_ORDER[f.severity], f.code))
    return result
