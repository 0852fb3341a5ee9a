"""Settings: one table of (name, default, help) feeding hotwash.toml, HOTWASH_* and the docs.

Settings are read from the nearest ``hotwash.toml`` above the workspace (its ``[hotwash]``
table, or top-level keys) and can be overridden by ``HOTWASH_<NAME>`` environment variables.
Secrets are never settings: a setting may *name* an environment variable that holds one.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hotwash.errors import ConfigError

__all__ = ["CONFIG_NAME", "SETTINGS", "Setting", "Settings", "find_config", "load_settings"]

CONFIG_NAME = "hotwash.toml"


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "severity_scale",
        ["SEV1", "SEV2", "SEV3", "SEV4", "SEV5"],
        "Severities from worst to mildest; a document's severity must be one of them.",
    ),
    Setting(
        "action_due_days",
        {"SEV1": 15, "SEV2": 30, "SEV3": 60, "SEV4": 90, "SEV5": 90},
        "Days after resolution by which an action item must be due, per severity "
        "(PagerDuty's policy: 15 days for SEV1, 30 for SEV2).",
    ),
    Setting(
        "timeline_gap_minutes",
        30,
        "Longest span inside the incident window with no timeline entry before T004 warns.",
    ),
    Setting(
        "distribution_hours",
        48,
        "Hours after resolution within which the report must be distributed (D001).",
    ),
    Setting(
        "follow_up_review_days",
        28,
        "Days after resolution at which the follow-up review is expected (D003).",
    ),
    Setting(
        "follow_up_tolerance_days",
        7,
        "How far the follow-up review may fall from follow_up_review_days, either way (D003).",
    ),
    Setting(
        "tracker_grace_days",
        7,
        "Days after resolution before open action items must have a tracker issue (D002); "
        "from review on, they must have one at once.",
    ),
    Setting(
        "draft_max_days",
        7,
        "Days after resolution a post-mortem may stay a draft (D004).",
    ),
    Setting(
        "min_contributing_factors",
        2,
        "Fewest contributing factors an analysis must name (F001).",
    ),
    Setting(
        "min_whys", 5, "Fewest answers a five-whys chain needs unless it ends at a systemic cause."
    ),
    Setting(
        "select",
        [],
        "Rule codes or prefixes to run (empty: all). Same as `hotwash check --select`.",
    ),
    Setting("ignore", [], "Rule codes or prefixes to skip. Same as `hotwash check --ignore`."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass
class Settings:
    """Resolved settings, with where each value came from."""

    values: dict[str, Any] = field(default_factory=lambda: {s.name: s.default for s in SETTINGS})
    path: Path | None = None
    raw: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    def section(self, name: str) -> dict[str, Any]:
        """A table of hotwash.toml other than settings (``sources``, ``trackers``, ...)."""
        value = self.raw.get(name, {})
        return value if isinstance(value, dict) else {}


def find_config(start: Path | str) -> Path | None:
    """The nearest ``hotwash.toml`` at or above ``start``."""
    here = Path(start).resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def load_settings(start: Path | str | None = None, env: dict[str, str] | None = None) -> Settings:
    """Defaults, then the nearest hotwash.toml, then HOTWASH_* variables."""
    settings = Settings()
    path = find_config(start) if start is not None else None
    if path is not None:
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: {exc}") from exc
        settings.raw = raw
        settings.path = path
        table = raw.get("hotwash", raw)
        for key, value in table.items():
            if key in _BY_NAME:
                settings.values[key] = _checked(key, value, str(path))
            elif key != "hotwash" and not isinstance(value, dict | list):
                raise ConfigError(f"{path}: unknown setting {key!r}")
    environ = os.environ if env is None else env
    for setting in SETTINGS:
        var = f"HOTWASH_{setting.name.upper()}"
        if var in environ:
            settings.values[setting.name] = _from_env(setting, environ[var], var)
    return settings


def _checked(name: str, value: Any, where: str) -> Any:
    default = _BY_NAME[name].default
    if isinstance(default, bool) != isinstance(value, bool) or not isinstance(value, type(default)):
        raise ConfigError(f"{where}: {name} must be {type(default).__name__}, got {value!r}")
    return value


def _from_env(setting: Setting, text: str, var: str) -> Any:
    if isinstance(setting.default, str):
        return text
    if isinstance(setting.default, list) and not text.lstrip().startswith("["):
        return [part.strip() for part in text.split(",") if part.strip()]
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{var}: not valid JSON for {setting.name}: {text!r}") from exc
    return _checked(setting.name, value, var)
