"""The Jinja2 environment of the report templates: autoescaped HTML, strict variables.

Filters: ``utc`` (``2024-05-14 14:02:01 UTC``), ``duration``, ``cell`` (a Markdown table
cell: ``|`` escaped, no newlines), ``line`` (one line), ``fence`` (safe inside a code
fence), ``number``, ``tracker``, and ``svg`` (marks a chart rendered by
:mod:`hotwash.render.charts` as markup; never used on document or evidence text).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from hotwash.errors import RenderError
from hotwash.model import TrackerRef
from hotwash.timeutil import format_duration, format_utc

__all__ = ["environment", "render_template"]

TEMPLATES = {
    ("markdown", "internal"): "report.md.j2",
    ("html", "internal"): "report.html.j2",
    ("markdown", "external"): "external.md.j2",
    ("html", "external"): "external.html.j2",
}


MILESTONE_LABELS = (
    ("impact_started", "Impact started"),
    ("detected", "Detected"),
    ("acknowledged", "Acknowledged"),
    ("mitigated", "Mitigated"),
    ("resolved", "Resolved"),
)


def _cell(text: Any) -> str:
    return " ".join(str(text or "").replace("\\", "\\\\").replace("|", "\\|").split())


def _line(text: Any) -> str:
    return " ".join(str(text or "").split())


def _fence(text: Any) -> str:
    return str(text).replace("```", "`\u200b``")


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int | float) else str(value)


def _tracker(ref: TrackerRef | None) -> str:
    if ref is None:
        return ""
    state = f" ({ref.state})" if ref.state else ""
    return f"{ref.system}:{ref.key}{state}"


def _svg(chart_svg: str) -> Markup:
    if not chart_svg.lstrip().startswith("<svg"):
        raise RenderError("internal error: the svg filter is only for rendered charts")
    return Markup(chart_svg)  # matplotlib output: its text is XML-escaped


def environment(fmt: str, template: Path | None) -> jinja2.Environment:
    """The environment for ``fmt``; ``template``'s folder is searched first."""
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
    env.filters.update(
        utc=format_utc,
        duration=format_duration,
        cell=_cell,
        line=_line,
        fence=_fence,
        number=_number,
        tracker=_tracker,
        svg=_svg,
    )
    return env


def render_template(fmt: str, audience: str, context: Any, template: Path | None) -> str:
    """Render the built-in template of (fmt, audience), or the user's ``template``."""
    name = template.name if template is not None else TEMPLATES[(fmt, audience)]
    env = environment(fmt, template)
    variables = {"report": context, "audience": audience, "milestone_labels": MILESTONE_LABELS}
    if audience == "internal":
        variables |= {
            "incident": context.incident,
            "durations": context.incident.durations,
            "findings": context.findings,
        }
    try:
        return env.get_template(name).render(**variables)
    except jinja2.TemplateNotFound as exc:
        raise RenderError(f"template {template or name}: not found ({exc.name})") from exc
    except jinja2.TemplateError as exc:
        where = f"{template}" if template else name
        lineno = getattr(exc, "lineno", None)
        line = f":{lineno}" if lineno else ""
        raise RenderError(f"template {where}{line}: {exc}") from exc
