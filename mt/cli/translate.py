"""``mt translate``: Dutch documents into French, German and English drafts."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from mt.cli import require_extras
from mt.cli.model_options import decoding_options, from_decoding_options
from mt.cli.options import progress_reporter, split_list
from mt.translation.pipeline import ENGINES, TranslateOptions, Translator
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
@decoding_options
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
    fmt: str | None,
    encoding: str,
    front_matter: str | None,
    memories: tuple[Path, ...],
    retranslate: bool,
    engine: str,
    ray_address: str | None,
    actors: int | None,
    overwrite: bool,
    as_json: bool,
    term_report: bool,
    quiet: bool,
    **decoding: Any,
) -> None:
    """Translate Dutch documents (text, Markdown, HTML) into each language of --to.

    Each output keeps the input's structure and is named <stem>.<lang>.<ext>
    (release.nl.md -> release.fr.md). Glossary terms are enforced by default.

    An XLIFF file (.xlf, .xliff, .sdlxliff, or .xml holding XLIFF: a CAT tool's job; segmented
    units segment by segment) gets its empty targets filled, marked as
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
    to_stdout = str(out_dir) == "-" or any(str(path) == "-" for path in inputs)
    if as_json and to_stdout:
        raise click.UsageError("--json cannot be combined with a translation on standard output")
    options = TranslateOptions(
        **from_decoding_options(decoding),
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
        raise click.UsageError("--retranslate is for XLIFF files (.xlf, .xliff, .sdlxliff)")
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
