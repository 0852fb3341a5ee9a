"""Masking: the variable parts of messages become <*>, the constant words stay."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotwash.detect.masking import (
    MASK_PASSES,
    MASK_RULES,
    PARALLEL_MIN_ROWS,
    PASS_GROUPS,
    PASS_GUARDS,
    mask_codes,
    mask_messages,
)


def mask(text: str) -> str:
    return str(mask_messages(pl.Series([text]))[0])


@pytest.mark.parametrize(
    ("message", "masked"),
    [
        ("Connection from 10.0.0.1:5432 closed", "Connection from <*> closed"),
        ("bind [fe80::1ff:fe23:4567:890a] failed", "bind [<*>] failed"),
        ("ptr 0x7ffee3b2 freed", "ptr <*> freed"),
        ("commit 3f786850e387550fdab8 merged", "commit <*> merged"),
        ("req 123e4567-e89b-12d3-a456-426614174000 done", "req <*> done"),
        ("Created appattempt_1445144423722_0020_000001", "Created appattempt_<*>"),
        ("worker-12 started", "worker-<*> started"),
        ("Opening /var/log/app/2024.log for append", "Opening <*> for append"),
        ("GET https://shop.example.com/cart?id=7 failed", "GET https://<*> failed"),
        ("took 35ms", "took <*>"),
        ("took 1.5 seconds", "took <*>"),
        ("wrote 512KB", "wrote <*>"),
        ('user "alice smith" logged in', 'user "<*>" logged in'),
        ("user=alice retry=3", "user=<*> retry=<*>"),
        ("at 2024-05-14T14:02:01.123Z retrying", "at <*> retrying"),
        ("at Fri Jun 17 07:07:00 2005 retrying", "at <*> retrying"),
        ("Served block blk_-6952295868487656571 to", "Served block blk_<*> to"),
        ("offset -42 out of range", "offset <*> out of range"),
        ("don't stop", "don't stop"),
        ("Foo::bar called", "Foo::bar called"),
    ],
)
def test_masks_variable_parts(message: str, masked: str) -> None:
    assert mask(message) == masked


def test_null_stays_null() -> None:
    assert mask_messages(pl.Series(["x 1", None])).to_list() == ["x <*>", None]


@given(st.integers(min_value=-(10**12), max_value=10**12), st.integers(0, 10**12))
def test_messages_differing_in_numbers_mask_alike(a: int, b: int) -> None:
    assert mask(f"retry {a} of job {b} failed") == mask("retry 1 of job 2 failed")


@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=60))
def test_no_digit_survives(text: str) -> None:
    assert not any(ch.isdigit() for ch in mask(text))


DATA = Path(__file__).resolve().parents[1] / "data" / "detect_signals"


def one_rule_at_a_time(messages: pl.Series) -> pl.Series:
    """The reference: every rule of MASK_RULES in its own pass, on every row."""
    expr = pl.col("m")
    for _name, pattern, replacement in MASK_RULES:
        expr = expr.str.replace_all(pattern, replacement)
    return messages.to_frame("m").select(expr.str.strip_chars())["m"]


def samples() -> pl.Series:
    """The Loghub samples' messages, and a few with every kind of value."""
    loghub = [pl.read_csv(p, infer_schema=False)["Content"] for p in sorted(DATA.glob("*.csv"))]
    extra = [
        "MAC ab:cd:ef:01:23:45 at 10:20:30.5",
        "Jan 12 10:00:00 took 5ms, wrote 2KB to /var/x and 'a b' \"c d\"",
        "offset -42 of 0x1f: id=7 retry=-3 v2.3.4.5 [fe80::1]:443",
        "2024-05-14T10:00:00Z uuid 123e4567-e89b-12d3-a456-426614174000 blk_-12",
        "GET https://shop.example.com/a?b=1 from C:\\temp\\x.log (+<*>)",
    ]
    return pl.concat([*loghub, pl.Series("Content", extra)])


def test_merged_passes_mask_like_the_rules_one_by_one() -> None:
    messages = samples()
    assert mask_messages(messages).to_list() == one_rule_at_a_time(messages).to_list()


def test_a_guarded_pass_changes_only_the_messages_its_guard_finds() -> None:
    firsts = [group[0] for group in PASS_GROUPS]
    assert set(PASS_GUARDS) <= set(firsts)
    text = samples()
    for first, (pattern, replacement) in zip(firsts, MASK_PASSES, strict=True):
        masked = text.str.replace_all(pattern, replacement)
        if first in PASS_GUARDS:
            changed = masked != text
            assert changed.any(), first
            assert not (changed & ~text.str.contains(PASS_GUARDS[first])).any(), first
        text = masked


@pytest.mark.parametrize("repeats", [1, 3])
def test_codes_map_each_line_to_its_masked_text(repeats: int) -> None:
    """Distinct lines are masked as they are, repeated ones deduplicated first."""
    messages = pl.concat([samples().unique(maintain_order=True)] * repeats)
    texts, codes = mask_codes(messages)
    assert texts.n_unique() == texts.len()
    assert texts.gather(codes).to_list() == one_rule_at_a_time(messages).to_list()


def test_mac_address_is_masked_whole() -> None:
    assert mask("link ab:cd:ef:01:23:45 up") == "link <*> up"


def test_repeated_messages_map_back_to_their_rows() -> None:
    messages = pl.Series("msg", ["b 2", None, "a 1", "b 2", "c", "a 1", None, "b 3"])
    masked = mask_messages(messages)
    assert masked.name == "msg"
    assert masked.to_list() == ["b <*>", None, "a <*>", "b <*>", "c", "a <*>", None, "b <*>"]


def test_large_input_masked_in_chunks_keeps_row_order() -> None:
    rows = PARALLEL_MIN_ROWS * 2 + 7
    words = ["alpha", "beta", "gamma"]
    messages = pl.Series([f"{words[i % 3]} took {i}ms via /p/{i}" for i in range(rows)])
    masked = mask_messages(messages)
    assert masked.to_list() == [f"{words[i % 3]} took <*> via <*>" for i in range(rows)]
    assert masked.to_list() == one_rule_at_a_time(messages).to_list()
