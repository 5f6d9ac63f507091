"""Segments of concurrent requests decoded in shared batches, by the one thread that translates.

A model decodes 32 sentences in one call in little more time than one sentence, so requests that
arrive together are translated together::

    batcher = Batcher(translate, window_s=0.01, max_queue=1024, max_batch=256)
    # in 32 requests at once, each awaiting its own sentence:
    results = await batcher.submit("fr", ["De minister is in Brussel."], [terms])

The worker takes every waiting request for one language (the language whose oldest request waited
longest), up to ``max_batch`` segments, and makes one ``translate(lang, segments, terms)`` call,
which is the pipeline's ``Translator.translate_segments``: deduplication and the translation
cache work across requests as within one. While a batch decodes, new requests wait and form the
next one; an idle worker waits ``window_s`` for company before it starts. The translator is not
thread-safe (its SQLite cache is bound to one thread), so every call runs on one worker thread.

The queue is bounded in segments: a request that would overfill it is refused at once
(:class:`QueueFull`, with a retry delay from the measured speed), never queued to time out.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from mt.terminology.terms import SegmentTerms
from mt.translation.results import SegmentBatchResult, TermOutcome

T = TypeVar("T")
TranslateFn = Callable[[str, list[str], list[SegmentTerms]], SegmentBatchResult]


class QueueFull(Exception):
    """The queue holds too many segments to take a request now."""

    def __init__(self, waiting: int, retry_after: int) -> None:
        self.waiting = waiting
        self.retry_after = retry_after
        super().__init__(f"the translation queue is full ({waiting} segments waiting)")


@dataclass(frozen=True)
class Translated:
    """One segment's translation and what became of its glossary terms."""

    text: str
    outcomes: tuple[TermOutcome, ...]
    cached: bool


@dataclass(eq=False)
class _Job:
    lang: str
    segments: list[str]
    terms: list[SegmentTerms]
    future: asyncio.Future[list[Translated]]
    queued: float = field(default_factory=time.monotonic)


@dataclass
class BatchStats:
    """What the worker has done, for ``/health`` and the benchmark."""

    batches: int = 0
    segments: int = 0
    requests: int = 0
    largest_batch: int = 0  # requests in one decode call
    busy_s: float = 0.0


class Batcher:
    """Queues requests' segments per language and translates them in shared batches."""

    def __init__(
        self,
        translate: TranslateFn,
        *,
        window_s: float = 0.01,
        max_queue: int = 1024,
        max_batch: int = 256,
    ) -> None:
        self._translate = translate
        self.window_s = window_s
        self.max_queue = max_queue
        self.max_batch = max_batch
        self._pending: dict[str, deque[_Job]] = {}
        self.waiting = 0  # segments queued, not yet being translated
        self.stats = BatchStats()
        self._wake: asyncio.Event | None = None
        self._worker: asyncio.Task[None] | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mt-translate")

    # --- the translating thread ------------------------------------------------------------------

    async def call(self, function: Callable[..., T], *args: Any) -> T:
        """Run ``function(*args)`` on the translating thread (model loading, the glossary)."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, function, *args)

    def start(self) -> None:
        """Start the worker on the running event loop."""
        self._wake = asyncio.Event()
        self._worker = asyncio.get_running_loop().create_task(self._run(), name="mt-batcher")

    async def stop(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
        for jobs in self._pending.values():
            for job in jobs:
                if not job.future.done():
                    job.future.cancel()
        self._pending.clear()
        self._executor.shutdown(wait=True)

    # --- requests --------------------------------------------------------------------------------

    async def submit(
        self, lang: str, segments: Sequence[str], terms: Sequence[SegmentTerms]
    ) -> list[Translated]:
        """Translate ``segments`` into ``lang`` with the next batch; raises :class:`QueueFull`."""
        if not segments:
            return []
        if self._wake is None:
            raise RuntimeError("Batcher.start() was not called")
        if self.waiting + len(segments) > self.max_queue:
            raise QueueFull(self.waiting, self._retry_after(len(segments)))
        future: asyncio.Future[list[Translated]] = asyncio.get_running_loop().create_future()
        job = _Job(lang, list(segments), list(terms), future)
        self._pending.setdefault(lang, deque()).append(job)
        self.waiting += len(segments)
        self._wake.set()
        try:
            return await future
        except asyncio.CancelledError:
            # The request timed out or its client left: a job not yet taken is not translated.
            queue = self._pending.get(lang)
            if queue is not None and job in queue:
                queue.remove(job)
                self.waiting -= len(job.segments)
            raise

    def _retry_after(self, wanted: int) -> int:
        """Seconds until the queue has room, at the speed measured so far (1 to 60)."""
        speed = self.stats.segments / self.stats.busy_s if self.stats.busy_s else 0.0
        if speed <= 0:
            return 1
        return max(1, min(60, math.ceil((self.waiting + wanted - self.max_queue) / speed)))

    # --- the worker ------------------------------------------------------------------------------

    async def _run(self) -> None:
        assert self._wake is not None
        while True:
            await self._wake.wait()
            if self.window_s > 0:
                await asyncio.sleep(self.window_s)  # let the requests sent together arrive
            self._wake.clear()
            while self.waiting:
                await self._translate_next()

    def _take_batch(self) -> list[_Job]:
        """The waiting jobs of the language whose oldest job waited longest, up to max_batch."""
        lang = min(
            (lang for lang, jobs in self._pending.items() if jobs),
            key=lambda lang: self._pending[lang][0].queued,
        )
        queue = self._pending[lang]
        jobs = [queue.popleft()]
        size = len(jobs[0].segments)
        while queue and size + len(queue[0].segments) <= self.max_batch:
            size += len(queue[0].segments)
            jobs.append(queue.popleft())
        self.waiting -= size
        return jobs

    async def _translate_next(self) -> None:
        jobs = self._take_batch()
        lang = jobs[0].lang
        segments = [segment for job in jobs for segment in job.segments]
        terms = [segment_terms for job in jobs for segment_terms in job.terms]
        started = time.perf_counter()
        try:
            result = await self.call(self._translate, lang, segments, terms)
            answers = self._split(jobs, result)
        except Exception as error:  # the requests of this batch fail; the worker goes on
            for job in jobs:
                if not job.future.done():
                    job.future.set_exception(error)
            return
        finally:
            self.stats.busy_s += time.perf_counter() - started
        self.stats.batches += 1
        self.stats.segments += len(segments)
        self.stats.requests += len(jobs)
        self.stats.largest_batch = max(self.stats.largest_batch, len(jobs))
        for job, translated in zip(jobs, answers, strict=True):
            if not job.future.done():  # (a request that timed out meanwhile is cancelled)
                job.future.set_result(translated)

    @staticmethod
    def _split(jobs: Sequence[_Job], result: SegmentBatchResult) -> list[list[Translated]]:
        """Each job's share of the batch's result, in order."""
        if len(result.translations) != sum(len(job.segments) for job in jobs):
            raise RuntimeError("the translator returned another number of translations")
        answers, position = [], 0
        for job in jobs:
            end = position + len(job.segments)
            answers.append(
                [
                    Translated(result.translations[i], result.outcomes[i], result.cached[i])
                    for i in range(position, end)
                ]
            )
            position = end
        return answers
