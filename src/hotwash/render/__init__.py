"""Reports: Markdown, self-contained HTML with charts, PDF; internal and external versions.

Everything rendered is redacted first (:mod:`hotwash.redact`): secrets always, and what
the ``[redact]`` table of hotwash.toml asks for; the external version also drops names,
hosts, IPs and internal links. ``render_files`` writes every report atomically, the
Markdown's charts as PNG files in ``out/charts/``, and what was redacted where in
``out/redactions.json`` (``redactions-external.json`` for the external version).

Options (keyword arguments of :func:`render_text` and :func:`render_files`):
``audience`` ("internal" or "external"), ``findings`` (a list of findings; default: run
the checks), ``now`` (the instant to check as of), ``settings``, ``policy``
(a :class:`~hotwash.redact.RedactionPolicy`), ``workspace`` (default: the document's
folder), ``charts`` (default True).
"""

from __future__ import annotations

import json
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hotwash.document import Document, atomic_write
from hotwash.errors import MissingExtraError, RenderError
from hotwash.redact import RedactionHit, summarize_hits
from hotwash.render.environment import render_template
from hotwash.render.pdf import html_to_pdf, pdf_available

__all__ = [
    "AUDIENCES",
    "SUFFIXES",
    "RenderResult",
    "available_formats",
    "render_files",
    "render_report",
    "render_text",
]

SUFFIXES = {"markdown": ".md", "html": ".html", "pdf": ".pdf"}
AUDIENCES = ("internal", "external")


@dataclass
class RenderResult:
    """What :func:`render_report` wrote: the reports, the charts and the redaction report."""

    reports: list[Path] = field(default_factory=list)
    charts: list[Path] = field(default_factory=list)
    redactions: Path | None = None
    hits: list[RedactionHit] = field(default_factory=list)

    @property
    def paths(self) -> list[Path]:
        return [*self.reports, *([self.redactions] if self.redactions else [])]


def available_formats() -> list[str]:
    """markdown and html always; pdf when WeasyPrint can be loaded."""
    return ["markdown", "html", *(["pdf"] if pdf_available() else [])]


def render_text(
    doc: Document, fmt: str = "markdown", template: Path | None = None, **options: Any
) -> str:
    """Render ``doc`` as ``markdown`` or ``html`` and return the (redacted) text."""
    if fmt not in {"markdown", "html"}:
        raise RenderError(f"cannot render {fmt!r} as text; use markdown or html")
    if fmt == "markdown":
        options = {**options, "charts": False}  # chart images exist only as files
    builder = _Builder(doc, options)
    return render_template(fmt, builder.audience, builder.context(fmt), _applies(template, fmt))


def render_files(
    doc: Document,
    out: Path,
    formats: list[str],
    template: Path | None = None,
    audience: str = "internal",
    **options: Any,
) -> list[Path]:
    """Write each format to ``out/report.<suffix>`` atomically; returns the files written."""
    return render_report(doc, out, formats, template, audience=audience, **options).paths


def render_report(
    doc: Document,
    out: Path,
    formats: list[str],
    template: Path | None = None,
    **options: Any,
) -> RenderResult:
    """Render every format in memory, then write them, the charts and ``redactions.json``."""
    _check_formats(formats)
    builder = _Builder(doc, options)
    stem = "report" if builder.audience == "internal" else "report-external"
    result = RenderResult()
    files: dict[Path, bytes] = {}
    for fmt in formats:
        files[out / f"{stem}{SUFFIXES[fmt]}"] = builder.render(fmt, template, out)
    charts = builder.chart_files(out) if "markdown" in formats else {}
    for path, data in {**charts, **files}.items():
        atomic_write(path, data)
    result.reports = list(files)
    result.charts = list(charts)
    result.hits = builder.hits
    name = "redactions.json" if builder.audience == "internal" else "redactions-external.json"
    result.redactions = out / name
    atomic_write(result.redactions, _redaction_report(builder.audience, builder.hits))
    return result


def _check_formats(formats: list[str]) -> None:
    unknown = [f for f in formats if f not in SUFFIXES]
    if unknown:
        raise RenderError(f"unknown format {unknown[0]!r}; one of {', '.join(SUFFIXES)}")
    if "pdf" in formats and not pdf_available():
        raise MissingExtraError("PDF", "pdf")


def _applies(template: Path | None, fmt: str) -> Path | None:
    """A user template named ``*.md*`` applies to Markdown, ``*.html*`` to HTML/PDF."""
    if template is None:
        return None
    name = template.name.lower()
    if ".htm" in name:
        return template if fmt in {"html", "pdf"} else None
    if ".md" in name or ".markdown" in name:
        return template if fmt == "markdown" else None
    return template


def _redaction_report(audience: str, hits: list[RedactionHit]) -> bytes:
    hits = list(dict.fromkeys(hits))  # overlapping excerpts read a line twice
    by_kind: dict[str, int] = {}
    for hit in hits:
        by_kind[hit.kind] = by_kind.get(hit.kind, 0) + 1
    report = {
        "audience": audience,
        "total": len(hits),
        "by_kind": dict(sorted(by_kind.items())),
        "fields": summarize_hits(hits),
    }
    return (json.dumps(report, indent=2) + "\n").encode("utf-8")


class _Builder:
    """Builds the context once per audience and renders each format from it."""

    def __init__(self, doc: Document, options: dict[str, Any]) -> None:
        from hotwash.render.options import RenderOptions

        self.doc = doc
        self.options = RenderOptions.from_options(doc, options)
        self.audience = self.options.audience
        self._context: Any = None

    @property
    def hits(self) -> list[RedactionHit]:
        return list(self.context("html").hits) if self._context is not None else []

    def context(self, fmt: str) -> Any:
        if self._context is None:
            self._context = self.options.build(self.doc, charts=self.options.charts)
        return self._context

    def render(self, fmt: str, template: Path | None, out: Path) -> bytes:
        if fmt == "markdown" and self.audience == "internal":
            self.context(fmt).chart_files = {c.name: f"charts/{c.name}.png" for c in self._charts()}
        text = render_template(
            "html" if fmt == "pdf" else fmt,
            self.audience,
            self.context(fmt),
            _applies(template, fmt),
        )
        if fmt == "pdf":
            return html_to_pdf(text)
        return text.encode("utf-8")

    def _charts(self) -> list[Any]:
        return list(getattr(self.context("html"), "charts", []))

    def chart_files(self, out: Path) -> dict[Path, bytes]:
        if self.audience != "internal":
            return {}
        return {out / "charts" / f"{c.name}.png": c.png for c in self._charts()}


class _CallableModule(types.ModuleType):
    """``hotwash.render`` is this package *and* the one-call API ``hotwash.render(doc, fmt)``.

    Importing a subpackage sets it as an attribute of its parent, which would replace the
    function of ``hotwash/__init__.py``; calling the package does what that function does.
    """

    def __call__(
        self, document: Document | str | Path, format: str = "markdown", **options: Any
    ) -> str:
        from hotwash.document import load

        doc = document if isinstance(document, Document) else load(document)
        return render_text(doc, format, **options)


sys.modules[__name__].__class__ = _CallableModule
