"""``mt check`` for what a client sends: findings and glossary-term marks, for a whole document
(``POST /check``) or for one segment as a translator edits it (the post-editing page).

A term mark says what the page highlights: the Dutch text of a glossary entry in the source, and
in the translation the approved term found (``applied``), nothing (``missing``: the approved term
is absent) or a forbidden term (``forbidden``)::

    review_segment("Daesh is verslagen.", "L'État islamique est vaincu.", "fr", glossary)
    # terms: [{"entry": "daesh", "status": "missing", "source_text": "Daesh", ...},
    #         {"entry": "", "status": "forbidden", "target_text": "État islamique", ...}]
    # findings: missing-term, forbidden-term
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from mt.core.errors import Location
from mt.documents import parse_document
from mt.qa.check import (
    CheckConfig,
    Finding,
    PairReport,
    SegmentPair,
    check_documents,
    check_segment,
)
from mt.qa.reporting import CheckRun, format_json
from mt.terminology.glossary import Glossary
from mt.terminology.terms import NO_TERMS, SegmentTerms
from mt.terminology.verification import verify


@dataclass(frozen=True)
class TermMark:
    """One glossary term to highlight in a segment pair."""

    entry: str
    status: str  # applied | missing | forbidden
    source_text: str  # the Dutch that matched ("" for a forbidden term)
    target_text: str  # what the translation holds of it ("" when missing or inflected)

    def as_dict(self) -> dict[str, str]:
        return {
            "entry": self.entry,
            "status": self.status,
            "source_text": self.source_text,
            "target_text": self.target_text,
        }


def term_marks(translation: str, terms: SegmentTerms, lang: str) -> list[TermMark]:
    """What the page highlights: each required term, applied or missing, and each forbidden term
    the translation holds (inflected forms count, as in ``mt check``)."""
    if not terms:
        return []
    verification = verify(translation, terms, lang, inflections=True)
    missing = {term.entry_id for term in verification.missing}
    marks = []
    folded = _fold(translation)
    for term in terms.required:
        if term.entry_id in missing:
            marks.append(TermMark(term.entry_id, "missing", term.source_text, ""))
            continue
        shown = next(
            filter(None, (_find(translation, folded, alt) for alt in term.alternatives)), ""
        )
        marks.append(TermMark(term.entry_id, "applied", term.source_text, shown))
    # The glossary lists a forbidden term's spellings ("État islamique", "Etat islamique"): one
    # mark for each text the translation holds.
    shown_forbidden = dict.fromkeys(
        _find(translation, folded, term) or term for term in verification.forbidden_found
    )
    marks.extend(TermMark("", "forbidden", "", text) for text in shown_forbidden)
    return marks


def _fold(text: str) -> str:
    """``text`` in lower case without accents, one character for one (offsets stay valid)."""
    return "".join(unicodedata.normalize("NFD", char)[0] for char in text.lower())


def _find(text: str, folded: str, term: str) -> str:
    """``term`` as ``text`` writes it (case and accents aside); "" when it is not there as such."""
    needle = _fold(term)
    start = folded.find(needle) if needle else -1
    return text[start : start + len(needle)] if start >= 0 else ""


def findings_as_json(findings: Sequence[Finding], lang: str) -> list[dict[str, object]]:
    """Findings as ``mt check --format json`` writes them (its ``files[].findings[]`` items), made
    by that formatter itself so that the two layouts cannot drift apart."""
    if not findings:
        return []
    report = PairReport("source", "translation", lang, 1, tuple(findings))
    document = json.loads(format_json(CheckRun((report,), CheckConfig())))
    return document["files"][0]["findings"]


@dataclass(frozen=True)
class SegmentReview:
    """A segment pair's findings and term marks."""

    findings: tuple[dict[str, object], ...]
    terms: tuple[TermMark, ...]

    def as_dict(self) -> dict[str, object]:
        return {"findings": list(self.findings), "terms": [t.as_dict() for t in self.terms]}


def review_segment(
    source: str,
    translation: str,
    lang: str,
    glossary: Glossary | None,
    *,
    kind: str = "paragraph",
    protected: Sequence[str] = (),
    line: int | None = None,
    config: CheckConfig | None = None,
) -> SegmentReview:
    """The findings of ``mt check`` for one unit and its translation, and the term marks."""
    terms = glossary.requirements(source, lang) if glossary is not None else NO_TERMS
    pair = SegmentPair(
        source,
        translation,
        Location("source", line),
        Location("translation", line),
        kind,
        kind,
        tuple(protected),
    )
    findings = check_segment(pair, lang, terms, config or CheckConfig())
    return SegmentReview(
        tuple(findings_as_json(findings, lang)),
        tuple(term_marks(translation, terms, lang)),
    )


def check_document_texts(
    source: str,
    translation: str,
    lang: str,
    format: str,
    glossary: Glossary | None,
    config: CheckConfig | None = None,
) -> dict[str, object]:
    """``mt check --format json`` for a source and a translation given as strings."""
    config = config or CheckConfig()
    report = check_documents(
        parse_document(source, format, "source", template=False),
        parse_document(translation, format, "translation", template=False),
        lang,
        glossary,
        config,
    )
    run = CheckRun((report,), config, glossary.version if glossary is not None else "")
    return json.loads(format_json(run))
