"""The translation cache: round trips, key sensitivity, persistence, and unusable files."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest

from mt.translation.cache import CacheError, CacheKey, TranslationCache, default_cache_path

DecodeResult = pytest.importorskip("mt.engines.decoding").DecodeResult

KEY = CacheKey("org/model@abc", "beams=4;max_new_tokens=auto", "fr", "g1", "enforce")
SOURCES = ["De minister sprak.", "Daesh werd verslagen.", "Dank u."]


def _result(text: str) -> DecodeResult:
    return DecodeResult(text, ("daesh",), (("coalition", "no room"),), 7)


def test_round_trip_and_counters(tmp_path: Path) -> None:
    with TranslationCache(tmp_path / "c.sqlite3") as cache:
        assert cache.get_many(KEY, SOURCES) == [None, None, None]
        cache.put_many(
            KEY, [(SOURCES[0], _result("Le ministre.")), (SOURCES[2], _result("Merci."))]
        )
        found = cache.get_many(KEY, SOURCES)
        assert found == [_result("Le ministre."), None, _result("Merci.")]
        assert (cache.hits, cache.misses) == (2, 4)


def test_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    with TranslationCache(path) as cache:
        cache.put_many(KEY, [(SOURCES[1], _result("Daech a été vaincu."))])
    with TranslationCache(path) as cache:
        assert cache.get_many(KEY, [SOURCES[1]]) == [_result("Daech a été vaincu.")]


@pytest.mark.parametrize(
    "change",
    [
        {"model": "org/model@def"},
        {"settings": "beams=1;max_new_tokens=auto"},
        {"lang": "de"},
        {"glossary": "g2"},
        {"terms_mode": "off"},
    ],
)
def test_any_key_field_change_misses(tmp_path: Path, change: dict[str, str]) -> None:
    with TranslationCache(tmp_path / "c.sqlite3") as cache:
        cache.put_many(KEY, [(SOURCES[0], _result("Le ministre."))])
        assert cache.get_many(dataclasses.replace(KEY, **change), [SOURCES[0]]) == [None]
        assert cache.get_many(KEY, [SOURCES[0] + " "]) == [None]  # the source itself counts too


def test_many_sources_beyond_parameter_limit(tmp_path: Path) -> None:
    sources = [f"zin {i}" for i in range(1200)]
    with TranslationCache(tmp_path / "c.sqlite3") as cache:
        cache.put_many(KEY, [(s, DecodeResult(s.upper(), (), (), 1)) for s in sources[::2]])
        found = cache.get_many(KEY, sources)
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
        TranslationCache(path).get_many(KEY, SOURCES)
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
            TranslationCache(path).put_many(KEY, [(SOURCES[0], _result("x"))])
    finally:
        holder.rollback()
        holder.close()


def test_unwritable_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(CacheError, match="cannot create the cache folder"):
        TranslationCache(blocker / "sub" / "c.sqlite3").get_many(KEY, SOURCES)
