"""Slack exports: folder or zip, threads, user names, exact ts, and hostile zips."""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hotwash.errors import SourceError
from hotwash.evidence.model import Window
from hotwash.model import SourceSpec
from hotwash.parse import ParseContext, parse
from hotwash.sources.slack import SlackExportSource

WINDOW = Window(
    start=datetime(2024, 5, 14, 12, 3, 12, tzinfo=UTC),
    end=datetime(2024, 5, 14, 15, 17, 5, tzinfo=UTC),
)


def fetch(path: Path, channels: list[str] | None = None) -> list[bytes]:
    spec = SourceSpec(
        name="slack", kind="slack", path=str(path), channels=channels or ["inc-4821-checkout"]
    )
    return [f.data or b"" for f in SlackExportSource().collect(spec, WINDOW)]


def zipped(folder: Path, target: Path, extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(target, "w") as archive:
        for file in sorted(folder.rglob("*.json")):
            archive.write(file, f"export/{file.relative_to(folder)}")
        for name, body in (extra or {}).items():
            archive.writestr(name, body)
    return target


def test_channel_messages_and_thread_replies_become_chat_records(data: Path) -> None:
    (bundle,) = fetch(data / "slack")
    records = parse("slack.export", bundle, ParseContext(source="slack"))
    assert records.height == 5 and set(records["kind"]) == {"chat"}
    assert records["ts_text"][1] == "1715695675.112900"
    assert records["ts"][1] == datetime(2024, 5, 14, 14, 7, 55, 112900, tzinfo=UTC)
    assert records["actor"].to_list()[:3] == ["sam", "sam", "lee"]
    replies = [json.loads(f).get("thread_ts") for f in records["fields"]]
    assert replies.count("1715695675.112900") == 3
    assert records["message"][0] == "@sam has joined the channel"
    assert records["message"][4] == "[RESOLVED] CheckoutHighErrorRate checkout-api shop"
    assert set(records["stream"]) == {"#inc-4821-checkout"}


def test_a_zip_export_gives_the_same_bundle_as_the_folder(data: Path, tmp_path: Path) -> None:
    archive = zipped(data / "slack", tmp_path / "export.zip")
    assert fetch(archive) == fetch(data / "slack")


@pytest.mark.parametrize("entry", ["../evil.json", "/etc/evil.json", "export/../../evil.json"])
def test_a_zip_entry_leaving_the_folder_is_refused(data: Path, tmp_path: Path, entry: str) -> None:
    archive = zipped(data / "slack", tmp_path / "export.zip", {entry: b"[]"})
    with pytest.raises(SourceError, match=rf"zip entry '{entry}' leaves the export folder"):
        fetch(archive)


def test_an_unknown_channel_lists_the_known_ones(data: Path) -> None:
    with pytest.raises(
        SourceError, match=r"#incident-9 is not in the export \(inc-4821-checkout\)"
    ):
        fetch(data / "slack", ["incident-9"])


def test_broken_day_file_names_the_file_and_line(data: Path, tmp_path: Path) -> None:
    folder = tmp_path / "slack"
    shutil.copytree(data / "slack", folder)
    (folder / "inc-4821-checkout" / "2024-05-14.json").write_text('[\n{"ts": }\n]')
    with pytest.raises(SourceError, match=r"2024-05-14\.json:2: invalid JSON"):
        fetch(folder)
