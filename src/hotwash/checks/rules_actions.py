"""A rules: action items."""

from __future__ import annotations

from collections.abc import Iterable

from hotwash.checks.finding import Finding, Severity
from hotwash.checks.rule import CheckContext, Rule, register
from hotwash.document import Document


@register
class MissingOwner(Rule):
    """
    What it checks
        Every action item names one owner.

    Why it matters
        An action item without an owner is an action item nobody does. The Google SRE
        workbook asks for a single owner and a tracking bug for every item; incident.io's
        analysis of follow-ups that fail puts "no owner" first.

    Example
        - id: AI-003
          action: Add an alert on pool saturation above 90 % for 5 minutes

    Instead
        Add `owner:` with one person or team handle (`owner: "@dana"`).
    """

    code = "A001"
    name = "missing-owner"
    severity = Severity.ERROR

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        for index, item in enumerate(doc.incident.action_items):
            if not (item.owner or "").strip():
                yield self.finding(
                    doc,
                    f"{item.id} has no owner",
                    ("action_items", index, "owner"),
                    hint="name one person or team who will see it through",
                )
