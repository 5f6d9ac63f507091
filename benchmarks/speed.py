"""Translation speed and peak memory of each engine, on an opus-mt-shaped model with random weights.

    .venv/bin/python benchmarks/speed.py                  # 3 rounds, every engine
    .venv/bin/python benchmarks/speed.py --rounds 5 --engines generate,ct2-raw,ct2-mt
    .venv/bin/python benchmarks/speed.py --rounds 5 --engines terms-off,terms-enforce

Engines (each round runs each one in a fresh process, interleaved, so peak RSS is its own and
the machine's load hits all alike; the rounds are what the ratios compare):

    generate     plain transformers ``MarianMTModel.generate`` (the baseline)
    torch-mt     mt's torch backend (``mt.engines.backends.torch_backend``)
    ct2-raw      CTranslate2 ``translate_batch`` on pre-tokenised input, int8, its cores spread over
                 workers as mt spreads them (``cpu_layout``: two one-thread workers on two cores)
    ct2-raw-1w   the same with CTranslate2's default layout: one worker, every core its thread
                 (what mt used before; not in the default list)
    ct2-mt       mt's CTranslate2 backend, end to end (text in, text out), int8
    fastpath     mt's fast path with a glossary, built as ``mt translate`` builds it (CTranslate2,
                 verification, missed terms placed on CTranslate2): one sentence in eight names
                 the Coalition (random weights miss it every time)
    terms-off    the default backend (``open_fast_path``, as ``mt translate`` opens it) on the
                 term-heavy set with ``--terms off``: no terms
    terms-enforce  the same with ``--terms enforce``: every sentence of the term-heavy set
                 carries 3-4 glossary terms (forbidden ones too), and random weights miss them all
    terms-torch  the same, the misses re-decoded by the constrained torch search (the way
                 before the placer; slow: not in the default list)

Every engine produces the same number of target tokens: the model's ``</s>`` logit is biased far
down, so decoding always runs to ``--new-tokens`` (the end token, forced or counted, included).
Figures are target tokens per second over the timed translation (model loading and one warm-up
batch excluded) and each process's peak resident memory (VmHWM): medians over the rounds with
their ranges. The process's CPU time over the same translation is recorded too: on a loaded
machine it moves far less than the wall clock, so ratios are printed in both. Ratios
(``ct2-mt / ct2-raw``, ``x generate``, ``enforce / off``) are taken within each round, then
their median and range are printed. The machine's load average (1 minute) is read before and
after every measured process and printed with the date, so a figure taken under load says so.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ENGINES = ("generate", "torch-mt", "ct2-raw", "ct2-mt", "fastpath", "terms-off", "terms-enforce")
EXTRA_ENGINES = ("terms-torch", "ct2-raw-1w")
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


def term_heavy(sentences: list[str], per_sentence: tuple[int, int], seed: int = 11) -> list[str]:
    """``sentences`` with 3-4 Dutch glossary terms written into each, at random word positions."""
    import random

    from mt.terminology.glossary import load_glossary

    forms = sorted({form for entry in load_glossary().entries for form in entry.source})
    rng = random.Random(seed)
    heavy = []
    for sentence in sentences:
        words = sentence.split()
        for form in rng.sample(forms, rng.randint(*per_sentence)):
            words.insert(rng.randrange(len(words) + 1), form)
        heavy.append(" ".join(words))
    return heavy


# --- one engine, in its own process ------------------------------------------------------------


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def open_default(folder: Path, threads: int, *, torch_search: bool = False) -> object:
    """The backend ``mt translate`` opens by default (``open_fast_path``: CTranslate2, verified,
    missed terms placed); with ``torch_search`` the misses go to the constrained torch search."""
    from mt.engines.backends import open_fast_path
    from mt.engines.models import ModelSpec

    backend = open_fast_path(ModelSpec("fr", str(folder)), "cpu")
    if torch_search:
        backend.placer = None  # every miss to the torch search, loaded on first need
    return backend


def run_engine(engine: str, setup: dict) -> dict:
    """Load ``engine``, warm it up, time one translation of all sentences; return the figures."""
    folder, converted = Path(setup["model"]), Path(setup["converted"])
    sources: list[str] = setup["sentences"]
    beam, batch, new, threads = setup["beam"], setup["batch"], setup["new_tokens"], setup["threads"]
    extra: dict = {}
    terms: list = []  # glossary requirements per sentence (the fast path only)
    said: list[str] = []  # the translations, in order (their digest shows equal outputs)
    if engine in ("generate", "torch-mt", "terms-torch"):
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
                    said.extend(tokenizer.batch_decode(out, skip_special_tokens=True))
                    count += int((out != model.generation_config.pad_token_id).sum())
            return count

    elif engine in ("ct2-raw", "ct2-raw-1w"):
        import ctranslate2

        from mt.engines.backends.ct2 import MarianPieces, cpu_layout

        pieces = MarianPieces(converted)
        # CTranslate2's documented throughput setting, as mt uses it: several workers, the
        # batches of one translate_batch call (max_batch_size) decoded side by side.
        workers, intra = cpu_layout(threads) if engine == "ct2-raw" else (1, threads)
        translator = ctranslate2.Translator(
            str(converted),
            device="cpu",
            compute_type="int8",
            inter_threads=workers,
            intra_threads=intra,
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
            said.extend(pieces.decode(r.hypotheses[0]) for r in results)
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
        elif engine == "ct2-mt":
            from mt.engines.backends.ct2 import CTranslate2Backend

            backend = CTranslate2Backend(converted, compute_type="int8", threads=threads)
        else:
            backend = open_default(folder, threads, torch_search=engine == "terms-torch")
        if engine == "fastpath":
            from mt.terminology.glossary import load_glossary

            # Every ``term_every``-th segment names the Coalition and must say so in French; the
            # pseudo-sentences are made of glossary words, so the others carry no terms on purpose.
            phrase = "De Internationale Coalitie tegen Daesh"
            required = load_glossary().requirements(phrase, "fr")
            every = setup["term_every"]
            sources = [f"{phrase} {s}" if i % every == 0 else s for i, s in enumerate(sources)]
            terms = [required if i % every == 0 else NO_TERMS for i in range(len(sources))]
        elif engine.startswith("terms-"):
            from mt.terminology.glossary import load_glossary

            glossary = load_glossary()
            sources = setup["heavy"]
            if engine != "terms-off":
                terms = [glossary.requirements(source, "fr") for source in sources]
        if any(terms):
            extra["segments_with_terms"] = sum(1 for t in terms if t)
            extra["required_terms"] = sum(len(t.required) for t in terms)
            extra["forbidden_terms"] = sum(len(t.forbidden) for t in terms)

        def translate(texts: list[str], wanted: list) -> int:
            results = backend.translate(texts, wanted, settings)
            said.extend(r.text for r in results)
            return sum(r.tokens for r in results)

    # Warm-up: first-call allocations, lazy initialisation (the fast path's torch model too).
    translate(sources[:2], terms[:2])
    raw = engine.startswith(("generate", "ct2-raw"))
    counted = hasattr(backend, "counts") if not raw else False
    if counted:
        backend.counts = type(backend.counts)()
    said.clear()
    start, cpu = time.perf_counter(), time.process_time()
    tokens = translate(sources, terms)
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu  # all threads: what load on the machine moves least
    if counted:
        extra.update(backend.counts.as_dict())
    loaded = sorted(m for m in ("torch", "transformers") if m in sys.modules)
    return {
        "engine": engine,
        "tokens": tokens,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "tokens_per_s": tokens / seconds,
        "sentences": len(sources),
        "outputs": hashlib.sha256("\n".join(said).encode()).hexdigest()[:16],
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
        "sentences": (sentences := make_sentences(folder, args.sentences, args.source_tokens)),
        "heavy": term_heavy(sentences, (3, 4)),
        "beam": args.beam,
        "batch": args.batch,
        "new_tokens": args.new_tokens,
        "threads": args.threads,
        "term_every": args.term_every,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--rounds", type=int, default=3)
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
    unknown = sorted(set(engines) - set(ENGINES) - set(EXTRA_ENGINES))
    if unknown:
        parser.error(f"unknown engines {unknown}; known: {', '.join(ENGINES + EXTRA_ENGINES)}")
    setup = prepare(args)
    setup_file = cache_dir() / "speed-setup.json"
    runs: dict[str, list[dict]] = {engine: [] for engine in engines}
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    for round_number in range(args.rounds):
        for engine in engines:  # interleaved: a busy moment on the machine hits every engine
            setup_file.write_text(json.dumps({**setup, "engine": engine}), encoding="utf-8")
            load_before = os.getloadavg()[0]
            child = subprocess.run(
                [sys.executable, __file__, "--child", str(setup_file)],
                capture_output=True,
                text=True,
                env={**os.environ, "TOKENIZERS_PARALLELISM": "false"},
            )
            load_after = os.getloadavg()[0]
            if child.returncode != 0:
                print(f"{engine}: failed\n{child.stderr[-2000:]}", file=sys.stderr)
                continue
            result = json.loads(child.stdout.strip().splitlines()[-1])
            result.update(round=round_number, load=(load_before, load_after))
            runs[engine].append(result)
            if args.json:
                print(json.dumps(result))
    finished = time.strftime("%H:%M UTC", time.gmtime())
    report(runs, args, f"{started} - {finished}")


def _spread(values: list[float], digits: int = 0) -> str:
    """``median (min-max)``."""
    if not values:
        return "-"
    low, mid, high = min(values), statistics.median(values), max(values)
    return f"{mid:.{digits}f} ({low:.{digits}f}-{high:.{digits}f})"


def round_ratios(runs: dict[str, list[dict]], top: str, bottom: str, key: str) -> list[float]:
    """``top``'s ``key`` over ``bottom``'s, within each round both finished."""
    by_round = {r["round"]: r[key] for r in runs.get(bottom, [])}
    return [r[key] / by_round[r["round"]] for r in runs.get(top, []) if r["round"] in by_round]


def report(runs: dict[str, list[dict]], args: argparse.Namespace, when: str) -> None:
    import ctranslate2
    import torch
    import transformers

    loads = [load for results in runs.values() for r in results for load in r["load"]]
    signature = (
        f"sentences={args.sentences}|src_tokens={args.source_tokens}|new_tokens={args.new_tokens}"
        f"|beam={args.beam}|batch={args.batch}|threads={args.threads}|rounds={args.rounds}"
        f"|term_every={args.term_every}"
        f"|torch={torch.__version__}|transformers={transformers.__version__}"
        f"|ctranslate2={ctranslate2.__version__}|cpu={os.cpu_count()}"
    )
    print(f"speed: {signature}")
    print(
        f"run: {when}; load average (1 min) before/after each process: "
        f"{_spread(loads, 1)} (median (min-max))"
    )
    print(
        f"{'engine':<14} {'tokens/s':>18} {'x generate':>17} {'peak MB':>16}  load (median)  notes"
    )
    for engine, results in runs.items():
        if not results:
            continue
        speed = _spread([r["tokens_per_s"] for r in results])
        ratio = _spread(round_ratios(runs, engine, "generate", "tokens_per_s"), 2)
        memory = _spread([r["peak_mb"] for r in results])
        load = statistics.median(x for r in results for x in r["load"])
        last = results[-1]
        notes = f"imports {'+'.join(last['imported']) or 'neither torch nor transformers'}"
        if "required_terms" in last:
            notes += f"; {last['required_terms']} terms in {last['segments_with_terms']} segments"
        if "redecoded" in last:
            notes += (
                f"; fast {last['fast']}, re-decoded {last['redecoded']}"
                f" (placed {last.get('placed', 0)}, torch search {last.get('searched', 0)})"
            )
        print(f"{engine:<14} {speed:>18} {ratio:>17} {memory:>16}  {load:>13.1f}  {notes}")
    if runs.get("ct2-raw") and runs.get("ct2-mt"):
        share = _spread(round_ratios(runs, "ct2-mt", "ct2-raw", "tokens_per_s"), 2)
        cpu = _spread(round_ratios(runs, "ct2-raw", "ct2-mt", "cpu_seconds"), 2)
        print(f"ct2-mt / ct2-raw tokens/s, per round: {share} (target >= 0.90); in CPU time {cpu}")
    if runs.get("ct2-raw") and runs.get("ct2-mt"):
        digests = {r["outputs"] for name in ("ct2-raw", "ct2-mt") for r in runs[name]}
        print(
            f"ct2-mt outputs equal ct2-raw's in every round: {'yes' if len(digests) == 1 else 'NO'}"
        )
    if runs.get("terms-off") and runs.get("terms-enforce"):
        cost = _spread(round_ratios(runs, "terms-enforce", "terms-off", "seconds"), 2)
        cpu = _spread(round_ratios(runs, "terms-enforce", "terms-off", "cpu_seconds"), 2)
        peak = _spread([r["peak_mb"] for r in runs["terms-enforce"]])
        print(
            f"terms-enforce / terms-off time, per round: {cost} (target <= 2.00), "
            f"in CPU time {cpu}; enforce peak {peak} MB (target <= 600)"
        )
    if runs.get("terms-off") and runs.get("terms-torch"):
        cost = _spread(round_ratios(runs, "terms-torch", "terms-off", "seconds"), 2)
        cpu = _spread(round_ratios(runs, "terms-torch", "terms-off", "cpu_seconds"), 2)
        peak = _spread([r["peak_mb"] for r in runs["terms-torch"]])
        print(f"terms-torch / terms-off time, per round: {cost}, in CPU time {cpu}; peak {peak} MB")


if __name__ == "__main__":
    main()
