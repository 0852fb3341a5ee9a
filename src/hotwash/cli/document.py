"""Commands on the document: init, check, rule, render, schema."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from hotwash.errors import DocumentError, HotwashError

if TYPE_CHECKING:
    from hotwash.checks.rule import Rule


def _documents(paths: tuple[Path, ...]) -> list[Path]:
    found: list[Path] = []
    for path in paths or (Path("."),):
        if path.is_dir() and not (path / "incident.yaml").exists():
            found.extend(sorted(path.rglob("incident.yaml")))
        else:
            found.append(path)
    return found


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--select", multiple=True, help="Rule codes or prefixes to run (e.g. B, A004).")
@click.option("--ignore", multiple=True, help="Rule codes or prefixes to skip.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text for people, json for programs, github for Actions annotations.",
)
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option(
    "--now",
    type=click.DateTime(formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%SZ"]),
    default=None,
    help="Check as of this UTC instant (for reproducible runs).",
)
def check(
    paths: tuple[Path, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fmt: str,
    as_json: bool,
    now: datetime | None,
) -> None:
    """Lint post-mortems (incident.yaml, a workspace folder, or a Markdown post-mortem).

    Exits 1 when any error-level finding remains, 2 when a document cannot be read.
    """
    from hotwash.checks.output import FORMATS
    from hotwash.checks.rule import CheckContext
    from hotwash.checks.runner import CheckResult, run_checks
    from hotwash.config import load_settings
    from hotwash.document import load
    from hotwash.evidence.store import workspace_evidence

    selected = [c for s in select for c in s.split(",")]
    ignored = [c for s in ignore for c in s.split(",")]
    results: list[CheckResult] = []
    unreadable = 0
    for path in _documents(paths):
        try:
            doc = load(path)
        except DocumentError as exc:
            click.echo(f"hotwash: error: {exc}", err=True)
            unreadable += 1
            continue
        settings = load_settings(doc.path.parent if doc.path else path)
        when = now.replace(tzinfo=UTC) if now and now.tzinfo is None else now
        ctx = CheckContext(settings=settings, now=when or datetime.now(UTC))
        ctx.evidence = workspace_evidence(doc.path.parent if doc.path else None)
        results.append(run_checks(doc, ctx, selected, ignored))
    fmt = "json" if as_json else fmt
    if results or fmt != "text":
        click.echo(FORMATS[fmt](results))
    if unreadable:
        plural = "s" if unreadable > 1 else ""
        click.echo(f"hotwash: {unreadable} document{plural} could not be read", err=True)
        sys.exit(2)
    if any(not r.ok for r in results):
        sys.exit(1)


@click.command()
@click.argument("code", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the code table as JSON.")
def rule(code: str | None, as_json: bool) -> None:
    """List the rule codes, or print one rule's documentation (hotwash rule B001)."""
    from hotwash.checks.rule import FAMILIES, all_rules, get_rule

    if code:
        found = get_rule(code)
        if as_json:
            click.echo(json.dumps(_rule_row(found) | {"doc": found.documentation()}, indent=2))
            return
        click.echo(f"{found.code} {found.name}  [{found.severity.value}]\n")
        click.echo(found.documentation())
        return
    rules = all_rules()
    if as_json:
        click.echo(json.dumps([_rule_row(r) for r in rules], indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Hotwash rules", show_lines=False)
    for column in ("code", "name", "severity", "family", "status", "fix"):
        table.add_column(column)
    for r in rules:
        table.add_row(
            r.code,
            r.name,
            r.severity.value,
            FAMILIES[r.code[0]],
            r.status,
            "yes" if r.fixable else "",
        )
    Console(width=max(100, Console().width)).print(table)


def _rule_row(r: type[Rule]) -> dict[str, object]:
    return {
        "code": r.code,
        "name": r.name,
        "severity": r.severity.value,
        "status": r.status,
        "fixable": r.fixable,
    }


@click.command()
def schema() -> None:
    """Print the JSON Schema of incident.yaml (for editor validation)."""
    from hotwash.schema import incident_schema

    click.echo(json.dumps(incident_schema(), indent=2))


@click.command()
@click.argument("path", type=click.Path(path_type=Path), default=Path("."))
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(["markdown", "html", "pdf"]),
    help="Formats to write (default: markdown and html).",
)
@click.option("--out", type=click.Path(path_type=Path), help="Folder to write to (default: out/).")
@click.option("--template", type=click.Path(path_type=Path), help="Your own Jinja2 template.")
@click.option(
    "--audience",
    type=click.Choice(["internal", "external"]),
    default="internal",
    show_default=True,
    help="external: no names, hosts or internal links; plain language.",
)
def render(
    path: Path,
    formats: tuple[str, ...],
    out: Path | None,
    template: Path | None,
    audience: str,
) -> None:
    """Write the report of a post-mortem (Markdown, self-contained HTML, PDF).

    Secrets are always redacted (and what the [redact] table of hotwash.toml asks for);
    out/redactions.json says what kind was redacted in which field. The Markdown's
    charts are written as PNG files in out/charts/.
    """
    from hotwash.document import load
    from hotwash.render import render_report

    doc = load(path)
    folder = out or (doc.path.parent / "out" if doc.path else Path("out"))
    result = render_report(
        doc, folder, list(formats) or ["markdown", "html"], template=template, audience=audience
    )
    for file in result.reports:
        click.echo(f"wrote {file}")
    if result.charts:
        click.echo(f"wrote {len(result.charts)} charts in {result.charts[0].parent}")
    kinds: dict[str, int] = {}
    for hit in dict.fromkeys(result.hits):
        kinds[hit.kind] = kinds.get(hit.kind, 0) + 1
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items())) or "nothing"
    click.echo(f"redacted: {summary} (details in {result.redactions})")


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--title", help="Incident title.")
@click.option("--severity", help="Severity, one of the configured severity_scale (e.g. SEV2).")
@click.option("--owner", help="Post-mortem owner.")
@click.option(
    "--no-input", is_flag=True, help="Ask nothing; use the options and defaults (for scripts)."
)
@click.option(
    "--interactive", is_flag=True, help="Ask the questions even when input is not a terminal."
)
@click.option("--force", is_flag=True, help="Overwrite an existing incident.yaml.")
def init(
    path: Path,
    title: str | None,
    severity: str | None,
    owner: str | None,
    no_input: bool,
    interactive: bool,
    force: bool,
) -> None:
    """Start a post-mortem workspace: incident.yaml, evidence/, records/, out/.

    On a terminal it asks the questions (title, severity, owner, authors, impact start,
    summary), then a guided five whys that warns about blame language in each answer.
    --no-input for scripts.
    """
    from hotwash.config import load_settings
    from hotwash.document import DOCUMENT_NAME
    from hotwash.workspace import InitAnswers, ask_answers, create_workspace

    if (path / DOCUMENT_NAME).exists() and not force:
        raise HotwashError(f"{path / DOCUMENT_NAME} already exists; use --force to overwrite")
    scale = [str(s) for s in load_settings(path).get("severity_scale")]
    if severity is not None and severity not in scale:
        raise click.BadParameter(
            f"{severity!r} is not one of {', '.join(scale)}", param_hint="--severity"
        )
    answers = InitAnswers(title=title, severity=severity, owner=owner)
    if interactive or (not no_input and sys.stdin.isatty()):
        answers = ask_answers(answers, severities=scale)
    try:
        target = create_workspace(path, answers, force=force)
    except FileExistsError as exc:
        raise HotwashError(f"{exc}; use --force to overwrite") from exc
    click.echo(f"created {target}")
