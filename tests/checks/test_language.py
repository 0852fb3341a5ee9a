"""The blame-language engine: grammar, not keywords; section-aware; stable API."""

from __future__ import annotations

import dataclasses

import pytest

from hotwash.checks.language import BlameHit, person_in, scan_blame


def codes(text: str, section: str = "narrative", people: tuple[str, ...] = ()) -> list[str]:
    return [hit.code for hit in scan_blame(text, people, section)]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("@alice caused the outage.", "B001"),
        ("Bob broke prod on Friday.", "B001"),
        ("The operator deleted the production table.", "B001"),
        ("Alice's mistake took the site down.", "B001"),
        ("The outage was caused by human error.", "B002"),
        ("The engineer should have noticed the alert.", "B003"),
        ("The outage could have been avoided.", "B003"),
        ("They didn't check the dashboard.", "B003"),
        ("A careless edit went unreviewed.", "B004"),
        ("Obviously the config was wrong.", "B005"),
        ("The dashboard clearly showed the spike.", "B005"),
        ("Why didn't you roll back?", "B006"),
    ],
)
def test_blameful_phrases_are_found(text: str, code: str) -> None:
    assert codes(text) == [code]


@pytest.mark.parametrize(
    ("text", "section"),
    [
        ("We should add an alert on pool saturation.", "action"),
        ("We should have a runbook for the pool.", "narrative"),
        ("The deploy caused a spike in 5xx errors.", "narrative"),
        ("@lee rolled back the deploy.", "timeline"),
        ("It was not human error but a missing guard.", "narrative"),
        ("The runbook was clearly labelled.", "narrative"),
        ("It could have been much worse at the evening peak.", "lucky"),
        ("Why did the deploy fail?", "whys"),
        ("The lazy-loaded module timed out.", "narrative"),
        ("Kubernetes ignored the memory limit.", "narrative"),
        ("The job failed to start.", "narrative"),
        ("Obviously, Bob broke prod and should have known.", "quote"),
    ],
)
def test_tricky_clean_phrases_are_not_flagged(text: str, section: str) -> None:
    assert codes(text, section) == []


def test_a_hit_names_the_words_their_span_why_and_a_rewrite() -> None:
    text = "At 14:05 the on-call engineer should have rolled back."
    (hit,) = scan_blame(text)
    assert hit.code == "B003"
    assert text[hit.start : hit.end] == hit.words == "should have rolled"
    assert "hindsight" in hit.why and "action item" in hit.rewrite


def test_blame_hit_is_a_frozen_dataclass_with_the_agreed_fields() -> None:
    names = [f.name for f in dataclasses.fields(BlameHit)]
    assert names == ["code", "start", "end", "words", "why", "rewrite"]
    hit = scan_blame("Clearly wrong.")[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        hit.code = "B001"  # type: ignore[misc]


def test_names_from_the_document_count_as_people() -> None:
    assert codes("Dana Lee dropped the index.", people=("Dana Lee",)) == ["B001"]
    assert codes("The migration dropped the index.", people=("Dana Lee",)) == []


def test_unknown_section_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown section"):
        scan_blame("text", section="appendix")


def test_person_in_finds_a_chain_that_ends_at_a_person() -> None:
    assert person_in("The engineer ran the wrong script.") == "The engineer"
    assert person_in("It was human error.") == "human error"
    assert person_in("@dana merged it.", ["@dana"]) == "@dana"
    assert person_in("Pods were removed from service.") is None
