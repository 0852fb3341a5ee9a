"""One registry per extension kind: built-ins by name, duplicates fail loudly, clear errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from hotwash.config import load_settings
from hotwash.errors import ConfigError
from hotwash.publish.notify.base import build_notifiers, notifier_class
from hotwash.publish.notify.base import register as register_notifier
from hotwash.publish.trackers.github import GitHubTracker
from hotwash.publish.trackers.registry import build_tracker, register, tracker_names


def test_builtin_trackers_and_notifiers_are_registered() -> None:
    assert tracker_names() == ["github", "gitlab", "jira", "recording"]
    for kind in ("email", "slack", "teams", "mattermost", "generic", "recording"):
        assert notifier_class(kind).kind == kind


def test_a_second_tracker_under_a_taken_name_fails_loudly() -> None:
    class Impostor(GitHubTracker):
        name = "github"

    with pytest.raises(ConfigError, match="tracker 'github' registered twice"):
        register(Impostor)


def test_a_second_notifier_under_a_taken_kind_fails_loudly() -> None:
    slack = notifier_class("slack")

    class Impostor(slack):  # type: ignore[misc,valid-type]
        kind = "slack"

    with pytest.raises(ConfigError, match="notifier 'slack' registered twice"):
        register_notifier(Impostor)


def test_tracker_choice_errors_name_the_fix(
    workspace: Path, configure: Callable[[str], Path]
) -> None:
    configure('[trackers.github]\nrepo = "acme/shop"\n[trackers.work]\nkind = "jira"\n')
    settings = load_settings(workspace)
    with pytest.raises(ConfigError, match=r"choose a tracker with --tracker \(github, work\)"):
        build_tracker(settings)
    assert build_tracker(settings, "work").name == "jira"
    with pytest.raises(ConfigError, match=r"no \[trackers.gitlab\] table"):
        build_tracker(settings, "gitlab")


def test_unknown_kinds_list_the_known_ones(
    workspace: Path, configure: Callable[[str], Path]
) -> None:
    configure('[trackers.asana]\nproject = "x"\n[notify.webhooks.x]\nkind = "discord"\n')
    settings = load_settings(workspace)
    with pytest.raises(ConfigError, match="unknown tracker 'asana'; known: github, gitlab"):
        build_tracker(settings)
    with pytest.raises(ConfigError, match="unknown notifier kind 'discord'; known: email"):
        build_notifiers(settings)
