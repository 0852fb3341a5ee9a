"""The one registry of tracker kinds, filled like third-party plugins are.

Built-in trackers and plugins are registered the same way: a module in the
``hotwash.trackers`` entry-point group whose import calls :func:`register`. A duplicate
name fails loudly.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

import httpx

from hotwash.config import Settings
from hotwash.errors import ConfigError
from hotwash.publish.trackers.base import Tracker, TrackerOptions
from hotwash.registry import Registry

__all__ = ["build_tracker", "configured_trackers", "register", "tracker_class", "tracker_names"]

_BUILTIN_MODULES = (
    "hotwash.publish.trackers.github",
    "hotwash.publish.trackers.gitlab",
    "hotwash.publish.trackers.jira",
    "hotwash.publish.trackers.recording",
)
TRACKERS: Registry[type[Tracker]] = Registry(
    _BUILTIN_MODULES,
    "hotwash.trackers",
    lambda name, old: ConfigError(f"tracker {name!r} registered twice ({old.__qualname__})"),
)


def register(tracker: type[Tracker]) -> type[Tracker]:
    """Class decorator: add a tracker kind under its ``name``; duplicates fail loudly."""
    return TRACKERS.add(tracker.name, tracker)


def tracker_names() -> list[str]:
    return sorted(TRACKERS.all())


def tracker_class(name: str) -> type[Tracker]:
    found = TRACKERS.get(name)
    if found is None:
        known = ", ".join(tracker_names())
        raise ConfigError(f"unknown tracker {name!r}; known: {known}")
    return found


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
