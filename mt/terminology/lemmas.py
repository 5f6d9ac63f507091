"""Lemmas for the checks' inflection mode: simplemma, with each dictionary's lookup index kept on
disk, so that a check which needs German lemmas loads them in 0.03 s instead of 0.6 s.

simplemma stores a language's dictionary as one lzma-compressed, front-coded stream: sorted keys,
each written as the bytes it does not share with the previous one. Its ``low_memory`` reader
decompresses the stream and walks all its records once to note where lookups may resume; for
German (1.1 million forms) that walk is 0.54 s of a 0.63 s load, on every run, for a check that
asks a few dozen words. The walk gives the same index every time, so the first load on a machine
writes the decompressed stream and its index to::

    $XDG_CACHE_HOME/mt/lemmas/simplemma-<version>/<lang>.index    (~/.cache/mt/... without it)

and later loads read that file instead (German: 9 MB, read in 0.03 s). Lookups then decode one
block of 32 records, as simplemma's own reader does, and give its lemmas (tested word for word).

A cache is never a reason to fail: a missing, stale (another simplemma, a changed dictionary
file) or unreadable index is rebuilt, a folder that cannot be written only costs the walk, and a
simplemma whose stream format this module does not know is used through its own reader.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from array import array
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    import simplemma

_MAGIC = b"mt lemma index\n"
_FORMAT = 1  # of the index file; a file of another format is rebuilt
_BLOCK = 32  # records between two places a lookup may resume (simplemma's own reader: 32)


def index_folder() -> Path:
    """``$XDG_CACHE_HOME/mt/lemmas/simplemma-<version>``, read at call time; created on use."""
    import simplemma

    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "mt" / "lemmas" / f"simplemma-{simplemma.__version__}"


@lru_cache(maxsize=1)
def lemmatizer() -> simplemma.Lemmatizer:
    """simplemma's lemmatiser with its default strategy, reading dictionaries through a kept
    index (see the module docstring); through simplemma's own stream reader when this simplemma
    lacks the stream functions the index is built with (they are not public API)."""
    import simplemma
    from simplemma.strategies import DefaultStrategy

    try:  # what the index is built with, all of it
        from simplemma.strategies.dictionaries import frontcode  # noqa: F401
        from simplemma.strategies.dictionaries.dictionary_factory import (  # noqa: F401
            DATA_FOLDER,
            SUPPORTED_LANGUAGES,
            _read_decompressed,
        )
    except ImportError:
        return simplemma.Lemmatizer(lemmatization_strategy=DefaultStrategy(low_memory=True))
    factory = IndexedDictionaryFactory(index_folder())
    return simplemma.Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=factory))


class IndexedDictionaryFactory:
    """A simplemma ``DictionaryFactory`` whose dictionaries keep their lookup index in
    ``folder``; each language is loaded once per factory."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._loaded: dict[str, IndexedDictionary] = {}

    def get_dictionary(self, lang: str) -> Mapping[str, str]:
        if lang not in self._loaded:
            self._loaded[lang] = IndexedDictionary.load(lang, self.folder)
        return self._loaded[lang]


class IndexedDictionary(Mapping[str, str]):
    """A simplemma dictionary (form -> lemma) over its decompressed stream and lookup index."""

    def __init__(
        self, data: bytes, reverse: bool, firsts: list[bytes], seeds: list[tuple[int, bytes, bytes]]
    ) -> None:
        self._data = data
        self._reverse = reverse  # keys (and lemmas) are stored reversed: look up reversed
        self._firsts = firsts  # the first key of each block, for bisection
        self._seeds = seeds  # where each block starts, and the record before it
        from simplemma.strategies.dictionaries import frontcode

        self._header = frontcode._read_header
        self._records = frontcode._iter_records

    @classmethod
    def load(cls, lang: str, folder: Path) -> IndexedDictionary:
        """The dictionary of ``lang`` from its index file in ``folder``, or built from simplemma's
        data (and the index written there) when the file is missing, stale or unreadable.
        ValueError: a language simplemma does not know (as simplemma's own factories raise)."""
        source = _source_stamp(lang)
        path = folder / f"{lang}.index"
        try:
            with path.open("rb") as file:
                return cls._read(file, source)
        except (OSError, ValueError, KeyError, TypeError):
            pass  # no usable index (a header without a field, or not an object): build it
        built = cls.build(lang)
        built._write(path, source)
        return built

    @classmethod
    def build(cls, lang: str) -> IndexedDictionary:
        """Decompress simplemma's stream for ``lang`` and walk it once for the index."""
        from simplemma.strategies.dictionaries import frontcode
        from simplemma.strategies.dictionaries.dictionary_factory import _read_decompressed

        data = _read_decompressed(lang)
        reverse, count, start = frontcode._read_header(data)
        firsts: list[bytes] = []
        seeds: list[tuple[int, bytes, bytes]] = []
        key = value = b""
        records = 0
        for records, (offset, stored_key, stored_value) in enumerate(
            frontcode._iter_records(data, start), start=1
        ):
            if records % _BLOCK == 1:
                firsts.append(stored_key)
                seeds.append((offset, key, value))
            key, value = stored_key, stored_value
        if records != count:
            raise ValueError(f"simplemma's {lang} dictionary is truncated or corrupt")
        return cls(data, reverse, firsts, seeds)

    def _write(self, path: Path, source: list[str | int]) -> None:
        """Write the index, whole or not at all: a reader never sees half a file, and two checks
        writing at once leave one of their (equal) files."""
        offsets = array("q", (offset for offset, _, _ in self._seeds))
        pieces = [
            self._data,
            *self._firsts,
            *(key for _, key, _ in self._seeds),
            *(value for _, _, value in self._seeds),
        ]
        lengths = array("q", map(len, pieces))
        header = {
            "format": _FORMAT,
            "source": source,
            "reverse": self._reverse,
            "blocks": len(offsets),
            "integers": [sys.byteorder, offsets.itemsize],
        }
        temporary = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(
                "wb", dir=path.parent, prefix=f".{path.name}.", delete=False
            ) as file:
                temporary = Path(file.name)
                file.write(_MAGIC + json.dumps(header).encode() + b"\n")
                file.write(offsets.tobytes() + lengths.tobytes())
                file.writelines(pieces)
            os.replace(temporary, path)
        except OSError:  # a read-only or full cache: the next check walks the stream again
            if temporary is not None:
                temporary.unlink(missing_ok=True)

    @classmethod
    def _read(cls, file: BinaryIO, source: list[str | int]) -> IndexedDictionary:
        """The dictionary an index file holds, its stream read straight into one bytes object.
        ValueError: not an index of ``source`` in this format (another simplemma, dictionary
        file or machine), or cut short or too long."""
        if file.read(len(_MAGIC)) != _MAGIC:
            raise ValueError("not a lemma index")
        header = json.loads(file.readline())
        integers = array("q")
        expected = [_FORMAT, source, [sys.byteorder, integers.itemsize]]
        if [header["format"], header["source"], header["integers"]] != expected:
            raise ValueError("an index of another simplemma, dictionary or machine")
        blocks = header["blocks"]
        if not isinstance(blocks, int) or blocks < 0:
            raise ValueError("a lemma index without a count of blocks")
        count = blocks + 1 + 3 * blocks  # the offsets, then the lengths of the pieces
        integers.frombytes(file.read(count * integers.itemsize))
        if len(integers) != count:
            raise ValueError("a lemma index cut short")
        offsets, lengths = integers[:blocks], integers[blocks:]
        data, rest = file.read(lengths[0]), file.read()
        if len(data) != lengths[0] or len(rest) != sum(lengths[1:]):
            raise ValueError("a lemma index of the wrong length")
        pieces, start = [], 0
        for length in lengths[1:]:
            pieces.append(rest[start : start + length])
            start += length
        firsts, keys, values = pieces[:blocks], pieces[blocks : 2 * blocks], pieces[2 * blocks :]
        return cls(data, header["reverse"], firsts, list(zip(offsets, keys, values, strict=True)))

    def _lookup(self, key: str) -> str | None:
        wanted = key.encode()
        if self._reverse:
            wanted = wanted[::-1]
        block = bisect_right(self._firsts, wanted) - 1
        if block < 0:
            return None
        for _, stored_key, stored_value in self._records(self._data, *self._seeds[block]):
            if stored_key == wanted:
                return (stored_value[::-1] if self._reverse else stored_value).decode()
            if stored_key > wanted:  # sorted keys: it is not there
                return None
        return None

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        value = self._lookup(key)
        return default if value is None else value

    def __getitem__(self, key: str) -> str:
        value = self._lookup(key)
        if value is None:
            raise KeyError(key)
        return value

    def __iter__(self) -> Iterator[str]:
        _, _, start = self._header(self._data)
        for _, stored_key, _ in self._records(self._data, start):
            yield (stored_key[::-1] if self._reverse else stored_key).decode()

    def __len__(self) -> int:
        return self._header(self._data)[1]


def _source_stamp(lang: str) -> list[str | int]:
    """What the index was built from: the dictionary file's name, size and modification time.
    ValueError: a language simplemma has no dictionary for."""
    from simplemma.strategies.dictionaries.dictionary_factory import (
        DATA_FOLDER,
        SUPPORTED_LANGUAGES,
    )

    if lang not in SUPPORTED_LANGUAGES:
        raise ValueError(f"Unsupported language: {lang}")
    stat = (DATA_FOLDER / f"{lang}.plzma").stat()
    return [lang, stat.st_size, stat.st_mtime_ns]
