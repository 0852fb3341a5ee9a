"""The incident workspace: one folder per incident, readable and diff-able in git.

::

    incidents/2024-05-14-checkout-errors/
      incident.yaml     the document
      evidence/         content-addressed blobs + manifest.json (never rewritten)
      records/          parsed evidence, Parquet (derived)
      out/              rendered reports (derived)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from hotwash.document import DOCUMENT_NAME, atomic_write

__all__ = ["InitAnswers", "ask_answers", "create_workspace", "workspace_dirs"]

SUBDIRS = ("evidence", "records", "out")


@dataclass
class InitAnswers:
    title: str | None = None
    severity: str | None = None
    owner: str | None = None
    summary: str = ""
    problem: str = ""
    whys: list[str] = field(default_factory=list)


def workspace_dirs(root: Path) -> dict[str, Path]:
    return {name: root / name for name in SUBDIRS}


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_skeleton(answers: InitAnswers, now: datetime | None = None) -> str:
    """The commented incident.yaml a new workspace starts with."""
    now = now or datetime.now(UTC)
    title = answers.title or "Untitled incident"
    lines = [
        "# yaml-language-server: $schema=https://hotwash.dev/schema/incident.json",
        "# A Hotwash post-mortem. All times are UTC (write Z or an offset).",
        f"title: {_quote(title)}",
        f"severity: {answers.severity or 'SEV3'}",
        "status: draft",
        f"owner: {_quote(answers.owner) if answers.owner else 'null'}",
        "authors: []",
        f"created: {now.strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "milestones:",
        "  impact_started: null",
        "  detected: null",
        "  acknowledged: null",
        "  mitigated: null",
        "  resolved: null",
        "impact:",
        '  description: ""',
        f"summary: {_quote(answers.summary)}",
        "timeline: []",
        "factors: []",
    ]
    if answers.problem:
        lines += ["whys:", f"  - problem: {_quote(answers.problem)}", "    whys:"]
        lines += [f"      - {_quote(w)}" for w in answers.whys] or ["      []"]
    else:
        lines.append("whys: []")
    lines += ["action_items: []", ""]
    return "\n".join(lines)


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


def ask_answers(answers: InitAnswers) -> InitAnswers:
    """Ask the questions on a terminal (title, severity, owner, summary)."""
    import click

    answers.title = answers.title or click.prompt("Title", default="Untitled incident")
    answers.severity = answers.severity or click.prompt("Severity", default="SEV3")
    answers.owner = answers.owner or click.prompt(
        "Post-mortem owner", default="", show_default=False
    )
    answers.summary = click.prompt("One-line summary", default="", show_default=False)
    return answers
