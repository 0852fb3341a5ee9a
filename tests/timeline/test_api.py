"""The public API of the timeline stage is small and pinned."""

from __future__ import annotations

import hotwash.analysis
import hotwash.skew
import hotwash.timeline


def test_public_api_is_pinned() -> None:
    assert sorted(hotwash.timeline.__all__) == [
        "Accepted",
        "Entry",
        "Flag",
        "ProposedMilestone",
        "TimelineOptions",
        "TimelineResult",
        "accept_in_workspace",
        "accept_into",
        "build_for_workspace",
        "build_timeline",
        "choose",
        "incident_window",
    ]
    assert sorted(hotwash.analysis.__all__) == ["Suggestion", "suggest"]
    assert "estimate_from_trace_ids" in hotwash.skew.__all__
    for name in hotwash.timeline.__all__:
        assert getattr(hotwash.timeline, name).__doc__, f"{name} has no docstring"
