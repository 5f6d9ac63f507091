"""``mt check``: a CI gate for glossary compliance and translation QA. Loads no model.

Exit codes: 0 clean, 1 a finding reaches ``--fail-on``, 2 usage or input errors.
"""

from __future__ import annotations

import gc
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mt.cli.options import glossary_option, progress_reporter

if TYPE_CHECKING:
    from collections.abc import Iterator

    from mt.qa.baseline import Baseline
    from mt.qa.check import PairReport
    from mt.qa.findings import CheckConfig
    from mt.qa.reporting import CheckRun
    from mt.terminology.glossary import Glossary

# The choices of --format and --fail-on, written out so that ``mt check --help`` imports none of
# the checks (a test keeps them equal to mt.qa.reporting.FORMATTERS and mt.qa.findings.FAIL_ON).
FORMATS = ("github", "json", "junit", "text")
FAIL_ON_LEVELS = ("error", "warning", "info", "never")

_EPILOG = """\b
Examples:
  mt check release.nl.md release.fr.md release.de.md
  mt check docs/                       # every <stem>.<lang>.<ext> beside its <stem>.nl.<ext>,
                                       # and every XLIFF file (.xlf, .xliff, .sdlxliff, .xml)
  mt check release.fr.md               # the source release.nl.md is found beside it
  mt check --format junit -o mt-check.xml docs/
  mt check docs/ --baseline mt-check-baseline.json   # fail on findings it does not accept

\b
Exit status: 0 clean, 1 a finding at --fail-on severity, 2 usage or input error.
Config: [check] in .mt.toml, or [tool.mt.qa.check] in pyproject.toml.
"""


@click.command(epilog=_EPILOG)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--lang", help="Language of the translations when their names do not say (release.fr.txt)."
)
@click.option(
    "--encoding",
    default="utf-8",
    show_default=True,
    help="Encoding of the sources and translations.",
)
@glossary_option("Glossary file or folder; repeatable. Default: glossaries/.")
@click.option("--no-glossary", is_flag=True, help="Skip the terminology check's glossary.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text for people, json for pipelines, junit for CI test reports, github for annotations.",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON_LEVELS),
    default=None,
    help="Lowest severity that fails the run (exit 1). Default: the config's, else error.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Config file (.mt.toml or pyproject.toml). Default: the nearest one.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the report to this file instead of standard output.",
)
@click.option(
    "--baseline",
    "baseline_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Findings accepted on purpose (a file --write-baseline made): only others can fail "
    "the run. Default: baseline in the config's [check], if any.",
)
@click.option(
    "--write-baseline",
    is_flag=True,
    help="Write every finding of this run to the --baseline file, accepting them all.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar (drawn on a terminal only).")
def command(
    paths: tuple[Path, ...],
    lang: str | None,
    encoding: str,
    glossaries: tuple[Path, ...],
    no_glossary: bool,
    output_format: str,
    fail_on: str | None,
    config_path: Path | None,
    output: Path | None,
    baseline_path: Path | None,
    write_baseline: bool,
    quiet: bool,
) -> None:
    """Check translations against their Dutch source: glossary terms, figures, untranslated or
    missing segments, and structure.

    PATHS is SOURCE TRANSLATION... (the language from <stem>.<lang>.<ext> or --lang), or folders and
    files whose pairs are found by that naming. XLIFF files, named or in the folders, are checked
    pair by pair (a folder's job.nl.xlf beside its job.fr.xlf: the translation only).
    """
    from mt.documents.alignment import find_pairs
    from mt.qa.reporting import CheckRun, render, verdict
    from mt.terminology.glossary import collector_paused, load_glossary

    config = _check_config(config_path)
    if fail_on is not None:
        config = replace(config, fail_on=fail_on)
    if baseline_path is None and config.baseline:
        baseline_path = Path(config.baseline)
    if write_baseline and baseline_path is None:
        raise click.UsageError("--write-baseline needs --baseline FILE (or baseline in [check])")
    from mt.documents.xliff import xliff_files

    # an XLIFF file (named, or in a folder) holds its pairs; the other paths pair as documents do
    bilingual, others = xliff_files(paths)
    pairs = find_pairs(others, lang, required=not bilingual) if others else []
    baseline = None
    if baseline_path is not None and not write_baseline:  # a broken one fails before the checks
        from mt.qa.baseline import read_baseline

        baseline = read_baseline(baseline_path)
    reports = []
    # A run allocates millions of short-lived objects and few cycles: the youngest generation is
    # collected every 10,000 allocations, not every 700 (that, and the older collections it set
    # off, took a twentieth of a run of 100 releases). Both settings are undone at the end, for a
    # caller that runs the command in its own process (tests, scripts).
    threshold = gc.get_threshold()
    gc.set_threshold(10_000, 10, 10)
    try:
        # The glossary and its matcher live to the end of the run: made with the collector paused
        # and frozen before it resumes, no collection walks them (with 50,000 entries, the one
        # that resuming set off took 0.2 s).
        with collector_paused():
            glossary = None
            paths, origin = choose_glossary(glossaries, no_glossary, config)
            if paths is not None:
                glossary = load_glossary(paths or None)
                glossary.build_matcher()
            gc.freeze()
        with progress_reporter(enabled=not quiet and len(pairs) + len(bilingual) > 1) as progress:
            # What is alive after each file (the memos, the reports so far) lives to the end of
            # the run too: the collector need not walk it again for every file.
            for report in _reports(pairs, bilingual, glossary, config, encoding, lang):
                reports.append(report)
                gc.freeze()
                if progress is not None:
                    progress("checking translations", len(reports), len(pairs) + len(bilingual))
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
    run = CheckRun(
        tuple(reports),
        config,
        glossary.version if glossary is not None else "",
        glossary.paths if glossary is not None else (),
        origin,
    )
    if baseline_path is not None:
        run = _with_baseline(run, baseline_path, baseline)
    if output is not None:
        from mt.documents import write_atomic

        write_atomic(output, render(run, output_format))
        click.echo(verdict(run), err=True)
    else:
        color = output_format == "text" and sys.stdout.isatty()
        click.echo(render(run, output_format, color=color), nl=False, color=color)
    if run.failed:
        click.get_current_context().exit(1)


def _reports(
    pairs: list[tuple[Path, Path, str]],
    bilingual: list[Path],
    glossary: Glossary | None,
    config: CheckConfig,
    encoding: str,
    lang: str | None,
) -> Iterator[PairReport]:
    """The reports of the document pairs, then of each XLIFF file's pairs."""
    from mt.qa.bilingual import check_xliff
    from mt.qa.check import check_pairs

    yield from check_pairs(pairs, glossary, config, encoding=encoding)
    for path in bilingual:
        yield check_xliff(path, glossary, config, lang)


def choose_glossary(
    glossaries: tuple[Path, ...], no_glossary: bool, config: CheckConfig
) -> tuple[list[Path] | None, str]:
    """Which glossary ``mt check`` uses, and why (every report says both), first rule that applies:

    1. ``--no-glossary``, or the terminology check switched off: none;
    2. ``--glossary PATH`` (repeatable): those files and folders;
    3. a ``glossaries/`` folder in the working folder: the project's own, which replaces the
       shipped one (run from a repository's root, its glossary is the one that counts);
    4. the glossary shipped with mt.

    Returns the paths to load (``[]``: the shipped glossary; None: none) and the reason.
    """
    if no_glossary:
        return None, "--no-glossary"
    if "terminology" not in config.enabled:
        return None, "the terminology check is off"
    if glossaries:
        return list(glossaries), "--glossary"
    if Path("glossaries").is_dir():
        return [Path("glossaries")], "glossaries/ in the working folder, not the shipped one"
    return [], "shipped with mt: no --glossary, no glossaries/ in the working folder"


def _with_baseline(run: CheckRun, path: Path, baseline: Baseline | None) -> CheckRun:
    """``run`` less the findings the baseline at ``path`` accepts; with no ``baseline`` read,
    every finding of the run is written to ``path`` first, and so accepted."""
    from mt.qa.baseline import apply_baseline, read_baseline, write_baseline

    if baseline is None:
        count, kept = write_baseline(path, run.reports)
        written = f"{count} finding" + ("" if count == 1 else "s")
        others = f" beside {kept} kept for files not checked now" if kept else ""
        click.echo(f"mt check: {written} accepted, written to {path}{others}", err=True)
        baseline = read_baseline(path)
    waived = apply_baseline(run.reports, baseline)
    return replace(
        run,
        reports=waived.reports,
        baseline=str(path),
        accepted=waived.accepted,
        unused=waived.unused,
    )


def _check_config(path: Path | None) -> CheckConfig:
    from mt.core.config import load_config
    from mt.core.errors import Location
    from mt.qa.findings import config_from_table

    config = load_config(path)
    table = config.table("check")
    checks = config_from_table(table, Location(config.path) if config.path else None)
    if checks.baseline and config.path is not None:  # named relative to the config file
        checks = replace(checks, baseline=str(config.path.parent / checks.baseline))
    return checks
