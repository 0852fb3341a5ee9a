"""Bad Markdown gives one clear error naming the line, or a normalisation; never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from hotwash.cli import cli
from hotwash.document import load, save
from hotwash.errors import DocumentError
from hotwash.markdown import parse_markdown

HEAD = "# Post-Mortem: Cache outage (2024-05-14)\n\n**Severity**: SEV3\n\n"
ACTIONS = (
    "## Action Items\n\n| ID | Action | Owner | Deadline | Priority |\n|---|---|---|---|---|\n"
)
TIMELINE = "## Timeline\n\n| Time | Event |\n|---|---|\n"


def error_of(text: str) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        parse_markdown(text, Path("pm.md"))
    return caught.value


def test_missing_title_is_an_error_on_line_1() -> None:
    error = error_of("## Summary\n\nSomething broke.\n")
    assert error.location is not None and error.location.line == 1
    assert "no title" in error.message


def test_row_with_too_many_cells_names_its_line() -> None:
    text = HEAD + ACTIONS + "| AI-001 | Add an alert | @kim | 2024-06-01 | P2 | extra |\n"
    error = error_of(text)
    assert error.location is not None and error.location.line == 9
    assert "6 cells but the table has 5 columns" in error.message


def test_row_with_too_few_cells_in_the_timeline() -> None:
    text = HEAD + "All times UTC.\n\n" + TIMELINE + "| 14:02 |\n"
    error = error_of(text)
    assert error.location is not None and error.location.line == 11
    assert "1 cells but the table has 2 columns" in error.message


@pytest.mark.parametrize(
    ("written", "normalised"),
    [("1", "AI-001"), ("AI1", "AI-001"), ("ai-7", "AI-007"), ("#12", "AI-012"), ("OPS-3", "OPS-3")],
)
def test_action_item_ids_are_normalised_keeping_the_original(written: str, normalised: str) -> None:
    text = HEAD + ACTIONS + f"| {written} | Add an alert | @kim | 2024-06-01 | P2 |\n"
    doc = parse_markdown(text, Path("pm.md"))
    assert doc.incident.action_items[0].id == normalised
    if written != normalised:
        assert doc.original(("action_items", 0, "id")) == written


def test_action_item_id_that_cannot_be_normalised() -> None:
    error = error_of(HEAD + ACTIONS + "| A.1.b | Add an alert | @kim | 2024-06-01 | P2 |\n")
    assert error.location is not None
    assert (error.location.line, error.location.field) == (9, "action_items[0].id")
    assert "not like AI-001" in error.message


def test_bad_priority_and_deadline_name_the_field() -> None:
    error = error_of(HEAD + ACTIONS + "| 1 | Add an alert | @kim | 2024-06-01 | soon |\n")
    assert error.location is not None and error.location.field == "action_items[0].priority"
    error = error_of(HEAD + ACTIONS + "| 1 | Add an alert | @kim | next week | P2 |\n")
    assert error.location is not None and error.location.field == "action_items[0].due"


def test_time_without_zone_is_an_error_naming_the_line() -> None:
    error = error_of(HEAD + TIMELINE + "| 14:02 | Deploy starts |\n")
    assert error.location is not None
    assert (error.location.line, error.location.field) == (9, "timeline[0].at")
    assert "no time zone" in error.message


def test_time_with_its_own_zone_needs_no_declaration() -> None:
    doc = parse_markdown(HEAD + TIMELINE + "| 16:02 +02:00 | Deploy starts |\n")
    assert doc.incident.timeline[0].at.isoformat() == "2024-05-14T14:02:00+00:00"


def test_dateless_time_without_any_date_is_an_error() -> None:
    text = "# Cache outage\n\nAll times UTC.\n\n" + TIMELINE + "| 14:02 | Deploy starts |\n"
    error = error_of(text)
    assert error.location is not None and error.location.line == 9
    assert "no date" in error.message


def test_unknown_timeline_column_is_named() -> None:
    text = HEAD + "## Timeline\n\n| Time | Event | Mood |\n|---|---|---|\n| 14:02 UTC | x | ok |\n"
    error = error_of(text)
    assert "unknown timeline column 'Mood'" in error.message


def test_two_declared_zones_are_an_error() -> None:
    text = HEAD + "**Timezone**: Europe/Paris\n\n## Timeline\n\nAll times UTC.\n"
    error = error_of(text)
    assert "two time zones" in error.message


def test_dateless_times_roll_over_midnight_but_not_small_reorderings() -> None:
    rows = "| 23:58 | Disk fills |\n| 00:03 | Alert fires |\n| 00:01 | Out of order |\n"
    doc = parse_markdown(HEAD + "All times UTC.\n\n" + TIMELINE + rows)
    times = [e.at.isoformat() for e in doc.incident.timeline]
    assert times == [
        "2024-05-14T23:58:00+00:00",
        "2024-05-15T00:03:00+00:00",
        "2024-05-15T00:01:00+00:00",  # a slip of two minutes stays on the same day
    ]


def test_date_line_in_a_bullet_timeline_restarts_the_day() -> None:
    text = (
        "# Outage\n\n## Timeline\n\n2024-05-14 (all times UTC)\n\n- 23:50 Disk fills\n\n"
        "2024-05-16\n\n- 08:00 Follow-up fix deployed\n"
    )
    times = [e.at.isoformat() for e in parse_markdown(text).incident.timeline]
    assert times == ["2024-05-14T23:50:00+00:00", "2024-05-16T08:00:00+00:00"]


def test_check_reports_an_unreadable_markdown_file_in_one_line(tmp_path: Path) -> None:
    file = tmp_path / "pm.md"
    file.write_text(HEAD + TIMELINE + "| 14:02 | Deploy starts |\n")
    result = CliRunner().invoke(cli, ["check", str(file)])
    assert result.exit_code == 2
    assert f"{file}:9 (timeline[0].at)" in result.output
    assert "Traceback" not in result.output


def test_check_findings_point_at_the_markdown_row(tmp_path: Path) -> None:
    source = Path(__file__).resolve().parents[1] / "data" / "markdown" / "google-sre-sonnet.md"
    result = CliRunner().invoke(cli, ["check", str(source), "--select", "A001"])
    assert result.exit_code == 1
    row = (
        source.read_text()
        .splitlines()
        .index("| Review other caches for unbounded growth | other | | n/a |")
    )
    assert f"google-sre-sonnet.md:{row + 1}: A001 [error] AI-004 has no owner" in result.output


def test_markdown_document_cannot_be_saved_over_itself(tmp_path: Path) -> None:
    file = tmp_path / "pm.md"
    file.write_text(HEAD + "## Summary\n\nA cache node ran out of memory.\n")
    doc = load(file)
    assert doc.incident.summary == "A cache node ran out of memory."
    with pytest.raises(DocumentError, match=r"read-only; save it as incident\.yaml"):
        save(doc)
    assert file.read_text().endswith("A cache node ran out of memory.\n")
    assert save(doc, tmp_path / "incident.yaml").exists()
    assert load(tmp_path).incident.summary == "A cache node ran out of memory."


def test_blame_finding_points_at_the_markdown_line_inside_a_paragraph(tmp_path: Path) -> None:
    file = tmp_path / "pm.md"
    file.write_text(
        HEAD + "## Summary\n\nThe cache node ran out of memory.\n"
        "Kim forgot to raise the limit after the migration.\n"
    )
    result = CliRunner().invoke(cli, ["check", str(file), "--select", "B001"])
    assert f"{file}:8: B001" in result.output
