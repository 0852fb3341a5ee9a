"""Reading the options of a source spec (the ``extra`` keys of :class:`SourceSpec`).

Each helper names the source and the option in its error, so a typo in ``hotwash.toml``
or ``incident.yaml`` says where to look.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hotwash.errors import SourceError
from hotwash.model import SourceSpec

__all__ = ["bool_option", "list_option", "path_option", "str_option"]


def _raw(spec: SourceSpec, key: str) -> Any:
    return (spec.model_extra or {}).get(key)


def str_option(spec: SourceSpec, key: str, default: str | None = None) -> str | None:
    """A text option (None/default when absent)."""
    value = _raw(spec, key)
    if value is None:
        return default
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise SourceError(spec.name, f"option {key!r} must be text, got {value!r}")
    return str(value)


def list_option(spec: SourceSpec, key: str, default: list[str] | None = None) -> list[str]:
    """A list of texts; a single text is a list of one."""
    value = _raw(spec, key)
    if value is None:
        return list(default or [])
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SourceError(spec.name, f"option {key!r} must be a list of texts, got {value!r}")
    return list(value)


def bool_option(spec: SourceSpec, key: str, default: bool) -> bool:
    value = _raw(spec, key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise SourceError(spec.name, f"option {key!r} must be true or false, got {value!r}")
    return value


def path_option(spec: SourceSpec, key: str) -> Path:
    """A required path option (the collector has made relative paths absolute)."""
    value = str_option(spec, key)
    if not value:
        raise SourceError(spec.name, f"option {key!r} is required (a path)")
    return Path(value).expanduser()
