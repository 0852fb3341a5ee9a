"""Times as written in Markdown cells: every form reads to the right UTC instant."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotwash.markdown.times import Clock, TimeTextError

DAY = date(2024, 5, 14)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14:02", "2024-05-14T14:02:00"),
        ("14:02:31", "2024-05-14T14:02:31"),
        ("2:02 PM", "2024-05-14T14:02:00"),
        ("2024-05-14 14:02", "2024-05-14T14:02:00"),
        ("2024-05-14T14:02:01Z", "2024-05-14T14:02:01"),
        ("14:02 UTC", "2024-05-14T14:02:00"),
        ("16:02 +02:00", "2024-05-14T14:02:00"),
        ("May 14, 14:02", "2024-05-14T14:02:00"),
        ("14 May 2024 14:02 UTC", "2024-05-14T14:02:00"),
        ("2024-05-14 14:02:01 UTC", "2024-05-14T14:02:01"),
    ],
)
def test_cell_forms(text: str, expected: str) -> None:
    clock = Clock(day=DAY, zone=UTC)
    assert clock.read(text) == datetime.fromisoformat(expected).replace(tzinfo=UTC)


@pytest.mark.parametrize("text", ["soon", "25:00", "14:61", "Smarch 3, 14:00", "2024-02-30 10:00"])
def test_unreadable_cells_say_what_to_write(text: str) -> None:
    with pytest.raises(TimeTextError):
        Clock(day=DAY, zone=UTC).read(text)


def test_zoneless_time_without_declared_zone_is_refused() -> None:
    with pytest.raises(TimeTextError, match="no time zone"):
        Clock(day=DAY).read("14:02")


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)))
def test_report_format_reads_back_exactly(moment: datetime) -> None:
    moment = moment.replace(microsecond=0, tzinfo=UTC)
    written = moment.strftime("%Y-%m-%d %H:%M:%S UTC")  # what the Markdown report writes
    assert Clock().read(written) == moment


@given(st.lists(st.integers(min_value=1, max_value=11 * 60), min_size=1, max_size=30))
def test_dateless_increasing_times_stay_in_order_across_midnight(steps: list[int]) -> None:
    start = datetime(2024, 5, 14, 20, 0, tzinfo=UTC)
    moments = [start]
    for minutes in steps:
        moments.append(moments[-1] + timedelta(minutes=minutes))
    clock = Clock(day=DAY, zone=UTC)
    assert [clock.read(m.strftime("%H:%M")) for m in moments] == moments
