"""T rules: the timeline."""

from __future__ import annotations

from collections.abc import Iterable

from hotwash.checks.finding import Finding, Severity
from hotwash.checks.rule import CheckContext, Rule, register
from hotwash.document import Document
from hotwash.timeutil import format_utc


@register
class NotChronological(Rule):
    """
    What it checks
        Every timeline entry is at or after the entry before it.

    Why it matters
        A timeline is read top to bottom as the story of the incident. An entry out of
        order makes readers reconstruct the sequence themselves and hides what was known
        when (PagerDuty's guide: start before the incident and work forward).

    Example
        - at: 2024-05-14T14:09:12Z  ... acknowledged
        - at: 2024-05-14T14:06:41Z  ... paged

    Instead
        Order the entries by time (`hotwash timeline --accept` writes them ordered).
    """

    code = "T001"
    name = "not-chronological"
    severity = Severity.ERROR

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        events = doc.incident.timeline
        for index in range(1, len(events)):
            before, here = events[index - 1], events[index]
            if here.at < before.at:
                yield self.finding(
                    doc,
                    f"entry at {format_utc(here.at)} comes after one at {format_utc(before.at)}",
                    ("timeline", index, "at"),
                    hint="order the timeline by time",
                )
