"""The cluster engine: ``mt translate --engine ray`` decodes on Ray actors; nothing else changes.

The driver (this process) does what the local engine does, with the same code: it reads and
segments the documents, pools and deduplicates the segments of each language, answers what it can
from the translation cache, and writes every output at the end (all or nothing). Only the chunks
that miss the cache leave it: each language gets a pool of model actors (:class:`ModelActor`),
each loading its model once through :func:`~mt.translation.engine.open_translation_backend`,
exactly as the local engine would, and decoding whole chunks with
:func:`~mt.translation.engine.decode_fitting`, the functions the local engine runs. The chunks
hold two batches each (the local engine sizes its chunks by measured speed instead, to store often);
which segments share a batch changes no translation when the length limit is fixed
(``--max-new-tokens``), and the tests compare both engines byte for byte so. Results come back as
the actors finish them, and the driver stores each chunk in the cache as it arrives.

Faults are Ray's to handle: an actor that dies is restarted (``max_restarts``), loading its model
again, and the chunk it held is retried (``max_task_retries``). A driver that is interrupted has
already stored every finished chunk, so a re-run sends only what is missing.

Pool size: one actor per CPU of the cluster (per GPU with ``--device cuda``), or ``--actors N``.
Languages are translated one after another, each with the whole cluster: a language's pool is
released before the next one starts, so that its CPUs are free for the next language's actors.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from mt.core.errors import InputError

if TYPE_CHECKING:
    from mt.engines.backends import Backend, DecodeSettings
    from mt.engines.backends.fastpath import FastPathCounts
    from mt.engines.decoding import DecodeResult
    from mt.engines.models import ModelSpec
    from mt.terminology.terms import SegmentTerms
    from mt.translation.engine import FittedBatch
    from mt.translation.pipeline import TranslateOptions

# How often Ray restarts a dead actor, and retries the chunk it was decoding; past that the run
# fails with Ray's error rather than loop on a chunk that kills every actor it meets.
ACTOR_RESTARTS = 4
CHUNK_RETRIES = 4


def _fast_path_counts(backend: Backend) -> FastPathCounts | None:
    """The fast path's running counts (the last leg of a pivot route), or None without one."""
    last_leg = getattr(backend, "second", backend)
    return getattr(last_leg, "counts", None)


class ModelActor:
    """One model loaded once, decoding the chunks it is sent (runs in a Ray worker process)."""

    def __init__(self, spec: ModelSpec, options: TranslateOptions) -> None:
        from mt.translation.engine import open_translation_backend

        self.backend = open_translation_backend(spec, options)

    def describe(self) -> tuple[str, str]:
        return self.backend.name, self.backend.model_id

    def pid(self) -> int:
        """The worker's process id: tells a restarted actor from the one it replaced."""
        return os.getpid()

    def count_tokens(self, source: str) -> int:
        return self.backend.count_tokens(source)

    def decode(
        self,
        position: int,
        batch: Sequence[tuple[str, SegmentTerms]],
        settings: DecodeSettings,
    ) -> tuple[int, FittedBatch, FastPathCounts | None]:
        """A chunk's results, with the fast path's counts for this chunk alone: an actor that
        is restarted starts its counts from zero, so the driver adds up chunks, not actors."""
        from mt.translation.engine import decode_fitting

        before = _fast_path_counts(self.backend)
        fitted = decode_fitting(self.backend, batch, settings)
        after = _fast_path_counts(self.backend)
        if before is None or after is None:
            return position, fitted, None
        return position, fitted, after - before


class ModelPool:
    """A language's actors, seen by the pipeline as its backend (``map_chunks`` decodes)."""

    def __init__(
        self,
        spec: ModelSpec,
        options: TranslateOptions,
        size: int,
        counts: FastPathCounts | None = None,
    ) -> None:
        import ray

        resources = {"num_gpus": 1} if options.device == "cuda" else {"num_cpus": 1}
        actor_class = ray.remote(ModelActor).options(  # type: ignore[attr-defined]
            max_restarts=ACTOR_RESTARTS, max_task_retries=CHUNK_RETRIES, **resources
        )
        self.actors: list[Any] = [actor_class.remote(spec, options) for _ in range(size)]
        self.name, self.model_id = ray.get(self.actors[0].describe.remote())
        self._counts = counts  # a language's pool opened again goes on counting
        self.released = False

    @property
    def counts(self) -> FastPathCounts:
        """The fast path's counts over every chunk decoded (absent without a fast path)."""
        if self._counts is None:
            raise AttributeError("counts")  # hasattr() is False: no fast path on this route
        return self._counts

    def map_chunks(
        self, chunks: Sequence[Sequence[tuple[str, SegmentTerms]]], settings: DecodeSettings
    ) -> Iterator[tuple[int, FittedBatch]]:
        """(position, result) for each chunk, as the actors finish them; each actor holds one
        chunk at a time, so a slow chunk never holds back the others."""
        from ray.util import ActorPool

        pool = ActorPool(self.actors)
        jobs = list(enumerate(chunks))
        decoded = pool.map_unordered(
            lambda actor, job: actor.decode.remote(job[0], job[1], settings), jobs
        )
        for position, fitted, counts in decoded:
            if counts is not None:
                self._counts = counts if self._counts is None else self._counts + counts
            yield position, fitted

    def translate(
        self, sources: Sequence[str], terms: Sequence[SegmentTerms], settings: DecodeSettings
    ) -> list[DecodeResult]:
        """The :class:`~mt.engines.backends.Backend` interface: one chunk, on one actor."""
        from mt.engines.backends import check_terms

        batch = list(zip(sources, check_terms(sources, terms), strict=True))
        ((_, fitted),) = self.map_chunks([batch], settings)
        return list(fitted.results)

    def count_tokens(self, source: str) -> int:
        import ray

        return ray.get(self.actors[0].count_tokens.remote(source))

    def release(self) -> None:
        """Stop the actors (their CPUs go to the next language); the counts stay readable."""
        import ray

        for actor in self.actors:
            ray.kill(actor, no_restart=True)
        self.actors = []
        self.released = True


class RayEngine:
    """Connects to Ray (or starts a local instance) and makes one actor pool per language."""

    def __init__(self, options: TranslateOptions) -> None:
        try:
            import ray
        except ImportError:  # the CLI checks the extra first; this is for library users
            from mt.core.install import pip_install

            raise InputError(
                f"--engine ray needs Ray, which is not installed: {pip_install('ray')}"
            ) from None
        self.options = options
        self._started = False
        self._current: ModelPool | None = None
        if not ray.is_initialized():
            # A local instance reports nothing home; a cluster keeps its own settings.
            os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
            try:
                ray.init(
                    address=options.ray_address,
                    include_dashboard=False,
                    log_to_driver=False,
                    logging_level="ERROR",
                )
            except (ConnectionError, ValueError, RuntimeError) as error:
                where = options.ray_address or "a local instance"
                raise InputError(f"--engine ray: cannot reach Ray at {where}: {error}") from None
            self._started = True

    def pool_size(self) -> int:
        import ray

        if self.options.actors is not None:
            return self.options.actors
        resources = ray.cluster_resources()
        unit = "GPU" if self.options.device == "cuda" else "CPU"
        return max(1, int(resources.get(unit, 1)))

    def pool(self, spec: ModelSpec, previous: ModelPool | None = None) -> ModelPool:
        """A new pool for ``spec`` (carrying on ``previous``'s counts, a released pool of the
        same language); the pool of the language before is released first."""
        if self._current is not None:
            self._current.release()
        counts = previous._counts if previous is not None else None
        self._current = ModelPool(spec, self.options, self.pool_size(), counts)
        return self._current

    def close(self) -> None:
        import ray

        if self._current is not None and ray.is_initialized():
            self._current.release()
            self._current = None
        if self._started:
            ray.shutdown()
            self._started = False
