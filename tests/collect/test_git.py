"""Git: tags, merges and deploy commits of the window from a real repository."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from tests.conftest import need_binary

from hotwash.evidence.model import Window
from hotwash.model import SourceSpec
from hotwash.parse import ParseContext, parse
from hotwash.sources.git import GitSource

WINDOW = Window(
    start=datetime(2024, 5, 14, 12, 0, tzinfo=UTC), end=datetime(2024, 5, 14, 15, 0, tzinfo=UTC)
)


def git(repo: Path, *args: str, when: str) -> None:
    env = os.environ | {
        "GIT_AUTHOR_NAME": "Dana Kim", "GIT_AUTHOR_EMAIL": "dana@example.com",
        "GIT_COMMITTER_NAME": "Dana Kim", "GIT_COMMITTER_EMAIL": "dana@example.com",
        "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when,
    }  # fmt: skip
    subprocess.run(["git", "-C", str(repo), *args], check=True, env=env, capture_output=True)


def commit(repo: Path, message: str, when: str) -> None:
    name = message.lower().replace(" ", "-") + ".txt"
    (repo / name).write_text(message)
    git(repo, "add", name, when=when)
    git(repo, "commit", "-q", "-m", message, when=when)


def make_repo(root: Path) -> Path:
    need_binary("git")
    repo = root / "checkout-api"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main", when="2024-05-14T09:00:00Z")
    commit(repo, "Initial import", "2024-05-14T09:00:00+00:00")
    commit(repo, "Refactor cart totals", "2024-05-14T15:50:00+02:00")
    commit(repo, "Deploy v2.31.0 to production", "2024-05-14T16:02:01+02:00")
    git(repo, "tag", "-a", "v2.31.0", "-m", "Release v2.31.0", when="2024-05-14T14:02:05Z")
    git(repo, "checkout", "-q", "-b", "fix", when="2024-05-14T14:20:00Z")
    commit(repo, "Pin pool size to 50", "2024-05-14T14:25:00Z")
    git(repo, "checkout", "-q", "main", when="2024-05-14T14:26:00Z")
    commit(repo, "Docs typo", "2024-05-14T14:26:30Z")
    git(
        repo, "merge", "-q", "--no-ff", "fix", "-m", "Merge branch fix", when="2024-05-14T14:40:00Z"
    )
    commit(repo, "Deploy v2.32.0", "2024-05-14T18:00:00Z")
    return repo


def test_tags_merges_and_deploys_of_the_window_in_utc(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    spec = SourceSpec(name="deploys", kind="git", repo=str(repo))
    (fetched,) = list(GitSource().collect(spec, WINDOW))
    assert fetched.data is not None
    records = parse("git.log", fetched.data, ParseContext(source="deploys", stream="checkout-api"))
    rows = list(zip(records["ts"], records["level"], records["message"], strict=True))
    assert rows == [
        (datetime(2024, 5, 14, 14, 2, 1, tzinfo=UTC), "commit", "Deploy v2.31.0 to production"),
        (datetime(2024, 5, 14, 14, 2, 5, tzinfo=UTC), "tag", "tag v2.31.0: Release v2.31.0"),
        (datetime(2024, 5, 14, 14, 40, tzinfo=UTC), "merge", "Merge branch fix"),
    ]
    assert records["ts_text"][0] == "2024-05-14T16:02:01+02:00"
    assert set(records["kind"]) == {"change"} and records["actor"][0] == "Dana Kim"


def test_all_commits_option_keeps_every_commit_of_the_window(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    spec = SourceSpec(name="deploys", kind="git", repo=str(repo), all_commits=True)
    (fetched,) = list(GitSource().collect(spec, WINDOW))
    records = parse("git.log", fetched.data or b"", ParseContext(source="deploys"))
    assert records.height == 6
