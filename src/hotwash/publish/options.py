"""Options shared by every publish action: the ``[publish]`` table and the redaction policy.

::

    [publish]
    report_url = "https://wiki.example.com/postmortems/{id}"   # {id}: incident id or folder
"""

from __future__ import annotations

from hotwash.config import Settings
from hotwash.document import Document
from hotwash.errors import ConfigError, DocumentError, Location
from hotwash.model import Incident
from hotwash.redact import RedactionPolicy

__all__ = ["redaction_policy", "report_url", "require_writable"]


def report_url(settings: Settings, key: str) -> str | None:
    """The link to the published post-mortem, or None when ``report_url`` is not set."""
    value = settings.section("publish").get("report_url")
    if value is None:
        return None
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        raise ConfigError(f"[publish] report_url must be an http(s) URL, got {value!r}")
    return value.replace("{id}", key)


def redaction_policy(settings: Settings, incident: Incident, audience: str) -> RedactionPolicy:
    """The ``[redact]`` policy; for an external audience, also names, hosts and links."""
    policy = RedactionPolicy.from_settings(settings)
    if audience == "external":
        return policy.for_external(incident.people)
    return policy


def require_writable(doc: Document) -> None:
    """Refuse up front (before any issue or message) a document publish cannot write back."""
    if doc.format != "yaml":
        raise DocumentError(
            "publishing writes tracker links and deliveries back, and a Markdown post-mortem "
            "is read-only; convert it to incident.yaml first (or use --dry-run)",
            Location(str(doc.path) if doc.path else None),
        )
