"""Sources of evidence, one module per kind, registered by name.

Built-in modules are imported on first use; third-party sources register through the
``hotwash.sources`` entry-point group exactly like the built-ins.
"""

from __future__ import annotations

#: Built-in source modules; each registers its classes on import.
BUILTIN_MODULES: tuple[str, ...] = (
    "hotwash.sources.files",
    "hotwash.sources.file_payload",
    "hotwash.sources.kubernetes",
    "hotwash.sources.slack",
    "hotwash.sources.git",
    "hotwash.sources.prometheus",
    "hotwash.sources.alertmanager",
    "hotwash.sources.loki",
    "hotwash.sources.elasticsearch",
    "hotwash.sources.pagerduty",
    "hotwash.sources.opsgenie",
)


def load_builtin_sources() -> None:
    """Import the built-in source modules and the ``hotwash.sources`` entry points once."""
    from hotwash.sources.base import SOURCES

    SOURCES.load()
