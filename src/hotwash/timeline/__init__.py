"""The automatic timeline: detected events merged with the document's, milestones, skew.

::

    from hotwash.timeline import build_for_workspace
    result = build_for_workspace("incidents/2024-05-14-checkout-errors")
    for entry in result.entries:
        print(entry.event.at, entry.event.title, entry.event.sources)

:func:`build_timeline` is the pure core (records, manifest, incident in; a
:class:`TimelineResult` out); :func:`accept_into` adds chosen entries and the proposed
milestones to a loaded document, which :func:`hotwash.document.save` then writes.
"""

from hotwash.timeline.accept import Accepted, accept_in_workspace, accept_into, choose
from hotwash.timeline.build import TimelineOptions, build_for_workspace, build_timeline
from hotwash.timeline.result import Entry, Flag, ProposedMilestone, TimelineResult
from hotwash.timeline.window import incident_window

__all__ = [
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
