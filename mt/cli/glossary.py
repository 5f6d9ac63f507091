"""``mt glossary``: validate, show, import and export terminology glossaries.

``validate`` exits 0 when the glossary is clean, 1 when it has problems (all of them are listed),
2 for usage errors, so it can gate a CI job on its own.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from mt.core.errors import GlossaryError, InputError, Location, MtError
from mt.core.files import refuse_output_among_inputs
from mt.terminology.glossary import (
    TARGET_LANGS,
    Glossary,
    default_glossary_dir,
    expand_paths,
    load_glossary,
)

_GLOSSARY_PATHS = click.argument("paths", nargs=-1, type=click.Path(path_type=Path, exists=True))
_LANG = click.option("--lang", type=click.Choice(TARGET_LANGS), help="Only this target language.")
_FORMAT = click.option(
    "--format",
    "file_format",
    type=click.Choice(("tbx", "csv", "tsv")),
    help="File format. Default: from the file name's suffix.",
)


def _problem_dict(problem: MtError) -> dict[str, object]:
    location = problem.location or Location("")
    return {
        "path": str(location.path) or None,
        "line": location.line,
        "message": problem.message,
    }


def _write_atomic(path: Path, text: str) -> None:
    """Write through a temporary file in the same folder, so no half-written file is ever seen."""
    folder = path.parent if str(path.parent) else Path(".")
    # A name of its own, opened with "x" rather than made by mkstemp: the file then gets the
    # permissions the umask gives every other file mt writes, not mkstemp's 0600.
    temporary = folder / f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    try:
        stream = open(temporary, "x", encoding="utf-8", newline="")  # noqa: SIM115 (closed below)
    except OSError as error:
        raise InputError(f"cannot write here: {error.strerror}", Location(path)) from None
    try:
        with stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


@click.group()
def command() -> None:
    """Validate, show, import and export terminology glossaries (format: glossaries/README.md)."""


@command.command()
@_GLOSSARY_PATHS
@click.option("--json", "as_json", is_flag=True, help="Machine-readable result on stdout.")
def validate(paths: Sequence[Path], as_json: bool) -> None:
    """Check glossary files or folders (default: the shipped glossaries/) and list every problem.

    Exit code 0 when clean, 1 when problems were found, 2 for usage errors.
    """
    files = expand_paths(list(paths) or [default_glossary_dir()])
    try:
        glossary = load_glossary(files)
    except GlossaryError as error:
        if as_json:
            problems = [_problem_dict(problem) for problem in error.problems]
            result = {"ok": False, "files": [str(f) for f in files], "problems": problems}
            click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            for problem in error.problems:
                click.echo(str(problem))
            count = len(error.problems)
            click.echo(f"{count} problem{'s' if count != 1 else ''} found", err=True)
        sys.exit(1)
    if as_json:
        result = {
            "ok": True,
            "files": list(glossary.paths),
            "entries": len(glossary),
            "version": glossary.version,
            "problems": [],
        }
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        count = len(glossary.paths)
        click.echo(
            f"ok: {len(glossary)} entries in {count} file{'s' if count != 1 else ''}"
            f" (version {glossary.version})"
        )


def _load(paths: Sequence[Path]) -> Glossary:
    return load_glossary(list(paths) or None)


@command.command()
@_GLOSSARY_PATHS
@_LANG
@click.option(
    "--match", "text", help="Only the entries found in this Dutch text, with what they ask."
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable entries on stdout.")
def show(paths: Sequence[Path], lang: str | None, text: str | None, as_json: bool) -> None:
    """Print the entries of glossary files or folders (default: the shipped glossaries/)."""
    glossary = _load(paths)
    entries = list(glossary.entries)
    if text is not None:
        seen = {match.entry.id: match.entry for match in glossary.matches(text)}
        entries = list(seen.values())
    langs = [lang] if lang else list(glossary.languages)
    if as_json:
        rows = []
        for entry in entries:
            data = entry.as_dict()
            data["targets"] = {k: v for k, v in data["targets"].items() if k in langs}  # type: ignore[attr-defined]
            data["location"] = str(entry.location)
            rows.append(data)
        result: dict[str, object] = {"version": glossary.version, "entries": rows}
        if text is not None:
            result["requirements"] = {
                code: _requirements_dict(glossary, text, code) for code in langs
            }
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    table = [["id", "nl", *langs, "case", "dnt"]]
    for entry in entries:
        cells = [entry.id, " | ".join(entry.source)]
        for code in langs:
            target = entry.targets.get(code)
            if target is None:
                cells.append("-")
                continue
            cell = " | ".join(target.allowed)
            if target.forbidden:
                cell += "  (not: " + ", ".join(target.forbidden) + ")"
            cells.append(cell)
        cells += [str(entry.case), "yes" if entry.dnt else ""]
        table.append(cells)
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    click.echo(f"{len(entries)} entries (glossary version {glossary.version})", err=True)


def _requirements_dict(glossary: Glossary, text: str, lang: str) -> dict[str, object]:
    terms = glossary.requirements(text, lang)
    return {
        "required": [
            {
                "entry": term.entry_id,
                "source": term.source_text,
                "alternatives": list(term.alternatives),
                "case": str(term.case),
                "copy": term.copy,
            }
            for term in terms.required
        ],
        "forbidden": list(terms.forbidden),
    }


@command.command("import")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The glossary TSV file to write.",
)
@_FORMAT
@click.option(
    "--lang",
    type=click.Choice(TARGET_LANGS),
    help="Target language of a two-column CSV/TSV file without a header row.",
)
def import_(source: Path, output: Path, file_format: str | None, lang: str | None) -> None:
    """Convert a TBX-Basic termbase or a CSV/TSV term list into this project's TSV format."""
    from mt.terminology.formats import import_entries, write_tsv

    refuse_output_among_inputs(output, [source])
    entries = import_entries(source, file_format, lang=lang)
    _write_atomic(output, write_tsv(entries))
    click.echo(f"imported {len(entries)} entries from {source} into {output}", err=True)


@command.command()
@_GLOSSARY_PATHS
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    help="The file to write ('-' for stdout).",
)
@_FORMAT
@click.option(
    "--lang",
    type=click.Choice(TARGET_LANGS),
    help="One direction only: CSV/TSV become two columns (nl, target) without header, as DeepL "
    "takes them; TBX keeps that language only.",
)
def export(paths: Sequence[Path], output: Path, file_format: str | None, lang: str | None) -> None:
    """Write glossaries (default: the shipped glossaries/) as TBX-Basic, CSV or TSV.

    Without --lang, CSV/TSV have a header of language codes (nl,fr,de,en), one concept per row,
    as Google's equivalent term sets and Amazon Translate take them.
    """
    from mt.terminology.formats import detect_format, export_text

    if str(output) != "-":
        refuse_output_among_inputs(output, expand_paths(list(paths) or [default_glossary_dir()]))
    glossary = _load(paths)
    if file_format is None and str(output) == "-":
        raise click.UsageError("writing to stdout needs --format")
    kind = detect_format(output, file_format)
    text = export_text(glossary.entries, kind, lang)
    if str(output) == "-":
        click.echo(text, nl=False)
        return
    _write_atomic(output, text)
    click.echo(f"exported {len(glossary)} entries to {output}", err=True)
