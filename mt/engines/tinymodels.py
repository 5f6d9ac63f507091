"""Build small OPUS-MT-shaped Marian checkpoints with random weights, offline.

The Hub cannot be reached from CI, so tests, benchmarks and demos build their models here: a real
SentencePiece model is trained on a few thousand lines of text, a ``vocab.json`` is written the
way OPUS-MT writes it (``</s>`` = 0, ``<unk>`` = 1, ..., ``<pad>`` last), and a ``MarianMTModel``
with the OPUS-MT configuration (swish, scaled and tied embeddings, 512 positions) is saved beside
them. The folder then loads through ``mt.engines.models`` exactly as ``Helsinki-NLP/opus-mt-nl-en``
would.

Random weights are the point: the model has no reason to produce any glossary term, so a term that
appears in its output was put there by the constrained search.

    >>> folder = build_tiny_marian(tmp_path / "nl-fr")                         # doctest: +SKIP
    >>> tokens = (">>deu<<", ">>eng<<")
    >>> folder = build_tiny_marian(tmp_path / "gmw", target_tokens=tokens)     # doctest: +SKIP

:func:`build_vocab_marian` builds the same kind of model on a published OPUS-MT vocabulary (its
SentencePiece models, ``vocab.json`` and the special-token ids of its config), so tests also see
what a real vocabulary does: no ``<`` to write ``<1>`` with, ``@`` and ``€`` missing, ``</s>``
and ``<pad>`` at ids a tiny vocabulary never gives them.

    >>> folder = build_vocab_marian(tmp_path / "fr-en", VOCABULARY)            # doctest: +SKIP
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

# Words of the release's domain in all four languages, so that the SentencePiece models learn the
# pieces that glossary terms are made of (and terms can tokenise into several pieces).
_WORDS = """
de het een en van in op met voor door tegen over naar bij uit is zijn wordt werd heeft hebben
minister vicepremier Buitenlandse Zaken Internationale Coalitie Daesh Irak Syrië Noordoost-Syrië
stabilisatie steun miljoen euro USD België Belgische regering humanitaire hulp terrorisme strijd
le la les un une des du de et en sur avec pour par contre dans est sont a ont ministre
vice-Premier Affaires étrangères coalition internationale contre Daech Irak Syrie nord-est
stabilisation soutien millions euros Belgique gouvernement belge aide humanitaire lutte
der die das ein eine und von im auf mit für durch gegen über ist sind hat haben Minister
Vizepremierminister Auswärtige Angelegenheiten Internationale Koalition gegen Daesh Irak Syrien
Nordostsyrien Stabilisierung Unterstützung Millionen Euro belgische Regierung humanitäre Hilfe Kampf
the a an and of in on with for by against about to at from is are was has have Minister
Deputy Prime Foreign Affairs International Coalition Against Daesh Iraq Syria North-East
stabilisation support million euro Belgium Belgian government humanitarian aid fight F-16 F-16's
<1> </1> <2/> <3> </3> https://diplomatie.belgium.be/nl
""".split()  # noqa: SIM905 (a word list reads best as text)


@dataclass(frozen=True)
class TinyMarianShape:
    """Model dimensions. The defaults build a model of about a megabyte in a few seconds."""

    d_model: int = 16
    layers: int = 2
    heads: int = 2
    ffn_dim: int = 32
    vocab_size: int = 800
    max_position_embeddings: int = 512


OPUS_MT_SHAPE = TinyMarianShape(
    d_model=512, layers=6, heads=8, ffn_dim=2048, vocab_size=60_000, max_position_embeddings=512
)
"""The shape of an OPUS-MT base model, for benchmarks (random weights, about 300 MB in memory)."""


def training_lines(count: int = 3000, seed: int = 0) -> list[str]:
    """Pseudo-sentences over the domain words, enough to train a SentencePiece model."""
    rng = random.Random(seed)
    lines = []
    for _ in range(count):
        words = rng.choices(_WORDS, k=rng.randint(4, 18))
        lines.append(" ".join(words).capitalize() + rng.choice([".", ".", "?", ","]))
    return lines


def build_tiny_marian(
    folder: Path,
    *,
    shape: TinyMarianShape = TinyMarianShape(),
    target_tokens: Sequence[str] = (),
    extra_lines: Iterable[str] = (),
    seed: int = 0,
    num_beams: int = 4,
) -> Path:
    """Write a Marian checkpoint with random weights to ``folder`` and return the folder.

    ``target_tokens`` (``">>deu<<"``, ...) make it a multilingual model whose tokenizer lists
    them in ``supported_language_codes``. ``extra_lines`` are added to the SentencePiece
    training text. When the requested vocabulary is larger than SentencePiece can learn from the
    text, the shared vocabulary is padded with filler pieces, so that decoding costs what a real
    model's would.
    """
    import sentencepiece as spm

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    lines = training_lines(seed=seed) + list(extra_lines)
    spm_vocab = min(shape.vocab_size, 800)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.txt"
        corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
        spm.SentencePieceTrainer.train(
            input=str(corpus),
            model_prefix=str(Path(tmp) / "sp"),
            vocab_size=spm_vocab,
            model_type="unigram",
            character_coverage=1.0,
            # OPUS-MT's SentencePiece models have no BOS/EOS/PAD of their own; Marian adds </s>.
            bos_id=-1,
            eos_id=-1,
            pad_id=-1,
            unk_id=0,
            minloglevel=2,
            num_threads=1,
            hard_vocab_limit=False,
        )
        for name in ("source.spm", "target.spm"):
            shutil.copy(Path(tmp) / "sp.model", folder / name)
        pieces = [
            line.split("\t")[0]
            for line in (Path(tmp) / "sp.vocab").read_text(encoding="utf-8").splitlines()
        ]

    vocab: dict[str, int] = {"</s>": 0, "<unk>": 1}
    for token in list(target_tokens) + pieces:
        vocab.setdefault(token, len(vocab))
    filler = 0
    while len(vocab) < shape.vocab_size - 1:
        vocab.setdefault(f"▁zz{filler}", len(vocab))
        filler += 1
    pad_id = len(vocab)
    vocab["<pad>"] = pad_id
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    (folder / "tokenizer_config.json").write_text(
        json.dumps(
            {
                "tokenizer_class": "MarianTokenizer",
                "source_lang": "nl",
                "target_lang": "mul" if target_tokens else "xx",
                "model_max_length": shape.max_position_embeddings,
                "separate_vocabs": False,
            }
        ),
        encoding="utf-8",
    )

    return _save_random_marian(
        folder,
        shape,
        vocab_size=len(vocab),
        pad=pad_id,
        eos=0,
        start=pad_id,
        bos=0,
        seed=seed,
        num_beams=num_beams,
    )


_VOCABULARY_FILES = ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json")


def build_vocab_marian(
    folder: Path,
    vocabulary: Path,
    *,
    shape: TinyMarianShape = TinyMarianShape(),
    seed: int = 0,
    num_beams: int = 4,
) -> Path:
    """A random-weight Marian checkpoint in ``folder`` on the real vocabulary in ``vocabulary``.

    ``vocabulary`` holds an OPUS-MT model's tokenizer files and ``config.json`` (not its weights):
    the model gets that vocabulary's size, its shared embeddings and the ``</s>``, ``<pad>`` and
    decoder-start ids its config names. Only ``shape``'s dimensions are small (d_model 16: a
    3.7 MB of weights for 53,017 entries, built in seconds).
    """

    folder = Path(folder)
    vocabulary = Path(vocabulary)
    folder.mkdir(parents=True, exist_ok=True)
    for name in _VOCABULARY_FILES:
        shutil.copy(vocabulary / name, folder / name)
    real = json.loads((vocabulary / "config.json").read_text(encoding="utf-8"))
    size = int(real["vocab_size"])
    pad, eos = int(real["pad_token_id"]), int(real["eos_token_id"])
    start = int(real.get("decoder_start_token_id", pad))
    return _save_random_marian(
        folder,
        shape,
        vocab_size=size,
        decoder_vocab_size=int(real.get("decoder_vocab_size", size)),
        pad=pad,
        eos=eos,
        start=start,
        bos=int(real.get("bos_token_id", 0)),
        scale_embedding=bool(real.get("scale_embedding", True)),
        share_embeddings=bool(real.get("share_encoder_decoder_embeddings", True)),
        seed=seed,
        num_beams=num_beams,
    )


def _save_random_marian(
    folder: Path,
    shape: TinyMarianShape,
    *,
    vocab_size: int,
    pad: int,
    eos: int,
    start: int,
    bos: int,
    seed: int,
    num_beams: int,
    decoder_vocab_size: int | None = None,
    scale_embedding: bool = True,
    share_embeddings: bool = True,
) -> Path:
    """Random weights of ``shape`` for a vocabulary of ``vocab_size`` with these special ids, and
    the generation config an OPUS-MT checkpoint ships (``<pad>`` banned, ``</s>`` forced at the
    end), saved in ``folder`` beside its tokenizer files."""
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel

    config = MarianConfig(
        vocab_size=vocab_size,
        decoder_vocab_size=decoder_vocab_size or vocab_size,
        d_model=shape.d_model,
        encoder_layers=shape.layers,
        decoder_layers=shape.layers,
        encoder_attention_heads=shape.heads,
        decoder_attention_heads=shape.heads,
        encoder_ffn_dim=shape.ffn_dim,
        decoder_ffn_dim=shape.ffn_dim,
        max_position_embeddings=shape.max_position_embeddings,
        activation_function="swish",
        scale_embedding=scale_embedding,
        share_encoder_decoder_embeddings=share_embeddings,
        tie_word_embeddings=True,
        pad_token_id=pad,
        eos_token_id=eos,
        decoder_start_token_id=start,
        forced_eos_token_id=eos,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config).eval()
    model.generation_config = GenerationConfig(
        bad_words_ids=[[pad]],
        bos_token_id=bos,
        decoder_start_token_id=start,
        eos_token_id=eos,
        forced_eos_token_id=eos,
        max_length=shape.max_position_embeddings,
        num_beams=num_beams,
        pad_token_id=pad,
        renormalize_logits=True,
    )
    model.save_pretrained(folder)
    return folder
