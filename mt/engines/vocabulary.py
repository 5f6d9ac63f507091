"""What a model's vocabulary can read and write, character by character, without loading the model.

A published OPUS-MT vocabulary lacks characters that documents hold: ``tc-big-fr-en`` has no ``<``
(so no ``<1>`` placeholder), no ``@`` (so no e-mail address), no ``€``, no ``Ł``; and its
SentencePiece normalisation rewrites others (``Ĳ`` becomes ``IJ``). A character is *writable* when
the target SentencePiece model encodes it into pieces that are all in ``vocab.json`` and decoding
them gives it back; *readable* likewise on the source side. Anything else comes out of a decoder as
``<unk>`` (dropped by decoding) or changed, so :mod:`mt.translation.markup` copies the words that
hold such characters from the source instead of asking the model for them.

Only sentencepiece is needed (no torch, no transformers); answers are memoised per character.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mt.core.errors import Location, ModelLoadError

if TYPE_CHECKING:
    from mt.engines.models import ModelSpec

_WORD_START = "\u2581"


@dataclass
class _Side:
    """One SentencePiece model and the vocabulary its pieces must be in."""

    processor: Any
    vocab: dict[str, int]
    known: dict[str, bool] = field(default_factory=dict)

    def has(self, char: str) -> bool:
        ok = self.known.get(char)
        if ok is None:
            pieces = self.processor.encode(char, out_type=str)
            decoded = "".join(pieces).replace(_WORD_START, " ").strip()
            ok = bool(pieces) and all(p in self.vocab for p in pieces) and decoded == char
            self.known[char] = ok
        return ok


class ModelVocabulary:
    """The characters a model reads (source side) and writes (target side)."""

    def __init__(self, source: _Side, target: _Side) -> None:
        self._source = source
        self._target = target

    @classmethod
    def from_folder(cls, folder: Path, target_folder: Path | None = None) -> ModelVocabulary:
        """The vocabulary of a Marian folder; ``target_folder`` when another model writes the
        output (the second leg of a pivot route)."""
        return cls(_side(folder, "source.spm"), _side(target_folder or folder, "target.spm"))

    def writes(self, text: str) -> bool:
        """Whether the model can write ``text`` as it stands (spaces aside)."""
        return all(char.isspace() or self._target.has(char) for char in text)

    def reads(self, text: str) -> bool:
        """Whether the model reads ``text`` without ``<unk>`` or a change."""
        return all(char.isspace() or self._source.has(char) for char in text)

    def copies(self, text: str) -> bool:
        """Whether ``text`` must be copied from the source: the model cannot read or write it."""
        return not (self.writes(text) and self.reads(text))


def _side(folder: Path, name: str) -> _Side:
    import sentencepiece

    try:
        vocab = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
        processor = sentencepiece.SentencePieceProcessor(model_file=str(folder / name))
    except (OSError, ValueError, RuntimeError) as error:
        raise ModelLoadError(f"cannot read the vocabulary: {error}", Location(folder)) from None
    return _Side(processor, vocab)


_VOCABULARIES: dict[tuple[str, str], ModelVocabulary] = {}


def model_vocabulary(spec: ModelSpec) -> ModelVocabulary:
    """The vocabulary that reads the Dutch (a route's first model) and writes ``spec.lang``."""
    from mt.engines.models import fetch_model

    first = spec.via if spec.via is not None else spec
    source, target = fetch_model(first).path, fetch_model(spec).path
    key = (str(source), str(target))
    if key not in _VOCABULARIES:
        _VOCABULARIES[key] = ModelVocabulary.from_folder(source, target)
    return _VOCABULARIES[key]
