"""Whatever the Markdown, the importer gives a Document or one DocumentError, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotwash.errors import DocumentError
from hotwash.markdown import parse_markdown

PIECES = [
    "# Post-Mortem: Outage (2024-05-14)",
    "# ",
    "**Date**: 2024-05-14",
    "**Date**: 14:02",
    "**Duration**: 1h 05m",
    "**Duration**: forever",
    "**Severity**: Sev 2",
    "**Status**: on fire",
    "**Reviewed**: @sam (2024-02-30)",
    "**Timezone**: Mars/Olympus",
    "**Detected**: 14:06 UTC",
    "**Resolved**: 13:00 UTC",
    "All times UTC.",
    "All times Europe/Paris.",
    "## Timeline",
    "## Action Items",
    "## Five whys",
    "## Impact",
    "## Contributing Factors",
    "### Systemic Issues",
    "## Something else",
    "| Time | Event | Source | Actor |",
    "| ID | Action | Owner | Deadline | Priority | Status |",
    "|---|---|---|---|",
    "| 14:02 | Deploy | k8s | @kim |",
    "| 23:59 | x |",
    "| 1 | Add alert | @kim | 2024-06-01 | P9 | declined |",
    "| AI-1 | | | tomorrow | high | done |",
    "- 14:51 Traffic rises",
    "- CF-1 [change]: A default changed",
    "- Failed requests: lots",
    "- Data lost: maybe",
    "1. Why? The node died.",
    "**Problem**: The site was down.",
    "<!-- comment -->",
    "---",
    "title: x",
    "",
    "Some prose.",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=25))
def test_any_arrangement_gives_a_document_or_a_document_error(lines: list[str]) -> None:
    try:
        doc = parse_markdown("\n".join(lines), Path("pm.md"))
    except DocumentError as error:
        assert error.location is not None and error.location.file == "pm.md"
        return
    assert doc.incident.title


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n\n",
        "---\n",
        "# \n",
        "#\n\n## Summary\n",
        "# T\n\n## Timeline\n\n| Time | Event |\n|---|---|\n| | x |\n",
        "# T\n\n## Timeline\n\n- no time here\n",
        "# T\n\n**Detected**: 14:06 UTC\n**Acknowledged**: 13:00 UTC\n**Date**: 2024-05-14\n",
    ],
)
def test_corpus_of_bad_documents(text: str) -> None:
    with pytest.raises(DocumentError) as caught:
        parse_markdown(text, Path("pm.md"))
    assert caught.value.location is not None
    assert caught.value.location.file == "pm.md"


def test_a_table_under_the_title_is_kept_not_dropped() -> None:
    doc = parse_markdown("# T\n\n| a |\n|---|\n| b |\n")
    assert [(s.title, s.body) for s in doc.incident.extra_sections] == [
        ("Details", "| a |\n|---|\n| b |")
    ]
