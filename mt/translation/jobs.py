"""Translating XLIFF jobs: the units a CAT tool left empty, pre-translated and reported in place.

The order of work is the documents' (read every input and plan every output before a model loads,
translate the sentences of all files pooled per language, write only when all is done), with what
XLIFF adds: only units without a target (or every unit, ``retranslate``) that may be translated
are filled; each gets a state saying how it was made (machine translation, or an exact match of a
translation memory) and a note with its term report and QA findings (:mod:`mt.qa.check`)::

    summary = translate_xliff(translator, [Path("job.nl.xlf")], None)   # the file's language
    summary.documents[0].output                                          # job.fr.xlf
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mt.core.errors import InputError, Location
from mt.translation.pipeline import _UnitsView
from mt.translation.results import DocumentResult, SegmentBatchResult, Summary, TermOutcome

if TYPE_CHECKING:
    from mt.documents.xliff import XliffDocument
    from mt.qa.findings import CheckConfig, Finding
    from mt.translation.pipeline import Translator


@dataclass(frozen=True)
class _Job:
    document: XliffDocument
    lang: str
    output: Path
    units: tuple[int, ...]  # the units to fill
    segments: tuple[tuple[str, ...], ...]  # each unit's sentences


def translate_xliff(
    translator: Translator,
    inputs: Sequence[Path | str],
    langs: Sequence[str] | None,
    out_dir: Path | str | None = None,
    *,
    retranslate: bool = False,
    overwrite: bool = False,
) -> Summary:
    """Pre-translate each XLIFF file of ``inputs`` into its target language (``langs`` where the
    file names none; a file that names one accepts no other) and write ``<stem>.<lang>.xlf``:
    planned before any work and written all or none, as documents are
    (:mod:`mt.documents.outputs`; ``overwrite`` replaces files mt did not write)."""
    from mt.documents import output_path
    from mt.documents.outputs import Planned, plan_outputs, write_outputs
    from mt.documents.xliff import read_xliff
    from mt.engines.models import check_langs

    started = time.perf_counter()
    documents = [read_xliff(path) for path in dict.fromkeys(map(Path, inputs))]
    asked = check_langs(langs) if langs else []
    jobs: list[_Job] = []
    for document in documents:
        for lang in _languages(document, asked):
            output = output_path(Path(document.source), lang, Path(out_dir) if out_dir else None)
            if output.resolve() == Path(document.source).resolve():
                raise InputError(
                    f"the {lang} translation would overwrite its own input; rename the input "
                    "(e.g. job.nl.xlf) or use --out",
                    Location(document.source),
                )
            units = tuple(document.pending(retranslate))
            if not units:
                translator.warnings.append(
                    f"{document.source}: no unit to translate (each has a target, may not be "
                    "translated, or holds no words); written unchanged"
                    + ("" if retranslate else "; --retranslate translates them again")
                )
            segments = tuple(
                tuple(translator._unit_segments(document.units[i].source.text, [lang]))
                for i in units
            )
            twin = next((job for job in jobs if job.output.resolve() == output.resolve()), None)
            if twin is not None:
                raise InputError(
                    f"{document.source} and {twin.document.source} would both be translated into "
                    f"{output}; rename one, or translate them in separate runs",
                    Location(document.source),
                )
            jobs.append(_Job(document, lang, output, units, segments))
    if out_dir is not None:
        from mt.translation.pipeline import _check_writable

        _check_writable(Path(out_dir))  # before any model loads
    plan_outputs(
        [Planned(str(job.document.source), job.lang, job.output) for job in jobs],
        [Path(document.source) for document in documents],
        overwrite=overwrite,
    )
    all_langs = list(dict.fromkeys(job.lang for job in jobs))
    translator.specs(all_langs)  # an unknown language or a bad --model fails before any work
    if translator.options.terms != "off":
        _ = translator.glossary  # a broken glossary too
    check_config = _check_config(translator)

    rendered: list[tuple[Path, str]] = []
    results: list[DocumentResult] = []
    batches: list[SegmentBatchResult] = []
    for lang in all_langs:
        lang_jobs = [job for job in jobs if job.lang == lang]
        # The units to fill, pooled as the documents' units are (markup carried the same way).
        views = [
            _UnitsView(tuple(job.document.units[index].source for index in job.units))
            for job in lang_jobs
        ]
        batch, _ = translator._translate_pooled(views, [job.segments for job in lang_jobs], lang)
        batches.append(batch)
        position = 0
        for job in lang_jobs:
            text, result, position = _fill(translator, job, batch, position, check_config)
            rendered.append((job.output, text))
            results.append(result)

    # Only now, with every translation done, does anything get written.
    write_started = time.perf_counter()
    write_outputs(rendered)
    return translator.summary(results, all_langs, batches, started, write_started)


def _languages(document: XliffDocument, asked: Sequence[str]) -> list[str]:
    """The languages to translate ``document`` into: its own, or those asked."""
    if document.target_lang is not None:
        if asked and asked != [document.target_lang]:
            raise InputError(
                f"the file's target language is {document.target_lang}, but --to asks for "
                f"{','.join(asked)}; leave --to out, or export the job for that language",
                Location(document.source),
            )
        return [document.target_lang]
    if not asked:
        raise InputError(
            "the file names no target language; give one with --to", Location(document.source)
        )
    return list(asked)


def _fill(
    translator: Translator,
    job: _Job,
    batch: SegmentBatchResult,
    position: int,
    config: CheckConfig,
) -> tuple[str, DocumentResult, int]:
    """One job's file, its units filled from the pooled ``batch`` (from ``position`` on).

    The file is rendered twice: the QA findings in each note are those of the target as written
    (codes the translation lost are appended by then), read back as ``mt check`` reads it.
    """
    from mt.documents.xliff import Fill, parse_xliff
    from mt.qa.check import SegmentPair, check_segment

    fills = {}
    made: dict[int, tuple[str, int, int, list[TermOutcome], str]] = {}
    outcomes: list[TermOutcome] = []
    first = position
    document = job.document
    for index, sentences in zip(job.units, job.segments, strict=True):
        last = position + len(sentences)
        translation = " ".join(batch.translations[position:last])
        unit_outcomes = [o for segment in batch.outcomes[position:last] for o in segment]
        remembered = batch.from_memory[position:last]
        origin = "memory" if remembered and all(remembered) else "mt"
        position = last
        outcomes.extend(unit_outcomes)
        fills[index] = Fill(translation, origin, "")
        # where the memory's first sentence of the unit came from, for the translator
        found = [
            translator.memory.lookup(s, job.lang)
            for s, hit in zip(sentences, remembered, strict=True)
            if hit
        ]
        where = next((f"{e.document}:{e.line}" for e in found if e and e.document), "")
        made[index] = (origin, sum(remembered), len(sentences), unit_outcomes, where)
    written = parse_xliff(document.render(fills, job.lang).encode("utf-8"), document.source)
    for index, fill in list(fills.items()):
        source, target = written.units[index].source, written.units[index].target
        terms = None
        if translator.options.terms != "off":
            terms = translator.glossary.requirements(source.text, job.lang)
        pair = SegmentPair(
            source.text,
            target.text if target is not None else "",
            Location(document.source, source.line),
            Location(str(job.output), target.line if target is not None else None),
            protected=source.protected,
        )
        findings = check_segment(pair, job.lang, terms, config)
        origin, remembered, sentences, unit_outcomes, where = made[index]
        note = _note(origin, remembered, sentences, unit_outcomes, findings, where)
        fills[index] = Fill(fill.translation, fill.origin, note)
    text = document.render(fills, job.lang)
    result = DocumentResult(
        document.source,
        job.lang,
        str(job.output),
        units=len(job.units),
        segments=position - first,
        cache_hits=sum(batch.cached[first:position]),
        outcomes=tuple(outcomes),
        memory_hits=sum(batch.from_memory[first:position]),
    )
    return text, result, position


def _note(
    origin: str,
    remembered: int,
    sentences: int,
    outcomes: Sequence[TermOutcome],
    findings: Sequence[Finding],
    where: str = "",
) -> str:
    """The unit's note: how its target was made (from the memory: where the match came from),
    its term report, its QA findings."""
    from mt.translation.pipeline import _KEEP

    if origin == "memory":
        lines = ["mt: exact match from the translation memory" + (f" ({where})" if where else "")]
    elif remembered:
        lines = [f"mt: machine translation ({remembered} of {sentences} sentences from memory)"]
    else:
        lines = ["mt: machine translation"]
    applied = [o.entry_id for o in outcomes if o.status == "applied" and not _is_keep(o, _KEEP)]
    if applied:
        lines.append("terms applied: " + ", ".join(dict.fromkeys(applied)))
    for outcome in outcomes:
        if outcome.status != "applied" and not _is_keep(outcome, _KEEP):
            lines.append(
                f"term {outcome.status}: {outcome.entry_id} ({outcome.source_text!r}): "
                f"{outcome.detail}"
            )
    for finding in findings:
        lines.append(f"check {finding.severity}: {finding.code}: {finding.message}")
    if len(lines) == 1:
        lines.append("no glossary term, no QA finding")
    return "\n".join(lines)


def _is_keep(outcome: TermOutcome, prefix: str) -> bool:
    return outcome.entry_id.startswith(prefix)


def _check_config(translator: Translator) -> CheckConfig:
    from mt.core.errors import Location as Where
    from mt.qa.findings import config_from_table

    config = translator.config
    return config_from_table(config.table("check"), Where(config.path) if config.path else None)


__all__ = ["translate_xliff"]
