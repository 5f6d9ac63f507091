"""The translation cache: finished segments in SQLite, so a re-run translates only what changed.

A translation is stored under a hash of everything that decides it: the model route and its
revisions, the engine, the decoding settings, the target language, the terms mode, the source
segment and *the glossary entries that apply to that segment* (their content, not the whole
glossary's version). Editing one sentence of a release re-translates that sentence; editing one
glossary term re-translates the segments that hold it, and nothing else::

    cache = TranslationCache()                      # $XDG_CACHE_HOME/mt/translations.sqlite3
    model = model_identity(spec, engine="+ct2-int8+verify")   # no model loaded, no torch
    key = CacheKey(model, settings.cache_key, "fr", "enforce")
    found = cache.get_many(key, [(segment, terms), ...])      # a DecodeResult or None each
    cache.put_many(key, [(segment, terms, result), ...])      # committed at once

The model part of a key is known without loading anything (:func:`model_identity`: the model, its
target token and the revision of its local folder or hub-cache snapshot), so a run served wholly
from the cache loads no model. Each :meth:`TranslationCache.put_many` commits, so Ctrl-C keeps every
stored segment. The database runs in WAL mode so that a reader never blocks the writer of a
parallel run; a locked, corrupt or unwritable file gives a :class:`CacheError` that names it and
says how to get past it. Nothing is created until first use.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from mt.core.errors import Location, MtError
from mt.terminology.terms import NO_TERMS, SegmentTerms

if TYPE_CHECKING:
    from mt.engines.decoding import DecodeResult
    from mt.engines.models import ModelSpec

T = TypeVar("T")
SCHEMA_VERSION = 1
_LOCK_TIMEOUT_S = 10.0
_SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    key TEXT PRIMARY KEY,       -- sha256 of CacheKey, segment terms and source
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


def model_identity(spec: ModelSpec, engine: str = "", first_engine: str = "") -> str | None:
    """``model>>tok<<@revision`` + ``engine`` for each leg of ``spec``'s route, without loading.

    The revision is the hub commit of the cached snapshot, or the local folder's hash
    (:func:`mt.engines.models.folder_revision`); ``engine`` tells engines apart whose outputs
    differ (``"+ct2-int8"``: CTranslate2 int8; ``""``: torch), ``first_engine`` is the pivot leg's.
    The target token is the spec's: a model chosen without one gets its language's token from its
    files, which the revision covers. None when a leg's model is not on this machine (it must be
    fetched first, and then has a revision).
    """
    from mt.engines.models import folder_revision, locate_model

    parts = []
    legs = [(spec.via, first_engine), (replace(spec, via=None), engine)] if spec.via else []
    for leg, suffix in legs or [(spec, engine)]:
        assert leg is not None
        if leg.via is not None:  # a route of routes is not something resolve_models makes
            return None
        location = locate_model(leg)
        if not location.available:
            return None
        revision = location.revision or folder_revision(location.path)
        parts.append(f"{leg.model}{leg.target_token or ''}@{revision}{suffix}")
    return " -> ".join(parts)


def terms_fingerprint(terms: SegmentTerms) -> str:
    """What a segment's glossary entries ask of its translation, as a stable string ("" for
    none): the part of the glossary that can change this segment's output, and nothing else."""
    if not terms:
        return ""
    content = [
        [
            [t.entry_id, t.source_text, list(t.alternatives), t.case.value, t.copy]
            for t in terms.required
        ],
        list(terms.forbidden),
    ]
    return json.dumps(content, ensure_ascii=False)


@dataclass(frozen=True)
class CacheKey:
    """What decides a translation besides its source and its terms: the same key, source and
    terms, the same output.

    ``model`` is :func:`model_identity` (model, target token, revision and engine; both legs of a
    pivot), ``settings`` is :attr:`mt.engines.backends.DecodeSettings.cache_key` and
    ``terms_mode`` "enforce" or "off" (``--terms check`` decodes as "off"). The glossary is not
    here: each segment is keyed by the entries that apply to it (:func:`terms_fingerprint`).
    """

    model: str
    settings: str
    lang: str
    terms_mode: str = "off"

    def digest(self, source: str, terms: SegmentTerms = NO_TERMS) -> str:
        fields = [self.model, self.settings, self.lang, self.terms_mode, terms_fingerprint(terms)]
        return hashlib.sha256(
            json.dumps([*fields, source], ensure_ascii=False).encode()
        ).hexdigest()


Segment = tuple[str, SegmentTerms]
"""A source segment and what the glossary asks of its translation (:data:`NO_TERMS`: nothing)."""


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

    def get_many(self, key: CacheKey, segments: Sequence[Segment]) -> list[DecodeResult | None]:
        """The cached result for each (source, terms), or None where there is none."""
        from mt.engines.decoding import DecodeResult

        digests = [key.digest(source, terms) for source, terms in segments]
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

    def put_many(
        self, key: CacheKey, items: Iterable[tuple[str, SegmentTerms, DecodeResult]]
    ) -> None:
        """Store (source, terms, result) triples and commit, so an interrupted run keeps them."""
        rows = [
            (
                key.digest(source, terms),
                result.text,
                json.dumps(list(result.applied), ensure_ascii=False),
                json.dumps([list(item) for item in result.unmet], ensure_ascii=False),
                result.tokens,
            )
            for source, terms, result in items
        ]
        if not rows:
            return
        db = self._connect()

        def write() -> None:
            with db:  # one transaction, committed on leaving
                db.executemany("INSERT OR REPLACE INTO translations VALUES (?, ?, ?, ?, ?)", rows)

        self._run(write)

    def open(self) -> None:
        """Open (or create) the file now, so that an unusable cache fails before any work."""
        self._connect()

    def _connect(self) -> sqlite3.Connection:
        if self._db is not None:
            return self._db
        self._check_usable()
        try:
            db = sqlite3.connect(self.path, timeout=_LOCK_TIMEOUT_S)
        except sqlite3.Error as error:
            raise self._error(f"cannot be opened ({error})") from None
        try:
            self._run(lambda: self._prepare(db))
        except CacheError:
            db.close()
            raise
        self._db = db
        return db

    def _check_usable(self) -> None:
        """Fail before SQLite does, naming the path: a folder, or a place that cannot be written
        (finished work could not be kept, and the run would end in an error half-way)."""
        if self.path.is_dir():
            raise self._error("is a folder", "give a file path with --cache PATH, or --no-cache")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CacheError(
                f"cannot create the cache folder: {error.strerror}; "
                "choose another with --cache PATH or use --no-cache",
                Location(self.path.parent),
            ) from None
        if self.path.exists():
            writable = os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK)
        else:
            writable = os.access(self.path.parent, os.W_OK | os.X_OK)
        if not writable:
            # WAL mode writes beside the file too (-wal, -shm), so the folder must be writable.
            where = self.path if self.path.exists() else self.path.parent
            raise self._error(f"cannot be written (permission denied on {where})")

    @staticmethod
    def _prepare(db: sqlite3.Connection) -> None:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, SCHEMA_VERSION):
            raise sqlite3.DatabaseError(f"schema version {version}, expected {SCHEMA_VERSION}")
        db.execute("PRAGMA journal_mode=WAL")
        with db:
            db.execute(_SCHEMA)
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def _error(self, why: str, fix: str = "use another --cache PATH, or --no-cache") -> CacheError:
        return CacheError(f"the translation cache {why}; {fix}", Location(self.path))

    def _run(self, action: Callable[[], T]) -> T:
        """Run a database action, turning SQLite's errors into a CacheError with the way out."""
        try:
            return action()
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                why = f"is locked by another process for over {_LOCK_TIMEOUT_S:.0f} s"
                raise CacheError(
                    f"the translation cache {why}; retry, use --cache PATH or --no-cache",
                    Location(self.path),
                ) from None
            raise self._error(f"cannot be used ({error})") from None
        except sqlite3.DatabaseError as error:
            raise CacheError(
                f"the translation cache is not a usable SQLite database ({error}); delete the file "
                "(it only holds translations that can be redone), use --cache PATH or --no-cache",
                Location(self.path),
            ) from None
