"""B rules: blameless language, found by :func:`hotwash.checks.language.scan_blame`."""

from __future__ import annotations

from collections.abc import Iterable

from hotwash.checks.finding import Finding, Severity
from hotwash.checks.language import scan_blame
from hotwash.checks.prose import phrase_line, prose_fields
from hotwash.checks.rule import CheckContext, Rule, register
from hotwash.document import Document


class _BlameRule(Rule):
    """Shared by the B rules: scan every prose field and keep the hits of this code."""

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        people = tuple(sorted(doc.incident.people))
        for field in prose_fields(doc):
            for hit in scan_blame(field.text, people, field.section):
                if hit.code != self.code:
                    continue
                yield self.finding(
                    doc,
                    f'"{hit.words}": {hit.why}',
                    field.path,
                    hint=hit.rewrite,
                    words=hit.words,
                    line=phrase_line(doc, field.path, hit.words),
                )


@register
class PersonAsCause(_BlameRule):
    """
    What it checks
        A person named as the cause of a failure in the narrative: a name, an @handle or
        a role ("the engineer") as the subject of a failure verb ("caused", "broke",
        "forgot", "ignored"), or "Bob's mistake", "@alice was responsible for the outage".
        Names as action-item owners and as timeline actors are fine.

    Why it matters
        The Google SRE workbook (ch. 10, "Postmortem culture") shows finger-pointing as
        the mark of a bad post-mortem: people who expect blame hide what they know, and
        the next incident is harder to learn from. Agentive phrasing ("Bob broke it")
        measurably raises the blame readers assign (Fausey & Boroditsky, 2010).

    Example
        root_causes: "@alice pushed a bad config that took checkout down."

    Instead
        Make the system the subject: "A config change with an invalid pool size reached
        production; the deploy pipeline has no validation step for it."
    """

    code = "B001"
    name = "person-as-cause"
    severity = Severity.ERROR


@register
class HumanError(_BlameRule):
    """
    What it checks
        "Human error", "operator error", "engineer mistake" and the like used as an
        explanation. Negated uses ("not human error") are fine.

    Why it matters
        PagerDuty's postmortem guide: human error is never a root cause. The label
        ends the inquiry exactly where it should begin: what made the action possible,
        likely and unnoticed? (Also Etsy's Debriefing Facilitation Guide.)

    Example
        summary: "The outage was caused by human error during maintenance."

    Instead
        Name the conditions: "The maintenance script accepted a production host name
        without a confirmation prompt."
    """

    code = "B002"
    name = "human-error"
    severity = Severity.ERROR


@register
class Counterfactual(_BlameRule):
    """
    What it checks
        Counterfactuals: a modal with *have* and a past participle ("should have
        noticed", "could have been avoided"), "if only", and a person who "failed to"
        or "didn't" check, notice or follow something. Forward-looking wording ("we
        should add an alert") is fine, and "it could have been worse" is fine under
        "where we got lucky".

    Why it matters
        A counterfactual describes a world that did not happen and judges the people in
        this one with hindsight (Dekker, *The Field Guide to Understanding Human Error*,
        "They should have..."). The Etsy Debriefing Facilitation Guide and PagerDuty's
        guide ask for what was done and why it made sense at the time.

    Example
        went_poorly: ["The on-call engineer should have rolled back immediately."]

    Instead
        "The rollback took 12 minutes to decide: the dashboard showed no deploy marker,
        so the rollout was not an obvious suspect." Put the fix in an action item.
    """

    code = "B003"
    name = "counterfactual"
    severity = Severity.WARNING


@register
class CharacterJudgement(_BlameRule):
    """
    What it checks
        Judgements of character or attention: "careless", "sloppy", "negligent",
        "lazy", "complacent", "didn't pay attention", "lost situational awareness".

    Why it matters
        These words relabel a failure as a flaw of a person (the "bad apple" view) and
        cannot be falsified. John Allspaw's "Blameless PostMortems and a Just Culture"
        (Etsy) and Dekker's work on folk models ask for the situation instead.

    Example
        went_poorly: ["A careless edit of the Helm values went unreviewed."]

    Instead
        "The Helm values changed in a 400-line diff; the review tool folded the file."
    """

    code = "B004"
    name = "character-judgement"
    severity = Severity.ERROR


@register
class Hindsight(_BlameRule):
    """
    What it checks
        Claims that something was obvious: "obviously", "clearly" (not "clearly
        labelled" or "communicate clearly"), "of course", "it was obvious". Not in
        action items, where "clearly" describes the wanted result.

    Why it matters
        What looks obvious afterwards was one signal among many at the time. The Etsy
        Debriefing Facilitation Guide and PagerDuty's blameless-culture guide flag
        these words as hindsight bias and assumed common knowledge.

    Example
        detection: "The dashboard clearly showed the pool running out."

    Instead
        "The pool-usage panel reached 100 % at 14:03; it sits on the third dashboard
        page, which nobody had open."
    """

    code = "B005"
    name = "hindsight"
    severity = Severity.WARNING


@register
class BlamingQuestion(_BlameRule):
    """
    What it checks
        Questions that demand justification from a person: "why didn't you ...", "why
        did @lee ...", "who broke ...", "whose fault ...".

    Why it matters
        "Why" questions put people on the defensive and lead to "who" (Allspaw, "The
        Infinite Hows"; the Etsy Debriefing Facilitation Guide, "the art of asking
        questions"). Atlassian asks for open thinking, not closed "why weren't we"
        questions.

    Example
        whys: [{problem: "Why didn't you roll back when the alert fired?"}]

    Instead
        "What did the alert and the dashboards show between 14:06 and 14:18?"
    """

    code = "B006"
    name = "blaming-question"
    severity = Severity.WARNING
