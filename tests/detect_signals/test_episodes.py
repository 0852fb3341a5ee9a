"""Episodes: persistence rules that keep blips and dips from becoming onsets or recoveries."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from hotwash.detect.episodes import Episode, find_episodes


def flags(text: str) -> np.ndarray:
    return np.array([c == "x" for c in text], dtype=np.bool_)


def test_blip_is_ignored_and_run_opens_an_episode() -> None:
    assert find_episodes(flags("..x....xxx....."), persist=3, settle=3) == [Episode(7, 10)]


def test_short_dip_does_not_close_an_episode() -> None:
    assert find_episodes(flags("xxx.xxx...x"), persist=3, settle=3) == [Episode(0, 7)]


def test_still_abnormal_at_the_end() -> None:
    assert find_episodes(flags("..xxxx"), persist=2, settle=2) == [Episode(2, None)]


def test_extreme_point_opens_an_episode_alone() -> None:
    extreme = flags("...x.....")
    assert find_episodes(flags("...x....."), 3, 3, extreme) == [Episode(3, 4)]


@given(st.lists(st.booleans(), max_size=200), st.integers(1, 5), st.integers(1, 5))
def test_episodes_are_ordered_and_start_abnormal(
    bits: list[bool], persist: int, settle: int
) -> None:
    signal = np.array(bits, dtype=np.bool_)
    episodes = find_episodes(signal, persist, settle)
    last = -1
    for episode in episodes:
        assert episode.onset > last and signal[episode.onset]
        assert episode.recovery is None or not signal[episode.recovery]
        last = episode.recovery if episode.recovery is not None else len(bits)
    if not signal.any():
        assert episodes == []
