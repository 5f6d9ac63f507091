"""Chunk sizes from measured speed: about the target time per chunk, but never so small that the
fixed cost of a backend call eats the throughput."""

from __future__ import annotations

import pytest

from mt.translation.chunking import ChunkSizer


@pytest.mark.parametrize(
    ("observed", "lengths", "expected"),
    [
        # nothing measured: a few segments, to measure with
        ([], [50] * 10, 4),
        ([], [50] * 2, 2),
        # 100 characters a second, no fixed cost: 200 characters fit in the 2 s target
        ([(400, 4.0)], [50] * 10, 4),
        ([(400, 4.0)], [150, 50, 50, 50], 2),  # a long one first, then what the rest allows
        ([(400, 4.0)], [300] * 5, 1),  # one segment takes longer than the target: one at a time
        # fast: everything offered, up to the largest chunk (8 here)
        ([(400, 0.04)], [50] * 20, 8),
        # 0.2 s a call plus 100 characters a second: (2 - 0.2) s holds 180 characters
        ([(100, 1.2), (300, 3.2)], [25] * 20, 7),
        # 8 s a call, whatever it holds (a decoding loop of fixed length): the target cannot be
        # met, so chunks grow until the call's cost is a quarter of theirs (here: the largest)
        ([(240, 10.0), (60, 8.1)], [60] * 20, 8),
        ([(240, 9.0), (60, 10.0)], [60] * 20, 8),  # bigger took no longer: the largest
        # chunks all of one size: the next half as big again as the biggest (330 characters)
        ([(200, 2.0), (220, 2.2)], [50] * 20, 6),
        ([(200, 2.0), (220, 2.2), (300, 3.0)], [50] * 20, 4),  # then the fit: 2 s, 200
        # 1 s a call: the target would hold 100 characters, but the call's cost is a quarter of
        # the chunk's time only at 3 x 1 s / 0.01 s per character = 300 characters
        ([(100, 2.0), (300, 4.0)], [50] * 20, 6),
    ],
)
def test_chunk_size_follows_measured_speed(observed, lengths, expected) -> None:
    sizer = ChunkSizer(target_seconds=2.0, largest=8)
    for characters, seconds in observed:
        sizer.observe(characters, seconds)
    assert sizer.take(lengths) == expected


@pytest.mark.parametrize(
    ("observed", "fixed", "per_char"),
    [
        ([(400, 4.0)], 0.0, 0.01),
        ([(100, 2.0), (300, 4.0)], 1.0, 0.01),
        ([(100, 2.0), (101, 9.0)], 0.0, 11.0 / 201),  # sizes too alike to tell: proportional
        ([(100, 3.0), (300, 2.0)], 2.5, 0.0),  # no slower for more: all the call's cost
    ],
)
def test_fit_of_fixed_and_per_character_cost(observed, fixed, per_char) -> None:
    sizer = ChunkSizer(target_seconds=2.0, largest=64)
    for characters, seconds in observed:
        sizer.observe(characters, seconds)
    assert sizer.fit() == pytest.approx((fixed, per_char))
