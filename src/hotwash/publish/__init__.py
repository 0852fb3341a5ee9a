"""Follow-through: action items become tracker issues, the report reaches its readers,
reminders go into calendars, issue states come back, overdue items are surfaced.

Everything here is reachable in one or two calls:

- :func:`hotwash.publish.issues.publish_issues` — one issue per open action item, idempotent;
- :func:`hotwash.publish.sync.sync_items` — tracker states back into the action items;
- :func:`hotwash.publish.followups.collect_followups` — open items across incidents;
- :func:`hotwash.publish.distribute.distribute_report` — e-mail and chat webhooks;
- :func:`hotwash.publish.calendar.write_reminders` — the iCalendar reminders;
- :func:`hotwash.publish.pipeline.publish` — issues, reminders and distribution of one workspace.

Every action takes ``dry_run`` and then returns what it would do without writing anything.
"""

from __future__ import annotations
