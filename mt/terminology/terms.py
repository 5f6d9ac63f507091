"""What a segment's translation must hold, as plain strings: the contract between the glossary
(which finds terms in the Dutch source) and everything downstream (constrained decoding, the
fast-path verifier, ``mt check``, ``mt score``'s terminology accuracy, the report).

A :class:`RequiredTerm` is met when any one of its ``alternatives`` appears in the translation
(disjunctive: "Daech" or "Daesh" where both are allowed). ``forbidden`` strings must not appear.
The placeholders that carry a document's inline markup are required terms too (``placeholder``:
written once, a closing one ``after`` its opening one), so every decoder enforces them the way it
enforces glossary terms.
Decoders turn these strings into token sequences with the *target* tokenizer themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class CasePolicy(StrEnum):
    """How strictly a term's letter case must be kept."""

    EXACT = "exact"  # as written, except that the first letter may be capitalised at sentence start
    STRICT = "strict"  # as written, even at sentence start (acronyms, brand names: "F-16", "USD")
    IGNORE = "ignore"  # any case


@dataclass(frozen=True)
class RequiredTerm:
    """One glossary entry matched in the source: the translation must contain one alternative."""

    entry_id: str
    source_text: str  # the Dutch text that matched, as it stands in the source
    alternatives: tuple[str, ...]  # approved term first, then the allowed variants
    case: CasePolicy = CasePolicy.EXACT
    copy: bool = False  # a do-not-translate entry: the alternatives are the source form itself
    # A markup placeholder (``[1]``, ``[/1]``, ``[2/]``): written exactly once, never out of its
    # turn, and free to touch the words around it (a term may not have letters glued on).
    placeholder: bool = False
    after: str = ""  # entry id that must be written first (a closing placeholder's opener)


@dataclass(frozen=True)
class SegmentTerms:
    """Everything the glossary asks of one segment's translation into one language."""

    required: tuple[RequiredTerm, ...] = ()
    forbidden: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.required or self.forbidden)


NO_TERMS = SegmentTerms()
