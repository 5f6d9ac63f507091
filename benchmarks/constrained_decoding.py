"""The cost of glossary enforcement: target tokens/s of constrained vs unconstrained beam search.

Run by hand: ``.venv/bin/python benchmarks/constrained_decoding.py [--sentences 32 --runs 3]``.
The model is opus-mt-shaped (d_model 512, 6+6 layers, 60,000-token vocabulary) with random weights,
built once by ``mt.engines.tinymodels`` and kept under ``$TMPDIR/mt-bench``. The same segments
(Dutch sentences with 1 to 3 glossary terms each, from the acceptance test) are decoded three ways,
runs interleaved so that the shared machine's drift hits all of them alike:

- ``generate``: transformers' beam search (the torch backend's path for segments without terms)
- ``loop, no terms``: mt.engines.decoding's loop with empty terms (must equal ``generate``)
- ``loop, terms``: mt.engines.decoding with the terms enforced
- ``loop, terms+markup`` (``--markup``): the same segments made markup-heavy (two emphasised or
  linked spans and an inline code atom each: ``<1>De minister</1> ... <2>steun</2> <3/>``), the
  placeholders spelled for the model and carried as required terms by mt.translation.markup.
  Target: at most 1.2x the time of ``loop, terms``.

Random weights never choose ``</s>``, so every run writes ``max_new_tokens`` per segment and
tokens/s compare like for like. The target is constrained at most 1.5x slower than ``generate``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from test_decoding import dutch_sentences  # noqa: E402

from mt.engines.tinymodels import OPUS_MT_SHAPE, build_tiny_marian  # noqa: E402

FILLER = " Dat werd maandag besproken."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=32)
    parser.add_argument("--beams", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--max-new-tokens", type=int, default=32)
    parser.add_argument("--markup", action="store_true", help="also time markup-heavy segments")
    parser.add_argument(
        "--folder", type=Path, default=Path(tempfile.gettempdir()) / "mt-bench" / "opus-mt-shape"
    )
    args = parser.parse_args()

    import torch

    from mt.engines.decoding import constrained_generate
    from mt.engines.models import ModelSpec, load_model
    from mt.terminology.terms import SegmentTerms

    torch.set_num_threads(args.threads)
    if not (args.folder / "config.json").exists():
        print(f"building an opus-mt-shaped random model in {args.folder} ...", file=sys.stderr)
        build_tiny_marian(args.folder, shape=OPUS_MT_SHAPE)
    loaded = load_model(ModelSpec("fr", str(args.folder)))
    model, tokenizer = loaded.model, loaded.tokenizer
    model.generation_config.max_length = None

    cases = dutch_sentences(args.sentences, seed=3)
    sources = [source + FILLER for source, _ in cases]
    terms = [wanted for _, wanted in cases]
    no_terms = [SegmentTerms()] * len(sources)
    source_tokens = [len(tokenizer(s)["input_ids"]) for s in sources]
    new = args.max_new_tokens

    def run_generate() -> int:
        encoded = tokenizer(sources, return_tensors="pt", padding=True)
        with torch.inference_mode():
            output = model.generate(**encoded, num_beams=args.beams, max_new_tokens=new)
        return int((output != model.generation_config.pad_token_id).sum())

    def run_loop(with_terms: list[SegmentTerms]) -> int:
        results = constrained_generate(
            model, tokenizer, sources, with_terms, num_beams=args.beams, max_new_tokens=new
        )
        if with_terms is terms:
            assert all(
                len(r.applied) == len(t.required) for r, t in zip(results, terms, strict=True)
            )
        return sum(r.tokens for r in results)

    ways = {
        "generate": run_generate,
        "loop, no terms": lambda: run_loop(no_terms),
        "loop, terms": lambda: run_loop(terms),
    }
    if args.markup:
        marked_sources, marked_terms = _markup_heavy(sources, terms, loaded.folder)

        def run_marked() -> int:
            results = constrained_generate(
                model,
                tokenizer,
                marked_sources,
                marked_terms,
                num_beams=args.beams,
                max_new_tokens=new,
            )
            return sum(r.tokens for r in results)

        ways["loop, terms+markup"] = run_marked
    rates: dict[str, list[float]] = {name: [] for name in ways}
    run_loop(terms)  # warm-up: tokenizer tables, allocator
    for _ in range(args.runs):
        for name, way in ways.items():
            start = time.perf_counter()
            tokens = way()
            rates[name].append(tokens / (time.perf_counter() - start))

    required = sum(len(t.required) for t in terms)
    print(
        f"opus-mt-shaped random model, vocab {model.config.vocab_size}, {len(sources)} segments "
        f"(median {statistics.median(source_tokens)} source tokens, {required} required terms), "
        f"beam {args.beams}, {new} new tokens, torch threads {args.threads}, "
        f"{args.runs} interleaved runs, CPU {os.cpu_count()} cores"
    )
    base = statistics.median(rates["generate"])
    for name, values in rates.items():
        median = statistics.median(values)
        print(
            f"  {name:16} {median:8.1f} target tokens/s (median)"
            f"   {base / median:5.2f}x generate's time"
        )


def _markup_heavy(sources: list[str], terms: list, folder: Path) -> tuple[list[str], list]:
    """Each segment with two pairs and an atom of markup, spelled for the model at ``folder``."""
    from mt.engines.vocabulary import ModelVocabulary
    from mt.terminology.terms import SegmentTerms
    from mt.translation.markup import carry, choose_style

    vocabulary = ModelVocabulary.from_folder(folder)
    style = choose_style(vocabulary.writes, vocabulary.reads)
    marked_sources, marked_terms = [], []
    for source, wanted in zip(sources, terms, strict=True):
        words = source.split()
        words[0] = "<1>" + words[0]
        words[1] = words[1] + "</1>"
        words[-3] = "<2>" + words[-3] + "</2> <3/>"
        carried = carry(
            " ".join(words), {"<1>", "</1>", "<2>", "</2>", "<3/>"}, style, lambda _: False
        )
        marked_sources.append(carried.text)
        marked_terms.append(SegmentTerms(wanted.required + carried.terms, wanted.forbidden))
    return marked_sources, marked_terms


if __name__ == "__main__":
    main()
