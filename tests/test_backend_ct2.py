"""The CTranslate2 backend on tiny random models: same tokens and results as the torch backend,
a conversion cache that is reused and never left half-written, forbidden terms suppressed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ctranslate2 = pytest.importorskip("ctranslate2")

from mt.core.errors import InputError, ModelLoadError  # noqa: E402
from mt.engines.backends import DecodeSettings, make_backend  # noqa: E402
from mt.engines.backends.ct2 import (  # noqa: E402
    METADATA_FILE,
    CTranslate2Backend,
    MarianPieces,
    convert_model,
    cpu_layout,
    cpu_threads,
    ct2_cache_dir,
)
from mt.engines.models import ModelSpec, load_model  # noqa: E402
from mt.terminology.terms import RequiredTerm, SegmentTerms  # noqa: E402

# Press-release Dutch of many shapes: short and long, figures, quotes, abbreviations, accents,
# characters the tiny vocabulary lacks (they become <unk> in both backends).
DUTCH = [
    "Vicepremier en minister van Buitenlandse Zaken Maxime Prévot bezocht vandaag Irak.",
    "België blijft een betrouwbare partner van de Internationale Coalitie tegen Daesh.",
    "De regering trekt 3,5 miljoen euro uit voor stabilisatie in Noordoost-Syrië.",
    "Humanitaire hulp is geen gunst, maar een plicht.",
    "Wat doet België tegen terrorisme?",
    "De F-16's van de Belgische luchtmacht keren terug.",
    "“We staan naast de Iraakse bevolking”, zei de minister.",
    "Op 12 november 2024 vond in Brussel een ministeriële vergadering plaats.",
    "De steun gaat o.a. naar ontmijning, water en onderwijs.",
    "Sinds 2014 heeft de coalitie grote vooruitgang geboekt.",
    "Dhr. Prévot sprak met zijn ambtgenoten uit Frankrijk, Duitsland en Nederland.",
    "Dit is de derde keer dat België de vergadering organiseert.",
    "De strijd tegen Daesh is nog niet voorbij.",
    "Minister",
    "Irak en Syrië.",
    "De minister benadrukte het belang van internationale samenwerking, van een duurzame politieke "
    "oplossing en van de bescherming van burgers, in het bijzonder vrouwen en kinderen.",
    "Meer informatie: www.diplomatie.belgium.be",
    "België draagt jaarlijks ongeveer 20 mln. euro bij.",
    "Het project loopt tot eind 2026.",
    "Daarnaast steunt België de VN-missie in Irak (UNAMI).",
    "De minister ontmoette ook vertegenwoordigers van het maatschappelijk middenveld.",
    "Er zijn nog steeds 1,2 miljoen ontheemden in Noord-Irak.",
    "‘Stabiliteit in de regio is ook onze veiligheid’, aldus de vicepremier.",
    "De Belgische bijdrage wordt verdeeld over drie jaar.",
    "Hij herhaalde de steun van België aan de territoriale integriteit van Irak.",
    "De coalitie telt 87 leden.",
    "Humanitaire organisaties krijgen meer middelen.",
    "Na de vergadering volgde een persconferentie.",
    "De vicepremier reist morgen door naar Erbil.",
    "België is sinds 2014 lid van de coalitie.",
    "Terrorisme kent geen grenzen.",
    "Het bezoek past in een bredere Europese aanpak.",
    "De Belgische ambassade in Amman volgt de situatie op.",
    "Voor vragen kan u terecht bij de woordvoerder.",
    "Einde persbericht.",
    "Brussel, 14 maart 2025",
    "De stabilisatie van bevrijde gebieden blijft een prioriteit!",
    "Syrië, Irak, Libanon: de regio staat onder druk.",
    "Met deze steun wil de regering de terugkeer van vluchtelingen mogelijk maken.",
    "De Internationale Coalitie tegen Daesh werd in september 2014 opgericht.",
]


@pytest.fixture(scope="module")
def ct2_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One conversion cache for the module, so each model is converted once."""
    return tmp_path_factory.mktemp("ct2-cache")


def _pair(folder: Path, cache: Path, lang: str = "de") -> tuple[object, CTranslate2Backend]:
    spec = ModelSpec(lang, str(folder))
    torch_backend = make_backend("torch", load_model(spec, "cpu"), "cpu")
    fast = CTranslate2Backend.from_spec(spec, device="cpu", compute_type="float32", cache_dir=cache)
    return torch_backend, fast


@pytest.mark.parametrize("text", DUTCH[:12] + [">>fra<< " + DUTCH[0], "", "  spaties  "])
def test_pieces_encode_and_decode_as_the_marian_tokenizer(
    tiny_multilingual_dir: Path, text: str
) -> None:
    from transformers import MarianTokenizer

    tokenizer = MarianTokenizer.from_pretrained(str(tiny_multilingual_dir))
    pieces = MarianPieces(tiny_multilingual_dir)
    expected = tokenizer.convert_ids_to_tokens(tokenizer(text)["input_ids"])
    assert pieces.encode(text) == expected
    ids = tokenizer(text)["input_ids"]
    assert pieces.decode(expected) == tokenizer.decode(ids, skip_special_tokens=True)


@pytest.mark.parametrize(
    ("model", "lang", "settings"),
    [
        ("tiny_multilingual_dir", "de", DecodeSettings(num_beams=1, max_new_tokens=16)),
        ("tiny_model_dir", "fr", DecodeSettings(num_beams=1, max_new_tokens=16, batch_size=24)),
        ("tiny_model_dir", "fr", DecodeSettings(num_beams=4, max_new_tokens=16)),
    ],
)
def test_backends_agree_in_float32(
    request: pytest.FixtureRequest, ct2_cache: Path, model: str, lang: str, settings: DecodeSettings
) -> None:
    torch_backend, fast = _pair(request.getfixturevalue(model), ct2_cache, lang)
    expected = torch_backend.translate(DUTCH, [], settings)
    got = fast.translate(DUTCH, [], settings)
    differ = [(a.text, b.text) for a, b in zip(expected, got, strict=True) if a.text != b.text]
    assert len(differ) <= 0.05 * len(DUTCH), differ
    assert [r.tokens for r in got] == [r.tokens for r in expected]


@pytest.mark.parametrize(
    ("cores", "layout"),
    [(1, (1, 1)), (2, (2, 1)), (3, (3, 1)), (4, (4, 1)), (6, (3, 2)), (8, (4, 2)), (16, (4, 4))],
)
def test_cores_are_spread_over_at_most_four_workers(cores: int, layout: tuple[int, int]) -> None:
    workers, intra = cpu_layout(cores)
    assert (workers, intra) == layout
    assert workers * intra <= cores


@pytest.mark.parametrize(
    ("setting", "expected"), [("1", 1), ("1000", None), ("", None), ("0", None), ("two", None)]
)
def test_omp_num_threads_bounds_the_cores_used(
    monkeypatch: pytest.MonkeyPatch, setting: str, expected: int | None
) -> None:
    """OMP_NUM_THREADS (a Ray actor's share, a user's bound) caps the cores; nonsense is ignored."""
    import os

    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    cores = cpu_threads()
    monkeypatch.setenv("OMP_NUM_THREADS", setting)
    assert cpu_threads() == (cores if expected is None else expected)
    assert cores == len(os.sched_getaffinity(0))


def test_default_output_cap_matches_torch(tiny_multilingual_dir: Path, ct2_cache: Path) -> None:
    # Random weights rarely say </s>: outputs run into the cap, which depends on each batch's
    # longest source, so this checks that both backends plan the same batches.
    torch_backend, fast = _pair(tiny_multilingual_dir, ct2_cache)
    settings = DecodeSettings(num_beams=1, batch_size=2)
    sources = [DUTCH[13], DUTCH[12], DUTCH[14], DUTCH[4]]  # batches of 18 and 8 tokens: 52, 32
    expected = [r.tokens for r in torch_backend.translate(sources, [], settings)]
    assert [r.tokens for r in fast.translate(sources, [], settings)] == expected


def test_target_token_is_put_in_front(tiny_multilingual_dir: Path, ct2_cache: Path) -> None:
    spec = ModelSpec("de", str(tiny_multilingual_dir))
    backend = CTranslate2Backend.from_spec(spec, device="cpu", cache_dir=ct2_cache)
    assert backend.target_token == ">>deu<<"
    assert backend.count_tokens("Irak") == len(backend.pieces.encode(">>deu<< Irak"))
    assert backend.pieces.encode(">>deu<< Irak")[0] == ">>deu<<"


def test_conversion_is_cached_and_reused(
    tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = convert_model(
        tiny_model_dir, model_id="tiny", revision="r1", quantization="int8", cache_dir=tmp_path
    )
    assert (first / "model.bin").is_file()
    assert json.loads((first / METADATA_FILE).read_text())["quantization"] == "int8"

    def no_conversion(*args: object, **kwargs: object) -> None:
        raise AssertionError("converted again")

    monkeypatch.setattr(ctranslate2.converters, "TransformersConverter", no_conversion)
    again = convert_model(
        tiny_model_dir, model_id="tiny", revision="r1", quantization="int8", cache_dir=tmp_path
    )
    assert again == first
    with pytest.raises(ModelLoadError, match="converted again"):  # another revision: converts
        convert_model(
            tiny_model_dir, model_id="tiny", revision="r2", quantization="int8", cache_dir=tmp_path
        )


def test_default_cache_is_under_xdg_cache_home(tmp_path: Path) -> None:
    assert ct2_cache_dir().parts[-2:] == ("mt", "ct2")
    assert not ct2_cache_dir().exists()  # nothing is created before a conversion


def test_failed_conversion_leaves_no_folder(
    tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = ctranslate2.converters.TransformersConverter

    class Interrupted(real):  # type: ignore[misc, valid-type]
        def convert(self, output_dir: str, **kwargs: object) -> str:
            (Path(output_dir) / "model.bin").write_bytes(b"half")
            raise OSError("disk full")

    monkeypatch.setattr(ctranslate2.converters, "TransformersConverter", Interrupted)
    with pytest.raises(ModelLoadError, match="disk full") as caught:
        convert_model(
            tiny_model_dir,
            model_id="tiny",
            revision="r1",
            quantization="int8",
            cache_dir=tmp_path / "cache",
        )
    assert "--backend torch" in str(caught.value)
    assert list((tmp_path / "cache").rglob("*")) == []


def test_broken_model_folder_fails_with_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text("{}")
    with pytest.raises(ModelLoadError, match="cannot convert"):
        convert_model(
            broken,
            model_id="broken",
            revision=None,
            quantization="int8",
            cache_dir=tmp_path / "cache",
        )
    assert not any((tmp_path / "cache").rglob("*"))


def test_forbidden_terms_are_suppressed(tiny_model_dir: Path, ct2_cache: Path) -> None:
    spec = ModelSpec("fr", str(tiny_model_dir))
    backend = CTranslate2Backend.from_spec(spec, device="cpu", cache_dir=ct2_cache)
    settings = DecodeSettings(num_beams=2, max_new_tokens=12)
    source = DUTCH[1]
    plain = backend.translate([source], [], settings)[0].text
    # Whatever the random model says first is now forbidden; another segment keeps it.
    word = plain.split()[0]
    forbid = SegmentTerms(forbidden=(word,))
    banned, free = backend.translate([source, source], [forbid, SegmentTerms()], settings)
    assert word not in banned.text.split()
    assert free.text == plain


def test_forbidden_term_inside_a_required_one_is_not_suppressed(
    tiny_model_dir: Path, ct2_cache: Path
) -> None:
    spec = ModelSpec("fr", str(tiny_model_dir))
    backend = CTranslate2Backend.from_spec(spec, device="cpu", cache_dir=ct2_cache)
    required = RequiredTerm("coalition", "Coalitie", ("coalition internationale",))
    both = SegmentTerms(required=(required,), forbidden=("coalition", "Daesh"))
    assert backend._suppressed(both) == tuple(
        sorted({tuple(backend.pieces.encode_target(f)) for f in ("Daesh", "daesh")})
    )


def test_too_long_segment_is_an_input_error(tiny_model_dir: Path, ct2_cache: Path) -> None:
    spec = ModelSpec("fr", str(tiny_model_dir))
    backend = CTranslate2Backend.from_spec(spec, device="cpu", cache_dir=ct2_cache)
    with pytest.raises(InputError, match="split it first"):
        backend.translate(["Irak " * 600], [], DecodeSettings())


def test_make_backend_gives_ct2_behind_verification(tiny_model_dir: Path) -> None:
    from mt.engines.backends.fastpath import FastPathBackend

    backend = make_backend("ctranslate2", load_model(ModelSpec("fr", str(tiny_model_dir))))
    assert isinstance(backend, FastPathBackend)
    assert isinstance(backend.fast, CTranslate2Backend)
    assert backend.fast.compute_type == "int8"  # the CPU default
    assert backend.model_id.endswith("+ct2-int8+verify+place")
    term = SegmentTerms(required=(RequiredTerm("iraq", "Irak", ("Irak",)),))
    settings = DecodeSettings(max_new_tokens=6)
    plain, termed = backend.translate(["Irak.", "Irak."], [SegmentTerms(), term], settings)
    assert plain.tokens <= 6
    assert "Irak" in termed.text
    assert backend.counts.redecoded == (0 if "Irak" in plain.text else 1)


def test_cuda_without_a_gpu_is_a_clear_error(tiny_model_dir: Path) -> None:
    if ctranslate2.get_cuda_device_count():
        pytest.skip("a GPU is present")
    with pytest.raises(ModelLoadError, match="no CUDA GPU"):
        CTranslate2Backend.from_folder(tiny_model_dir, device="cuda")


def test_runtime_needs_neither_torch_nor_transformers(
    tiny_model_dir: Path, ct2_cache: Path
) -> None:
    # Converted once here; a fresh process then loads and translates from the cache alone.
    spec = ModelSpec("fr", str(tiny_model_dir))
    CTranslate2Backend.from_spec(spec, device="cpu", cache_dir=ct2_cache)
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from mt.engines.backends import DecodeSettings\n"
        "from mt.engines.backends.ct2 import CTranslate2Backend\n"
        "from mt.engines.models import ModelSpec\n"
        f"spec = ModelSpec('fr', {str(tiny_model_dir)!r})\n"
        f"cache = Path({str(ct2_cache)!r})\n"
        "b = CTranslate2Backend.from_spec(spec, device='cpu', cache_dir=cache)\n"
        "b.translate(['Irak en Syrië.'], [], DecodeSettings(max_new_tokens=4))\n"
        "print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert run.stdout.strip() == "[]", run.stderr
