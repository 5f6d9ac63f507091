"""Missed glossary terms placed on CTranslate2 alone: where each term goes, what it replaces, and
the glossary guarantee on random weights without the torch search."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ctranslate2 = pytest.importorskip("ctranslate2")

from mt.engines.backends import DecodeSettings  # noqa: E402
from mt.engines.backends.ct2 import CTranslate2Backend, Hypothesis  # noqa: E402
from mt.engines.backends.fastpath import FastPathBackend  # noqa: E402
from mt.engines.backends.placement import Plan, TermPlacer, _glued_after  # noqa: E402
from mt.engines.models import ModelSpec  # noqa: E402
from mt.terminology.terms import NO_TERMS, CasePolicy, RequiredTerm, SegmentTerms  # noqa: E402
from mt.terminology.verification import verify  # noqa: E402

SOURCE = "De coalitie vergadert in Brussel."  # ▁De ▁coalitie ▁ ver g a d er t ▁in ... </s>
COALITION = RequiredTerm("coalition", "coalitie", ("coalition internationale",))
DAESH = RequiredTerm("daesh", "Daesh", ("Daech",))
UNWRITABLE = RequiredTerm("omega", "coalitie", ("Ωmega",))


@pytest.fixture(scope="module")
def backend(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> CTranslate2Backend:
    cache = tmp_path_factory.mktemp("ct2-cache")
    spec = ModelSpec("fr", str(tiny_model_dir))
    return CTranslate2Backend.from_spec(spec, device="cpu", cache_dir=cache)


def pieces(backend: CTranslate2Backend, text: str) -> list[str]:
    encoded = backend.pieces.encode_target(text)
    assert encoded is not None, text
    return encoded


def hypothesis(
    backend: CTranslate2Backend, words: list[str], looked: list[int], limit: int = 40
) -> Hypothesis:
    """A hypothesis of the target pieces of ``words`` (each word's pieces attend to its entry of
    ``looked``, a source token position)."""
    tokens: list[str] = []
    alignment: list[int] = []
    for word, position in zip(words, looked, strict=True):
        spelled = pieces(backend, word)
        tokens += spelled
        alignment += [position] * len(spelled)
    source = tuple(backend.pieces.encode(SOURCE))
    return Hypothesis(source, (*tokens, "</s>"), (*alignment, 0), (), limit)


# (what the fast translation said, where each word looked (1 = "coalitie"), terms, the spliced
#  text, the prefix decoding goes on from)
PLANS = [
    pytest.param(
        ["contre", "humanitaire", "et", "Irak"],
        [0, 1, 3, 5],
        SegmentTerms((COALITION,)),
        "contre coalition internationale et Irak",
        "contre coalition internationale",
        id="replaces-the-aligned-word",
    ),
    pytest.param(
        ["contre", "et", "humanitaire", "Irak"],
        [0, 0, 5, 6],
        SegmentTerms((COALITION,)),
        "contre et coalition internationale humanitaire Irak",
        "contre et coalition internationale",
        id="inserted-after-what-came-before-its-source",
    ),
    pytest.param(
        ["humanitaire", "et", "Irak"],
        [1, 3, 5],
        SegmentTerms((COALITION,)),
        "Coalition internationale et Irak",
        "Coalition internationale",
        id="capitalised-at-the-sentence-start",
    ),
    pytest.param(
        ["contre", "Daech", "Irak"],
        [0, 1, 5],
        SegmentTerms((COALITION, DAESH)),
        "contre Daech coalition internationale Irak",
        "contre Daech coalition internationale",
        id="a-met-term-is-kept-whole",
    ),
    pytest.param(
        ["contre", "et", "humanitaire", "."],
        [0, 1, 3, 5],
        SegmentTerms((RequiredTerm("daesh", "Daesh", ("Daech",)),)),
        "contre et humanitaire Daech .",  # (the hypothesis's own space before its full stop)
        "contre et humanitaire Daech",
        id="source-words-not-in-the-source-at-the-end-before-its-full-stop",
    ),
    pytest.param(
        ["contre", "Irak", "et", "Syrie"],
        [0, 1, 3, 5],
        SegmentTerms((COALITION,), forbidden=("Syrie",)),
        "contre coalition internationale et",
        "contre coalition internationale et",
        id="a-forbidden-word-is-cut-out",
    ),
]


@pytest.mark.parametrize(("words", "looked", "terms", "spliced", "prefix"), PLANS)
def test_plan_places_each_missed_term(
    backend: CTranslate2Backend,
    words: list[str],
    looked: list[int],
    terms: SegmentTerms,
    spliced: str,
    prefix: str,
) -> None:
    plan = TermPlacer(backend, "fr").plan(SOURCE, terms, hypothesis(backend, words, looked))
    assert backend.pieces.decode(plan.spliced) == spliced
    assert backend.pieces.decode(plan.prefix) == prefix
    assert plan.unplaced == ()
    assert verify(spliced, terms, "fr").ok


def test_terms_that_cannot_be_written_or_do_not_fit_are_reported(
    backend: CTranslate2Backend,
) -> None:
    placer = TermPlacer(backend, "fr")
    plan = placer.plan(SOURCE, SegmentTerms((UNWRITABLE,)), hypothesis(backend, ["Irak"], [1]))
    assert plan.unplaced == (
        ("omega", "the term cannot be written with the model's target vocabulary"),
    )
    assert plan.prefix == ()
    # Room for one term of the two: the other is reported, as the torch search reports it.
    room = len(pieces(backend, "coalition internationale")) + 1
    plan = placer.plan(
        SOURCE,
        SegmentTerms((COALITION, DAESH)),
        hypothesis(backend, ["contre", "Irak"], [1, 4], limit=room),
    )
    assert len(plan.prefix) <= room
    assert plan.unplaced == (
        ("daesh", f"not placed within the length limit of {room} target tokens"),
    )
    assert "coalition internationale" in backend.pieces.decode(plan.spliced).casefold()


@pytest.mark.parametrize(
    ("prefix", "ends_in_term", "continued", "glued"),
    [
        (["▁D", "aech"], True, ["▁D", "aech", "s"], True),  # "Daechs" no longer meets the term
        (["▁D", "aech"], True, ["▁D", "aech", "▁et"], False),
        (["▁D", "aech"], True, ["▁D", "aech", "."], False),
        (["▁D", "aech"], True, ["▁D", "aech"], False),
        (["▁et"], False, ["▁et", "s"], False),  # a cut forbidden word: nothing to glue onto
    ],
)
def test_a_continuation_may_not_glue_letters_onto_the_last_term(
    prefix: list[str], ends_in_term: bool, continued: list[str], glued: bool
) -> None:
    plan = Plan(tuple(prefix), tuple(prefix), ends_in_term, ())
    assert _glued_after(continued, plan) is glued


def refuse_torch() -> FastPathBackend:
    raise AssertionError("the constrained torch search was asked for")


@pytest.mark.parametrize(
    ("beams", "new_tokens"), [(4, 32), (2, 16), (1, 8)], ids=["beam4", "beam2", "greedy-short"]
)
def test_guarantee_holds_on_random_weights_without_torch(
    backend: CTranslate2Backend, beams: int, new_tokens: int
) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from test_decoding import dutch_sentences

    cases = dutch_sentences(48, seed=5)
    sources = [source for source, _ in cases]
    terms = [wanted for _, wanted in cases]
    fast = FastPathBackend(backend, refuse_torch, "fr", TermPlacer(backend, "fr"))  # type: ignore[arg-type]
    settings = DecodeSettings(num_beams=beams, max_new_tokens=new_tokens)
    results, counts = fast.translate_counted(sources, terms, settings)
    assert counts.searched == 0
    assert counts.placed == counts.redecoded > 0
    for result, wanted in zip(results, terms, strict=True):
        check = verify(result.text, wanted, "fr")
        assert not check.forbidden_found, result.text
        missing = {term.entry_id for term in check.missing}
        # A term is missing only where it did not fit the length limit, and then it says so.
        assert missing == {entry for entry, _ in result.unmet}, (result.text, result.unmet)
        assert all("length limit" in reason for _, reason in result.unmet)
        assert set(result.applied) == {t.entry_id for t in wanted.required} - missing
        assert result.tokens <= new_tokens
    if new_tokens >= 32:  # 32 tokens hold any three terms
        assert not any(result.unmet for result in results)


@pytest.mark.parametrize("model", ["tiny_model_dir", "real_vocab_model_dir"])
def test_workers_side_by_side_translate_as_one_worker(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, model: str
) -> None:
    """Two workers decode batches side by side, and split a lone batch between them: the
    translations, placed terms included, are those of one worker decoding each batch whole."""
    sys.path.insert(0, str(Path(__file__).parent))
    from test_decoding import dutch_sentences

    cache = tmp_path_factory.mktemp("ct2-workers")
    spec = ModelSpec("fr", str(request.getfixturevalue(model)))
    one = CTranslate2Backend.from_spec(spec, device="cpu", cache_dir=cache, threads=1)
    two = CTranslate2Backend.from_spec(spec, device="cpu", cache_dir=cache, threads=2)
    assert (one.workers, two.workers) == (1, 2)
    cases = dutch_sentences(40, seed=11)
    sources = [source for source, _ in cases]
    terms = [wanted if i % 3 else NO_TERMS for i, (_, wanted) in enumerate(cases)]
    for settings in (
        DecodeSettings(num_beams=4, max_new_tokens=24, batch_size=16),  # three batches
        DecodeSettings(num_beams=2, max_new_tokens=24, batch_size=64),  # one batch, split
    ):
        said = []
        for backend in (one, two):
            fast = FastPathBackend(backend, refuse_torch, "fr", TermPlacer(backend, "fr"))  # type: ignore[arg-type]
            results, counts = fast.translate_counted(sources, terms, settings)
            assert counts.placed > 0
            said.append([(r.text, r.tokens, r.applied, r.unmet) for r in results])
            said.append(backend.translate(sources, [], settings))  # no terms: one call
        assert said[0] == said[2]
        assert said[1] == said[3]


def test_every_batch_is_submitted_before_any_is_awaited(backend: CTranslate2Backend) -> None:
    """What lets the workers decode side by side: decode() queues every batch, then waits."""
    events: list[str] = []
    real = backend.translator

    class Spy:
        def translate_batch(self, inputs: list, **options: object) -> list:
            assert options["asynchronous"] is True
            events.append(f"submit {len(inputs)} in {options['max_batch_size']}")
            pending = real.translate_batch(inputs, **options)

            class Awaited:
                def __init__(self, result: object) -> None:
                    self._result = result

                def result(self) -> object:
                    events.append("await")
                    return self._result.result()  # type: ignore[attr-defined]

            return [Awaited(result) for result in pending]

    workers = backend.workers
    backend.translator, backend.workers = Spy(), 2  # type: ignore[assignment]
    try:
        sources = [f"De coalitie vergadert in Brussel, dag {n}." for n in range(6)]
        backend.translate(sources, [], DecodeSettings(num_beams=2, max_new_tokens=8, batch_size=4))
        assert events[:2] == ["submit 4 in 4", "submit 2 in 2"]
        assert set(events[2:]) == {"await"} and len(events) == 2 + 6
        events.clear()
        backend.translate(sources, [], DecodeSettings(num_beams=2, max_new_tokens=8))
        assert events[0] == "submit 6 in 3"  # a lone batch split between the two workers
    finally:
        backend.translator, backend.workers = real, workers


def test_segments_without_terms_are_the_plain_translation(backend: CTranslate2Backend) -> None:
    sources = ["De coalitie vergadert.", "Irak en Syrië.", "Daesh is verslagen.", "Brussel."]
    terms = [SegmentTerms((COALITION,)), NO_TERMS, SegmentTerms((DAESH,)), NO_TERMS]
    settings = DecodeSettings(num_beams=4, max_new_tokens=20)
    fast = FastPathBackend(backend, refuse_torch, "fr", TermPlacer(backend, "fr"))  # type: ignore[arg-type]
    enforced = fast.translate(sources, terms, settings)
    plain = backend.translate(sources, [], settings)
    for got, free, wanted in zip(enforced, plain, terms, strict=True):
        if not wanted:
            assert got == free
        else:
            assert verify(got.text, wanted, "fr").ok


def test_case_policies_are_kept(backend: CTranslate2Backend) -> None:
    strict = RequiredTerm("f16", "F-16", ("F-16",), CasePolicy.STRICT)
    terms = [SegmentTerms((strict, COALITION))] * 3
    sources = ["F-16 en de coalitie.", "De coalitie en F-16.", "F-16."]
    fast = FastPathBackend(backend, refuse_torch, "fr", TermPlacer(backend, "fr"))  # type: ignore[arg-type]
    results = fast.translate(sources, terms, DecodeSettings(num_beams=2, max_new_tokens=24))
    for result, wanted in zip(results, terms, strict=True):
        assert verify(result.text, wanted, "fr").ok, result.text


def test_enforcing_on_the_fast_path_imports_no_torch(tiny_model_dir: Path, tmp_path: Path) -> None:
    # Converted here (that needs torch, once); a fresh process then enforces terms without it.
    cache = tmp_path / "cache"
    spec = ModelSpec("fr", str(tiny_model_dir))
    CTranslate2Backend.from_spec(spec, device="cpu", cache_dir=cache / "mt" / "ct2")
    script = (
        "import sys\n"
        "from mt.engines.backends import DecodeSettings, open_fast_path\n"
        "from mt.engines.models import ModelSpec\n"
        "from mt.terminology.terms import RequiredTerm, SegmentTerms\n"
        "from mt.terminology.verification import verify\n"
        f"b = open_fast_path(ModelSpec('fr', {str(tiny_model_dir)!r}), 'cpu')\n"
        "t = SegmentTerms((RequiredTerm('c', 'coalitie', ('coalition internationale',)),))\n"
        "r = b.translate(['De coalitie.'], [t], DecodeSettings(max_new_tokens=12))\n"
        "assert verify(r[0].text, t, 'fr').ok, r[0].text\n"
        "print(b.counts.placed, sorted(m for m in ('torch', 'transformers') if m in sys.modules))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "XDG_CACHE_HOME": str(cache)},
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "1 []"


def test_a_closing_placeholder_is_placed_after_its_opening_one(
    backend: CTranslate2Backend,
) -> None:
    # Words stand in for the placeholders: what matters is the order, whatever attention says.
    opening = RequiredTerm("open-1", "vergadert", ("Irak",), placeholder=True)
    closing = RequiredTerm("close-1", "coalitie", ("Syrie",), placeholder=True, after="open-1")
    terms = SegmentTerms((opening, closing))
    words = ["contre", "et", "humanitaire"]
    plan = TermPlacer(backend, "fr").plan(SOURCE, terms, hypothesis(backend, words, [1, 2, 5]))
    text = backend.pieces.decode(plan.spliced)
    assert text.index("Irak") < text.index("Syrie"), text


def _pair(number: int, opens: str, closes: str, opener: str, closer: str) -> tuple:
    """A markup pair whose placeholders are the source words ``opens`` and ``closes``, written
    ``opener`` and ``closer`` (words stand in for placeholders, as above)."""
    return (
        RequiredTerm(f"open-{number}", opens, (opener,), placeholder=True),
        RequiredTerm(
            f"close-{number}", closes, (closer,), placeholder=True, after=f"open-{number}"
        ),
    )


# SOURCE's tokens: 0 ▁De, 1 ▁coalitie, 2-8 ▁ ver g a d er t, 9 ▁in, 10-16 ▁B r u s s e l, 17 .
# (pairs, the fast translation's words, where each looked, the spliced text)
PAIRS = [
    pytest.param(
        _pair(1, "coalitie", "in", "Irak", "Syrie"),
        ["la", "aide", "de", "le", "pour"],
        [0, 1, 3, 9, 10],
        "la aide Irak de Syrie le pour",
        id="around-the-words-written-for-what-it-wraps",
    ),
    pytest.param(
        _pair(1, "coalitie", "in", "Irak", "Syrie"),
        ["la", "aide", "de", "le", "pour"],
        [0, 1, 9, 10, 10],
        "la aide Irak de Syrie le pour",
        id="nothing-aligned-still-one-word-never-empty",
    ),
    pytest.param(
        _pair(1, "coalitie", "in", "Irak", "Syrie"),
        ["la", "aide"],
        [0, 1],
        "la Irak aide Syrie",
        id="at-the-end-the-last-word",
    ),
    pytest.param(
        _pair(1, "De", "vergadert", "Irak", "Syrie") + _pair(2, "in", ".", "Daech", "contre"),
        ["la", "aide", "de"],
        [1, 1, 12],
        "Irak la aide Syrie Daech de contre",
        id="apart-in-the-source-apart-here",
    ),
    pytest.param(
        _pair(1, "De", "vergadert", "Irak", "Syrie") + _pair(2, "in", ".", "Daech", "contre"),
        ["la", "aide", "de"],
        [1, 1, 1],
        "Irak la aide de Syrie Daech contre",
        id="no-word-left-after-it-around-nothing-rather-than-crossing",
    ),
    pytest.param(
        _pair(1, "De", ".", "Irak", "Syrie") + _pair(2, "coalitie", "in", "Daech", "contre"),
        ["la", "aide", "de", "le"],
        [0, 3, 3, 10],
        "la Irak Daech aide de contre le Syrie",
        id="nested-in-the-source-nested-here",
    ),
]


@pytest.mark.parametrize(("pairs", "words", "looked", "spliced"), PAIRS)
def test_markup_pairs_wrap_words_and_never_cross(
    backend: CTranslate2Backend, pairs: tuple, words: list[str], looked: list[int], spliced: str
) -> None:
    """Both placeholders of a pair missing: placed around what the model wrote for the words
    between them in the source, around one word at least while one is free, and never crossing
    another pair."""
    terms = SegmentTerms(pairs)
    plan = TermPlacer(backend, "fr").plan(SOURCE, terms, hypothesis(backend, words, looked))
    assert backend.pieces.decode(plan.spliced) == spliced
    assert plan.unplaced == ()
