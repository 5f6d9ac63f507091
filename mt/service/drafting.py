"""A document sent over HTTP into the sentences a translator decodes, and back.

The same steps as ``mt translate`` takes for a file, for a string: parse the format into units
(text, Markdown, HTML: inline markup as placeholders the decoder copies), split each unit into
sentences, ask the glossary (and the unit's protected spans) what each translation must hold,
then join each unit's translated sentences and render them into the document's template::

    plan = plan_document(text, "html", "fr", translator.requirements)
    translated = await batcher.submit("fr", plan.sentences, plan.terms)
    drafts = plan.unit_translations([t.text for t in translated])
    plan.document.render(drafts)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from mt.documents import Document, parse_document
from mt.documents.segmentation import split_sentences
from mt.terminology.terms import SegmentTerms

RequirementsFn = Callable[[str, str, Sequence[str]], SegmentTerms]
"""``requirements(sentence, lang, protected)``: :meth:`Translator.requirements
<mt.translation.pipeline.Translator.requirements>`."""


@dataclass(frozen=True)
class DocumentPlan:
    """A parsed document, its sentences in order (all units together), and where each unit's
    sentences start and end in that list."""

    document: Document
    sentences: tuple[str, ...]
    terms: tuple[SegmentTerms, ...]
    bounds: tuple[tuple[int, int], ...]  # per unit: (first sentence, one past its last)

    def unit_translations(self, translations: Sequence[str]) -> list[str]:
        """Each unit's translation: its sentences' translations joined by a space, as
        ``mt translate`` joins them (``split_sentences`` cuts at single spaces)."""
        return [" ".join(translations[start:end]) for start, end in self.bounds]

    def unit_outcomes(self, outcomes: Sequence[tuple[object, ...]]) -> list[list[object]]:
        """Each unit's term outcomes, its sentences' together."""
        return [
            [o for sentence in outcomes[start:end] for o in sentence] for start, end in self.bounds
        ]

    def render(self, translations: Sequence[str]) -> str:
        """The document with its sentences' translations in place of the Dutch."""
        return self.document.render(self.unit_translations(translations))


def plan_document(
    text: str, format: str, lang: str, requirements: RequirementsFn, *, source: str = "q"
) -> DocumentPlan:
    """Parse ``text`` (``format``: text, markdown or html) and list its sentences with their terms.
    A format error (:class:`~mt.core.errors.InputError`) names ``source`` and the line."""
    document = parse_document(text, format, source)
    sentences: list[str] = []
    terms: list[SegmentTerms] = []
    bounds: list[tuple[int, int]] = []
    for unit in document.units:
        start = len(sentences)
        for sentence in split_sentences(unit.text):
            if sentence.strip():
                sentences.append(sentence)
                terms.append(requirements(sentence, lang, unit.protected))
        bounds.append((start, len(sentences)))
    return DocumentPlan(document, tuple(sentences), tuple(terms), tuple(bounds))
