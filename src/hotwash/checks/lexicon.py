"""Word lists the blame-language engine (:mod:`hotwash.checks.language`) matches with.

Kept apart from the grammar so that they can be read, reviewed and extended on their own.
Sources for the classes: Google SRE workbook ch. 10 (postmortem culture), PagerDuty's
postmortem guide, the Etsy Debriefing Facilitation Guide, Dekker's Field Guide ("they
should have ...").
"""

from __future__ import annotations


def _past(*lemmas: str) -> frozenset[str]:
    """The lemmas with their simple-past and third-person forms (irregular ones listed)."""
    from lemminflect import getInflection

    forms: set[str] = set()
    for lemma in lemmas:
        head, _, tail = lemma.partition(" ")
        for tag in ("VBD", "VBZ"):
            for form in getInflection(head, tag=tag):
                forms.add(f"{form} {tail}".strip())
    return frozenset(forms)


# fmt: off
#: Failure verbs systems also do ("the deploy caused"): the subject must clearly be a person.
FAULT_VERBS = _past(
    "cause", "break", "miss", "skip", "delete", "drop", "misconfigure", "bypass", "corrupt",
    "take down", "knock over", "wipe", "trigger",
) | frozenset(
    f"{verb} {obj}"
    for verb in ("pushed", "deployed", "merged", "shipped", "committed", "introduced", "ran")
    for obj in (
        "a bad", "the bad", "a broken", "the broken", "a faulty", "the faulty", "an untested",
        "untested", "a buggy", "the buggy", "the wrong", "a wrong", "the bug", "a bug",
        "the command", "the wrong command",
    )
)

#: Verbs only people do ("forgot", "ignored"): any person-like subject counts.
HUMAN_VERBS = _past(
    "forget", "ignore", "neglect", "overlook", "mess up", "screw up", "botch", "bungle",
    "fumble", "fat-finger", "mistype", "disregard", "misread", "misjudge", "blow up",
) | frozenset({"made a mistake", "made an error", "made a typo"})

#: Verbs of noticing and doing that make "failed to ..." / "didn't ..." a judgement of a person.
COGNITIVE_VERBS = frozenset(
    {
        "notice", "realise", "realize", "check", "verify", "follow", "read", "consider",
        "understand", "anticipate", "review", "recognise", "recognize", "catch", "see", "test",
        "escalate", "communicate", "double-check", "think", "look", "pay", "heed", "confirm",
        "validate", "ask", "follow-up", "respond", "react",
    }
)

#: Participles after could/would/might have that judge an outcome as avoidable.
AVOIDANCE_VERBS = frozenset(
    {
        "avoided", "prevented", "caught", "detected", "noticed", "stopped", "mitigated",
        "spotted", "foreseen", "predicted", "anticipated", "averted", "known",
    }
)

#: Words that can sit between a subject and its verb ("Bob accidentally broke").
SKIPPABLE = frozenset(
    {
        "had", "has", "have", "then", "also", "again", "just", "already", "never", "simply",
        "apparently", "somehow", "once", "later", "still", "probably", "himself", "herself",
        "themselves",
    }
)

#: Roles that name a person when preceded by a determiner ("the engineer").
ROLE_NOUNS = frozenset(
    {
        "engineer", "operator", "developer", "dev", "sre", "admin", "administrator", "dba",
        "intern", "on-call", "oncall", "employee", "contractor", "person", "technician",
        "responder", "author", "reviewer", "committer", "deployer", "staffer", "newcomer",
        "new-hire", "hire", "manager", "lead", "guy", "colleague",
    }
)

#: Groups of people: a subject for "forgot", "failed to notice", never for "dropped".
GROUP_NOUNS = frozenset({"team", "squad", "crew", "ops", "nobody", "staff", "engineers"})

PERSON_PRONOUNS = frozenset(
    {
        "he", "she", "they", "someone", "somebody", "nobody", "you", "i", "everyone",
    }
)

#: Capitalised words that begin sentences or name things, never a person.
NOT_A_NAME = frozenset(
    {
        "the", "this", "that", "these", "those", "it", "its", "we", "our", "they", "there",
        "then", "when", "after", "before", "during", "once", "while", "because", "since", "if",
        "but", "and", "so", "however", "also", "at", "on", "in", "by", "for", "with", "from",
        "a", "an", "all", "no", "nobody", "each", "every", "some", "one", "what", "which",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
        "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december", "kubernetes", "redis", "postgres", "postgresql", "mysql",
        "kafka", "nginx", "docker", "linux", "terraform", "ansible", "puppet", "chef", "consul",
        "vault", "github", "gitlab", "jenkins", "cloudflare", "amazon", "google", "microsoft",
        "azure", "prometheus", "grafana", "elasticsearch", "memcached", "zookeeper", "etcd",
        "envoy", "istio", "helm", "java", "python", "ruby", "node", "rails", "django",
        "pagerduty", "slack", "jira", "stripe", "heroku", "fastly", "akamai", "twitter",
        "facebook", "apple", "windows", "ubuntu", "debian", "ceph", "cassandra", "mongodb",
        "mongo", "rabbitmq", "sentry", "datadog", "splunk", "traffic", "production", "staging",
        "deployment", "release", "rollout", "monitoring", "alerting", "customers", "users",
        "engineering", "operations", "support", "security", "database", "network", "service",
        "system", "server", "cluster", "application", "team", "nothing", "everything",
        "something", "none", "mitigation", "impact", "detection", "resolution", "summary",
        "trigger", "action", "timeline", "root", "lessons", "configuration", "upgrade",
        "migration", "change", "code", "testing", "capacity", "load", "backup", "backups",
        "replication", "failover", "investigation", "analysis", "automation", "tooling",
        "infrastructure", "storage", "compute", "billing", "checkout", "payments",
    }
)

#: First names that are also English words, taken as names at the start of a sentence.
WORDLIKE_NAMES = frozenset(
    {
        "bob", "mark", "will", "bill", "pat", "jack", "frank", "grant", "rob", "sue", "ray",
        "dawn", "rose", "chase", "amber", "drew", "gene", "joy", "max", "sky", "jay", "dean",
        "hunter", "faith", "hope", "bud", "nick", "rich", "sandy", "summer", "penny", "ruby",
    }
)

#: What follows or precedes "clearly" when it describes an artefact or a manner.
CLEARLY_DESCRIPTIVE = frozenset(
    {
        "labelled", "labeled", "label", "documented", "document", "defined", "define", "marked",
        "mark", "visible", "written", "write", "stated", "state", "identified", "identify",
        "separated", "separate", "explained", "explain", "communicated", "communicate",
        "described", "describe", "formatted", "named", "displayed", "display", "readable",
        "legible", "distinguishable", "delineated", "scoped", "structured", "specified",
        "specify", "articulated", "articulate", "indicate", "indicated", "indicates",
        "understood", "understand", "see", "think", "speak", "spoken", "signposted",
        "distinguish", "shown", "differentiate", "separates", "outline", "outlined",
        "documents", "describes", "states", "explains", "labels", "marks", "lists", "defines",
    }
)

#: For each B code: why it is flagged and how to rewrite it (with its practice source).
REWRITES: dict[str, tuple[str, str]] = {
    "B001": (
        "names a person as the cause of the failure; blame makes people hide what they know "
        "(Google SRE workbook, ch. 10)",
        "make the system the subject: say what allowed or invited the action "
        "(e.g. 'the deploy script allowed a rollout with no canary')",
    ),
    "B002": (
        "'human error' is a label, not a cause; it hides the conditions that made the "
        "action likely (PagerDuty postmortem guide)",
        "name the conditions instead (e.g. 'the runbook step had no confirmation prompt')",
    ),
    "B003": (
        "a counterfactual describes what did not happen and judges with hindsight "
        "(Dekker, 'They should have...'; Etsy debriefing guide)",
        "say what was done and why it made sense at the time; put the fix in an action item",
    ),
    "B004": (
        "judges a person's character instead of describing the situation (Etsy; "
        "Allspaw, 'Blameless postmortems')",
        "describe what the person saw, the pressure they were under, what the tools showed",
    ),
    "B005": (
        "claims that something was obvious, which it is only in hindsight (Etsy debriefing "
        "guide; PagerDuty blameless culture)",
        "say what was visible at the time and how it could have been known",
    ),
    "B006": (
        "a 'why did/didn't you' question demands justification and leads to 'who' "
        "(Etsy debriefing guide; Allspaw, 'The infinite hows')",
        "ask how or what instead (e.g. 'what were you seeing at 14:05?')",
    ),
}
# fmt: on
