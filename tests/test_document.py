"""The incident document: round-trip, atomic and stale-safe saves, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

import hotwash
from hotwash.document import dump_yaml, load, loads, save
from hotwash.errors import DocumentError, StaleWriteError


def test_example_loads_with_utc_milestones_and_durations(example: Path) -> None:
    doc = load(example)
    ms = doc.incident.milestones
    assert ms.detected is not None and ms.detected.utcoffset().total_seconds() == 0
    assert doc.incident.time_to_detect.total_seconds() == 198
    assert doc.incident.time_to_resolve.total_seconds() == 2633


def test_save_keeps_comments_order_and_time_text(example: Path) -> None:
    doc = load(example)
    before = doc.text
    doc.incident.action_items[0].owner = "@kim"
    save(doc)
    after = (example / "incident.yaml").read_text()
    changed = [
        (a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b
    ]
    assert changed == [('    owner: "@dana"', '    owner: "@kim"')]
    assert "# CheckoutHighErrorRate firing" in after


def test_unchanged_document_dumps_identically(example: Path) -> None:
    doc = load(example)
    assert dump_yaml(doc) == doc.text


def test_offset_times_are_kept_as_written_but_read_as_utc(tmp_path: Path) -> None:
    file = tmp_path / "incident.yaml"
    file.write_text("title: t\nmilestones:\n  detected: 2024-05-14T16:06:30+02:00  # local\n")
    doc = load(file)
    assert doc.incident.milestones.detected.isoformat() == "2024-05-14T14:06:30+00:00"
    doc.incident.title = "renamed"
    save(doc)
    assert "detected: 2024-05-14T16:06:30+02:00  # local" in file.read_text()


def test_stale_write_is_refused_and_file_kept(example: Path) -> None:
    doc = load(example)
    file = example / "incident.yaml"
    file.write_text(file.read_text() + "# edited by a person meanwhile\n")
    edited = file.read_text()
    doc.incident.title = "mine"
    with pytest.raises(StaleWriteError, match="changed on disk"):
        save(doc)
    assert file.read_text() == edited


def test_time_without_zone_is_an_error_naming_line_and_field(tmp_path: Path) -> None:
    file = tmp_path / "incident.yaml"
    text = "title: t\ntimeline:\n  - at: 2024-05-14 14:02:01\n    title: deploy\n"
    file.write_text(text)
    with pytest.raises(DocumentError) as info:
        load(file)
    assert info.value.location.line == 3
    assert info.value.location.field == "timeline[0].at"
    assert "no zone" in info.value.message
    assert file.read_text() == text


def test_declared_timezone_converts_naive_times(tmp_path: Path) -> None:
    file = tmp_path / "incident.yaml"
    file.write_text("title: t\ntimezone: Europe/Paris\nmilestones:\n  detected: 2024-05-14 16:06\n")
    assert load(file).incident.milestones.detected.isoformat() == "2024-05-14T14:06:00+00:00"


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("title: t\nseverity: [unclosed\n", 3, "invalid YAML"),
        ("title: t\nowner: x\nownr: y\n", 3, "unknown field"),
        ("title: t\naction_items:\n  - id: AI-001\n    action: a\n    due: soon\n", 5, "date"),
        ("- just\n- a list\n", 1, "mapping"),
    ],
)
def test_bad_documents_name_the_line(text: str, line: int, needle: str) -> None:
    with pytest.raises(DocumentError) as info:
        loads(text)
    assert info.value.location.line == line
    assert needle in str(info.value)


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    file = tmp_path / "incident.yaml"
    file.write_bytes(b"title: t\nsummary: caf\xe9\n")
    with pytest.raises(DocumentError, match="UTF-8") as info:
        load(file)
    assert info.value.location.line == 2


def test_python_api_in_two_lines(example: Path) -> None:
    doc = hotwash.load(example)
    assert hotwash.check(doc).ok
    assert "Checkout API errors" in hotwash.render(doc, "markdown")


def test_saved_files_keep_their_permissions(example: Path, tmp_path: Path) -> None:
    from hotwash.document import atomic_write

    file = example / "incident.yaml"
    file.chmod(0o640)
    doc = load(example)
    doc.incident.title = "renamed"
    save(doc)
    assert file.stat().st_mode & 0o777 == 0o640
    fresh = tmp_path / "new.txt"
    atomic_write(fresh, b"x")
    assert fresh.stat().st_mode & 0o044 == 0o044  # readable by others, like any new file
