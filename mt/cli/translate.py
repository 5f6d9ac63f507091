"""``mt translate``: Dutch documents into French, German and English drafts."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from mt.cli import require_extras
from mt.cli.options import glossary_option, progress_reporter, split_list
from mt.engines.backends.base import MAX_BEAMS, MODEL_POSITIONS, beam_limit_message
from mt.translation.pipeline import ENGINES, TERM_MODES, TranslateOptions, Translator
from mt.translation.results import Summary


@click.command("translate")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path, allow_dash=True))
@click.option(
    "--to",
    "langs",
    default="fr,de,en",
    show_default=True,
    help="Target languages, comma-separated.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, allow_dash=True, file_okay=False),
    help="Folder for <stem>.<lang>.<ext> (default: beside each input); '-' for standard output.",
)
@click.option(
    "--model",
    "models",
    multiple=True,
    metavar="LANG=ID_OR_PATH",
    help="Model for a direction: a hub id or a local folder (repeatable). "
    "A trailing >>xxx<< names a multilingual model's target token.",
)
@click.option(
    "--pivot",
    "pivots",
    multiple=True,
    metavar="LANG=VIA",
    help="Translate LANG through VIA, e.g. de=en for nl->en->de (repeatable).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "html"]),
    help="Input format (default: from the file extension).",
)
@click.option("--encoding", default="utf-8", show_default=True, help="Encoding of the inputs.")
@click.option(
    "--front-matter",
    "front_matter",
    metavar="KEYS",
    help="Markdown front-matter keys whose values are translated, comma-separated (e.g. "
    "title,description); the rest of the front matter is kept as written. Default: the "
    "config's [translate] front-matter, else none.",
)
@glossary_option("Glossary file or folder (repeatable; default: the shipped glossaries/).")
@click.option(
    "--terms",
    type=click.Choice(TERM_MODES),
    default="enforce",
    show_default=True,
    help="enforce: approved terms by construction; check: translate freely, then report; off.",
)
@click.option(
    "--backend",
    type=click.Choice(["auto", "torch", "ctranslate2"]),
    default="auto",
    show_default=True,
    help="auto: CTranslate2 when installed (with verified terms), else torch.",
)
@click.option(
    "--beam",
    type=click.IntRange(min=1),
    callback=lambda ctx, param, value: _bounded_beam(value),
    help=f"Beam size, at most {MAX_BEAMS} (default: the model's).",
)
@click.option("--batch-size", type=click.IntRange(min=1), help="Segments per batch (default 32).")
@click.option(
    "--max-new-tokens",
    type=click.IntRange(min=1),
    callback=lambda ctx, param, value: _bounded_new_tokens(value),
    help="Longest translation of a sentence, in tokens, at most the model's positions "
    f"({MODEL_POSITIONS} for OPUS-MT) (default: twice the source plus 16).",
)
@click.option(
    "--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True
)
@click.option(
    "--cache",
    "cache_path",
    # (a folder is refused by the cache itself, in one line that names it)
    type=click.Path(path_type=Path),
    help="Translation cache file (default: in the user's cache folder).",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the translation cache.")
@click.option(
    "--memory",
    "memories",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Translation memory (TMX) whose exact matches replace machine translation "
    "(repeatable; default: memory in .mt.toml's [translate]).",
)
@click.option(
    "--retranslate",
    is_flag=True,
    help="XLIFF: translate the units that have a target too (default: only empty ones).",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="local",
    show_default=True,
    help="local: decode in this process; ray: on a pool of Ray model actors (same outputs).",
)
@click.option(
    "--ray-address",
    metavar="ADDRESS",
    help="Ray cluster to use with --engine ray (e.g. ray://head:10001; default: start a local "
    "instance).",
)
@click.option(
    "--actors",
    type=click.IntRange(min=1),
    help="Model actors per language with --engine ray (default: one per CPU of the cluster, "
    "per GPU with --device cuda).",
)
@click.option(
    "--overwrite",
    is_flag=True,
    help="Replace outputs that exist though mt did not write them, or that were edited since "
    "(a translator's work); without it such a file stops the run before any work.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary.")
@click.option(
    "--term-report",
    is_flag=True,
    help="List each glossary entry matched, applied or unmet, with its source line (stderr).",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar, no summary lines.")
def command(
    inputs: tuple[Path, ...],
    langs: str,
    out_dir: Path | None,
    models: tuple[str, ...],
    pivots: tuple[str, ...],
    fmt: str | None,
    encoding: str,
    front_matter: str | None,
    glossaries: tuple[Path, ...],
    terms: str,
    backend: str,
    beam: int | None,
    batch_size: int | None,
    max_new_tokens: int | None,
    device: str,
    cache_path: Path | None,
    no_cache: bool,
    memories: tuple[Path, ...],
    retranslate: bool,
    engine: str,
    ray_address: str | None,
    actors: int | None,
    overwrite: bool,
    as_json: bool,
    term_report: bool,
    quiet: bool,
) -> None:
    """Translate Dutch documents (text, Markdown, HTML) into each language of --to.

    Each output keeps the input's structure and is named <stem>.<lang>.<ext>
    (release.nl.md -> release.fr.md). Glossary terms are enforced by default.

    An XLIFF file (.xlf, .xliff: a CAT tool's job) gets its empty targets filled, marked as
    machine translation, each with a note of its terms and QA findings; its target language is
    the file's (--to only where the file names none).

    \b
    Examples:
      mt translate release.nl.txt --to fr,de,en --out out/
      mt translate docs/ --to de --model de=/models/opus-mt-tc-big-gmw-gmw
      cat release.txt | mt translate - --to en
      mt translate job.nl.xlf --memory memory.tmx       # writes job.fr.xlf
      mt translate archive/ --to fr,de,en --out out/ --engine ray --ray-address auto
    """
    require_extras("ray" if engine == "ray" else "translate")
    if engine != "ray" and (ray_address or actors):
        raise click.UsageError("--ray-address and --actors go with --engine ray")
    from mt.engines.models import parse_model_overrides, parse_pivots

    to_stdout = str(out_dir) == "-" or any(str(path) == "-" for path in inputs)
    if as_json and to_stdout:
        raise click.UsageError("--json cannot be combined with a translation on standard output")
    options = TranslateOptions(
        models=parse_model_overrides(models),
        pivots=parse_pivots(pivots),
        backend=backend,
        beam=beam,
        batch_size=batch_size,
        max_new_tokens=max_new_tokens,
        device=device,
        terms=terms,
        glossaries=glossaries or None,
        cache=cache_path,
        use_cache=not no_cache,
        memories=memories,
        engine=engine,
        ray_address=ray_address,
        actors=actors,
        front_matter=None if front_matter is None else tuple(split_list(front_matter)),
    )
    from mt.documents.xliff import is_xliff

    xliff = [path for path in inputs if is_xliff(path)]
    if xliff and len(xliff) != len(inputs):
        raise click.UsageError("give XLIFF files and other documents in separate runs")
    if xliff and str(out_dir) == "-":
        raise click.UsageError("an XLIFF translation is written to a file: leave out --out -")
    if retranslate and not xliff:
        raise click.UsageError("--retranslate is for XLIFF files (.xlf, .xliff)")
    with progress_reporter(enabled=not quiet) as progress, Translator(options, progress) as tr:
        if xliff:
            from mt.translation.jobs import translate_xliff

            source = click.get_current_context().get_parameter_source("langs")
            asked = split_list(langs) if source != click.core.ParameterSource.DEFAULT else None
            summary = translate_xliff(
                tr, xliff, asked, out_dir, retranslate=retranslate, overwrite=overwrite
            )
        else:
            summary = tr.translate_documents(
                list(inputs),
                split_list(langs),
                out_dir,
                format=fmt,
                encoding=encoding,
                overwrite=overwrite,
            )
    if summary.stdout is not None:
        sys.stdout.write(summary.stdout)
    for warning in summary.warnings:
        click.echo(f"mt: warning: {warning}", err=True)
    if term_report:
        _print_term_report(summary)
    if as_json:
        click.echo(json.dumps(summary.as_dict(), indent=2, ensure_ascii=False))
    elif not quiet:
        _print_summary(summary)


def _bounded_beam(value: int | None) -> int | None:
    if value is not None and value > MAX_BEAMS:
        raise click.BadParameter(beam_limit_message(value).removeprefix("--beam "))
    return value


def _bounded_new_tokens(value: int | None) -> int | None:
    # Checked again against the model's own positions when it loads (another model may differ).
    if value is not None and value > MODEL_POSITIONS:
        raise click.BadParameter(
            f"{value} is more than a model can write: OPUS-MT (Marian) models have "
            f"{MODEL_POSITIONS} positions, so a translation of one sentence holds at most "
            f"{MODEL_POSITIONS} tokens"
        )
    return value


def _print_term_report(summary: Summary) -> None:
    """Per document and language: the counts, then one line per entry, in source-line order."""
    for doc in summary.documents:
        report = doc.term_report()
        counts = report["counts"]
        assert isinstance(counts, dict)
        click.echo(
            f"{doc.source} [{doc.lang}]: {counts['matched']} glossary terms matched, "
            f"{counts['applied']} applied, {counts['unmet']} unmet",
            err=True,
        )
        for outcome in sorted(doc.outcomes, key=lambda o: o.line):
            shown = f"{outcome.source_text} -> {outcome.target}" if outcome.target else ""
            shown = shown or outcome.source_text
            why = f": {outcome.detail}" if outcome.detail else ""
            click.echo(
                f"  {doc.source}:{outcome.line}  {outcome.status:9} {outcome.entry_id} "
                f"({shown}){why}",
                err=True,
            )


def _print_summary(summary: Summary) -> None:
    for doc in summary.documents:
        if doc.output == "-":
            continue
        unmet = len(doc.terms_unmet)
        terms = f", {doc.terms_matched} glossary terms" if doc.terms_matched else ""
        terms += f" ({unmet} not applied)" if unmet else ""
        memory = f", {doc.memory_hits} from memory" if doc.memory_hits else ""
        click.echo(
            f"wrote {doc.output} ({doc.segments} segments, {doc.cache_hits} from cache{memory}"
            f"{terms})",
            err=True,
        )
    line: dict[str, Any] = {
        "segments": summary.segments,
        "from cache": summary.cache_hits,
        "translated": summary.translated,
    }
    if summary.memory_hits:
        line["from memory"] = summary.memory_hits
    timing = summary.timings.get("total_s", 0.0)
    click.echo(
        ", ".join(f"{value} {name}" for name, value in line.items()) + f" in {timing:.1f} s",
        err=True,
    )
