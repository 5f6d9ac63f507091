"""Checks of bilingual files: an XLIFF file holds each Dutch source beside its translation, so its
pairs need no alignment. Each unit with a target is one :class:`~mt.qa.check.SegmentPair`, located
at the lines of its ``<source>`` and ``<target>``; a unit to translate that has no target yet is a
``segment-missing`` finding, and units marked ``translate="no"`` are not checked. Each finding's
message names its unit (``unit "4": ...``; a segment of a segmented unit: ``unit "4", segment
"2": ...``) so that a translator finds it in the CAT tool, which shows ids rather than lines."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from mt.core.errors import InputError, Location
from mt.qa.check import PairReport, SegmentPair, check_segment
from mt.qa.findings import CheckConfig

if TYPE_CHECKING:
    from mt.terminology.glossary import Glossary


def check_xliff(
    path: Path,
    glossary: Glossary | None = None,
    config: CheckConfig | None = None,
    lang: str | None = None,
) -> PairReport:
    """The findings of every source/target pair in the XLIFF file ``path``; the language is the
    file's target language (``lang`` where it names none)."""
    from mt.documents.xliff import read_xliff

    config = config or CheckConfig()
    document = read_xliff(path)
    target_lang = document.target_lang or lang
    if target_lang is None:
        raise InputError("the file names no target language; pass --lang", Location(path))
    findings = []
    segments = 0
    for unit in document.units:
        if not unit.translatable or not unit.has_words:
            continue
        segments += 1
        target = unit.target
        pair = SegmentPair(
            unit.source.text,
            target.text if target is not None else None,
            Location(document.source, unit.source.line),
            Location(document.source, target.line if target is not None else unit.source.line),
            unit.source.kind,
            target.kind if target is not None else unit.source.kind,
            unit.source.protected,
        )
        terms = None
        if glossary is not None and target is not None and "terminology" in config.enabled:
            terms = glossary.requirements(unit.source.text, target_lang)
        where = _unit_name(unit.id, unit.segment)
        findings.extend(
            replace(finding, message=f"{where}: {finding.message}")
            for finding in check_segment(pair, target_lang, terms, config)
        )
    return PairReport(document.source, document.source, target_lang, segments, tuple(findings))


def _unit_name(unit_id: str, segment: str) -> str:
    if segment:  # (a segmented 1.2 unit: the id is "unit/mid")
        return f'unit "{unit_id.removesuffix("/" + segment)}", segment "{segment}"'
    return f'unit "{unit_id}"'


__all__ = ["check_xliff"]
