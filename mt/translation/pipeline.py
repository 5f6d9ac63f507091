"""The order of work: read documents, split, match terms, translate (cached), verify, write, report.

Only this module knows the order; every step is a function of the previous step's values::

    translator = Translator(TranslateOptions(models={"de": "/models/gmw"}))
    summary = translator.translate_documents([Path("release.nl.md")], ["fr", "de", "en"])
    summary.documents[0].output                       # release.fr.md, written atomically

    translator.translate_segments(["Daesh is verslagen."], "fr").translations

Segments of all inputs are pooled per language, deduplicated, looked up in the translation cache
(keyed without loading a model), and only the misses are translated, longest first, in chunks of
about three seconds' work, each stored as it finishes (so Ctrl-C keeps it). Each model loads once
per :class:`Translator`, and only when a segment misses the cache.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from mt.core.config import Config, load_config
from mt.core.errors import ConfigError, InputError, Location
from mt.documents import MarkupNote
from mt.terminology.terms import NO_TERMS, CasePolicy, RequiredTerm, SegmentTerms
from mt.translation.engine import (
    FittedBatch,
    backend_kind,
    decode_fitting,
    open_translation_backend,
)
from mt.translation.markup import (
    KEEP,
    CarriedSentence,
    PlaceholderStyle,
    carry,
    choose_style,
    is_placeholder,
    restore,
)
from mt.translation.results import DocumentResult, SegmentBatchResult, Summary, TermOutcome

if TYPE_CHECKING:
    from mt.documents import Document, TextUnit
    from mt.engines.backends import Backend, DecodeSettings
    from mt.engines.decoding import DecodeResult
    from mt.engines.models import ModelSpec
    from mt.terminology.glossary import Glossary
    from mt.translation.cache import CacheKey, Segment, TranslationCache
    from mt.translation.cluster import RayEngine
    from mt.translation.memory import MemoryEntry, TranslationMemory

TERM_MODES = ("enforce", "check", "off")
ENGINES = ("local", "ray")
ProgressFn = Callable[[str, int, int], None]
"""Called as ``progress(label, done, total)`` while segments are translated."""


@dataclass(frozen=True)
class TranslateOptions:
    """Everything that decides how a run translates; the CLI's options, one for one."""

    models: Mapping[str, str] = field(default_factory=dict)  # lang -> hub id or folder
    pivots: Mapping[str, str] = field(default_factory=dict)  # lang -> pivot language
    backend: str = "auto"  # torch | ctranslate2 | auto
    beam: int | None = None  # None: the model's generation config
    batch_size: int | None = None
    max_new_tokens: int | None = None  # None: twice the source length plus a margin
    device: str = "auto"
    terms: str = "enforce"  # enforce | check | off
    glossaries: tuple[Path, ...] | None = None  # None: the shipped glossaries/
    cache: Path | None = None  # None: the user's cache folder
    use_cache: bool = True
    # TMX files whose exact matches replace machine translation (--memory; else [translate]
    # memory in the config)
    memories: tuple[Path, ...] = ()
    config: Config | None = None  # None: .mt.toml / [tool.mt] found from the working folder
    engine: str = "local"  # local | ray (mt.translation.cluster)
    ray_address: str | None = None  # None with engine "ray": a local Ray instance
    actors: int | None = None  # model actors per language on Ray; None: from the cluster's CPUs
    # Markdown front-matter keys whose values are translated; None: the config's
    # [translate] front-matter (default: none, the front matter is kept as written)
    front_matter: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.terms not in TERM_MODES:
            raise InputError(f"unknown --terms mode {self.terms!r}: choose {', '.join(TERM_MODES)}")
        if self.engine not in ENGINES:
            raise InputError(f"unknown --engine {self.engine!r}: choose {', '.join(ENGINES)}")
        if self.actors is not None and self.actors < 1:
            raise InputError(f"--actors must be at least 1, not {self.actors}")
        from mt.engines.backends.base import DecodeSettings  # light: no engine is imported

        # Bad decoding settings (a beam past the limit) fail here, before any work.
        DecodeSettings(
            num_beams=self.beam, batch_size=self.batch_size, max_new_tokens=self.max_new_tokens
        )


class Translator:
    """Translates segments and documents; loads each model once, on first need (and a run
    that the cache answers wholly loads none)."""

    flush_seconds = 3.0
    """About how often finished translations are stored (and progress reported) while decoding
    locally (on Ray, each chunk is stored as an actor returns it)."""

    def __init__(self, options: TranslateOptions | None = None, progress: ProgressFn | None = None):
        self.options = options or TranslateOptions()
        self.progress = progress
        self.config = self.options.config or load_config()
        self.warnings: list[str] = []
        self._backends: dict[str, Backend] = {}
        self._specs: dict[str, ModelSpec] = {}
        self._identities: dict[str, str] = {}
        self._glossary: Glossary | None = None
        self._cache: TranslationCache | None = None
        self._cluster: RayEngine | None = None
        self._memory: TranslationMemory | None = None
        self._carriers: dict[str, tuple[PlaceholderStyle | None, Callable[[str], bool]]] = {}
        self.load_seconds = 0.0

    # --- resources, each made once ---------------------------------------------------------------

    @property
    def glossary(self) -> Glossary:
        if self._glossary is None:
            from mt.terminology.glossary import EMPTY_GLOSSARY, load_glossary

            off = self.options.terms == "off"
            self._glossary = EMPTY_GLOSSARY if off else load_glossary(self.options.glossaries)
        return self._glossary

    def specs(self, langs: Sequence[str]) -> dict[str, ModelSpec]:
        """The model spec of each language (unknown languages and bad overrides fail here)."""
        from mt.engines.models import resolve_models

        missing = [lang for lang in langs if lang not in self._specs]
        if missing:
            resolved = resolve_models(
                missing, self.options.models, self.config, pivots=self.options.pivots
            )
            self._specs.update(resolved)
        return {lang: self._specs[lang] for lang in langs}

    def backend(self, lang: str) -> Backend:
        backend = self._backends.get(lang)
        # On Ray a language's actor pool is released when the next language's starts.
        if backend is None or getattr(backend, "released", False):
            import warnings

            from mt.core.errors import MtWarning

            started = time.perf_counter()
            spec = self.specs([lang])[lang]
            # What opening had to work around (an unwritable conversion cache) goes into the
            # run's warnings, for people and --json alike; other libraries' warnings pass on.
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", MtWarning)
                if self.options.engine == "ray":
                    from mt.translation.cluster import RayEngine

                    if self._cluster is None:
                        self._cluster = RayEngine(self.options)
                    backend = self._cluster.pool(spec, previous=backend)
                else:
                    backend = open_translation_backend(spec, self.options)
            for warning in caught:
                if issubclass(warning.category, MtWarning):
                    self.warnings.append(str(warning.message))
                else:
                    warnings.warn_explicit(
                        warning.message, warning.category, warning.filename, warning.lineno
                    )
            self._backends[lang] = backend
            self.load_seconds += time.perf_counter() - started
        return backend

    @property
    def cache(self) -> TranslationCache | None:
        if self._cache is None and self.options.use_cache:
            from mt.translation.cache import TranslationCache

            self._cache = TranslationCache(self.options.cache)
        return self._cache

    @property
    def memory(self) -> TranslationMemory:
        """The translation memories of ``--memory`` (or the config's), loaded once."""
        if self._memory is None:
            from mt.translation.memory import TranslationMemory, load_memories

            paths = self.options.memories or _configured_memories(self.config)
            self._memory = load_memories(paths) if paths else TranslationMemory()
            if self._memory.conflicts:  # (once: the memory is loaded once)
                from mt.translation.memory import describe_conflicts

                self.warnings.append(
                    "the translation memories hold "
                    + describe_conflicts(self._memory.conflicting)
                    + "\n  (the first --memory file wins over the next, and in a file the "
                    "earlier entry; mt memory export names them)"
                )
        return self._memory

    def close(self) -> None:
        if self._cluster is not None:
            self._cluster.close()
        if self._cache is not None:
            self._cache.close()

    def __enter__(self) -> Translator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def front_matter_keys(self) -> tuple[str, ...]:
        """The Markdown front-matter keys to translate: the option's, else the config's."""
        if self.options.front_matter is not None:
            return tuple(self.options.front_matter)
        keys = self.config.table("translate").get("front-matter", [])
        if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
            raise ConfigError(
                '[translate] front-matter must be a list of keys, e.g. ["title", "description"]',
                Location(self.config.path or "config"),
            )
        return tuple(keys)

    def settings(self) -> DecodeSettings:
        from mt.engines.backends import DecodeSettings

        return DecodeSettings(
            num_beams=self.options.beam,
            batch_size=self.options.batch_size,
            max_new_tokens=self.options.max_new_tokens,
        )

    # --- segments -------------------------------------------------------------------------------

    def requirements(self, segment: str, lang: str, protected: Sequence[str] = ()) -> SegmentTerms:
        """What the glossary (and the document's protected spans) ask of the translation."""
        terms = (
            NO_TERMS if self.options.terms == "off" else self.glossary.requirements(segment, lang)
        )
        keep = tuple(
            RequiredTerm(f"{_KEEP}{span}", span, (span,), CasePolicy.STRICT, copy=True)
            for span in protected
            if span in segment
        )
        if keep:
            terms = SegmentTerms(terms.required + keep, terms.forbidden)
        return terms

    def translate_segments(
        self,
        segments: Sequence[str],
        lang: str,
        terms: Sequence[SegmentTerms] | None = None,
    ) -> SegmentBatchResult:
        """Translate ``segments`` (sentences) into ``lang``; ``terms`` default to the glossary's.

        The steps: one translation per distinct (segment, terms); the memory's answers, then the
        cache's; the misses translated (the model loads only now, and only if something
        missed), each chunk stored as it finishes; then each outcome checked on its translation.
        """
        started = time.perf_counter()
        if terms is None:
            terms = [self.requirements(segment, lang) for segment in segments]
        settings: DecodeSettings = self.settings()
        enforce = self.options.terms == "enforce"
        # --terms check|off translate freely, but a document's markup and URLs are still carried.
        decode_terms = list(terms) if enforce else [_kept_only(t) for t in terms]

        # One translation per distinct (segment, terms): a release repeats itself.
        unique: dict[Segment, int] = {}
        for segment, segment_terms in zip(segments, decode_terms, strict=True):
            unique.setdefault((segment, segment_terms), len(unique))
        pending = list(unique)
        # The memory first (what people translated wins over the cache's machine translations),
        # then the cache for the rest; when they serve every segment, no model loads.
        remembered = self._remembered(pending, lang)
        results: list[DecodeResult | None] = list(remembered)
        cached: list[DecodeResult | None] = [None] * len(pending)
        asked = [i for i, result in enumerate(results) if result is None]
        key = self._cache_key(lang, settings) if self.cache and asked else None
        found = self._from_cache(key, [pending[i] for i in asked])
        for i, result in zip(asked, found, strict=True):
            cached[i] = results[i] = result
        misses = [i for i, result in enumerate(results) if result is None]
        long_splits = self._translate_misses(lang, pending, misses, results, key, settings)

        translations = []
        outcomes = []
        from_cache = []
        from_memory = []
        for segment, decode, segment_terms in zip(segments, decode_terms, terms, strict=True):
            index = unique[(segment, decode)]
            result = results[index]
            assert result is not None
            translations.append(result.text)
            from_cache.append(cached[index] is not None)
            from_memory.append(remembered[index] is not None)
            # (a person's translation may inflect a term: it is read as mt check reads one)
            human = remembered[index] is not None
            outcomes.append(self._outcomes(result, segment_terms, lang, inflections=human))
        return SegmentBatchResult(
            tuple(translations),
            tuple(outcomes),
            cached=tuple(from_cache),
            from_memory=tuple(from_memory),
            translated=len(misses),
            split_long=long_splits,
            seconds=time.perf_counter() - started,
        )

    def _remembered(
        self, pending: Sequence[tuple[str, SegmentTerms]], lang: str
    ) -> list[DecodeResult | None]:
        """The memory's translation of each pending segment (None: not there, or set aside).

        A match obeys the glossary as a machine translation does: with ``--terms enforce``, one
        that lacks a required term or holds a forbidden one is set aside (with a warning naming
        the term) and the segment is machine-translated with the term enforced; with ``--terms
        check`` it is used, and its term report says what it lacks.
        """
        if not self.memory:
            return [None] * len(pending)
        from mt.engines.decoding import DecodeResult
        from mt.terminology.verification import verify

        found: list[DecodeResult | None] = []
        for segment, segment_terms in pending:
            entry = self.memory.lookup(segment, lang) or self._remembered_sentences(segment, lang)
            if entry is None:
                found.append(None)
                continue
            if segment_terms and self.options.terms == "enforce":
                verdict = verify(entry.target, segment_terms, lang, inflections=True)
                broken = [
                    t.source_text for t in verdict.missing if not t.entry_id.startswith(_KEEP)
                ]
                broken += verdict.forbidden_found
                lost = [t.source_text for t in verdict.missing if t.entry_id.startswith(_KEEP)]
                if broken or lost:
                    where = f" ({entry.document}:{entry.line})" if entry.document else ""
                    what = []
                    if broken:
                        what.append(f"breaks the glossary ({', '.join(map(repr, broken))})")
                    if lost:
                        what.append(f"lacks the inline markup {', '.join(map(repr, lost))}")
                    self.warnings.append(
                        f"a translation memory match{where} {' and '.join(what)}; "
                        f"machine-translated instead: {segment[:60]}"
                    )
                    found.append(None)
                    continue
            found.append(DecodeResult(entry.target, (), (), 0))
        return found

    def _remembered_sentences(self, segment: str, lang: str) -> MemoryEntry | None:
        """A unit the memory holds sentence by sentence (another language held it whole, so it
        came whole): the sentences' translations, joined; None unless the memory has them all."""
        sentences = self._sentences(segment)
        if len(sentences) < 2:
            return None
        entries = [self.memory.lookup(sentence, lang) for sentence in sentences]
        if any(entry is None for entry in entries):
            return None
        from mt.translation.memory import MemoryEntry

        first = entries[0]
        assert first is not None
        target = " ".join(entry.target for entry in entries if entry is not None)
        return MemoryEntry(segment, target, lang, first.document, first.line)

    # --- the cache step -------------------------------------------------------------------------

    def _cache_key(self, lang: str, settings: DecodeSettings) -> CacheKey:
        """The key of ``lang``'s translations, known without loading a model (see
        :func:`mt.translation.cache.model_identity`)."""
        from mt.translation.cache import CacheKey

        enforce = self.options.terms == "enforce"
        return CacheKey(
            model=self.model_identity(lang),
            settings=settings.cache_key,
            lang=lang,
            # --terms check translates freely, exactly as --terms off: they share cached results.
            terms_mode="enforce" if enforce else "off",
        )

    def _from_cache(
        self, key: CacheKey | None, pending: Sequence[Segment]
    ) -> list[DecodeResult | None]:
        """The cached translation of each pending (segment, terms), None where there is none."""
        if key is None or self.cache is None:
            return [None] * len(pending)
        return self.cache.get_many(key, pending)

    def _store(self, key: CacheKey | None, done: Sequence[tuple[Segment, DecodeResult]]) -> None:
        """Commit finished translations at once, so an interrupted run keeps them."""
        if key is not None and self.cache is not None:
            self.cache.put_many(key, [(source, terms, result) for (source, terms), result in done])

    def model_identity(self, lang: str) -> str:
        """Model, target token, revision and engine of ``lang``'s route, read from the files
        without loading anything; a model not on this machine is fetched (its backend opened)."""
        if lang not in self._identities:
            from mt.translation.cache import model_identity

            spec = self.specs([lang])[lang]
            engine, first_engine = self._engine_tags()
            identity = model_identity(spec, engine, first_engine)
            if identity is None:  # not here yet: opening the backend fetches it (or says why not)
                backend = self.backend(lang)
                identity = model_identity(spec, engine, first_engine) or backend.model_id
            self._identities[lang] = identity
        return self._identities[lang]

    def _engine_tags(self) -> tuple[str, str]:
        """What tells this run's engine apart in a model identity: the last leg's, the first's.

        As the backends name themselves: torch adds nothing, CTranslate2 its compute type, the
        fast path (CTranslate2 verified, missed terms placed on CTranslate2) "+verify+place" on
        the last leg, or "+place" without the torch search behind it (--terms check|off, and
        the first leg of a route, which carries markup only).
        A Ray actor opens the same backend as the local engine, so both share the cache.
        """
        if backend_kind(self.options) == "torch":
            return "", ""
        from mt.engines.backends.ct2 import default_compute_type

        fast = f"+ct2-{default_compute_type(self.options.device)}"
        return (
            f"{fast}+verify+place" if self.options.terms == "enforce" else f"{fast}+place"
        ), f"{fast}+place"

    # --- translating what the cache did not hold -----------------------------------------------

    def _translate_misses(
        self,
        lang: str,
        pending: Sequence[Segment],
        misses: list[int],
        results: list[DecodeResult | None],
        key: CacheKey | None,
        settings: DecodeSettings,
    ) -> int:
        """Translate ``pending[misses]`` into ``results``, storing each chunk as it finishes, and
        return how many long sentences were split.

        Locally, chunks are sized so that each takes about :attr:`flush_seconds` at the speed
        measured so far (:class:`~mt.translation.chunking.ChunkSizer`; at most two batches), so
        Ctrl-C loses little and the progress bar moves steadily. On Ray the chunks (two batches
        each) go to the actors at once, and are stored as they come back.
        """
        if not misses:
            return 0
        backend = self.backend(lang)
        # Longest first, so each backend call gets segments of similar length.
        misses.sort(key=lambda i: len(pending[i][0]), reverse=True)
        long_splits = 0
        done = 0
        self._report(lang, done, len(misses))
        for indices, fitted in self._decode_chunks(backend, pending, misses, settings):
            long_splits += fitted.splits
            self.warnings.extend(fitted.warnings)
            finished = list(zip(indices, fitted.results, strict=True))
            for i, result in finished:
                results[i] = result
            self._store(key, [(pending[i], result) for i, result in finished])
            done += len(indices)
            self._report(lang, done, len(misses))
        return long_splits

    def _decode_chunks(
        self,
        backend: Backend,
        pending: Sequence[Segment],
        misses: Sequence[int],
        settings: DecodeSettings,
    ) -> Iterator[tuple[Sequence[int], FittedBatch]]:
        """(indices into ``pending``, their translations) for each chunk of ``misses``: one after
        another here, each sized by the speed so far; as actors finish them on Ray."""
        largest = max(8, (settings.batch_size or 32) * 2)
        map_chunks = getattr(backend, "map_chunks", None)  # the cluster engine's actor pools
        if map_chunks is not None:
            chunks = [misses[start : start + largest] for start in range(0, len(misses), largest)]
            batches = [[pending[i] for i in chunk] for chunk in chunks]
            for position, fitted in map_chunks(batches, settings):
                yield chunks[position], fitted
            return
        from mt.translation.chunking import ChunkSizer

        lengths = [len(pending[i][0]) + 1 for i in misses]
        sizer = ChunkSizer(self.flush_seconds, largest=largest)
        done = 0
        while done < len(misses):
            count = sizer.take(lengths[done:])
            chunk = misses[done : done + count]
            chunk_started = time.perf_counter()
            fitted = decode_fitting(backend, [pending[i] for i in chunk], settings)
            sizer.observe(sum(lengths[done : done + count]), time.perf_counter() - chunk_started)
            done += count
            yield chunk, fitted

    def _outcomes(
        self, result: DecodeResult, terms: SegmentTerms, lang: str, *, inflections: bool = False
    ) -> tuple[TermOutcome, ...]:
        """Check the translation itself: the report says what the output holds, not the intent."""
        if not terms:
            return ()
        from mt.terminology.verification import verify

        verification = verify(result.text, terms, lang, inflections=inflections)
        missing = {term.entry_id for term in verification.missing}
        reasons = dict(result.unmet)
        outcomes = []
        for term in terms.required:
            if term.entry_id in missing:
                reason = reasons.get(term.entry_id) or (
                    "not in the translation (--terms check)"
                    if self.options.terms == "check"
                    else "not in the translation"
                )
                outcomes.append(TermOutcome(term.entry_id, term.source_text, "missing", reason))
            else:
                folded = result.text.casefold()
                written = next((a for a in term.alternatives if a.casefold() in folded), "")
                outcomes.append(
                    TermOutcome(term.entry_id, term.source_text, "applied", target=written)
                )
        for found in verification.forbidden_found:
            outcomes.append(
                TermOutcome(
                    f"forbidden:{found}",
                    found,
                    "forbidden",
                    "forbidden term in the output",
                    target=found,
                )
            )
        return tuple(outcomes)

    def _report(self, lang: str, done: int, total: int) -> None:
        if self.progress is not None and total:
            self.progress(f"translating into {lang}", done, total)

    # --- documents -------------------------------------------------------------------------------

    def translate_documents(
        self,
        inputs: Sequence[Path | str],
        langs: Sequence[str],
        out_dir: Path | str | None = None,
        *,
        format: str | None = None,
        encoding: str = "utf-8",
        overwrite: bool = False,
    ) -> Summary:
        """Translate each input document into each language and write ``<stem>.<lang>.<ext>``.

        All inputs are read and every output planned before any model loads, so a mistake costs
        nothing: two inputs into one output, or an output that is an input, are refused; an
        existing output that mt did not write (or that was edited since) is replaced only with
        ``overwrite`` (:mod:`mt.documents.outputs`). Every output is written at the end, all or
        none. ``out_dir`` "-" writes the one translation to :attr:`Summary.stdout`.
        """
        from mt.documents.outputs import write_outputs
        from mt.engines.models import check_available, check_langs

        started = time.perf_counter()
        langs = check_langs(langs)
        if not langs:
            raise InputError("no target language given: use --to, e.g. --to fr,de,en")
        documents, to_stdout = self._read_inputs(inputs, langs, out_dir, format, encoding)
        targets = _plan_outputs(
            documents, langs, None if to_stdout else out_dir, to_stdout, overwrite
        )
        check_available(list(self.specs(langs).values()))  # every missing model in one message
        if self.options.terms != "off":
            _ = self.glossary  # a broken glossary fails before any model loads
        if self.cache is not None:
            self.cache.open()  # so does an unusable cache
        for doc in documents:
            if not doc.units:
                self.warnings.append(f"{doc.source}: empty document, written empty")

        # Split every unit into sentences once; the same split serves every language (a unit the
        # memory holds whole is one segment).
        sentences = [
            [self._unit_segments(unit.text, langs) for unit in doc.units] for doc in documents
        ]
        results: list[DocumentResult] = []
        rendered: list[tuple[Path | None, str]] = []
        batches: list[SegmentBatchResult] = []
        for lang in langs:
            batch, appended = self._translate_pooled(documents, sentences, lang)
            batches.append(batch)
            position = 0
            for index, (doc, doc_sentences) in enumerate(zip(documents, sentences, strict=True)):
                unit_texts: list[str] = []
                outcomes: list[TermOutcome] = []
                copied: list[MarkupNote] = []
                first = position
                for number, unit_sentences in enumerate(doc_sentences):
                    last = position + len(unit_sentences)
                    unit_texts.append(" ".join(batch.translations[position:last]))
                    outcomes.extend(
                        replace(o, line=doc.line_of(number, o.source_text))
                        for segment in batch.outcomes[position:last]
                        for o in segment
                    )
                    copied.extend(
                        MarkupNote(doc.line_of(number, word), word, "", "appended")
                        for words in appended[position:last]
                        for word in words
                    )
                    position = last
                target = targets[index, lang]
                rendering = doc.render_report(unit_texts, lang=lang)
                rendered.append((target, rendering.text))
                result = DocumentResult(
                    doc.source,
                    lang,
                    str(target) if target is not None else "-",
                    units=len(doc.units),
                    segments=position - first,
                    cache_hits=sum(batch.cached[first:position]),
                    outcomes=tuple(outcomes),
                    memory_hits=sum(batch.from_memory[first:position]),
                    markup=tuple(sorted(copied + list(rendering.notes), key=lambda n: n.line)),
                )
                results.append(result)
                self.warnings.extend(_unmet_warnings(result))

        # Only now, with every translation done, does anything get written.
        write_started = time.perf_counter()
        stdout = next((text for target, text in rendered if target is None), None)
        write_outputs([(target, text) for target, text in rendered if target is not None])
        return self.summary(results, langs, batches, started, write_started, stdout)

    def summary(
        self,
        results: Sequence[DocumentResult],
        langs: Sequence[str],
        batches: Sequence[SegmentBatchResult],
        started: float,
        write_started: float,
        stdout: str | None = None,
    ) -> Summary:
        """What a run did (documents or XLIFF jobs alike), its outputs written since
        ``write_started``: per language the model used (or, where the cache and the memory served
        everything, the identity its translations were stored under), counts and timings."""
        translate_seconds = sum(batch.seconds for batch in batches)
        used = self._models_used(langs)
        return Summary(
            documents=tuple(results),
            languages=tuple(langs),
            models=used,
            backend={
                lang: self._backends[lang].name if lang in self._backends else "cache"
                for lang in used
            },
            segments=sum(doc.segments for doc in results),
            cache_hits=sum(batch.cache_hits for batch in batches),
            translated=sum(batch.translated for batch in batches),
            memory_hits=sum(batch.memory_hits for batch in batches),
            memory_conflicts=self.memory.conflicts,
            fast_path=self._fast_path_counts(),
            timings={
                "load_s": self.load_seconds,
                "translate_s": max(0.0, translate_seconds - self.load_seconds),
                "write_s": time.perf_counter() - write_started,
                "total_s": time.perf_counter() - started,
            },
            warnings=tuple(dict.fromkeys(self.warnings)),
            stdout=stdout,
        )

    def _read_inputs(
        self,
        inputs: Sequence[Path | str],
        langs: Sequence[str],
        out_dir: Path | str | None,
        format: str | None,
        encoding: str,
    ) -> tuple[list[Document], bool]:
        """Every input document, and whether the one translation goes to standard output."""
        from mt.documents import find_documents, read_document

        to_stdout = out_dir is not None and str(out_dir) == "-"
        documents: list[Document] = []
        keys = self.front_matter_keys()
        if any(str(path) == "-" for path in inputs):
            documents.append(read_document("-", format, encoding, front_matter=keys))
        paths = [Path(path) for path in inputs if str(path) != "-"]
        documents += [
            read_document(path, format, encoding, front_matter=keys)
            for path in find_documents(paths)
        ]
        if to_stdout and len(documents) * len(langs) != 1:
            raise InputError("--out - writes one translation: give one input and one language")
        if not to_stdout and any(doc.source == "<stdin>" for doc in documents):
            if len(langs) != 1 or out_dir is not None:
                raise InputError(
                    "standard input ('-') is written to standard output: give one language "
                    "and no --out (or --out -)"
                )
            to_stdout = True
        return documents, to_stdout

    def carrier(self, lang: str) -> tuple[PlaceholderStyle | None, Callable[[str], bool]]:
        """How ``lang``'s model carries markup: its placeholder spelling (None: it can write
        none), and which words it must copy from the source (it cannot read or write them)."""
        if lang not in self._carriers:
            from mt.engines.vocabulary import model_vocabulary

            vocabulary = model_vocabulary(self.specs([lang])[lang])
            style = choose_style(vocabulary.writes, vocabulary.reads)
            self._carriers[lang] = (style, vocabulary.copies)
        return self._carriers[lang]

    def _translate_units(
        self,
        documents: Sequence[_HasUnits],
        sentences: Sequence[Sequence[Sequence[str]]],
        lang: str,
    ) -> tuple[SegmentBatchResult, list[tuple[str, ...]]]:
        """All sentences of all documents into ``lang``, in one pooled call; the translations in
        the documents' placeholder spelling, and per sentence the copied words appended."""
        flat: list[str] = []
        flat_terms: list[SegmentTerms] = []
        carried: list[CarriedSentence] = []
        for doc, doc_sentences in zip(documents, sentences, strict=True):
            for unit, unit_sentences in zip(doc.units, doc_sentences, strict=True):
                style, copies = self.carrier(lang)
                placeholders = [p for p in unit.protected if is_placeholder(p)]
                kept = [p for p in unit.protected if not is_placeholder(p)]
                for sentence in unit_sentences:
                    item = carry(sentence, placeholders, style, copies)
                    terms = self.requirements(item.text, lang, kept)
                    if item.terms:
                        terms = SegmentTerms(terms.required + item.terms, terms.forbidden)
                    carried.append(item)
                    flat.append(item.text)
                    flat_terms.append(terms)
        if not flat:
            empty = SegmentBatchResult((), (), (), translated=0, split_long=0, seconds=0.0)
            return empty, []
        batch = self.translate_segments(flat, lang, flat_terms)
        restored = [restore(t, c) for t, c in zip(batch.translations, carried, strict=True)]
        outcomes = tuple(
            tuple(o for o in segment if not o.entry_id.startswith(_KEEP))
            for segment in batch.outcomes
        )
        batch = replace(batch, translations=tuple(t for t, _ in restored), outcomes=outcomes)
        return batch, [appended for _, appended in restored]

    def _models_used(self, langs: Sequence[str]) -> dict[str, str]:
        """Per language, the model id of its backend, or, where the cache served every segment
        and no model was loaded, the identity its translations were stored under."""
        used = {}
        for lang in langs:
            if lang in self._backends:
                used[lang] = self._backends[lang].model_id
            elif lang in self._identities:
                used[lang] = self._identities[lang]
        return used

    def _fast_path_counts(self) -> dict[str, dict[str, int]]:
        """Per language, segments kept from CTranslate2 and segments re-decoded with terms."""
        counts = {}
        for lang, backend in self._backends.items():
            last_leg = getattr(backend, "second", backend)  # a pivot route's fast path is its 2nd
            if hasattr(last_leg, "counts"):
                counts[lang] = last_leg.counts.as_dict()
        return counts

    def _translate_pooled(
        self,
        documents: Sequence[_HasUnits],
        sentences: Sequence[Sequence[Sequence[str]]],
        lang: str,
    ) -> tuple[SegmentBatchResult, list[Any]]:
        """:meth:`_translate_units`, the translation memory first: each sentence it serves (as the
        documents write it, markup placeholders and all) is left out of the pooled call, and a
        unit left with no sentence is not passed at all, so that no model loads when the memory
        serves everything. Beside the batch, per sentence, what else the pooled call returned for
        it (empty for a sentence the memory served; all empty when it returns nothing else)."""
        if not self.memory:
            return _split(self._translate_units(documents, sentences, lang))
        served: dict[tuple[int, int, int], DecodeResult] = {}
        remaining: list[_UnitsView] = []
        remaining_sentences: list[list[list[str]]] = []
        for d, (doc, doc_sentences) in enumerate(zip(documents, sentences, strict=True)):
            units: list[TextUnit] = []
            unit_sentences: list[list[str]] = []
            for u, (unit, texts) in enumerate(zip(doc.units, doc_sentences, strict=True)):
                left = []
                for k, sentence in enumerate(texts):
                    terms = self.requirements(sentence, lang, unit.protected)
                    (found,) = self._remembered([(sentence, terms)], lang)
                    if found is None:
                        left.append(sentence)
                    else:
                        served[d, u, k] = found
                if left:
                    units.append(unit)
                    unit_sentences.append(left)
            remaining.append(_UnitsView(tuple(units)))
            remaining_sentences.append(unit_sentences)
        batch, extras = _split(self._translate_units(remaining, remaining_sentences, lang))
        if not served:
            return batch, extras
        # Interleave: the memory's sentences where they stand, the pooled call's in between.
        translations: list[str] = []
        outcomes: list[tuple[TermOutcome, ...]] = []
        cached: list[bool] = []
        memory: list[bool] = []
        others: list[Any] = []
        position = 0
        for d, (doc, doc_sentences) in enumerate(zip(documents, sentences, strict=True)):
            for u, (unit, texts) in enumerate(zip(doc.units, doc_sentences, strict=True)):
                for k, sentence in enumerate(texts):
                    found = served.get((d, u, k))
                    if found is None:
                        translations.append(batch.translations[position])
                        outcomes.append(batch.outcomes[position])
                        cached.append(batch.cached[position])
                        memory.append(bool(batch.from_memory) and batch.from_memory[position])
                        others.append(extras[position])
                        position += 1
                        continue
                    terms = self.requirements(sentence, lang, unit.protected)
                    translations.append(found.text)
                    outcomes.append(self._outcomes(found, terms, lang, inflections=True))
                    cached.append(False)
                    memory.append(True)
                    others.append(())
        merged = replace(
            batch,
            translations=tuple(translations),
            outcomes=tuple(outcomes),
            cached=tuple(cached),
            from_memory=tuple(memory),
        )
        return merged, others

    def _unit_segments(self, text: str, langs: Sequence[str]) -> list[str]:
        """The sentences of a unit; the unit whole when the memory holds it whole in a language
        (a unit whose sentences the memory could not pair is stored whole; for the languages
        that hold it sentence by sentence, the lookup joins them)."""
        if self.memory and any(self.memory.lookup(text, lang) for lang in langs):
            return [text]
        return self._sentences(text)

    @staticmethod
    def _sentences(text: str) -> list[str]:
        from mt.documents.segmentation import split_sentences

        return [sentence for sentence in split_sentences(text) if sentence.strip()]


class _HasUnits(Protocol):
    """What the pooled translation reads of a document: its units."""

    @property
    def units(self) -> Sequence[TextUnit]: ...


@dataclass(frozen=True)
class _UnitsView:
    """Some units of a document (or of an XLIFF job), pooled as a document's units are."""

    units: tuple[TextUnit, ...]


def _split(
    translated: SegmentBatchResult | tuple[SegmentBatchResult, list[Any]],
) -> tuple[SegmentBatchResult, list[Any]]:
    """What :meth:`Translator._translate_units` returns, as the batch and a list with an item per
    sentence (``()`` each where it returns the batch alone)."""
    if isinstance(translated, tuple):
        return translated
    return translated, [()] * len(translated.translations)


# Entry ids of a document's protected spans (inline-markup placeholders, URLs), which the
# pipeline adds to the glossary's requirements so that the decoder copies them.
_KEEP = KEEP


def _kept_only(terms: SegmentTerms) -> SegmentTerms:
    """A segment's markup and URL requirements, without the glossary's."""
    kept = tuple(term for term in terms.required if term.entry_id.startswith(_KEEP))
    return SegmentTerms(kept) if kept else NO_TERMS


def _configured_memories(config: Config) -> tuple[Path, ...]:
    """``memory`` of the config's ``[translate]`` table: a path or a list of paths, relative to
    the config file."""
    value = config.table("translate").get("memory", [])
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise InputError(
            f"{config.path}: [translate] memory must be a path or a list of paths (TMX files)"
        )
    base = config.path.parent if config.path is not None else Path()
    return tuple(base / v for v in values)


def _plan_outputs(
    documents: Sequence[Document],
    langs: Sequence[str],
    out_dir: Path | str | None,
    to_stdout: bool,
    overwrite: bool,
) -> dict[tuple[int, str], Path | None]:
    """Where each (document, language) goes (None: standard output); refuses a plan that would
    lose work (:func:`mt.documents.outputs.plan_outputs`)."""
    from mt.documents import output_path
    from mt.documents.outputs import Planned, plan_outputs

    targets: dict[tuple[int, str], Path | None] = {}
    planned = []
    for index, doc in enumerate(documents):
        for lang in langs:
            if to_stdout:
                targets[index, lang] = None
                continue
            target = output_path(Path(doc.source), lang, Path(out_dir) if out_dir else None)
            planned.append(Planned(doc.source, lang, target))
            targets[index, lang] = target
    if out_dir is not None and not to_stdout:
        _check_writable(Path(out_dir))
    inputs = [Path(doc.source) for doc in documents if doc.source != "<stdin>"]
    plan_outputs(planned, inputs, overwrite=overwrite)
    return targets


def _unmet_warnings(result: DocumentResult) -> list[str]:
    """One line for each term the translation does not hold, and for each inline markup (named
    as the user wrote it) that it did not carry, with the source file and line."""
    lines = []
    for outcome in result.terms_unmet:
        what = f"glossary entry {outcome.entry_id!r} ({outcome.source_text!r}) {outcome.status}"
        where = f"{result.source}:{outcome.line}" if outcome.line else result.source
        lines.append(f"{where} [{result.lang}]: {what}: {outcome.detail}")
    for note in result.markup:
        lines.append(f"{result.source}:{note.line} [{result.lang}]: {note.describe()}")
    return lines


def _check_writable(folder: Path) -> None:
    """Fail before any work when the output folder cannot be made or written."""
    import os

    if folder.exists() and not folder.is_dir():
        raise InputError(f"--out {folder}: exists and is not a folder")
    existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if existing is None:
        return
    if not existing.is_dir():
        raise InputError(f"--out {folder}: cannot write there ({existing} is a file)")
    if not os.access(existing, os.W_OK):
        raise InputError(f"--out {folder}: cannot write there (permission denied on {existing})")
