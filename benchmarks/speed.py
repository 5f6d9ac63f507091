"""Translation speed and peak memory of each engine, on an opus-mt-shaped model with random weights.

    .venv/bin/python benchmarks/speed.py                  # 2 rounds, every engine, about 5 minutes
    .venv/bin/python benchmarks/speed.py --rounds 3 --engines generate,ct2-raw,ct2-mt

Engines (each round runs each one in a fresh process, interleaved, so peak RSS is its own and
the machine's load hits all alike):

    generate     plain transformers ``MarianMTModel.generate`` (the baseline)
    torch-mt     mt's torch backend (``mt.engines.backends.torch_backend``)
    ct2-raw      CTranslate2 ``translate_batch`` on pre-tokenised input, int8
    ct2-mt       mt's CTranslate2 backend, end to end (text in, text out), int8
    fastpath     mt's fast path with a glossary: CTranslate2, verification, constrained torch
                 re-decoding of the segments that miss their term (random weights miss them all)

Every engine produces the same number of target tokens: the model's ``</s>`` logit is biased far
down, so decoding always runs to ``--new-tokens`` (the end token, forced or counted, included).
Figures are target tokens per second over the timed translation (model loading and one warm-up
batch excluded), medians over the rounds, and each process's peak resident memory (VmHWM).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ENGINES = ("generate", "torch-mt", "ct2-raw", "ct2-mt", "fastpath")
MODEL_NAME = "opus-mt-shaped-noeos"


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "mt" / "bench"


# --- setup (once, cached) ------------------------------------------------------------------------


def build_model(folder: Path) -> Path:
    """An OPUS-MT-shaped Marian folder (random weights) that never chooses ``</s>`` by itself."""
    if (folder / "config.json").is_file():
        return folder
    import torch
    from transformers import MarianMTModel

    from mt.engines.tinymodels import OPUS_MT_SHAPE, build_tiny_marian

    work = folder.with_name(folder.name + ".partial")
    build_tiny_marian(work, shape=OPUS_MT_SHAPE)
    model = MarianMTModel.from_pretrained(str(work))
    with torch.no_grad():
        model.final_logits_bias[0, model.config.eos_token_id] = -1e4
    model.save_pretrained(str(work))
    os.replace(work, folder)
    return folder


def make_sentences(folder: Path, count: int, tokens: int) -> list[str]:
    """``count`` Dutch-looking sentences of ``tokens`` source tokens each (``</s>`` included)."""
    import random

    from mt.engines.backends.ct2 import MarianPieces
    from mt.engines.tinymodels import training_lines

    pieces = MarianPieces(folder)
    words = " ".join(training_lines(200, seed=3)).split()
    rng = random.Random(7)
    sentences = []
    for _ in range(count):
        sentence: list[str] = []
        while len(pieces.encode(" ".join(sentence))) < tokens:
            sentence.append(rng.choice(words))
        sentences.append(" ".join(sentence))
    return sentences


# --- one engine, in its own process ------------------------------------------------------------


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_engine(engine: str, setup: dict) -> dict:
    """Load ``engine``, warm it up, time one translation of all sentences; return the figures."""
    folder, converted = Path(setup["model"]), Path(setup["converted"])
    sources: list[str] = setup["sentences"]
    beam, batch, new, threads = setup["beam"], setup["batch"], setup["new_tokens"], setup["threads"]
    extra: dict = {}
    terms: list = []  # glossary requirements per sentence (the fast path only)
    if engine in ("generate", "torch-mt"):
        import torch

        torch.set_num_threads(threads)
    if engine == "generate":
        from transformers import MarianMTModel, MarianTokenizer

        tokenizer = MarianTokenizer.from_pretrained(str(folder))
        model = MarianMTModel.from_pretrained(str(folder)).eval()
        model.generation_config.max_length = None

        def translate(texts: list[str], _: list) -> int:
            count = 0
            with torch.inference_mode():
                for start in range(0, len(texts), batch):
                    encoded = tokenizer(
                        texts[start : start + batch], return_tensors="pt", padding=True
                    )
                    out = model.generate(**encoded, num_beams=beam, max_new_tokens=new)
                    tokenizer.batch_decode(out, skip_special_tokens=True)
                    count += int((out != model.generation_config.pad_token_id).sum())
            return count

    elif engine == "ct2-raw":
        import ctranslate2

        from mt.engines.backends.ct2 import MarianPieces

        pieces = MarianPieces(converted)
        translator = ctranslate2.Translator(
            str(converted), device="cpu", compute_type="int8", intra_threads=threads
        )
        tokenized = {text: pieces.encode(text) for text in sources}

        def translate(texts: list[str], _: list) -> int:
            results = translator.translate_batch(
                [tokenized.get(t) or pieces.encode(t) for t in texts],
                max_batch_size=batch,
                beam_size=beam,
                max_input_length=512,
                max_decoding_length=new - 1,  # + the end token generate() is forced to emit
            )
            return sum(len(r.hypotheses[0]) + 1 for r in results)

    else:
        from mt.engines.backends import DecodeSettings
        from mt.terminology.terms import NO_TERMS

        settings = DecodeSettings(
            num_beams=beam,
            batch_size=batch,
            batch_tokens=10**6,
            max_new_tokens=new,
            threads=threads,
        )
        terms = [NO_TERMS] * len(sources)
        if engine == "torch-mt":
            from mt.engines.backends import make_backend
            from mt.engines.models import ModelSpec, load_model

            backend = make_backend("torch", load_model(ModelSpec("fr", str(folder))), "cpu")
        else:
            from mt.engines.backends.ct2 import CTranslate2Backend

            backend = fast = CTranslate2Backend(converted, compute_type="int8", threads=threads)
        if engine == "fastpath":
            from mt.engines.backends.fastpath import FastPathBackend
            from mt.terminology.glossary import load_glossary

            def load_torch() -> object:
                import torch

                from mt.engines.backends import make_backend
                from mt.engines.models import ModelSpec, load_model

                torch.set_num_threads(threads)
                return make_backend("torch", load_model(ModelSpec("fr", str(folder))), "cpu")

            backend = FastPathBackend(fast, load_torch, "fr")
            # Every ``term_every``-th segment names the Coalition and must say so in French; the
            # pseudo-sentences are made of glossary words, so the others carry no terms on purpose.
            phrase = "De Internationale Coalitie tegen Daesh"
            required = load_glossary().requirements(phrase, "fr")
            every = setup["term_every"]
            sources = [f"{phrase} {s}" if i % every == 0 else s for i, s in enumerate(sources)]
            terms = [required if i % every == 0 else NO_TERMS for i in range(len(sources))]
            extra["segments_with_terms"] = sum(1 for t in terms if t)

        def translate(texts: list[str], wanted: list) -> int:
            return sum(r.tokens for r in backend.translate(texts, wanted, settings))

    # Warm-up: first-call allocations, lazy initialisation (the fast path's torch model too).
    translate(sources[:2], terms[:2])
    if engine == "fastpath":
        backend.counts = type(backend.counts)()
    start = time.perf_counter()
    tokens = translate(sources, terms)
    seconds = time.perf_counter() - start
    if engine == "fastpath":
        extra.update(backend.counts.as_dict())
    loaded = sorted(m for m in ("torch", "transformers") if m in sys.modules)
    return {
        "engine": engine,
        "tokens": tokens,
        "seconds": seconds,
        "tokens_per_s": tokens / seconds,
        "peak_mb": peak_mb(),
        "imported": loaded,
        **extra,
    }


# --- the driver ---------------------------------------------------------------------------------


def prepare(args: argparse.Namespace) -> dict:
    folder = build_model(cache_dir() / MODEL_NAME)
    # Converting loads torch: do it in this (driver) process, never in a measured one.
    from mt.engines.backends.ct2 import convert_model
    from mt.engines.models import folder_revision

    converted = convert_model(
        folder, model_id=str(folder), revision=folder_revision(folder), quantization="int8"
    )
    return {
        "model": str(folder),
        "converted": str(converted),
        "sentences": make_sentences(folder, args.sentences, args.source_tokens),
        "beam": args.beam,
        "batch": args.batch,
        "new_tokens": args.new_tokens,
        "threads": args.threads,
        "term_every": args.term_every,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--sentences", type=int, default=64)
    parser.add_argument("--source-tokens", type=int, default=25)
    parser.add_argument("--new-tokens", type=int, default=32)
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--term-every", type=int, default=8, help="fastpath: 1 in N has terms")
    parser.add_argument("--json", action="store_true", help="print the raw runs as JSON lines")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # the setup file of one measured run
    args = parser.parse_args()
    if args.child:
        setup = json.loads(Path(args.child).read_text(encoding="utf-8"))
        print(json.dumps(run_engine(setup["engine"], setup)))
        return

    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = sorted(set(engines) - set(ENGINES))
    if unknown:
        parser.error(f"unknown engines {unknown}; known: {', '.join(ENGINES)}")
    setup = prepare(args)
    setup_file = cache_dir() / "speed-setup.json"
    runs: dict[str, list[dict]] = {engine: [] for engine in engines}
    for _ in range(args.rounds):
        for engine in engines:  # interleaved: a busy moment on the machine hits every engine
            setup_file.write_text(json.dumps({**setup, "engine": engine}), encoding="utf-8")
            child = subprocess.run(
                [sys.executable, __file__, "--child", str(setup_file)],
                capture_output=True,
                text=True,
                env={**os.environ, "TOKENIZERS_PARALLELISM": "false"},
            )
            if child.returncode != 0:
                print(f"{engine}: failed\n{child.stderr[-2000:]}", file=sys.stderr)
                continue
            result = json.loads(child.stdout.strip().splitlines()[-1])
            runs[engine].append(result)
            if args.json:
                print(json.dumps(result))
    report(runs, setup, args)


def report(runs: dict[str, list[dict]], setup: dict, args: argparse.Namespace) -> None:
    import ctranslate2
    import torch
    import transformers

    signature = (
        f"sentences={args.sentences}|src_tokens={args.source_tokens}|new_tokens={args.new_tokens}"
        f"|beam={args.beam}|batch={args.batch}|threads={args.threads}|rounds={args.rounds}"
        f"|term_every={args.term_every}"
        f"|torch={torch.__version__}|transformers={transformers.__version__}"
        f"|ctranslate2={ctranslate2.__version__}|cpu={os.cpu_count()}"
    )
    medians = {
        engine: (
            statistics.median(r["tokens_per_s"] for r in results),
            statistics.median(r["peak_mb"] for r in results),
        )
        for engine, results in runs.items()
        if results
    }
    base = medians.get("generate", (None, None))[0]
    print(f"speed: {signature}")
    print(
        f"{'engine':<10} {'tokens/s':>9} {'x generate':>10} {'peak MB':>8}  runs (tokens/s)  notes"
    )
    for engine, (speed, memory) in medians.items():
        ratio = f"{speed / base:.2f}" if base else "-"
        each = ", ".join(f"{r['tokens_per_s']:.0f}" for r in runs[engine])
        last = runs[engine][-1]
        notes = f"imports {'+'.join(last['imported']) or 'neither torch nor transformers'}"
        if "redecoded" in last:
            notes += f"; fast {last['fast']}, re-decoded {last['redecoded']}"
        print(f"{engine:<10} {speed:>9.0f} {ratio:>10} {memory:>8.0f}  {each:<15}  {notes}")
    if "ct2-raw" in medians and "ct2-mt" in medians:
        share = medians["ct2-mt"][0] / medians["ct2-raw"][0]
        print(f"ct2-mt / ct2-raw = {share:.2f} (target >= 0.90)")


if __name__ == "__main__":
    main()
