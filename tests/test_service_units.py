"""The parts of ``mt serve`` without a server: API keys, binding, the batcher (with a translate
function that records its calls), documents planned and rendered, term marks."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from mt.core.errors import InputError
from mt.service.batching import Batcher, QueueFull
from mt.service.drafting import plan_document
from mt.service.review import review_segment, term_marks
from mt.service.settings import ServiceSettings, check_binding, read_api_keys
from mt.terminology.glossary import load_glossary
from mt.terminology.terms import NO_TERMS, CasePolicy, RequiredTerm, SegmentTerms
from mt.translation.results import SegmentBatchResult, TermOutcome

ROOT = Path(__file__).resolve().parent.parent

# --- API keys and binding -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "keys.txt: the API keys file holds no key"),
        ("# only a comment\n\n", "keys.txt: the API keys file holds no key"),
        ("short\n", "keys.txt:1: API key shorter than 8 characters"),
        ("good-key-123\nbad key here\n", "keys.txt:2: an API key holds no spaces"),
        ("key-number-1\n# x\nkey-number-1\n", "keys.txt:3: duplicate API key (first at line 1)"),
    ],
)
def test_a_bad_keys_file_is_named_by_line(tmp_path: Path, text: str, error: str):
    path = tmp_path / "keys.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_api_keys(path)
    assert str(raised.value).replace(str(tmp_path) + "/", "").startswith(error)


def test_keys_are_read_and_compared(tmp_path: Path):
    path = tmp_path / "keys.txt"
    path.write_text("# team a\n  team-a-secret \n\nteam-b-secret\n", encoding="utf-8")
    keys = read_api_keys(path)
    assert keys == {"team-a-secret", "team-b-secret"}
    settings = ServiceSettings(api_keys=keys)
    assert settings.key_accepted("team-b-secret")
    assert not settings.key_accepted("team-b-secreT")
    assert not settings.key_accepted("")
    assert not settings.key_accepted(None)
    assert ServiceSettings().key_accepted(None)  # no keys: open
    with pytest.raises(InputError, match="no such file"):
        read_api_keys(tmp_path / "missing.txt")


@pytest.mark.parametrize(
    ("host", "keys", "refused"),
    [
        ("127.0.0.1", None, False),
        ("localhost", None, False),
        ("::1", None, False),
        ("0.0.0.0", None, True),
        ("192.168.1.20", None, True),
        ("0.0.0.0", frozenset({"some-key-1"}), False),
    ],
)
def test_listening_beyond_loopback_needs_keys(host: str, keys, refused: bool):
    if refused:
        with pytest.raises(InputError, match="give --api-keys FILE"):
            check_binding(host, keys)
    else:
        check_binding(host, keys)


# --- the batcher ----------------------------------------------------------------------------------


class RecordingTranslator:
    """``translate(lang, segments, terms)`` that upper-cases, records each call, and can be held
    (to fill the queue) until ``release`` is set."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, list[str]]] = []
        self.release = threading.Event()
        self.release.set()
        self.fail_on: str | None = None

    def __call__(self, lang, segments, terms) -> SegmentBatchResult:
        self.release.wait(timeout=30)
        self.calls.append((lang, list(segments)))
        if self.fail_on in segments:
            raise RuntimeError(f"cannot translate {self.fail_on!r}")
        outcomes = tuple(
            (TermOutcome("t", "x", "applied"),) if segment_terms else () for segment_terms in terms
        )
        return SegmentBatchResult(
            tuple(f"{lang}:{s.upper()}" for s in segments),
            outcomes,
            (False,) * len(segments),
            translated=len(segments),
            split_long=0,
            seconds=0.0,
        )


def run(coroutine):
    return asyncio.run(coroutine)


def test_concurrent_requests_share_one_call_per_language_and_get_their_own_answers():
    translate = RecordingTranslator()
    some_terms = SegmentTerms((RequiredTerm("t", "x", ("X",), CasePolicy.EXACT),))

    async def scenario():
        batcher = Batcher(translate, window_s=0.05)
        batcher.start()
        requests = [
            batcher.submit("fr", ["een", "twee"], [NO_TERMS, some_terms]),
            batcher.submit("de", ["drie"], [NO_TERMS]),
            batcher.submit("fr", ["vier"], [NO_TERMS]),
        ]
        answers = await asyncio.gather(*requests)
        await batcher.stop()
        return answers, batcher.stats

    (first, second, third), stats = run(scenario())
    assert [t.text for t in first] == ["fr:EEN", "fr:TWEE"]
    assert first[1].outcomes == (TermOutcome("t", "x", "applied"),)
    assert [t.text for t in second] == ["de:DRIE"]
    assert [t.text for t in third] == ["fr:VIER"]
    # both French requests in one call, in the order they came; German in its own
    assert sorted(translate.calls) == [("de", ["drie"]), ("fr", ["een", "twee", "vier"])]
    assert (stats.batches, stats.requests, stats.largest_batch) == (2, 3, 2)


def test_a_batch_holds_max_batch_segments_at_most_but_never_splits_a_request():
    translate = RecordingTranslator()

    async def scenario():
        batcher = Batcher(translate, window_s=0.05, max_batch=3)
        batcher.start()
        await asyncio.gather(
            batcher.submit("fr", ["a", "b"], [NO_TERMS] * 2),
            batcher.submit("fr", ["c", "d"], [NO_TERMS] * 2),
            batcher.submit("fr", ["e", "f", "g", "h"], [NO_TERMS] * 4),
        )
        await batcher.stop()

    run(scenario())
    assert [segments for _, segments in translate.calls] == [
        ["a", "b"],
        ["c", "d"],
        ["e", "f", "g", "h"],  # larger than max_batch: alone
    ]


def test_a_full_queue_refuses_at_once_and_a_cancelled_request_leaves_it():
    translate = RecordingTranslator()
    translate.release.clear()  # the worker holds its first batch

    async def scenario():
        batcher = Batcher(translate, window_s=0.0, max_queue=3)
        batcher.start()
        busy = asyncio.ensure_future(batcher.submit("fr", ["een"], [NO_TERMS]))
        await asyncio.sleep(0.1)  # taken by the worker, which now waits
        waiting = asyncio.ensure_future(batcher.submit("fr", ["twee", "drie"], [NO_TERMS] * 2))
        await asyncio.sleep(0.05)
        assert batcher.waiting == 2
        with pytest.raises(QueueFull) as full:
            await batcher.submit("fr", ["vier", "vijf"], [NO_TERMS] * 2)
        assert full.value.retry_after >= 1
        waiting.cancel()  # its client left: its sentences are never translated
        await asyncio.sleep(0.05)
        assert batcher.waiting == 0
        translate.release.set()
        assert [t.text for t in await busy] == ["fr:EEN"]
        await batcher.stop()

    run(scenario())
    assert translate.calls == [("fr", ["een"])]


def test_a_failing_batch_fails_its_requests_and_the_worker_goes_on():
    translate = RecordingTranslator()
    translate.fail_on = "kapot"

    async def scenario():
        batcher = Batcher(translate, window_s=0.0)
        batcher.start()
        with pytest.raises(RuntimeError, match="cannot translate 'kapot'"):
            await batcher.submit("fr", ["kapot"], [NO_TERMS])
        answer = await batcher.submit("fr", ["heel"], [NO_TERMS])
        await batcher.stop()
        return answer

    assert [t.text for t in run(scenario())] == ["fr:HEEL"]


# --- documents and term marks ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("format", "text", "sentences"),
    [
        ("text", "Titel\n\nEen zin. Nog een zin.\n", ["Titel", "Een zin.", "Nog een zin."]),
        ("markdown", "# Kop\n\n- **Vet** punt\n", ["Kop", "<1>Vet</1> punt"]),
        ("html", "<p>De <b>minister</b>.</p>", ["De <1>minister</1>."]),
        ("text", "", []),
    ],
)
def test_a_document_is_planned_into_sentences_and_renders_back(format, text, sentences):
    plan = plan_document(text, format, "fr", lambda sentence, lang, protected: NO_TERMS)
    assert list(plan.sentences) == sentences
    assert plan.render(list(plan.sentences)) == text  # identity translations: the source


def test_planning_asks_the_requirements_with_each_units_protected_spans():
    asked = []

    def requirements(sentence, lang, protected):
        asked.append((sentence, lang, tuple(protected)))
        return NO_TERMS

    plan = plan_document("Zie [de site](https://x.be). Klaar.", "markdown", "de", requirements)
    assert asked == [
        ("Zie <1>de site</1>.", "de", ("<1>", "</1>")),
        ("Klaar.", "de", ("<1>", "</1>")),
    ]
    assert plan.unit_translations(["A <1>b</1>.", "C."]) == ["A <1>b</1>. C."]
    assert plan.render(["A <1>b</1>.", "C."]) == "A [b](https://x.be). C."


def test_a_broken_document_names_where():
    with pytest.raises(InputError, match="unknown format"):
        plan_document("x", "pdf", "fr", lambda *_: NO_TERMS)


@pytest.fixture(scope="module")
def glossary():
    return load_glossary([ROOT / "glossaries"])


@pytest.mark.parametrize(
    ("source", "translation", "marks"),
    [
        ("Daesh is verslagen.", "Daech est vaincu.", [("applied", "Daesh", "Daech")]),
        ("Daesh is verslagen.", "DAECH est vaincu.", [("applied", "Daesh", "DAECH")]),
        (
            "Daesh is verslagen.",
            "L'Etat islamique est vaincu.",
            [("missing", "Daesh", ""), ("forbidden", "", "Etat islamique")],
        ),
        ("Het weer is goed.", "Il fait beau.", []),
    ],
)
def test_term_marks(glossary, source: str, translation: str, marks):
    got = term_marks(translation, glossary.requirements(source, "fr"), "fr")
    assert [(m.status, m.source_text, m.target_text) for m in got] == marks


def test_a_segment_review_is_mt_checks_findings():
    review = review_segment("Er zijn 250 doden.", "Il y a 205 morts.", "fr", None, line=4)
    (finding,) = review.findings
    assert finding["code"] == "number-changed"
    assert finding["source"] == {"path": "source", "line": 4}
    assert review.terms == ()
