"""The one registry of tracker kinds, filled like third-party plugins are.

Built-in trackers and plugins are registered the same way: a module in the
``hotwash.trackers`` entry-point group whose import calls :func:`register`. A duplicate
name fails loudly.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from importlib import import_module
from importlib.metadata import entry_points

import httpx

from hotwash.config import Settings
from hotwash.errors import ConfigError
from hotwash.publish.trackers.base import Tracker, TrackerOptions

__all__ = ["build_tracker", "configured_trackers", "register", "tracker_class", "tracker_names"]

_REGISTRY: dict[str, type[Tracker]] = {}
_BUILTIN_MODULES = (
    "hotwash.publish.trackers.github",
    "hotwash.publish.trackers.gitlab",
    "hotwash.publish.trackers.jira",
    "hotwash.publish.trackers.recording",
)
_loaded = False


def register(tracker: type[Tracker]) -> type[Tracker]:
    """Class decorator: add a tracker kind under its ``name``; duplicates fail loudly."""
    existing = _REGISTRY.get(tracker.name)
    if existing is not None and existing is not tracker:
        raise ConfigError(f"tracker {tracker.name!r} registered twice ({existing.__qualname__})")
    _REGISTRY[tracker.name] = tracker
    return tracker


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for module in _BUILTIN_MODULES:
        import_module(module)
    for entry in entry_points(group="hotwash.trackers"):
        entry.load()


def tracker_names() -> list[str]:
    _load()
    return sorted(_REGISTRY)


def tracker_class(name: str) -> type[Tracker]:
    _load()
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise ConfigError(f"unknown tracker {name!r}; known: {known}") from None


def configured_trackers(settings: Settings) -> dict[str, Mapping[str, object]]:
    """The ``[trackers.<name>]`` tables of hotwash.toml (plain keys of [trackers] skipped)."""
    section = settings.section("trackers")
    return {name: table for name, table in section.items() if isinstance(table, dict)}


def build_tracker(
    settings: Settings,
    name: str | None = None,
    client: httpx.Client | None = None,
    env: Mapping[str, str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Tracker:
    """The tracker ``name`` configured in hotwash.toml (the only one when ``name`` is None)."""
    import os

    tables = configured_trackers(settings)
    if name is None:
        if len(tables) != 1:
            choice = ", ".join(sorted(tables)) or "none configured"
            raise ConfigError(f"choose a tracker with --tracker ({choice}); see docs/publish.md")
        name = next(iter(tables))
    if name not in tables:
        raise ConfigError(f"no [trackers.{name}] table in {settings.path or 'hotwash.toml'}")
    kind = str(tables[name].get("kind", name))
    options = TrackerOptions(name=name, table=tables[name], env=os.environ if env is None else env)
    return tracker_class(kind)(options, client=client, sleep=sleep)
