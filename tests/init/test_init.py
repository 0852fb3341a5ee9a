"""`hotwash init`: the questions, the guided five whys with blame warnings, --no-input."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner, Result

import hotwash
from hotwash.cli import cli


def run_init(path: Path, answers: list[str], *options: str) -> Result:
    text = "\n".join(answers) + "\n"
    return CliRunner().invoke(cli, ["init", str(path), *options], input=text)


INTERVIEW = [
    "Checkout errors after the rollout",  # title
    "sev2",  # severity, any case
    "@dana",  # owner
    "@dana, @lee",  # authors
    "2024-05-14 14:03",  # impact start without a zone: refused, asked again
    "2024-05-14 16:03:12 +02:00",
    "Dana forgot to pin the pool size",  # summary with blame: warned
    "y",  # rephrase
    "A changed library default shrank the connection pool",
    "Checkout requests failed with HTTP 503",  # the problem
    "Pods were taken out of service by failing readiness probes",
    "n",  # not yet systemic
    "Lee should have noticed the pool warnings",  # blame: warned
    "y",  # rephrase
    "The pool had 10 connections per pod instead of 50",
    "n",
    "Dependency upgrades are not reviewed for changed defaults",
    "y",  # systemic: the chain ends here
]


def test_interview_writes_a_document_that_keeps_every_answer(tmp_path: Path) -> None:
    result = run_init(tmp_path / "inc", INTERVIEW, "--interactive")
    assert result.exit_code == 0, result.output
    incident = hotwash.load(tmp_path / "inc").incident
    assert incident.title == "Checkout errors after the rollout"
    assert incident.severity == "SEV2"
    assert (incident.owner, incident.authors) == ("@dana", ["@dana", "@lee"])
    assert incident.milestones.impact_started == datetime(2024, 5, 14, 14, 3, 12, tzinfo=UTC)
    assert incident.summary == "A changed library default shrank the connection pool"
    [chain] = incident.whys
    assert chain.problem == "Checkout requests failed with HTTP 503"
    assert chain.whys == [
        "Pods were taken out of service by failing readiness probes",
        "The pool had 10 connections per pod instead of 50",
        "Dependency upgrades are not reviewed for changed defaults",
    ]
    [factor] = incident.factors
    assert (factor.id, factor.kind.value, factor.text) == ("CF-1", "systemic", chain.whys[-1])
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "inc"), "--select", "F002"])
    assert result.output.strip() == "All checks passed."  # F002 accepts the short chain
    for folder in ("evidence", "records", "out"):
        assert (tmp_path / "inc" / folder).is_dir()


def test_interview_warns_about_blame_as_answers_are_given(tmp_path: Path) -> None:
    output = run_init(tmp_path / "inc", INTERVIEW, "--interactive").output
    assert "B001 'Dana forgot'" in output
    assert "B003 'should have noticed'" in output
    assert output.count("Try: ") == 2
    assert "has no time zone" not in output  # the init hint, not the Markdown one
    assert "give a date, a time and a zone" in output
    assert "Recorded as systemic factor CF-1" in output
    text = (tmp_path / "inc" / "incident.yaml").read_text()
    assert "forgot" not in text and "should have" not in text
    assert "# as typed: 2024-05-14 16:03:12 +02:00" in text


def test_declining_to_rephrase_keeps_the_answer(tmp_path: Path) -> None:
    answers = ["T", "SEV3", "", "", "", "Human error during the deploy", "n", ""]
    result = run_init(tmp_path / "inc", answers, "--interactive")
    assert result.exit_code == 0, result.output
    assert "B002 'Human error'" in result.output
    incident = hotwash.load(tmp_path / "inc").incident
    assert incident.summary == "Human error during the deploy"
    assert incident.whys == [] and incident.owner is None


def test_five_whys_stop_after_five_answers(tmp_path: Path) -> None:
    whys = [f"Condition number {n} held" for n in range(1, 6)]
    answers = ["T", "", "", "", "", "", "The site was down"]
    for why in whys[:-1]:
        answers += [why, "n"]
    answers.append(whys[-1])  # no systemic question after the fifth
    result = run_init(tmp_path / "inc", answers, "--interactive")
    assert result.exit_code == 0, result.output
    assert result.output.count("Is this a condition of the system") == 4
    incident = hotwash.load(tmp_path / "inc").incident
    assert incident.whys[0].whys == whys
    assert incident.factors == []  # never marked systemic


def test_severity_choices_come_from_the_configured_scale(tmp_path: Path) -> None:
    (tmp_path / "hotwash.toml").write_text('severity_scale = ["critical", "major", "minor"]\n')
    answers = ["T", "SEV2", "major", "", "", "", "", ""]
    result = run_init(tmp_path / "inc", answers, "--interactive")
    assert result.exit_code == 0, result.output
    assert "Severity (critical, major, minor) [minor]" in result.output
    assert "'SEV2' is not one of" in result.output  # asked again
    assert hotwash.load(tmp_path / "inc").incident.severity == "major"
    bad = CliRunner().invoke(cli, ["init", str(tmp_path / "b"), "--no-input", "--severity", "SEV9"])
    assert bad.exit_code == 2 and "'SEV9' is not one of critical, major, minor" in bad.output
    assert not (tmp_path / "b").exists()


def test_no_input_asks_nothing(tmp_path: Path) -> None:
    result = run_init(
        tmp_path / "inc",
        ["should not be read"],
        "--no-input",
        "--title",
        "Disk full",
        "--owner",
        "@kim",
    )
    assert result.exit_code == 0
    assert result.output == f"created {tmp_path / 'inc' / 'incident.yaml'}\n"
    incident = hotwash.load(tmp_path / "inc").incident
    assert (incident.title, incident.owner, incident.severity) == ("Disk full", "@kim", "SEV3")


def test_existing_document_is_kept_and_nothing_is_asked(tmp_path: Path) -> None:
    (tmp_path / "incident.yaml").write_text("title: Mine\n")
    result = run_init(tmp_path, INTERVIEW, "--interactive")
    assert result.exit_code != 0
    assert "already exists; use --force" in str(result.exception or result.output)
    assert "Title" not in result.output
    assert (tmp_path / "incident.yaml").read_text() == "title: Mine\n"


def test_answers_with_quotes_and_colons_stay_valid_yaml(tmp_path: Path) -> None:
    title = 'Checkout: "503" errors # not a comment'
    answers = [title, "", "", "", "", "Pods: not ready", ""]
    assert run_init(tmp_path / "inc", answers, "--interactive").exit_code == 0
    incident = hotwash.load(tmp_path / "inc").incident
    assert (incident.title, incident.summary) == (title, "Pods: not ready")
