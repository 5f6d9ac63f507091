"""``mt bench``: quality, speed and memory of systems on test sets, in files that resume."""

from __future__ import annotations

from pathlib import Path

import click

from mt.cli import require_extras
from mt.cli.options import glossary_option
from mt.core.errors import InputError
from mt.evaluation.bench import TERMS_MODES, load_systems_file, parse_system, run_bench


@click.command()
@click.option(
    "-s",
    "--system",
    "system_specs",
    multiple=True,
    metavar="SPEC",
    help="name=N,model=LANG=ID_OR_FOLDER,backend=torch|ctranslate2,beam=K,terms="
    + "|".join(TERMS_MODES)
    + ",glossary=PATH (repeatable).",
)
@click.option(
    "--systems",
    "systems_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="TOML file of [[system]] tables.",
)
@click.option(
    "-t",
    "--testset",
    "testsets",
    multiple=True,
    default=("flores200-devtest",),
    show_default=True,
    help="A registered name, SRC,REF line files, or a SRC<TAB>REF .tsv (repeatable).",
)
@click.option(
    "--lang",
    "langs",
    default=None,
    help="Target languages, comma-separated (default: those the systems name, else fr,de,en).",
)
@click.option("--limit", type=int, default=None, help="Only the first N segments of each set.")
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("bench-results"),
    show_default=True,
    help="Folder for results.json/.tsv/.md and quality_vs_speed.png.",
)
@glossary_option("Glossary for terminology accuracy (default: each system's, else glossaries/).")
@click.option(
    "--cache",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Translation cache file (default: the usual one).",
)
@click.option("--no-cache", is_flag=True, help="Translate everything afresh (clean speed).")
@click.option(
    "--isolate/--in-process",
    default=True,
    show_default=True,
    help="Run each system in its own process, so its peak memory is its own.",
)
def command(
    system_specs: tuple[str, ...],
    systems_file: Path | None,
    testsets: tuple[str, ...],
    langs: str | None,
    limit: int | None,
    out_dir: Path,
    glossaries: tuple[Path, ...],
    cache: Path | None,
    no_cache: bool,
    isolate: bool,
) -> None:
    """Translate test sets with each system, then score (BLEU, chrF, TER, terminology accuracy)
    and time them. A re-run skips rows already in OUT/results.json."""
    require_extras("bench")
    systems = [parse_system(spec) for spec in system_specs]
    if systems_file is not None:
        systems += load_systems_file(systems_file)
    if not systems:
        raise click.UsageError("name at least one system: --system name=...,model=fr=...")
    if langs:
        from mt.engines.models import check_langs

        targets = check_langs(langs.split(","))
    else:
        named = {lang for system in systems for lang in system.models}
        targets = sorted(named) or ["fr", "de", "en"]
    if no_cache:
        cache_path = None
    else:
        from mt.translation.cache import default_cache_path

        cache_path = cache or default_cache_path()
    if limit is not None and limit < 1:
        raise InputError(f"--limit must be at least 1, not {limit}")
    rows = run_bench(
        systems,
        list(testsets),
        targets,
        out_dir,
        limit=limit,
        cache=cache_path,
        isolate=isolate,
        glossary_paths=list(glossaries) or None,
        progress=lambda message: click.echo(message, err=True),
    )
    click.echo(f"{len(rows)} rows in {out_dir / 'results.md'} (and .json, .tsv, .png)")
