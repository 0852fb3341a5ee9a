"""F rules: contributing factors and the five whys."""

from __future__ import annotations

import re
from collections.abc import Iterable

from hotwash.checks.finding import Finding, Severity
from hotwash.checks.language import person_in
from hotwash.checks.prose import phrase_line, prose_fields
from hotwash.checks.rule import CheckContext, Rule, register
from hotwash.document import Document
from hotwash.model import FactorKind, WhyChain


@register
class FewContributingFactors(Rule):
    """
    What it checks
        The analysis names at least `min_contributing_factors` (default 2) factors
        besides the trigger: contributing conditions and systemic issues.

    Why it matters
        Failures in complex systems have several contributing causes; an analysis that
        stops at the trigger explains what happened last, not why it could (PagerDuty's
        postmortem guide, "contributing factors"; the VOID report on single root causes).

    Example
        factors:
          - {id: CF-1, kind: trigger, text: "The v2.31.0 rollout changed the pool size."}

    Instead
        Ask what let the trigger do harm: "the load test ran at a tenth of peak", "no
        alert watched pool saturation".
    """

    code = "F001"
    name = "few-contributing-factors"
    severity = Severity.WARNING

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        wanted = int(ctx.settings["min_contributing_factors"])
        found = sum(1 for f in doc.incident.factors if f.kind is not FactorKind.TRIGGER)
        if found < wanted:
            yield self.finding(
                doc,
                f"{found} contributing factor{'s' if found != 1 else ''} named; "
                f"at least {wanted} expected",
                ("factors",),
                hint="add kind: contributing (or systemic) factors: what let the trigger hurt?",
            )


def _overlap(a: str, b: str) -> float:
    words_a = set(re.findall(r"[a-z]{4,}", a.lower()))
    words_b = set(re.findall(r"[a-z]{4,}", b.lower()))
    return len(words_a & words_b) / max(1, min(len(words_a), len(words_b)))


def ends_at_systemic(chain: WhyChain, doc: Document) -> bool:
    """Whether the chain's last answer restates one of the document's systemic factors."""
    if not chain.whys:
        return False
    last = chain.whys[-1]
    systemic = (f.text for f in doc.incident.factors if f.kind is FactorKind.SYSTEMIC)
    return any(_overlap(last, text) >= 0.6 for text in systemic)


@register
class ShortWhyChain(Rule):
    """
    What it checks
        Every five-whys chain has at least `min_whys` (default 5) answers, unless its
        last answer is one of the systemic factors the document names.

    Why it matters
        Atlassian's postmortem handbook uses five whys to get from the proximate cause
        to the root of it; chains that stop at two or three answers usually stop at the
        first technical fact, before the condition an action item can change.

    Example
        whys:
          - problem: Checkout failed with 503.
            whys: [Pods were removed from service., The pool was too small.]

    Instead
        Keep asking "why" until the answer is a condition of the system or the
        organisation (a review step, a default, a missing test).
    """

    code = "F002"
    name = "short-why-chain"
    severity = Severity.WARNING

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        wanted = int(ctx.settings["min_whys"])
        for index, chain in enumerate(doc.incident.whys):
            if len(chain.whys) < wanted and not ends_at_systemic(chain, doc):
                yield self.finding(
                    doc,
                    f"five-whys chain has {len(chain.whys)} answer"
                    f"{'s' if len(chain.whys) != 1 else ''}; {wanted} expected",
                    ("whys", index, "whys"),
                    hint="keep asking why until the answer is a condition of the system",
                )


@register
class WhyEndsAtPerson(Rule):
    """
    What it checks
        The last answer of a five-whys chain is a person ("human error", a name from
        the document, an @handle, "the engineer") rather than a condition of the system.

    Why it matters
        A chain that ends at a person ends where learning should start: the next "why"
        is what made the action reasonable at the time. The Google SRE workbook and
        PagerDuty's guide both reject a person as a root cause.

    Example
        whys: [..., "The engineer ran the migration against production."]

    Instead
        Ask one more why: "The migration tool defaults to the production context."
    """

    code = "F003"
    name = "why-ends-at-person"
    severity = Severity.ERROR

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        people = sorted(doc.incident.people)
        for index, chain in enumerate(doc.incident.whys):
            if not chain.whys:
                continue
            who = person_in(chain.whys[-1], people)
            if who:
                path = ("whys", index, "whys", len(chain.whys) - 1)
                yield self.finding(
                    doc,
                    f"five-whys chain ends at a person ({who!r}), not a condition of the system",
                    path,
                    hint="ask one more why: what made that action possible or likely?",
                    words=who,
                )


_SINGLE_CAUSE = re.compile(
    r"\bthe\s+(?:single\s+|one\s+|only\s+|sole\s+|real\s+|actual\s+|main\s+|underlying\s+)?"
    r"root\s+cause\s+(?:of\s+(?:the|this)\s+\w+\s+)?(?:was|is)\b",
    re.IGNORECASE,
)


@register
class SingleRootCause(Rule):
    """
    What it checks
        Single-cause framing in prose: "the root cause was ...", "the root cause of the
        outage is ...".

    Why it matters
        Complex-system failures have several contributing factors; naming one root
        cause stops the search early and invites blame of whoever touched it last
        (PagerDuty's postmortem guide; the VOID report). The Google SRE book keeps a
        "root causes" heading, plural.

    Example
        root_causes: "The root cause was a changed pool default."

    Instead
        "Contributing factors include a changed pool default, a load test below peak
        and no saturation alert."
    """

    code = "F004"
    name = "single-root-cause"
    severity = Severity.INFO

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        for field in prose_fields(doc):
            if field.section == "quote":
                continue
            for match in _SINGLE_CAUSE.finditer(field.text):
                yield self.finding(
                    doc,
                    f'"{match.group(0)}" frames the incident as having a single cause',
                    field.path,
                    hint="write 'contributing factors include ...' and list them",
                    words=match.group(0),
                    line=phrase_line(doc, field.path, match.group(0)),
                )


@register
class UnaddressedFactor(Rule):
    """
    What it checks
        Every factor (trigger, contributing, systemic) is addressed by at least one
        action item: an item whose `factors:` lists the factor's `id`. A factor with no
        `id` cannot be referenced and is flagged too.

    Why it matters
        The Google SRE workbook ties every action item to what it fixes and asks for
        preventive items, not only mitigations; a factor nobody acts on is a known
        condition left in place for the next incident. Record a decision not to act
        as a declined item with a reason (PagerDuty).

    Example
        factors: [{id: CF-3, kind: contributing, text: "No alert on pool saturation."}]
        action_items: []      # nothing lists CF-3

    Instead
        Add an item with `factors: [CF-3]`, or a declined one with `declined_reason:`.
    """

    code = "F005"
    name = "unaddressed-factor"
    severity = Severity.WARNING

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        addressed = {ref for item in doc.incident.action_items for ref in item.factors}
        for index, factor in enumerate(doc.incident.factors):
            if factor.id is None:
                message = f"{factor.kind.value} factor has no id, so no action item can address it"
            elif factor.id not in addressed:
                message = f"no action item addresses {factor.id} ({factor.kind.value})"
            else:
                continue
            yield self.finding(
                doc,
                message,
                ("factors", index),
                hint="add an action item with factors: [ID] (or a declined one with a reason)",
            )


@register
class NoSystemicFactor(Rule):
    """
    What it checks
        At least one factor has `kind: systemic`: a condition of the organisation, the
        process or the architecture, beyond this incident's technical chain.

    Why it matters
        The Google SRE workbook's review checklist asks whether the post-mortem finds
        what makes the class of incident possible, and Google's post-mortem analysis
        tracks causes across incidents. Without a systemic factor the same failure comes
        back in another service.

    Example
        factors: only `trigger` and `contributing` kinds.

    Instead
        Add one: "Dependency upgrades are reviewed for API changes but not for changed
        defaults."
    """

    code = "F006"
    name = "no-systemic-factor"
    severity = Severity.WARNING

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        factors = doc.incident.factors
        if factors and not any(f.kind is FactorKind.SYSTEMIC for f in factors):
            yield self.finding(
                doc,
                "no systemic factor named",
                ("factors",),
                hint="add a factor with kind: systemic (process, organisation, architecture)",
            )
