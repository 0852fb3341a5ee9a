"""Issue trackers: one contract (:class:`~hotwash.publish.trackers.base.Tracker`), one
registry (:mod:`hotwash.publish.trackers.registry`), GitHub, GitLab, Jira and a recording
fake."""

from __future__ import annotations
