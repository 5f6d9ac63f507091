"""The translation cache: round trips, key sensitivity (each segment's own glossary terms), the
model part of keys known without loading, persistence, and unusable files."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest

from mt.terminology.terms import NO_TERMS, CasePolicy, RequiredTerm, SegmentTerms
from mt.translation.cache import (
    CacheError,
    CacheKey,
    TranslationCache,
    default_cache_path,
    model_identity,
    terms_fingerprint,
)

DecodeResult = pytest.importorskip("mt.engines.decoding").DecodeResult

KEY = CacheKey("org/model@abc", "beams=4;max_new_tokens=auto", "fr", "enforce")
SOURCES = ["De minister sprak.", "Daesh werd verslagen.", "Dank u."]
SEGMENTS = [(source, NO_TERMS) for source in SOURCES]


def _result(text: str) -> DecodeResult:
    return DecodeResult(text, ("daesh",), (("coalition", "no room"),), 7)


def test_round_trip_and_counters(tmp_path: Path) -> None:
    with TranslationCache(tmp_path / "c.sqlite3") as cache:
        assert cache.get_many(KEY, SEGMENTS) == [None, None, None]
        cache.put_many(
            KEY,
            [
                (SOURCES[0], NO_TERMS, _result("Le ministre.")),
                (SOURCES[2], NO_TERMS, _result("Merci.")),
            ],
        )
        found = cache.get_many(KEY, SEGMENTS)
        assert found == [_result("Le ministre."), None, _result("Merci.")]
        assert (cache.hits, cache.misses) == (2, 4)


def test_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    with TranslationCache(path) as cache:
        cache.put_many(KEY, [(SOURCES[1], NO_TERMS, _result("Daech a été vaincu."))])
    with TranslationCache(path) as cache:
        assert cache.get_many(KEY, [SEGMENTS[1]]) == [_result("Daech a été vaincu.")]


@pytest.mark.parametrize(
    "change",
    [
        {"model": "org/model@def"},
        {"settings": "beams=1;max_new_tokens=auto"},
        {"lang": "de"},
        {"terms_mode": "off"},
    ],
)
def test_any_key_field_change_misses(tmp_path: Path, change: dict[str, str]) -> None:
    with TranslationCache(tmp_path / "c.sqlite3") as cache:
        cache.put_many(KEY, [(SOURCES[0], NO_TERMS, _result("Le ministre."))])
        assert cache.get_many(dataclasses.replace(KEY, **change), [SEGMENTS[0]]) == [None]
        assert cache.get_many(KEY, [(SOURCES[0] + " ", NO_TERMS)]) == [None]  # the source too


def test_many_sources_beyond_parameter_limit(tmp_path: Path) -> None:
    sources = [f"zin {i}" for i in range(1200)]
    with TranslationCache(tmp_path / "c.sqlite3") as cache:
        cache.put_many(
            KEY, [(s, NO_TERMS, DecodeResult(s.upper(), (), (), 1)) for s in sources[::2]]
        )
        found = cache.get_many(KEY, [(s, NO_TERMS) for s in sources])
    assert [r.text if r else None for r in found] == [
        s.upper() if i % 2 == 0 else None for i, s in enumerate(sources)
    ]


def test_nothing_created_until_used(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "c.sqlite3"
    cache = TranslationCache(path)
    assert not path.parent.exists()
    cache.get_many(KEY, [])
    assert path.is_file()
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    cache.close()


def test_default_path_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_path() == tmp_path / "xdg" / "mt" / "translations.sqlite3"
    assert TranslationCache().path == default_cache_path()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is not a database at all" * 200, "not a usable SQLite database"),
        (None, "schema version 99"),
    ],
)
def test_unusable_file_gives_clear_error(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "c.sqlite3"
    if content is None:
        sqlite3.connect(path).execute("PRAGMA user_version=99").connection.commit()
    else:
        path.write_bytes(content)
    with pytest.raises(CacheError, match=message) as caught:
        TranslationCache(path).get_many(KEY, SEGMENTS)
    assert str(path) in str(caught.value)
    assert "--no-cache" in str(caught.value)


def test_locked_database_gives_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("mt.translation.cache._LOCK_TIMEOUT_S", 0.05)
    path = tmp_path / "c.sqlite3"
    TranslationCache(path).get_many(KEY, [])
    holder = sqlite3.connect(path)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(CacheError, match="locked by another process"):
            TranslationCache(path).put_many(KEY, [(SOURCES[0], NO_TERMS, _result("x"))])
    finally:
        holder.rollback()
        holder.close()


def test_unwritable_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(CacheError, match="cannot create the cache folder"):
        TranslationCache(blocker / "sub" / "c.sqlite3").get_many(KEY, SEGMENTS)


# --- each segment keyed by the glossary entries that apply to it ---------------------------------

DAESH = RequiredTerm("daesh", "Daesh", ("Daech", "Daesh"))
DAESH_TERMS = SegmentTerms((DAESH,), ("EI",))


@pytest.mark.parametrize(
    "changed",
    [
        SegmentTerms((dataclasses.replace(DAESH, alternatives=("Daech",)),), ("EI",)),
        SegmentTerms((dataclasses.replace(DAESH, case=CasePolicy.STRICT),), ("EI",)),
        SegmentTerms((dataclasses.replace(DAESH, copy=True),), ("EI",)),
        SegmentTerms((dataclasses.replace(DAESH, entry_id="isis"),), ("EI",)),
        SegmentTerms((DAESH,), ("EI", "ISIS")),
        SegmentTerms((DAESH,), ()),
        NO_TERMS,
    ],
)
def test_a_change_in_the_segments_own_terms_misses(tmp_path: Path, changed) -> None:
    with TranslationCache(tmp_path / "c.sqlite3") as cache:
        cache.put_many(KEY, [(SOURCES[1], DAESH_TERMS, _result("Daech a été vaincu."))])
        assert cache.get_many(KEY, [(SOURCES[1], DAESH_TERMS)]) == [_result("Daech a été vaincu.")]
        assert cache.get_many(KEY, [(SOURCES[1], changed)]) == [None]


def test_terms_fingerprint_is_content_not_identity() -> None:
    copy = SegmentTerms((RequiredTerm("daesh", "Daesh", ("Daech", "Daesh")),), ("EI",))
    assert terms_fingerprint(copy) == terms_fingerprint(DAESH_TERMS)
    assert terms_fingerprint(NO_TERMS) == ""


# --- the model part of a key, known without loading ----------------------------------------------


def _hub_snapshot(hub: Path, repo: str, commit: str, ref: str = "main") -> None:
    folder = hub / f"models--{repo.replace('/', '--')}"
    (folder / "snapshots" / commit).mkdir(parents=True)
    (folder / "snapshots" / commit / "config.json").write_text("{}")
    (folder / "refs").mkdir()
    (folder / "refs" / ref).write_text(commit)


def test_model_identity_from_the_hub_cache_and_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mt.engines.models import ModelSpec, folder_revision

    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    _hub_snapshot(tmp_path / "hub", "org/nl-en", "c0ffee")
    folder = tmp_path / "gmw"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    english = ModelSpec("en", "org/nl-en")
    german = ModelSpec("de", str(folder), ">>deu<<")
    assert model_identity(english) == "org/nl-en@c0ffee"
    assert model_identity(german, "+ct2-int8+verify") == (
        f"{folder}>>deu<<@{folder_revision(folder)}+ct2-int8+verify"
    )
    route = dataclasses.replace(german, via=english)
    assert model_identity(route, "+v", "+f") == (
        f"org/nl-en@c0ffee+f -> {folder}>>deu<<@{folder_revision(folder)}+v"
    )
    # Not on this machine: no identity (the model must be fetched first).
    assert model_identity(ModelSpec("fr", "org/nl-fr")) is None
    assert model_identity(dataclasses.replace(german, via=ModelSpec("en", "org/gone"))) is None
    # The weights replaced: another revision, so earlier translations are not served.
    before = model_identity(german)
    (folder / "model.safetensors").write_bytes(b"new weights")
    assert model_identity(german) != before


def test_cache_path_that_is_a_folder(tmp_path: Path) -> None:
    with pytest.raises(CacheError, match="is a folder") as caught:
        TranslationCache(tmp_path).get_many(KEY, SEGMENTS)
    assert str(tmp_path) in str(caught.value)
