"""The report as a :class:`Notice`: rendered from the redacted document, ready to send.

The reports are rendered by :mod:`hotwash.render` for the notifier's audience, which redacts
them; what this module writes itself (subject, summary, facts) comes from the incident
redacted by :func:`hotwash.redact.redact_incident` with the same policy.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from hotwash.config import Settings
from hotwash.document import Document
from hotwash.model import ActionStatus, Incident
from hotwash.publish.notify.base import Attachment, Notice
from hotwash.publish.options import redaction_policy
from hotwash.redact import RedactionHit, RedactionPolicy, redact_incident
from hotwash.timeutil import format_duration, format_utc

__all__ = ["report_facts", "report_notice", "report_subject"]


def report_subject(incident: Incident) -> str:
    """``Post-mortem: <title> (SEV2, 2024-05-14)``."""
    started = incident.milestones.impact_started or incident.milestones.detected
    extra = [p for p in (incident.severity, f"{started:%Y-%m-%d}" if started else None) if p]
    return f"Post-mortem: {incident.title}" + (f" ({', '.join(extra)})" if extra else "")


def report_facts(incident: Incident) -> tuple[tuple[str, str], ...]:
    """Severity, duration, start, action items: the facts a chat card shows."""
    items = incident.action_items
    still_open = [a for a in items if a.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)]
    started = incident.milestones.impact_started
    facts = [
        ("Severity", incident.severity or "-"),
        ("Duration", format_duration(incident.time_to_resolve)),
        ("Started", format_utc(started, with_seconds=False) if started else "-"),
        ("Action items", f"{len(items)} ({len(still_open)} open)"),
        ("Status", incident.status.value),
    ]
    return tuple(facts)


def report_notice(
    doc: Document,
    settings: Settings,
    audience: str = "internal",
    link: str | None = None,
    now: datetime | None = None,
    render_pdf: bool = True,
) -> tuple[Notice, list[RedactionHit]]:
    """The report notice (HTML body, Markdown text and attachment, PDF) and what was redacted.

    The reports are rendered for ``audience`` by :mod:`hotwash.render`, which redacts them;
    the subject, summary and facts are taken from the redacted incident. The PDF is attached
    when the ``pdf`` extra is installed; with ``render_pdf=False`` (dry runs) it is only named.
    """
    from hotwash.render import available_formats, render_text

    base = RedactionPolicy.from_settings(settings)
    options: dict[str, Any] = {
        "audience": audience,
        "settings": settings,
        "policy": base,
        "now": now,
    }
    redacted, hits = redact_incident(
        doc.incident, redaction_policy(settings, doc.incident, audience)
    )
    markdown = render_text(doc, "markdown", **options)
    attachments = [Attachment(f"{_stem(audience)}.md", markdown.encode("utf-8"), "text/markdown")]
    if "pdf" in available_formats():
        pdf = _pdf(doc, options) if render_pdf else b""
        attachments.append(Attachment(f"{_stem(audience)}.pdf", pdf, "application/pdf"))
    notice = Notice(
        kind="report",
        subject=report_subject(redacted),
        text=markdown,
        summary=" ".join(redacted.summary.split()),
        html=render_text(doc, "html", **options),
        facts=report_facts(redacted),
        link=link,
        attachments=tuple(attachments),
    )
    return notice, hits


def _stem(audience: str) -> str:
    return "report" if audience == "internal" else "report-external"


def _pdf(doc: Document, options: dict[str, Any]) -> bytes:
    from hotwash.render import render_report

    with tempfile.TemporaryDirectory(prefix="hotwash-pdf-") as folder:
        result = render_report(doc, Path(folder), ["pdf"], **options)
        return result.reports[0].read_bytes()
