"""The torch backend: batching by length restores order and changes nothing; terms take the
constrained path; pivot routes chain two backends."""

from __future__ import annotations

from pathlib import Path

import pytest

from mt.core.errors import InputError
from mt.engines import models
from mt.engines.backends import DecodeSettings, PivotBackend, make_backend, open_backend
from mt.engines.backends.torch_backend import TorchBackend, plan_batches
from mt.engines.models import ModelSpec, load_model
from mt.terminology.terms import RequiredTerm, SegmentTerms

decoding = pytest.importorskip("mt.engines.decoding")

SOURCES = [
    "De minister steunt de Internationale Coalitie tegen Daesh.",
    "Dank u.",
    "België geeft 18 miljoen euro humanitaire hulp aan Irak en Syrië voor de stabilisatie.",
    "De regering.",
    "Daesh",
    "De vicepremier en minister van Buitenlandse Zaken sprak met de coalitie over de strijd.",
]
GREEDY = DecodeSettings(num_beams=1, max_new_tokens=12)


@pytest.mark.parametrize(
    ("lengths", "budget", "size", "expected"),
    [
        ([], 100, None, []),
        ([3, 9, 5], 100, None, [[1, 2, 0]]),
        ([3, 9, 5], 18, None, [[1, 2], [0]]),
        ([3, 9, 5], 100, 1, [[1], [2], [0]]),
        ([50, 2, 2], 10, None, [[0], [1, 2]]),  # too long for the budget: alone
        ([4, 4, 4, 4], 8, 3, [[0, 1], [2, 3]]),
    ],
)
def test_plan_batches(
    lengths: list[int], budget: int, size: int | None, expected: list[list[int]]
) -> None:
    assert plan_batches(lengths, budget, size) == expected


def _one_by_one(folder: Path, prefix: str, sources: list[str]) -> list[str]:
    """Plain transformers, one sentence at a time: what batching must not change."""
    import torch

    loaded = load_model(ModelSpec("de", str(folder)))
    texts = []
    with torch.inference_mode():
        for source in sources:
            encoded = loaded.tokenizer([prefix + source], return_tensors="pt")
            output = loaded.model.generate(**encoded, num_beams=1, max_new_tokens=12)
            texts.append(loaded.tokenizer.decode(output[0], skip_special_tokens=True))
    return texts


@pytest.mark.parametrize(
    ("fixture", "prefix"), [("tiny_model_dir", ""), ("tiny_multilingual_dir", ">>deu<< ")]
)
@pytest.mark.parametrize("batch_size", [1, 4])
def test_batched_equals_one_by_one(
    fixture: str, prefix: str, batch_size: int, request: pytest.FixtureRequest
) -> None:
    folder = request.getfixturevalue(fixture)
    backend = make_backend("torch", load_model(ModelSpec("de", str(folder))))
    settings = DecodeSettings(num_beams=1, max_new_tokens=12, batch_size=batch_size)
    results = backend.translate(SOURCES, [], settings)
    assert [r.text for r in results] == _one_by_one(folder, prefix, SOURCES)
    assert all(0 < r.tokens <= 12 and r.applied == () and r.unmet == () for r in results)


@pytest.mark.parametrize(("lang", "token"), [("de", ">>deu<<"), ("fr", ">>fra<<")])
def test_target_token_reaches_the_model(
    tiny_multilingual_dir: Path, lang: str, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded = load_model(ModelSpec(lang, str(tiny_multilingual_dir)))
    seen = []
    real_generate = loaded.model.generate

    def spy(**kwargs):
        seen.append(kwargs["input_ids"][:, 0].tolist())
        return real_generate(**kwargs)

    monkeypatch.setattr(loaded.model, "generate", spy)
    make_backend("torch", loaded).translate(SOURCES, [], GREEDY)
    token_id = loaded.tokenizer.convert_tokens_to_ids(token)
    assert [first for batch in seen for first in batch] == [token_id] * len(SOURCES)


def test_terms_go_to_constrained_search(
    tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[list[str], list[SegmentTerms], int, int | None]] = []

    def fake_constrained(model, tokenizer, sources, terms, *, num_beams, max_new_tokens=None):
        calls.append((list(sources), list(terms), num_beams, max_new_tokens))
        return [decoding.DecodeResult(f"C:{s}", ("t",), (), 1) for s in sources]

    monkeypatch.setattr(decoding, "constrained_generate", fake_constrained)
    daesh = SegmentTerms((RequiredTerm("daesh", "Daesh", ("Daech",)),))
    terms = [SegmentTerms(), daesh, SegmentTerms(), SegmentTerms(), daesh, SegmentTerms()]
    backend = make_backend("torch", load_model(ModelSpec("fr", str(tiny_model_dir))))
    results = backend.translate(SOURCES, terms, DecodeSettings(num_beams=3, max_new_tokens=9))
    assert [r.text for r in results if r.text.startswith("C:")] == [
        f"C:{SOURCES[1]}",
        f"C:{SOURCES[4]}",
    ]
    assert [c[0] for c in calls] == [[SOURCES[1], SOURCES[4]]]  # one batch, longest first
    assert calls[0][1] == [daesh, daesh] and calls[0][2:] == (3, 9)
    plain = backend.translate([SOURCES[0]], [], DecodeSettings(num_beams=3, max_new_tokens=9))
    assert results[0].text == plain[0].text


def test_beams_default_to_generation_config(tiny_model_dir: Path) -> None:
    backend = TorchBackend(load_model(ModelSpec("fr", str(tiny_model_dir))))
    assert backend._num_beams(DecodeSettings()) == 4  # build_tiny_marian's generation config
    assert backend._num_beams(DecodeSettings(num_beams=2)) == 2


def test_too_long_segment_is_refused(tiny_model_dir: Path) -> None:
    backend = make_backend("torch", load_model(ModelSpec("fr", str(tiny_model_dir))))
    with pytest.raises(InputError, match="segment 2 has .* tokens .* at most 512: split it"):
        backend.translate(["Kort.", "de minister " * 400], [], GREEDY)


@pytest.mark.parametrize(
    ("kind", "message"), [("marian", "unknown backend 'marian'"), ("", "unknown backend")]
)
def test_unknown_backend(tiny_model_dir: Path, kind: str, message: str) -> None:
    loaded = load_model(ModelSpec("fr", str(tiny_model_dir)), weights=False)
    with pytest.raises(InputError, match=message):
        make_backend(kind, loaded)


@pytest.mark.parametrize(
    ("field", "value"), [("num_beams", 0), ("batch_size", 0), ("max_new_tokens", -1)]
)
def test_settings_reject_nonsense(field: str, value: int) -> None:
    with pytest.raises(InputError, match=field.replace("_", "-")):
        DecodeSettings(**{field: value})


def test_settings_cache_key_ignores_batching() -> None:
    assert DecodeSettings(batch_size=1).cache_key == DecodeSettings(batch_size=64).cache_key
    assert DecodeSettings(num_beams=1).cache_key != DecodeSettings(num_beams=4).cache_key


def test_pivot_route_chains_backends(tiny_model_dir: Path, tiny_multilingual_dir: Path) -> None:
    models.clear_loaded_models()
    spec = ModelSpec("de", str(tiny_multilingual_dir), via=ModelSpec("en", str(tiny_model_dir)))
    backend = open_backend(spec, "torch")
    assert isinstance(backend, PivotBackend)
    assert " -> " in backend.model_id and backend.model_id.endswith(
        load_model(ModelSpec("de", str(tiny_multilingual_dir))).model_id
    )
    english = make_backend("torch", load_model(spec.via)).translate(SOURCES, [], GREEDY)
    second = make_backend("torch", load_model(ModelSpec("de", str(tiny_multilingual_dir))))
    expected = second.translate([r.text for r in english], [], GREEDY)
    assert backend.translate(SOURCES, [], GREEDY) == expected


def test_required_term_placed_through_backend(tiny_multilingual_dir: Path) -> None:
    """End to end with the real constrained search: random weights, yet the term appears."""
    daesh = SegmentTerms((RequiredTerm("daesh", "Daesh", ("Daesh",)),))
    backend = make_backend("torch", load_model(ModelSpec("de", str(tiny_multilingual_dir))))
    results = backend.translate(
        SOURCES[:2], [daesh, SegmentTerms()], DecodeSettings(num_beams=2, max_new_tokens=16)
    )
    assert "Daesh" in results[0].text and results[0].applied == ("daesh",)
    assert results[1].applied == ()
