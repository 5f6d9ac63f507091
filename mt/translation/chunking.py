"""How many segments to translate before storing them: chunks sized by the speed measured so far.

The pipeline stores each chunk in the translation cache as it finishes (so Ctrl-C keeps it) and
moves the progress bar. Chunks should therefore finish every :attr:`ChunkSizer.target_seconds`
or so; but each backend call also has a fixed cost (a decoding loop of as many steps as the
longest output, whatever the batch holds), which tiny chunks would pay again and again. So a
chunk's time is modelled as ``a + b * characters`` (fitted over the last few chunks) and the next
chunk holds as many characters as fit in the target, or, when the fixed cost ``a`` is so large
that the target cannot be met, as many as keep ``a`` to a quarter of the chunk's time. While the
chunks measured are all of one size (the fit cannot tell ``a`` from ``b`` then), the next is
half as big again, to learn from::

    sizer = ChunkSizer(target_seconds=2.0, largest=64)
    sizer.take([120, 80, 80, 60])   # 4: nothing measured yet, a few segments to measure with
    sizer.observe(characters=340, seconds=3.4)
    sizer.take([60, 60, 50, 50])    # 3: 2 s at 100 characters a second (nothing else known)

Segments come longest first, so later chunks hold more of them for the same time.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence


class ChunkSizer:
    """Chooses chunk sizes from measured (characters, seconds) of the chunks translated so far."""

    first = 4
    """Segments in the first chunk, which measures the speed."""

    overhead_share = 0.25
    """The most of a chunk's time its fixed per-call cost may take, when the target cannot hold."""

    explored_span = 1.5
    """How much the remembered chunks must differ in size (largest / smallest) before the fit
    is trusted; until then the next chunk is this much bigger than the biggest."""

    def __init__(self, target_seconds: float, largest: int, remembered: int = 12) -> None:
        self.target_seconds = target_seconds
        self.largest = max(1, largest)
        self._samples: deque[tuple[float, float]] = deque(maxlen=remembered)

    def observe(self, characters: int, seconds: float) -> None:
        """Record a finished chunk: how many source characters it held, how long it took."""
        self._samples.append((float(max(characters, 1)), max(seconds, 1e-6)))

    def take(self, lengths: Sequence[int]) -> int:
        """How many of the next segments (their lengths in characters, in order) to translate:
        at least one, at most :attr:`largest`."""
        offered = min(len(lengths), self.largest)
        if not self._samples:
            return min(offered, self.first)
        sizes = [x for x, _ in self._samples]
        if len(sizes) > 1 and max(sizes) < self.explored_span * min(sizes):
            # Chunks of one size cannot tell the call's cost from the characters' (and the noise
            # of a shared machine reads as either): try a bigger one to learn from.
            budget = self.explored_span * max(sizes)
        else:
            budget = self.budget()
        count = 0
        size = 0.0
        for length in lengths[:offered]:
            size += length
            if count and size > budget:
                break
            count += 1
        return max(1, count)

    def budget(self) -> float:
        """The characters the next chunk may hold (infinite when only the fixed cost counts)."""
        fixed, per_char = self.fit()
        if per_char <= 0:
            return float("inf")
        within_target = (self.target_seconds - fixed) / per_char
        worth_the_call = fixed * (1 - self.overhead_share) / self.overhead_share / per_char
        return max(within_target, worth_the_call)

    def fit(self) -> tuple[float, float]:
        """Seconds per call and per character, by least squares over the remembered chunks
        (all time per character while the chunks measured do not differ enough in size; all
        per call when bigger chunks took no longer)."""
        xs = [x for x, _ in self._samples]
        ys = [y for _, y in self._samples]
        mean_x = sum(xs) / len(xs)
        mean_y = sum(ys) / len(ys)
        spread = sum((x - mean_x) ** 2 for x in xs)
        proportional = (0.0, sum(ys) / sum(xs))
        if len(xs) < 2 or spread < 0.01 * mean_x**2 * len(xs):
            return proportional
        per_char = sum((x - mean_x) * (y - mean_y) for x, y in self._samples) / spread
        if per_char <= 0:  # no slower for more: the time is the call's, whatever it holds
            return mean_y, 0.0
        fixed = mean_y - per_char * mean_x
        if fixed < 0:  # noise: a negative fixed cost means none worth counting
            return proportional
        return fixed, per_char
