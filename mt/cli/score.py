"""``mt score``: BLEU, chrF, chrF++, TER (as sacrebleu computes them) and terminology accuracy."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from mt.cli import require_extras
from mt.cli.options import glossary_option
from mt.core.errors import InputError
from mt.evaluation.score import (
    METRIC_NAMES,
    MetricOptions,
    MetricScore,
    PairedResult,
    TermAccuracy,
    check_lengths,
    corpus_scores,
    make_metrics,
    paired_test,
    parse_metrics,
    read_segments,
    segment_scores,
    terminology_accuracy,
)

# mt.documents.TRANSLATION_LANGS, written out so that starting mt score reads no document module
# (a test keeps the two equal)
LANGS = ("fr", "de", "en")


@click.command()
@click.argument("hypotheses", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-r",
    "--reference",
    "references",
    multiple=True,
    required=True,
    type=click.Path(path_type=Path),
    help="Reference translation; repeat for several references.",
)
@click.option(
    "-m",
    "--metrics",
    default=",".join(METRIC_NAMES),
    show_default=True,
    help="Comma-separated metrics: " + ", ".join(METRIC_NAMES) + ".",
)
@click.option("-tok", "--tokenize", default=None, help="BLEU tokenizer (sacrebleu's; default 13a).")
@click.option("-lc", "--lowercase", is_flag=True, help="Case-insensitive BLEU and chrF.")
@click.option("--ter-case-sensitive", is_flag=True, help="Case-sensitive TER.")
@click.option("--per-segment", is_flag=True, help="Also print each segment's scores.")
@click.option("--confidence", is_flag=True, help="Bootstrap 95% confidence intervals.")
@click.option(
    "--confidence-n",
    type=click.IntRange(min=2),
    default=1000,
    show_default=True,
    help="Bootstrap resamples (with --confidence).",
)
@click.option("--paired-bs", is_flag=True, help="Paired bootstrap test against the first system.")
@click.option("--paired-ar", is_flag=True, help="Paired approximate randomization test.")
@click.option(
    "--paired-n",
    type=click.IntRange(min=1),
    default=None,
    help="Resamples (bs, default 1000) or trials (ar, default 10000).",
)
@glossary_option("Glossary file or folder, for terminology accuracy (needs --source).")
@click.option("--source", type=click.Path(path_type=Path), help="The Dutch source, aligned.")
@click.option(
    "--lang",
    type=click.Choice(LANGS, case_sensitive=False),
    help="Target language, for terminology accuracy; default: from the file names.",
)
@click.option(
    "--input-format",
    type=click.Choice(["auto", "lines", "document"]),
    default="auto",
    show_default=True,
    help="Line files, or documents aligned by their units (auto: .md/.html are documents).",
)
@click.option("--encoding", default="utf-8", show_default=True)
@click.option(
    "--format", "output_format", type=click.Choice(["table", "tsv", "json"]), default="table"
)
@click.option(
    "-w", "--width", type=click.IntRange(min=0), default=1, show_default=True, help="Decimals."
)
def command(
    hypotheses: tuple[Path, ...],
    references: tuple[Path, ...],
    metrics: str,
    tokenize: str | None,
    lowercase: bool,
    ter_case_sensitive: bool,
    per_segment: bool,
    confidence: bool,
    confidence_n: int,
    paired_bs: bool,
    paired_ar: bool,
    paired_n: int | None,
    glossaries: tuple[Path, ...],
    source: Path | None,
    lang: str | None,
    input_format: str,
    encoding: str,
    output_format: str,
    width: int,
) -> None:
    """Score translations HYPOTHESES against references, exactly as sacrebleu does.

    With several systems, --paired-bs or --paired-ar tests each against the first (the baseline).
    With --glossary and --source, also reports terminology accuracy (WMT 2021, exact match).
    """
    require_extras("score")
    names = parse_metrics(metrics)
    if paired_bs and paired_ar:
        raise click.UsageError("choose one of --paired-bs and --paired-ar")
    paired = "bs" if paired_bs else "ar" if paired_ar else None
    if paired and len(hypotheses) < 2:
        raise click.UsageError("a paired test needs two or more systems, the baseline first")
    if confidence and len(hypotheses) > 1:
        raise click.UsageError("--confidence scores one system; compare systems with --paired-bs")
    if per_segment and len(hypotheses) > 1:
        raise click.UsageError("--per-segment scores one system at a time")
    if glossaries and source is None:
        raise click.UsageError("terminology accuracy (--glossary) needs the source: --source SRC")
    # An option that would change nothing is a mistake to point out, not to pass over.
    if paired_n is not None and not paired:
        raise click.UsageError("--paired-n sets the paired test: add --paired-bs or --paired-ar")
    if _given("confidence_n") and not confidence:
        raise click.UsageError("--confidence-n sets the bootstrap: add --confidence")
    options = _metric_options(tokenize, lowercase, ter_case_sensitive)
    document = None if input_format == "auto" else input_format == "document"

    def read(path: Path) -> list[str]:
        return read_segments(path, encoding=encoding, document=document)

    systems = [(str(path), read(path)) for path in hypotheses]
    refs = [read(path) for path in references]
    for name, lines in systems:
        for ref_path, ref_lines in zip(references, refs, strict=True):
            check_lengths(name, lines, ref_path, ref_lines)
    metric_objects = make_metrics(names, refs, options)

    report: dict[str, Any] = {"systems": []}
    if paired:
        signatures, results = paired_test(
            systems, metric_objects, test=paired, n_samples=paired_n or 0
        )
        report["paired"] = {"test": paired, "signatures": signatures}
        for name, _ in systems:
            rows = [r for r in results if r.system.removeprefix("Baseline: ") == name]
            report["systems"].append({"system": name, "paired": rows})
    else:
        for name, lines in systems:
            scores = corpus_scores(lines, metric_objects, confidence_n=confidence_n * confidence)
            report["systems"].append({"system": name, "scores": scores})
    if glossaries:
        sources = read(source)  # type: ignore[arg-type]
        target = lang.lower() if lang else _language_from_names(hypotheses)
        glossary = _load_glossary(glossaries)
        for entry, (name, lines) in zip(report["systems"], systems, strict=True):
            check_lengths(source, sources, name, lines)  # type: ignore[arg-type]
            entry["terminology"] = terminology_accuracy(sources, lines, glossary, target)
    if per_segment:
        report["segments"] = segment_scores(systems[0][1], refs, names, options)

    emit = {"table": _print_table, "tsv": _print_tsv, "json": _print_json}[output_format]
    emit(report, width)


def _given(name: str) -> bool:
    """Whether the person gave option ``name`` (not its default)."""
    source = click.get_current_context().get_parameter_source(name)
    return source is not None and source is not click.core.ParameterSource.DEFAULT


def _metric_options(tokenize: str | None, lowercase: bool, ter_case: bool) -> MetricOptions:
    from sacrebleu.metrics import BLEU

    if tokenize is not None and tokenize not in BLEU.TOKENIZERS:
        raise click.BadParameter(
            f"{tokenize!r}; choose from {', '.join(BLEU.TOKENIZERS)}", param_hint="--tokenize"
        )
    return MetricOptions(tokenize=tokenize, lowercase=lowercase, ter_case_sensitive=ter_case)


def _language_from_names(paths: Sequence[Path]) -> str:
    from mt.documents import language_of

    found = {language_of(path) for path in paths}
    if len(found) == 1 and None not in found:
        return found.pop()  # type: ignore[return-value]
    raise InputError(
        "cannot tell the target language from the file names "
        f"({', '.join(map(str, paths))}): give --lang fr, de or en"
    )


def _load_glossary(paths: Sequence[Path]) -> Any:
    from mt.terminology.glossary import load_glossary

    return load_glossary(list(paths))


# --- output: the only place that formats for people -----------------------------------------


def _term_line(terms: TermAccuracy, width: int) -> str:
    value = "n/a" if terms.accuracy is None else f"{terms.accuracy:.{width}f}"
    return (
        f"TermAcc|{terms.signature} = {value} ({terms.matched}/{terms.occurrences} term "
        f"occurrences; {terms.forbidden_found} forbidden terms found)"
    )


def _paired_cell(result: PairedResult, width: int) -> str:
    cell = f"{result.score:.{width}f}"
    if result.mean is not None and result.ci is not None:
        cell += f" (μ = {result.mean:.{width}f} ± {result.ci:.{width}f})"
    if result.p_value is not None:
        star = "*" if result.p_value < 0.05 else ""
        cell += f" (p = {result.p_value:.4f}){star}"
    return cell


def _print_table(report: dict[str, Any], width: int) -> None:
    systems = report["systems"]
    if len(systems) == 1 and "scores" in systems[0]:
        for score in systems[0]["scores"]:
            click.echo(score.format(width))
    else:
        _print_grid(report, width)
    for entry in systems:
        terms = entry.get("terminology")
        if terms is None:
            continue
        prefix = f"{entry['system']}: " if len(systems) > 1 else ""
        click.echo(prefix + _term_line(terms, width))
        for term in terms.terms:
            click.echo(
                f"  {term.entry_id:<24} {term.approved:<32} {term.matched}/{term.occurrences}"
            )
    for number, row in enumerate(report.get("segments", []), 1):
        cells = "  ".join(f"{score.name} = {score.score:.{width}f}" for score in row)
        click.echo(f"segment {number}: {cells}")


def _print_grid(report: dict[str, Any], width: int) -> None:
    header = ["System"]
    rows = []
    signatures: dict[str, str] = {}
    for entry in report["systems"]:
        cells = [entry["system"]]
        if "paired" in entry:
            results = entry["paired"]
            header[1:] = [result.metric for result in results]
            cells += [_paired_cell(result, width) for result in results]
        else:
            header[1:] = [score.name for score in entry["scores"]]
            cells += [f"{score.score:.{width}f}" for score in entry["scores"]]
            signatures.update({score.name: score.signature for score in entry["scores"]})
        rows.append(cells)
    if "paired" in report:
        signatures = report["paired"]["signatures"]
        rows[0][0] = f"Baseline: {rows[0][0]}"
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        click.echo("  ".join(cell.ljust(size) for cell, size in zip(row, widths, strict=True)))
    if "paired" in report:
        test = "bootstrap resampling" if report["paired"]["test"] == "bs" else "approximate "
        click.echo(
            f"\nPaired {test.strip()} test against the baseline; p < 0.05 (marked *) means the "
            "difference is unlikely to be chance."
        )
    click.echo("\nMetric signatures:")
    for name, signature in signatures.items():
        click.echo(f" - {name:<10} {signature}")


def _print_tsv(report: dict[str, Any], width: int) -> None:
    click.echo("\t".join(["system", "metric", "score", "ci_mean", "ci", "p_value", "signature"]))
    signatures = report.get("paired", {}).get("signatures", {})

    def cell(value: float | None) -> str:
        return "" if value is None else repr(float(value))  # a number, whatever its type

    for entry in report["systems"]:
        for score in entry.get("scores", []):
            fields = [score.name, cell(score.score), cell(score.ci_mean), cell(score.ci), ""]
            click.echo("\t".join([entry["system"], *fields, score.signature]))
        for result in entry.get("paired", []):
            fields = [result.metric, cell(result.score), cell(result.mean), cell(result.ci)]
            fields += [cell(result.p_value), signatures.get(result.metric, "")]
            click.echo("\t".join([entry["system"], *fields]))
        terms = entry.get("terminology")
        if terms is not None:
            fields = ["TermAcc", cell(terms.accuracy), "", "", "", terms.signature]
            click.echo("\t".join([entry["system"], *fields]))
    for number, row in enumerate(report.get("segments", []), 1):
        for score in row:
            fields = [f"segment:{number}", score.name, cell(score.score), "", "", ""]
            click.echo("\t".join([*fields, score.signature]))


def _print_json(report: dict[str, Any], width: int) -> None:
    def encode(value: Any) -> Any:
        if isinstance(value, MetricScore | TermAccuracy):
            return value.to_json()
        if isinstance(value, PairedResult):
            return vars(value)
        if isinstance(value, dict):
            return {key: encode(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [encode(item) for item in value]
        return value

    click.echo(json.dumps(encode(report), indent=1, ensure_ascii=False))
