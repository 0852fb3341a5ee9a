"""Template mining: messages from the same line of code share one template."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotwash.detect.templates import mine_templates

DATA = Path(__file__).resolve().parents[1] / "data" / "detect_signals"


def grouping_accuracy(predicted: pl.Series, truth: pl.Series) -> float:
    frame = pl.DataFrame({"p": predicted, "t": truth})
    frame = frame.with_columns(
        pl.len().over("p").alias("p_size"),
        pl.len().over("t").alias("t_size"),
        pl.col("t").n_unique().over("p").alias("t_in_p"),
    )
    good = frame.filter((pl.col("t_in_p") == 1) & (pl.col("p_size") == pl.col("t_size")))
    return good.height / frame.height


@pytest.mark.parametrize("system", ["HDFS", "HealthApp", "Zookeeper"])
def test_loghub_sample_grouped_like_ground_truth(system: str) -> None:
    sample = pl.read_csv(DATA / f"{system}_300.csv", infer_schema=False)
    predicted = mine_templates(sample["Content"])
    assert grouping_accuracy(predicted, sample["EventId"]) == 1.0


def test_template_text_marks_variables() -> None:
    messages = pl.Series(
        [
            "Invalid user admin from 10.0.0.1",
            "Invalid user oracle from 10.0.0.2",
            "Invalid user test from 192.168.1.9",
            "Invalid user guest from 10.0.0.3",
            "Accepted password for root from 10.0.0.4 port 22 ssh2",
        ]
    )
    templates = mine_templates(messages).to_list()
    assert templates[:4] == ["Invalid user <*> from <*>"] * 4
    assert templates[4] == "Accepted password for root from <*> port <*> ssh<*>"


def test_few_word_choices_split_but_can_be_kept_together() -> None:
    messages = pl.Series(
        [f"Failed password for u{i} from 10.0.0.{i}" for i in range(5)]
        + [f"Failed none for u{i} from 10.0.0.{i}" for i in range(3)]
    )
    assert mine_templates(messages).n_unique() == 2
    assert mine_templates(messages, split_choices=False).n_unique() == 1


def test_nulls_and_empty_messages() -> None:
    assert mine_templates(pl.Series(["", None, "x 1"])).to_list() == ["", None, "x <*>"]


LINES = [
    "PacketResponder 1 for block blk_38865049064139660 terminating",
    "Receiving block blk_-1608999687919862906 src: /10.250.19.102:54106 dest: /10.250.19.102:50010",
    "Verification succeeded for blk_-1547954353065580372",
    "user alice logged in",
    "user bob logged in",
    "disk full on /dev/sda1",
    "retrying in 5s",
]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(LINES), min_size=1, max_size=40), st.randoms())
def test_order_of_messages_does_not_change_templates(lines: list[str], rnd: object) -> None:
    shuffled = list(lines)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    first = dict(zip(lines, mine_templates(pl.Series(lines)).to_list(), strict=True))
    second = dict(zip(shuffled, mine_templates(pl.Series(shuffled)).to_list(), strict=True))
    assert first == second


def test_repeated_lines_get_their_template_row_by_row() -> None:
    lines = ["disk full on /dev/sda1", None, "retry 1 of 3 failed", "retry 2 of 3 failed"]
    messages = pl.Series("message", [lines[i % 4] for i in range(40)])
    templates = mine_templates(messages)
    assert templates.name == "message"
    expected = ["disk full on <*>", None, "retry <*> of <*> failed", "retry <*> of <*> failed"]
    assert templates.to_list() == [expected[i % 4] for i in range(40)]
