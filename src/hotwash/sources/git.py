"""Git (kind ``git``): tags, merges and deploy commits of the window.

Spec options::

    [[sources]]
    name = "deploys"
    kind = "git"
    repo = "../checkout-api"                 # a repository path
    refs = ["--all"]                         # what to walk (default: all refs)
    deploy_pattern = '(?i)\\b(deploy|release|rollback|revert)\\b'
    all_commits = false                      # true: every commit of the window

The artefact (format ``git.log``) has one line per change, fields separated by the unit
separator ``\\x1f``: ``commit, sha, committer date (strict ISO), author, parents, refs,
subject`` or ``tag, name, date, tagger, object, , subject``. Dates are committer dates:
when the change reached the repository, which is what a timeline needs.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

from hotwash.errors import SourceError
from hotwash.evidence.model import Window
from hotwash.model import SourceSpec
from hotwash.sources.base import Fetched, Source, register_source
from hotwash.sources.options import bool_option, list_option, path_option, str_option
from hotwash.timeutil import format_iso, parse_instant

__all__ = ["DEFAULT_DEPLOY_PATTERN", "GitSource"]

DEFAULT_DEPLOY_PATTERN = r"(?i)\b(deploy|deployed|release|rollback|roll back|revert|hotfix)\b"
SEP = "\x1f"
_LOG_FORMAT = "commit%x1f%H%x1f%cI%x1f%an%x1f%P%x1f%D%x1f%s"
_TAG_FORMAT = (
    "tag%1f%(refname:short)%1f%(creatordate:iso-strict)%1f%(taggername)%(authorname)"
    "%1f%(objectname)%1f%1f%(subject)"
)


def _git(spec: SourceSpec, repo: Path, *args: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), *args], capture_output=True, timeout=120, check=False
        )
    except FileNotFoundError as exc:
        raise SourceError(spec.name, "git not found on PATH") from exc
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SourceError(spec.name, f"{repo}: git {args[0]}: {said[-1] if said else 'failed'}")
    return done.stdout.decode("utf-8", "replace")


@register_source
class GitSource(Source):
    """Changes recorded in a git repository."""

    name = "git"

    def collect(self, spec: SourceSpec, window: Window) -> Iterator[Fetched]:
        """One ``git.log`` artefact: the window's tags, merges and deploy commits."""
        repo = path_option(spec, "repo")
        if not repo.exists():
            raise SourceError(spec.name, f"{repo}: no such repository")
        pattern = re.compile(str_option(spec, "deploy_pattern", DEFAULT_DEPLOY_PATTERN) or "")
        every = bool_option(spec, "all_commits", False)
        refs = list_option(spec, "refs", ["--all"])
        since, until = format_iso(window.start), format_iso(window.end)
        commits = _git(
            spec, repo, "log", *refs, f"--since={since}", f"--until={until}",
            f"--format={_LOG_FORMAT}",
        )  # fmt: skip
        lines = [ln for ln in commits.splitlines() if ln and _keep(ln, pattern, every)]
        tags = _git(spec, repo, "for-each-ref", f"--format={_TAG_FORMAT}", "refs/tags")
        lines += [ln for ln in tags.splitlines() if _tag_in_window(ln, window)]
        data = ("\n".join(sorted(lines, key=_line_time)) + "\n").encode("utf-8")
        yield Fetched(
            format="git.log",
            query=f"git log {' '.join(refs)} --since={since} --until={until}",
            data=data,
            meta={"repo": repo.name, "stream": repo.name},
        )


def _keep(line: str, pattern: re.Pattern[str], every: bool) -> bool:
    parts = line.split(SEP)
    if len(parts) < 7:
        return False
    merge = len(parts[4].split()) > 1
    return every or merge or bool(pattern.search(parts[6]))


def _tag_in_window(line: str, window: Window) -> bool:
    parts = line.split(SEP)
    if len(parts) < 7 or not parts[2]:
        return False
    try:
        when = parse_instant(parts[2])
    except ValueError:
        return False
    return window.start <= when <= window.end


def _line_time(line: str) -> str:
    parts = line.split(SEP)
    try:
        return format_iso(parse_instant(parts[2]))
    except (ValueError, IndexError):
        return ""
