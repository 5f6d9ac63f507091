"""The translation cache: finished segments in SQLite, so a re-run translates only what changed.

A translation is stored under a hash of everything that decides it: the model and its revision,
the decoding settings, the target language, the glossary version, the terms mode and the source
segment itself. Editing one sentence of a release, or the glossary, misses only where it must::

    cache = TranslationCache()                      # $XDG_CACHE_HOME/mt/translations.sqlite3
    key = CacheKey(backend.model_id, settings.cache_key, "fr", glossary.version, "enforce")
    found = cache.get_many(key, segments)           # a DecodeResult or None per segment
    cache.put_many(key, zip(missing_segments, results))

Each :meth:`TranslationCache.put_many` commits, so Ctrl-C keeps every finished batch. The database
runs in WAL mode so that a reader never blocks the writer of a parallel run; a locked or corrupt
file gives a :class:`CacheError` that says how to get past it. Nothing is created until first use.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from mt.core.errors import Location, MtError

if TYPE_CHECKING:
    from mt.engines.decoding import DecodeResult

T = TypeVar("T")
SCHEMA_VERSION = 1
_LOCK_TIMEOUT_S = 10.0
_SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    key TEXT PRIMARY KEY,       -- sha256 of CacheKey + source
    text TEXT NOT NULL,
    applied TEXT NOT NULL,      -- JSON list of entry ids placed by the constrained search
    unmet TEXT NOT NULL,        -- JSON list of [entry id, reason]
    tokens INTEGER NOT NULL
)
"""


class CacheError(MtError):
    """The translation cache database cannot be used (corrupt, locked, not writable)."""


def default_cache_path() -> Path:
    """``$XDG_CACHE_HOME/mt/translations.sqlite3``, else ``~/.cache/mt/translations.sqlite3``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "mt" / "translations.sqlite3"


@dataclass(frozen=True)
class CacheKey:
    """What decides a translation besides its source: the same key and source, the same output.

    ``model`` is the backend's ``model_id`` (model, target token, revision; both legs of a pivot),
    ``settings`` is :attr:`mt.engines.backends.DecodeSettings.cache_key`, ``glossary`` the glossary
    version ("" without one) and ``terms_mode`` "enforce", "check" or "off".
    """

    model: str
    settings: str
    lang: str
    glossary: str = ""
    terms_mode: str = "off"

    def digest(self, source: str) -> str:
        fields = [self.model, self.settings, self.lang, self.glossary, self.terms_mode, source]
        return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()


class TranslationCache:
    """A SQLite file of finished translations; opened on first use, closed by :meth:`close`."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path).expanduser() if path is not None else default_cache_path()
        self.hits = 0
        self.misses = 0
        self._db: sqlite3.Connection | None = None

    def __enter__(self) -> TranslationCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def get_many(self, key: CacheKey, sources: Sequence[str]) -> list[DecodeResult | None]:
        """The cached result for each source, or None where there is none."""
        from mt.engines.decoding import DecodeResult

        digests = [key.digest(source) for source in sources]
        found: dict[str, DecodeResult] = {}
        db = self._connect()
        # SQLite limits the number of parameters in one statement (32766 here; 999 in old builds).
        for start in range(0, len(digests), 500):
            chunk = digests[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._run(
                lambda chunk=chunk, marks=marks: db.execute(
                    f"SELECT key, text, applied, unmet, tokens FROM translations "
                    f"WHERE key IN ({marks})",
                    chunk,
                ).fetchall()
            )
            for digest, text, applied, unmet, tokens in rows:
                found[digest] = DecodeResult(
                    text,
                    tuple(json.loads(applied)),
                    tuple(tuple(item) for item in json.loads(unmet)),
                    tokens,
                )
        results = [found.get(digest) for digest in digests]
        hits = sum(result is not None for result in results)
        self.hits += hits
        self.misses += len(results) - hits
        return results

    def put_many(self, key: CacheKey, items: Iterable[tuple[str, DecodeResult]]) -> None:
        """Store (source, result) pairs and commit, so an interrupted run keeps them."""
        rows = [
            (
                key.digest(source),
                result.text,
                json.dumps(list(result.applied), ensure_ascii=False),
                json.dumps([list(item) for item in result.unmet], ensure_ascii=False),
                result.tokens,
            )
            for source, result in items
        ]
        if not rows:
            return
        db = self._connect()

        def write() -> None:
            with db:  # one transaction, committed on leaving
                db.executemany("INSERT OR REPLACE INTO translations VALUES (?, ?, ?, ?, ?)", rows)

        self._run(write)

    def _connect(self) -> sqlite3.Connection:
        if self._db is not None:
            return self._db
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CacheError(
                f"cannot create the cache folder: {error.strerror}; "
                "choose another with --cache PATH or use --no-cache",
                Location(self.path.parent),
            ) from None
        db = sqlite3.connect(self.path, timeout=_LOCK_TIMEOUT_S)
        try:
            self._run(lambda: self._prepare(db))
        except CacheError:
            db.close()
            raise
        self._db = db
        return db

    @staticmethod
    def _prepare(db: sqlite3.Connection) -> None:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, SCHEMA_VERSION):
            raise sqlite3.DatabaseError(f"schema version {version}, expected {SCHEMA_VERSION}")
        db.execute("PRAGMA journal_mode=WAL")
        with db:
            db.execute(_SCHEMA)
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def _run(self, action: Callable[[], T]) -> T:
        """Run a database action, turning SQLite's errors into a CacheError with the way out."""
        try:
            return action()
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                why = f"is locked by another process for over {_LOCK_TIMEOUT_S:.0f} s"
            else:
                why = f"cannot be used ({error})"
            raise CacheError(
                f"the translation cache {why}; retry, use --cache PATH or --no-cache",
                Location(self.path),
            ) from None
        except sqlite3.DatabaseError as error:
            raise CacheError(
                f"the translation cache is not a usable SQLite database ({error}); delete the file "
                "(it only holds translations that can be redone), use --cache PATH or --no-cache",
                Location(self.path),
            ) from None
