"""What a translation run returns: per segment, per document and for the whole run, with what the
glossary did to each segment (:mod:`mt.translation.pipeline` makes them; ``mt translate --json``
prints
:meth:`Summary.as_dict`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from mt.documents import MarkupNote


@dataclass(frozen=True)
class TermOutcome:
    """What became of one glossary entry matched in a source segment."""

    entry_id: str
    source_text: str
    status: str  # "applied" | "missing" | "forbidden"
    detail: str = ""
    line: int = 0  # in the source document (0: not from a document)
    target: str = ""  # the form the translation holds (applied), or the form found (forbidden)


@dataclass(frozen=True)
class SegmentBatchResult:
    """Translations of a list of segments into one language, in order, with how they were made."""

    translations: tuple[str, ...]
    outcomes: tuple[tuple[TermOutcome, ...], ...]  # one tuple per segment
    cached: tuple[bool, ...]  # per segment: served from the translation cache
    translated: int  # distinct segments the backend translated
    split_long: int  # segments too long for the model, split and rejoined
    seconds: float
    from_memory: tuple[bool, ...] = ()  # per segment: an exact match of a translation memory

    @property
    def cache_hits(self) -> int:
        return sum(self.cached)

    @property
    def memory_hits(self) -> int:
        return sum(self.from_memory)


@dataclass(frozen=True)
class DocumentResult:
    """One document in one language: where it went and what the glossary did."""

    source: str
    lang: str
    output: str  # a path, or "-" for standard output
    units: int
    segments: int
    cache_hits: int
    outcomes: tuple[TermOutcome, ...]
    memory_hits: int = 0  # segments a translation memory served
    markup: tuple[MarkupNote, ...] = ()  # inline markup not carried, and where it was put

    @property
    def terms_matched(self) -> int:
        return len(self.outcomes)

    @property
    def terms_applied(self) -> tuple[TermOutcome, ...]:
        return tuple(outcome for outcome in self.outcomes if outcome.status == "applied")

    @property
    def terms_unmet(self) -> tuple[TermOutcome, ...]:
        return tuple(outcome for outcome in self.outcomes if outcome.status != "applied")

    def term_report(self) -> dict[str, object]:
        """Each matched, applied and unmet entry with its source line, and their counts: what a
        post-editor goes through."""

        def entry(outcome: TermOutcome) -> dict[str, object]:
            item: dict[str, object] = {
                "entry": outcome.entry_id,
                "source": outcome.source_text,
                "line": outcome.line,
                "status": outcome.status,
            }
            if outcome.target:
                item["target"] = outcome.target
            if outcome.detail:
                item["reason"] = outcome.detail
            return item

        lists = {
            "matched": [entry(o) for o in self.outcomes if o.status != "forbidden"],
            "applied": [entry(o) for o in self.terms_applied],
            "unmet": [entry(o) for o in self.terms_unmet],
        }
        return {"counts": {name: len(items) for name, items in lists.items()}, **lists}


@dataclass(frozen=True)
class Summary:
    """A run's result: files written, counts, timings and warnings, for people and ``--json``."""

    documents: tuple[DocumentResult, ...]
    languages: tuple[str, ...]
    models: Mapping[str, str]  # lang -> model id (with revision) actually used
    backend: Mapping[str, str]  # lang -> backend name
    segments: int
    cache_hits: int
    translated: int
    fast_path: Mapping[str, Mapping[str, int]]  # lang -> {"fast", "redecoded", "verified", ...}
    timings: Mapping[str, float]
    warnings: tuple[str, ...]
    stdout: str | None = None  # the translation when the output is "-"
    memory_hits: int = 0  # segments served by a translation memory (not counted as cache hits)
    # translations the memories hold for a sentence that has another before them: never used
    memory_conflicts: int = 0

    def as_dict(self) -> dict[str, object]:
        """The ``--json`` form (stable keys; a pipeline reads it)."""
        return {
            "files": [
                {
                    "input": doc.source,
                    "lang": doc.lang,
                    "output": doc.output,
                    "units": doc.units,
                    "segments": doc.segments,
                    "cache_hits": doc.cache_hits,
                    "memory_hits": doc.memory_hits,
                    "terms": {
                        "matched": doc.terms_matched,
                        "applied": sorted(
                            {o.entry_id for o in doc.outcomes if o.status == "applied"}
                        ),
                        "unmet": [
                            {
                                "entry": o.entry_id,
                                "source": o.source_text,
                                "status": o.status,
                                "reason": o.detail,
                            }
                            for o in doc.terms_unmet
                        ],
                        "report": doc.term_report(),
                    },
                    "markup": {
                        "not_carried": [
                            {
                                "line": note.line,
                                "markup": note.markup,
                                "placed": note.placed,
                                "how": note.how,
                            }
                            for note in doc.markup
                        ],
                    },
                }
                for doc in self.documents
            ],
            "languages": list(self.languages),
            "models": dict(self.models),
            "backend": dict(self.backend),
            "segments": self.segments,
            "cache_hits": self.cache_hits,
            "memory_hits": self.memory_hits,
            "memory_conflicts": self.memory_conflicts,
            "translated": self.translated,
            "fast_path": {lang: dict(counts) for lang, counts in self.fast_path.items()},
            "timings": {name: round(value, 3) for name, value in self.timings.items()},
            "warnings": list(self.warnings),
        }


__all__ = ["DocumentResult", "MarkupNote", "SegmentBatchResult", "Summary", "TermOutcome"]
