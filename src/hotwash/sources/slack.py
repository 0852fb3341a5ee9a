"""A Slack workspace export (kind ``slack``): the incident channels, threads included.

Spec options::

    [[sources]]
    name = "slack"
    kind = "slack"
    path = "raw/slack"                  # the export folder, or the export .zip
    channels = ["inc-4821-checkout"]    # channel names (without #)

An export holds ``channels.json``, ``users.json`` and one folder per channel with a
``YYYY-MM-DD.json`` file per day. For each configured channel the source yields one
artefact (format ``slack.export``): a JSON document with the channel's entry, the users
and every message of the day files around the window, unchanged, in ``ts`` order.
Replies to threads are in the day files with their ``thread_ts``, so threads come along.

A zip entry whose path leaves the export folder (``../x``, ``/etc/x``) is refused with an
error naming the entry, before anything is read from the archive.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path, PurePosixPath
from typing import Any

from hotwash.errors import SourceError
from hotwash.evidence.model import Window
from hotwash.model import SourceSpec
from hotwash.sources.base import Fetched, Source, register_source
from hotwash.sources.options import list_option, path_option

__all__ = ["SlackExport", "SlackExportSource"]


class SlackExport:
    """Read access to an export, folder or zip, by relative path."""

    def __init__(self, source: str, path: Path) -> None:
        self.source = source
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        self._prefix = ""
        if path.is_file():
            self._open_zip(path)
        elif not path.is_dir():
            raise SourceError(source, f"{path}: no such export folder or zip")

    def _open_zip(self, path: Path) -> None:
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise SourceError(self.source, f"{path}: not a readable zip ({exc})") from exc
        for name in archive.namelist():
            _refuse_escape(self.source, path, name)
        self._zip = archive
        tops = {n.split("/")[0] for n in archive.namelist() if "/" in n}
        if "channels.json" not in archive.namelist() and len(tops) == 1:
            self._prefix = tops.pop() + "/"

    def names(self, folder: str) -> list[str]:
        """File names directly inside ``folder`` of the export."""
        if self._zip is None:
            base = self.path / folder
            return sorted(p.name for p in base.glob("*.json")) if base.is_dir() else []
        prefix = f"{self._prefix}{folder}/"
        return sorted(
            n[len(prefix) :]
            for n in self._zip.namelist()
            if n.startswith(prefix) and "/" not in n[len(prefix) :] and n.endswith(".json")
        )

    def load(self, relative: str) -> Any:
        """The parsed JSON of one export file; bad JSON names the file and line."""
        where = f"{self.path}:{relative}" if self._zip else str(self.path / relative)
        try:
            raw = (
                self._zip.read(self._prefix + relative)
                if self._zip is not None
                else (self.path / relative).read_bytes()
            )
        except (KeyError, OSError) as exc:
            raise SourceError(self.source, f"{where}: missing from the export") from exc
        try:
            return json.loads(raw)
        except json.JSONDecodeError as exc:
            raise SourceError(
                self.source, f"{where}:{exc.lineno}: invalid JSON ({exc.msg})"
            ) from exc


def _refuse_escape(source: str, archive: Path, name: str) -> None:
    pure = PurePosixPath(name.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or (pure.parts and ":" in pure.parts[0]):
        raise SourceError(
            source, f"{archive}: zip entry {name!r} leaves the export folder; refusing the archive"
        )


@register_source
class SlackExportSource(Source):
    """The configured channels of a Slack export."""

    name = "slack"

    def collect(self, spec: SourceSpec, window: Window) -> Iterator[Fetched]:
        """One ``slack.export`` artefact per configured channel."""
        export = SlackExport(spec.name, path_option(spec, "path"))
        wanted = list_option(spec, "channels")
        if not wanted:
            raise SourceError(spec.name, "option 'channels' is required (channel names)")
        channels = {c.get("name"): c for c in export.load("channels.json") if isinstance(c, dict)}
        users = export.load("users.json")
        for name in wanted:
            key = name.lstrip("#")
            if "/" in key or "\\" in key or key in {".", ".."}:
                raise SourceError(spec.name, f"channel name {name!r} is not a plain name")
            if key not in channels:
                known = ", ".join(sorted(str(c) for c in channels))
                raise SourceError(spec.name, f"channel #{key} is not in the export ({known})")
            bundle = {
                "channel": channels[key],
                "users": users,
                "messages": _messages(export, key, window),
            }
            data = json.dumps(bundle, ensure_ascii=False, sort_keys=True, indent=1).encode()
            yield Fetched(format="slack.export", query=f"#{key}", data=data, meta={"channel": key})


def _messages(export: SlackExport, channel: str, window: Window) -> list[Any]:
    first = window.start.date() - timedelta(days=1)
    last = window.end.date() + timedelta(days=1)
    messages: list[Any] = []
    for file in export.names(channel):
        try:
            day = date.fromisoformat(file.removesuffix(".json"))
        except ValueError:
            continue
        if first <= day <= last:
            loaded = export.load(f"{channel}/{file}")
            messages.extend(m for m in loaded if isinstance(m, dict))
    return sorted(messages, key=lambda m: float(str(m.get("ts", "0")) or 0))
