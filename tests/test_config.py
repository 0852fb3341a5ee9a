"""Settings: defaults, hotwash.toml, HOTWASH_* overrides, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from hotwash.config import SETTINGS, find_config, load_settings
from hotwash.errors import ConfigError


def test_defaults_without_a_config_file(tmp_path: Path) -> None:
    settings = load_settings(tmp_path, env={})
    assert settings.path is None
    assert settings["distribution_hours"] == 48
    assert settings["action_due_days"]["SEV1"] == 15


def test_nearest_toml_above_the_workspace_wins(tmp_path: Path) -> None:
    (tmp_path / "hotwash.toml").write_text("[hotwash]\ntimeline_gap_minutes = 10\n")
    workspace = tmp_path / "incidents" / "2024-05-14-x"
    workspace.mkdir(parents=True)
    assert find_config(workspace) == tmp_path / "hotwash.toml"
    assert load_settings(workspace, env={})["timeline_gap_minutes"] == 10


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    (tmp_path / "hotwash.toml").write_text("timeline_gap_minutes = 10\n")
    env = {"HOTWASH_TIMELINE_GAP_MINUTES": "5", "HOTWASH_IGNORE": "B005,D002"}
    settings = load_settings(tmp_path, env=env)
    assert settings["timeline_gap_minutes"] == 5
    assert settings["ignore"] == ["B005", "D002"]


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("timeline_gap_minutes = 'ten'\n", "timeline_gap_minutes must be int"),
        ("timline_gap_minutes = 10\n", "unknown setting 'timline_gap_minutes'"),
        ("timeline_gap_minutes = \n", "hotwash.toml"),
    ],
)
def test_bad_config_names_file_and_setting(tmp_path: Path, text: str, needle: str) -> None:
    (tmp_path / "hotwash.toml").write_text(text)
    with pytest.raises(ConfigError, match=needle):
        load_settings(tmp_path, env={})


def test_every_setting_has_help() -> None:
    assert all(len(s.help) > 20 for s in SETTINGS)
