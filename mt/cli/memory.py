"""``mt memory``: build translation memories (TMX) from past releases, and export them."""

from __future__ import annotations

import json
from pathlib import Path

import click

from mt.cli.options import glossary_option, progress_reporter


@click.group("memory")
def command() -> None:
    """Build translation memories (TMX) from past releases and their translations, and export
    them."""


@command.command("build")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The TMX file to write.",
)
@click.option(
    "--lang", help="Language of the translations when their names do not say (release.fr.txt)."
)
@click.option("--encoding", default="utf-8", show_default=True, help="Encoding of the releases.")
@glossary_option("Glossary whose errors leave a pair out (repeatable). Default: glossaries/.")
@click.option("--no-glossary", is_flag=True, help="Leave out no pair for its terms.")
@click.option("--json", "as_json", is_flag=True, help="Print counts as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar (drawn on a terminal only).")
def build(
    paths: tuple[Path, ...],
    output: Path,
    lang: str | None,
    encoding: str,
    glossaries: tuple[Path, ...],
    no_glossary: bool,
    as_json: bool,
    quiet: bool,
) -> None:
    """Align past releases with their human translations into a TMX 1.4b memory.

    PATHS is SOURCE TRANSLATION... or folders, paired as mt check pairs them, or XLIFF files
    whose units have targets (jobs translators returned). Pairs that mt check flags at error (a
    wrong figure, a forbidden term, an untranslated sentence) are left out and counted.

    \b
    Examples:
      mt memory build archive/ -o memory.tmx
      mt memory build release-27.nl.md release-27.fr.md release-27.de.md -o memory.tmx
      mt memory build returned/job-27.fr.xlf -o memory.tmx
    """
    from mt.cli.check import _check_config
    from mt.documents import write_atomic
    from mt.documents.alignment import find_pairs
    from mt.documents.xliff import xliff_files
    from mt.terminology.glossary import load_glossary
    from mt.translation.memory import build_memory, describe_conflicts, write_tmx

    # an XLIFF file (a job a translator returned; named or in a folder) holds its pairs; other
    # paths pair as mt check's
    bilingual, others = xliff_files(paths)
    pairs = find_pairs(others, lang, required=not bilingual) if others else []
    config = _check_config(None)
    glossary = None
    if not no_glossary and "terminology" in config.enabled:
        if glossaries:
            glossary = load_glossary(list(glossaries))
        elif Path("glossaries").is_dir():
            glossary = load_glossary([Path("glossaries")])
        else:
            glossary = load_glossary(None)
    with progress_reporter(enabled=not quiet and len(pairs) > 1) as progress:
        result = build_memory(
            pairs, glossary, config, encoding=encoding, progress=progress, bilingual=bilingual
        )
    write_atomic(output, write_tmx(result.entries))
    counts = {
        "output": str(output),
        "documents": result.documents,
        "pairs": result.pairs,
        "excluded": result.excluded,
        "duplicates": result.duplicates,
        "entries": len(result.entries),
        "conflicts": len(result.conflicts),
        "conflicting": [conflict.as_dict() for conflict in result.conflicts],
    }
    if as_json:
        click.echo(json.dumps(counts, indent=2, ensure_ascii=False))
    else:
        click.echo(
            f"wrote {output}: {len(result.entries)} translation units from {result.pairs} aligned "
            f"pairs in {result.documents} translations; {result.excluded} left out (mt check "
            f"errors), {result.duplicates} repeated sentence pairs kept once",
            err=True,
        )
    if result.conflicts and not as_json:
        click.echo(
            f"mt: warning: {describe_conflicts(result.conflicts, shown=10)}\n"
            "  (both are written; mt translate --memory uses the first; --json lists them all)",
            err=True,
        )


@command.command("export")
@click.argument(
    "memories", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False)
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    help="The file to write ('-': standard output).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["tmx", "csv"]),
    help="tmx, or csv (two columns: Dutch and --lang). Default: from the output's extension.",
)
@click.option("--lang", help="The target language of a CSV (needed when the memory has several).")
def export(memories: tuple[Path, ...], output: Path, fmt: str | None, lang: str | None) -> None:
    """Write translation memories (TMX, merged in order) as one TMX, or as a two-column CSV.

    A Dutch sentence translated differently (in one memory, or across them) is reported: a TMX
    keeps every translation, in order (the first is the one mt translate uses); a CSV holds one
    row per sentence, the first translation.

    \b
    Examples:
      mt memory export memory.tmx -o memory-fr.csv --lang fr
      mt memory export 2023.tmx 2024.tmx -o all.tmx
    """
    from mt.documents import write_atomic
    from mt.translation.memory import describe_conflicts, load_memories, write_csv, write_tmx

    fmt = fmt or ("csv" if output.suffix.lower() == ".csv" else "tmx")
    memory = load_memories(list(memories))
    conflicts = memory.conflicting
    if fmt == "tmx":
        # every translation, in order: the file read back resolves each conflict the same way
        text = write_tmx(memory.all_entries)
    else:
        if lang is None:
            if len(memory.languages) > 1:
                raise click.UsageError(
                    f"the memory holds {', '.join(memory.languages)}: choose one with --lang"
                )
            lang = memory.languages[0] if memory.languages else "fr"
        # one row per sentence (a glossary or memory of a cloud MT service takes no two): the
        # translation mt translate would use
        text = write_csv(memory.entries, lang)
        conflicts = tuple(c for c in conflicts if c.kept.lang == lang)
    if str(output) == "-":
        click.echo(text, nl=False)
    else:
        write_atomic(output, text)
        entries = len(memory.all_entries) if fmt == "tmx" else len(memory.entries)
        click.echo(f"wrote {output} ({entries} entries)", err=True)
    if conflicts:
        what = (
            "all written, in order (the first wins in mt translate)"
            if fmt == "tmx"
            else "only the first written"
        )
        click.echo(f"mt: warning: {describe_conflicts(conflicts, shown=10)}\n  ({what})", err=True)
