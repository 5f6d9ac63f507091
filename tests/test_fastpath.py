"""The fast path keeps fast translations that meet the glossary and re-decodes only the others."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from mt.engines.backends import DecodeSettings
from mt.engines.backends.fastpath import FastPathBackend, FastPathCounts
from mt.terminology.terms import NO_TERMS, RequiredTerm, SegmentTerms
from mt.terminology.verification import verify

COALITION = SegmentTerms(
    required=(RequiredTerm("coalition", "Coalitie", ("coalition internationale",)),)
)
DAECH = SegmentTerms(
    required=(RequiredTerm("daesh", "Daesh", ("Daech",)),), forbidden=("État islamique",)
)


class ScriptedBackend:
    """Answers each source with a fixed text, and records what it was asked."""

    def __init__(self, name: str, answers: dict[str, str]) -> None:
        self.name = name
        self.model_id = f"{name}-model"
        self.answers = answers
        self.calls: list[list[str]] = []

    def count_tokens(self, source: str) -> int:
        return len(source.split()) + 1

    def translate(
        self, sources: Sequence[str], terms: Sequence[SegmentTerms], settings: DecodeSettings
    ) -> list[object]:
        from mt.engines.decoding import DecodeResult

        self.calls.append(list(sources))
        applied = [tuple(t.entry_id for t in s.required) for s in terms] or [()] * len(sources)
        return [
            DecodeResult(self.answers[source], ids if self.name == "constrained" else (), (), 3)
            for source, ids in zip(sources, applied, strict=True)
        ]


FAST = {
    "a": "la coalition internationale se réunit",  # meets COALITION
    "b": "la coalition se réunit",  # misses COALITION
    "c": "contre Daech",  # meets DAECH
    "d": "contre Daech et l'État islamique",  # holds a forbidden term
    "e": "rien à signaler",  # no terms
}
SLOW = {key: f"[constrained {key}]" for key in FAST}


@pytest.mark.parametrize(
    ("sources", "terms", "redecoded", "counts"),
    [
        (["e"], [NO_TERMS], [], FastPathCounts(1, 0, 0)),
        (["e", "a", "c"], [], [], FastPathCounts(3, 0, 0)),
        (["a", "c", "e"], [COALITION, DAECH, NO_TERMS], [], FastPathCounts(3, 0, 2)),
        (["b"], [COALITION], ["b"], FastPathCounts(0, 1, 0, searched=1)),
        (
            ["a", "b", "d", "e"],
            [COALITION, COALITION, DAECH, NO_TERMS],
            ["b", "d"],
            FastPathCounts(2, 2, 1, searched=2),
        ),
    ],
)
def test_only_failing_segments_are_redecoded(
    sources: list[str], terms: list[SegmentTerms], redecoded: list[str], counts: FastPathCounts
) -> None:
    fast = ScriptedBackend("fast", FAST)
    slow = ScriptedBackend("constrained", SLOW)
    built: list[str] = []

    def build() -> ScriptedBackend:
        built.append("torch")
        return slow

    backend = FastPathBackend(fast, build, "fr")
    results, got = backend.translate_counted(sources, terms, DecodeSettings())
    assert got == counts
    assert fast.calls == [sources]
    assert slow.calls == ([redecoded] if redecoded else [])
    assert built == (["torch"] if redecoded else [])  # loaded only when needed
    assert backend.constrained_loaded == bool(redecoded)
    expected = [SLOW[s] if s in redecoded else FAST[s] for s in sources]
    assert [r.text for r in results] == expected


def test_kept_segments_report_their_terms_as_applied() -> None:
    backend = FastPathBackend(ScriptedBackend("fast", FAST), lambda: None, "fr")  # type: ignore[arg-type, return-value]
    (result,) = backend.translate(["a"], [COALITION], DecodeSettings())
    assert result.applied == ("coalition",)
    assert result.unmet == ()


def test_counts_add_up_over_calls_and_name_the_mix() -> None:
    backend = FastPathBackend(
        ScriptedBackend("fast", FAST), lambda: ScriptedBackend("constrained", SLOW), "fr"
    )
    backend.translate(["a", "b"], [COALITION, COALITION], DecodeSettings())
    backend.translate(["e"], [], DecodeSettings())
    assert backend.counts == FastPathCounts(fast=2, redecoded=1, verified=1, searched=1)
    assert backend.counts.as_dict() == {
        "fast": 2,
        "redecoded": 1,
        "verified": 1,
        "placed": 0,
        "searched": 1,
        "unplaced": 0,
    }
    # What one call added (the Ray engine sums each chunk's difference): every field counts.
    later = backend.counts + FastPathCounts(1, 2, 3, 4, 5)
    assert later - backend.counts == FastPathCounts(1, 2, 3, 4, 5)
    assert backend.model_id == "fast-model+verify"
    assert backend.count_tokens("a b") == 3


def test_guarantee_holds_on_random_weights(tiny_model_dir: Path) -> None:
    """Real engines: CTranslate2 int8 first, the constrained torch search for what it misses."""
    pytest.importorskip("ctranslate2")
    from mt.engines.backends import make_backend
    from mt.engines.backends.ct2 import CTranslate2Backend
    from mt.engines.models import ModelSpec, load_model

    spec = ModelSpec("fr", str(tiny_model_dir))
    fast = CTranslate2Backend.from_spec(spec, device="cpu")
    backend = FastPathBackend(fast, lambda: make_backend("torch", load_model(spec)), "fr")
    coalition = SegmentTerms(
        required=(RequiredTerm("coalition", "Coalitie", ("coalition internationale",)),),
        forbidden=("Daesh",),
    )
    aid = SegmentTerms(required=(RequiredTerm("aid", "hulp", ("aide humanitaire",)),))
    sources = [
        "De Internationale Coalitie tegen Daesh vergadert.",
        "België geeft humanitaire hulp.",
        "Irak en Syrië.",
        "De coalitie en de humanitaire hulp.",
    ]
    terms = [coalition, aid, NO_TERMS, SegmentTerms(required=coalition.required + aid.required)]
    settings = DecodeSettings(num_beams=2, max_new_tokens=24)
    results, counts = backend.translate_counted(sources, terms, settings)
    for result, segment in zip(results, terms, strict=True):
        assert verify(result.text, segment, "fr").ok, result.text
    # A random model does not say "coalition internationale" by chance: those were re-decoded.
    assert counts.redecoded == 3
    assert counts.fast == 1
    assert backend.constrained_loaded
