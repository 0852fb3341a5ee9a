"""The incident workspace: one folder per incident, readable and diff-able in git.

::

    incidents/2024-05-14-checkout-errors/
      incident.yaml     the document
      evidence/         content-addressed blobs + manifest.json (never rewritten)
      records/          parsed evidence, Parquet (derived)
      out/              rendered reports (derived)

:func:`create_workspace` writes it from :class:`InitAnswers`; :func:`ask_answers` fills
the answers by asking a person, through a :class:`Prompter` (a terminal by default), and
runs a guided five whys that warns about blame language in each answer.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from hotwash.document import DOCUMENT_NAME, atomic_write
from hotwash.timeutil import format_iso

__all__ = [
    "ClickPrompter",
    "InitAnswers",
    "Prompter",
    "ask_answers",
    "ask_whys",
    "create_workspace",
    "render_skeleton",
    "workspace_dirs",
]

SUBDIRS = ("evidence", "records", "out")
MAX_WHYS = 5


@dataclass
class InitAnswers:
    """What a new post-mortem starts with; every field may stay empty."""

    title: str | None = None
    severity: str | None = None
    owner: str | None = None
    authors: list[str] = field(default_factory=list)
    impact_started: datetime | None = None
    impact_started_text: str = ""
    """The impact start as the person typed it (kept as a comment next to the UTC value)."""
    summary: str = ""
    problem: str = ""
    whys: list[str] = field(default_factory=list)
    systemic: bool = False
    """The last why is a condition of the system; it is also written as systemic factor CF-1
    (so ``F002 short-why-chain`` accepts a chain shorter than five)."""

    @property
    def people(self) -> list[str]:
        """The names the answers use, so blame checks can tell a person from a system."""
        return [name for name in (self.owner, *self.authors) if name]


def workspace_dirs(root: Path) -> dict[str, Path]:
    return {name: root / name for name in SUBDIRS}


def _quote(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def render_skeleton(answers: InitAnswers, now: datetime | None = None) -> str:
    """The commented incident.yaml a new workspace starts with."""
    now = now or datetime.now(UTC)
    authors = ", ".join(_quote(a) for a in answers.authors)
    lines = [
        "# yaml-language-server: $schema=https://hotwash.dev/schema/incident.json",
        "# A Hotwash post-mortem. All times are UTC (write Z or an offset).",
        f"title: {_quote(answers.title or 'Untitled incident')}",
        f"severity: {_quote(answers.severity or 'SEV3')}",
        "status: draft",
        f"owner: {_quote(answers.owner) if answers.owner else 'null'}",
        f"authors: [{authors}]",
        f"created: {format_iso(now.replace(microsecond=0))}",
        "milestones:",
        f"  impact_started: {_impact_line(answers)}",
        "  detected: null",
        "  acknowledged: null",
        "  mitigated: null",
        "  resolved: null",
        "impact:",
        '  description: ""',
        f"summary: {_quote(answers.summary)}",
        "timeline: []",
        *_factor_lines(answers),
        *_whys_lines(answers),
        "action_items: []",
        "",
    ]
    return "\n".join(lines)


def _impact_line(answers: InitAnswers) -> str:
    if answers.impact_started is None:
        return "null"
    value = format_iso(answers.impact_started)
    typed = answers.impact_started_text.strip()
    return f"{value}  # as typed: {typed}" if typed and typed != value else value


def _factor_lines(answers: InitAnswers) -> list[str]:
    if not (answers.systemic and answers.whys):
        return ["factors: []"]
    return [
        "factors:",
        "  - id: CF-1",
        "    kind: systemic",
        f"    text: {_quote(answers.whys[-1])}",
    ]


def _whys_lines(answers: InitAnswers) -> list[str]:
    if not answers.problem:
        return ["whys: []"]
    lines = ["whys:", f"  - problem: {_quote(answers.problem)}"]
    if not answers.whys:
        return [*lines, "    whys: []"]
    return [*lines, "    whys:", *(f"      - {_quote(w)}" for w in answers.whys)]


def create_workspace(path: Path, answers: InitAnswers, force: bool = False) -> Path:
    """Create the workspace folders and a starting incident.yaml; returns the document path."""
    path.mkdir(parents=True, exist_ok=True)
    target = path / DOCUMENT_NAME
    if target.exists() and not force:
        raise FileExistsError(f"{target} already exists")
    for folder in workspace_dirs(path).values():
        folder.mkdir(exist_ok=True)
    atomic_write(target, render_skeleton(answers).encode("utf-8"))
    return target


# Asking ------------------------------------------------------------------------------


class Prompter(Protocol):
    """How questions reach a person. :class:`ClickPrompter` asks on the terminal."""

    def ask(self, question: str, default: str = "") -> str:
        """The answer to ``question`` (``default`` when the person just presses Enter)."""

    def choose(self, question: str, choices: Sequence[str], default: str) -> str:
        """One of ``choices``."""

    def confirm(self, question: str, default: bool = False) -> bool:
        """A yes/no answer."""

    def say(self, text: str) -> None:
        """Show ``text`` (a warning, a hint)."""


class ClickPrompter:
    """Asks with click: works on a terminal and with ``CliRunner(input=...)``."""

    def ask(self, question: str, default: str = "") -> str:
        import click

        answer = click.prompt(question, default=default, show_default=bool(default))
        return str(answer).strip()

    def choose(self, question: str, choices: Sequence[str], default: str) -> str:
        import click

        kind = click.Choice(list(choices), case_sensitive=False)
        answer = str(click.prompt(question, type=kind, default=default))
        return next(c for c in choices if c.lower() == answer.lower())

    def confirm(self, question: str, default: bool = False) -> bool:
        import click

        return bool(click.confirm(question, default=default))

    def say(self, text: str) -> None:
        import click

        click.echo(text)


def ask_answers(
    answers: InitAnswers,
    severities: Sequence[str] = ("SEV1", "SEV2", "SEV3", "SEV4", "SEV5"),
    prompter: Prompter | None = None,
) -> InitAnswers:
    """Ask what the options did not give: title, severity, owner, authors, impact start,
    summary, then a guided five whys. Returns ``answers``, filled in."""
    ask = prompter or ClickPrompter()
    answers.title = answers.title or ask.ask("Title", default="Untitled incident")
    if not answers.severity:
        default = "SEV3" if "SEV3" in severities else severities[-1]
        answers.severity = ask.choose("Severity", severities, default)
    answers.owner = answers.owner or ask.ask("Post-mortem owner (one person or team)") or None
    if not answers.authors:
        typed = ask.ask("Authors, comma-separated", default=answers.owner or "")
        answers.authors = [a.strip() for a in typed.split(",") if a.strip()]
    _ask_impact_start(answers, ask)
    answers.summary = _ask_blameless(ask, "One-line summary", answers.people, section="narrative")
    ask_whys(answers, ask)
    return answers


def _ask_impact_start(answers: InitAnswers, ask: Prompter) -> None:
    from hotwash.markdown.times import Clock, TimeTextError

    while True:
        typed = ask.ask("When did the impact start? (e.g. 2024-05-14 14:03 UTC; Enter if unknown)")
        if not typed:
            return
        try:
            answers.impact_started = Clock().read(typed)
        except TimeTextError:
            ask.say(
                f"  {typed!r}: give a date, a time and a zone, "
                "e.g. 2024-05-14 14:03 UTC or 2024-05-14 16:03 +02:00"
            )
            continue
        answers.impact_started_text = typed
        return


def ask_whys(answers: InitAnswers, prompter: Prompter | None = None) -> InitAnswers:
    """The guided five whys: the problem, then "Why?" until five answers, an empty answer,
    or an answer the person marks as a condition of the system an action can change."""
    ask = prompter or ClickPrompter()
    ask.say("\nFive whys: start from what users saw, then ask why until you reach a condition")
    ask.say("of the system (a process, a tool, a design) that an action can change.")
    answers.problem = _ask_blameless(
        ask, "What was the problem? (Enter to skip)", answers.people, section="whys"
    )
    if not answers.problem:
        return answers
    while len(answers.whys) < MAX_WHYS:
        number = len(answers.whys) + 1
        why = _ask_blameless(
            ask, f"Why? ({number}/{MAX_WHYS}, Enter to stop)", answers.people, "whys"
        )
        if not why:
            break
        answers.whys.append(why)
        if number < MAX_WHYS and ask.confirm(
            "Is this a condition of the system that an action can change?", default=False
        ):
            answers.systemic = True
            ask.say("  Recorded as systemic factor CF-1; give it an action item.")
            break
    return answers


def _ask_blameless(ask: Prompter, question: str, people: list[str], section: str) -> str:
    """Ask ``question``; when the answer reads as blame, explain and offer to rephrase."""
    from hotwash.checks.language import scan_blame

    answer = ask.ask(question)
    while answer:
        hits = scan_blame(answer, people, section=section)
        if not hits:
            return answer
        for hit in hits:
            ask.say(f"  ! {hit.code} {hit.words!r}: {hit.why}")
            ask.say(f"    Try: {hit.rewrite}")
        if not ask.confirm("Rephrase it?", default=True):
            return answer
        answer = ask.ask(question)
    return answer
