"""Hotwash: blameless post-mortems end to end.

The Python API in two lines::

    import hotwash
    doc = hotwash.load("incidents/2024-05-14-checkout-errors")
    result = hotwash.check(doc)            # findings of every rule
    html = hotwash.render(doc, "html")     # the report as a string
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Document", "Incident", "__version__", "check", "load", "render", "save"]

if TYPE_CHECKING:
    from hotwash.checks.runner import CheckResult
    from hotwash.document import Document
    from hotwash.model import Incident


def load(path: str | Path) -> Document:
    """Load an incident document: a workspace folder, an ``incident.yaml`` or a Markdown file."""
    from hotwash.document import load as _load

    return _load(path)


def save(document: Document, path: str | Path | None = None) -> Path:
    """Save atomically, keeping comments and key order; refuses a stale write."""
    from hotwash.document import save as _save

    return _save(document, path)


def check(
    document: Document | str | Path,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
) -> CheckResult:
    """Run the post-mortem checks and return the findings."""
    from hotwash.checks.rule import CheckContext
    from hotwash.checks.runner import run_checks
    from hotwash.config import load_settings

    doc = document if not isinstance(document, str | Path) else load(document)
    settings = load_settings(doc.path.parent if doc.path else None)
    return run_checks(doc, CheckContext(settings=settings), select or (), ignore or ())


def render(document: Document | str | Path, format: str = "markdown", **options: Any) -> str:
    """Render the report as ``markdown`` or ``html`` and return it as text."""
    from hotwash.render import render_text

    doc = document if not isinstance(document, str | Path) else load(document)
    return render_text(doc, format, **options)


def __getattr__(name: str) -> Any:
    if name == "Document":
        from hotwash.document import Document

        return Document
    if name == "Incident":
        from hotwash.model import Incident

        return Incident
    raise AttributeError(name)
