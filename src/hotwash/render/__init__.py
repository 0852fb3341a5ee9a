"""Reports: Markdown and self-contained HTML from Jinja2 templates (PDF with the extra)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from hotwash.document import Document, atomic_write
from hotwash.errors import RenderError
from hotwash.timeutil import format_duration, format_utc

__all__ = ["SUFFIXES", "available_formats", "render_files", "render_text"]

SUFFIXES = {"markdown": ".md", "html": ".html", "pdf": ".pdf"}
_TEMPLATES = {"markdown": "report.md.j2", "html": "report.html.j2"}


def _environment(fmt: str, template: Path | None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if template is not None:
        loaders.append(jinja2.FileSystemLoader(str(template.parent)))
    loaders.append(jinja2.PackageLoader("hotwash.render", "templates"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=fmt == "html",
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["utc"] = format_utc
    env.filters["duration"] = format_duration
    env.filters["cell"] = lambda text: str(text or "").replace("|", "\\|").replace("\n", " ")
    return env


def context(doc: Document, **options: Any) -> dict[str, Any]:
    """What templates see: the incident, its durations, the findings."""
    from hotwash.checks.rule import CheckContext
    from hotwash.checks.runner import run_checks

    findings = options.get("findings")
    if findings is None:
        findings = run_checks(doc, options.get("check_context") or CheckContext()).findings
    return {"incident": doc.incident, "durations": doc.incident.durations, "findings": findings}


def render_text(
    doc: Document, fmt: str = "markdown", template: Path | None = None, **options: Any
) -> str:
    """Render ``doc`` as ``markdown`` or ``html`` and return the text."""
    if fmt not in _TEMPLATES:
        raise RenderError(f"cannot render {fmt!r} as text; use markdown or html")
    env = _environment(fmt, template)
    try:
        tmpl = env.get_template(template.name if template else _TEMPLATES[fmt])
        return tmpl.render(**context(doc, **options))
    except jinja2.TemplateError as exc:
        raise RenderError(f"template {template or _TEMPLATES[fmt]}: {exc}") from exc


def available_formats() -> list[str]:
    return ["markdown", "html"]


def render_files(
    doc: Document, out: Path, formats: list[str], template: Path | None = None, **options: Any
) -> list[Path]:
    """Write each format to ``out/report.<suffix>`` atomically; returns the paths."""
    written = []
    for fmt in formats:
        target = out / f"report{SUFFIXES[fmt]}"
        atomic_write(target, render_text(doc, fmt, template=template, **options).encode("utf-8"))
        written.append(target)
    return written
