"""The kept lemma index gives simplemma's own lemmas, and a cache never makes a check fail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import simplemma
from simplemma.strategies import DefaultStrategy
from simplemma.strategies.dictionaries.stream_dictionary_factory import StreamMap

from mt.terminology.lemmas import (
    IndexedDictionary,
    IndexedDictionaryFactory,
    index_folder,
    lemmatizer,
)


def _sample_keys(reference: StreamMap) -> list[str]:
    """Every 101st form, the forms around block boundaries, the first and the last."""
    keys = list(reference)
    picked = set(keys[::101]) | {keys[0], keys[-1]}
    for boundary in range(32, len(keys), 32 * 97):
        picked.update(keys[boundary - 1 : boundary + 2])
    return sorted(picked)


@pytest.mark.parametrize("lang", ["de", "fr", "en"])
def test_lookups_equal_simplemmas_own_reader(lang: str, tmp_path: Path) -> None:
    reference = StreamMap(lang)
    ours = IndexedDictionaryFactory(tmp_path).get_dictionary(lang)
    assert len(ours) == len(reference)
    keys = _sample_keys(reference)
    assert [ours.get(key) for key in keys] == [reference.get(key) for key in keys]
    misses = ["", "\x00", "\U0010ffff", *(key + "qq" for key in keys[::50]), keys[0][:-1]]
    assert [ours.get(miss) for miss in misses] == [reference.get(miss) for miss in misses]
    with pytest.raises(KeyError):
        ours["\U0010ffff"]


@pytest.fixture(scope="module")
def indexed_lemmatizer(tmp_path_factory: pytest.TempPathFactory) -> simplemma.Lemmatizer:
    factory = IndexedDictionaryFactory(tmp_path_factory.mktemp("lemmas"))
    return simplemma.Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=factory))


@pytest.mark.parametrize(
    ("word", "lang"),
    [
        ("Vereinigten", "de"),
        ("Internationalen", "de"),
        ("Länder", "de"),
        ("Staaten-Koalition", "de"),
        ("coalitions", "fr"),
        ("internationales", "fr"),
        ("l'Irak", "fr"),
        ("nations", "en"),
        ("ministers'", "en"),
    ],
)
def test_lemmatiser_agrees_with_simplemma(
    word: str, lang: str, indexed_lemmatizer: simplemma.Lemmatizer
) -> None:
    assert indexed_lemmatizer.lemmatize(word, lang=lang) == simplemma.lemmatize(word, lang=lang)


def test_a_second_load_reads_the_index_instead_of_walking_the_stream(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = IndexedDictionary.load("en", tmp_path)
    assert (tmp_path / "en.index").is_file()

    def walk(lang: str) -> IndexedDictionary:
        raise AssertionError(f"walked the {lang} stream again")

    monkeypatch.setattr(IndexedDictionary, "build", walk)
    second = IndexedDictionary.load("en", tmp_path)
    assert [second.get(word) for word in ("nations", "went", "mice")] == [
        first.get(word) for word in ("nations", "went", "mice")
    ]


def _with_header(path: Path, **changes: object) -> None:
    """Rewrite the index's header line with ``changes``."""
    magic, header, rest = path.read_bytes().split(b"\n", 2)
    edited = {**json.loads(header), **changes}
    path.write_bytes(magic + b"\n" + json.dumps(edited).encode() + b"\n" + rest)


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda path: path.write_bytes(b"not an index"), id="garbage"),
        pytest.param(lambda path: path.write_bytes(path.read_bytes()[:1000]), id="truncated"),
        pytest.param(lambda path: path.write_bytes(path.read_bytes()[:120]), id="cut-in-header"),
        pytest.param(lambda path: path.write_bytes(path.read_bytes() + b"x"), id="too-long"),
        pytest.param(lambda path: _with_header(path, format=0), id="another-format"),
        pytest.param(lambda path: _with_header(path, source=["en", 1, 2]), id="another-file"),
        pytest.param(lambda path: _with_header(path, integers=["big", 4]), id="another-machine"),
        pytest.param(lambda path: _with_header(path, blocks=-3), id="bad-count"),
        pytest.param(lambda path: _with_header(path, blocks="many"), id="count-not-a-number"),
        pytest.param(
            lambda path: path.write_bytes(path.read_bytes().replace(b"{", b"[", 1)), id="bad-json"
        ),
    ],
)
def test_an_unusable_index_is_rebuilt(spoil, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    IndexedDictionary.load("en", tmp_path)
    path = tmp_path / "en.index"
    good = path.read_bytes()
    spoil(path)
    assert path.read_bytes() != good
    rebuilt = IndexedDictionary.load("en", tmp_path)
    assert rebuilt.get("nations") == "nation"
    assert path.read_bytes() == good


def test_a_cache_that_cannot_be_written_only_costs_the_walk(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("in the way", encoding="utf-8")
    dictionary = IndexedDictionary.load("en", blocked / "lemmas")
    assert dictionary.get("nations") == "nation"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a-file"]  # no temporary left


def test_an_unknown_language_raises_as_simplemmas_factories_do(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="xx"):
        IndexedDictionaryFactory(tmp_path).get_dictionary("xx")
    assert not tmp_path.joinpath("xx.index").exists()


def test_the_checks_lemmatiser_keeps_its_index_in_the_users_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    lemmatizer.cache_clear()
    try:
        assert lemmatizer().lemmatize("nations", lang="en") == "nation"
    finally:
        lemmatizer.cache_clear()
    assert index_folder() == tmp_path / "mt" / "lemmas" / f"simplemma-{simplemma.__version__}"
    assert (index_folder() / "en.index").is_file()
