"""Scoring translations: BLEU, chrF, chrF++ and TER through sacrebleu, and terminology accuracy.

sacrebleu does all the maths, bootstrap and paired tests included; this module only builds its
metric objects the way its command line does, so that every number equals ``sacrebleu``'s to the
last digit and carries the same signature::

    >>> metrics = make_metrics(["bleu", "chrf++"], [["Le chat dort."]])   # doctest: +SKIP
    >>> [s.format(1) for s in corpus_scores(["Le chat dort."], metrics)]   # doctest: +SKIP
    ['BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 = 100.0 100.0/...', ...]

Terminology accuracy follows the WMT 2021 terminology task: of the glossary term occurrences found
in the source, the share whose approved target term (or a variant the glossary allows) appears
verbatim in the hypothesis, each occurrence needing one of its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mt.core.errors import InputError, Location

if TYPE_CHECKING:
    from sacrebleu.metrics.base import Metric

    from mt.terminology.glossary import Glossary
    from mt.terminology.terms import RequiredTerm

METRIC_NAMES = ("bleu", "chrf", "chrf++", "ter")
DOCUMENT_SUFFIXES = (".md", ".markdown", ".html", ".htm")


@dataclass(frozen=True)
class MetricOptions:
    """The knobs of sacrebleu's command line that ``mt score`` exposes (sacrebleu's defaults)."""

    tokenize: str | None = None  # BLEU tokenizer; None = sacrebleu's default (13a for ours)
    lowercase: bool = False  # case-insensitive BLEU and chrF
    ter_case_sensitive: bool = False


@dataclass(frozen=True)
class MetricScore:
    """One corpus or segment score, with the signature that says how it was made."""

    metric: str  # our name: "bleu", "chrf", "chrf++", "ter"
    name: str  # sacrebleu's: "BLEU", "chrF2", "chrF2++", "TER"
    score: float
    signature: str
    verbose: str = ""  # BLEU's n-gram precisions and brevity penalty
    ci_mean: float | None = None  # bootstrap estimate of the true mean ...
    ci: float | None = None  # ... and half the width of its 95% interval
    raw: Any = field(default=None, compare=False, repr=False)  # sacrebleu's Score

    def format(self, width: int = 1) -> str:
        """The line sacrebleu prints (``--format text``): ``BLEU|nrefs:1|... = 23.4 ...``."""
        return self.raw.format(width, signature=self.signature)

    def to_json(self) -> dict[str, Any]:
        data = {
            "metric": self.metric,
            "name": self.name,
            "score": self.score,
            "signature": self.signature,
        }
        if self.verbose:
            data["verbose"] = self.verbose
        if self.ci is not None:
            data["confidence_mean"] = self.ci_mean
            data["confidence_ci"] = self.ci
        return data


def parse_metrics(text: str) -> tuple[str, ...]:
    """``"bleu,chrf++"`` -> ``("bleu", "chrf++")``; an unknown name lists the known ones."""
    names = tuple(name.strip().lower() for name in text.split(",") if name.strip())
    unknown = [name for name in names if name not in METRIC_NAMES]
    if unknown or not names:
        raise InputError(
            f"unknown metric {', '.join(map(repr, unknown)) or '(none)'}: "
            f"choose from {', '.join(METRIC_NAMES)}"
        )
    return tuple(dict.fromkeys(names))


def make_metric(
    name: str,
    references: Sequence[Sequence[str]] | None = None,
    options: MetricOptions = MetricOptions(),
    *,
    sentence_level: bool = False,
) -> Metric:
    """sacrebleu's metric object for ``name``, built as its command line builds it."""
    from sacrebleu.metrics import BLEU, CHRF, TER

    if name == "bleu":
        # sacrebleu's CLI turns effective order on for sentence-level BLEU, so do we.
        try:
            return BLEU(
                lowercase=options.lowercase,
                tokenize=options.tokenize,
                effective_order=sentence_level,
                references=references,
            )
        except (OSError, ImportError) as error:  # (urllib's URLError is an OSError)
            raise _tokenizer_unavailable(options.tokenize or "13a", error) from None
    if name in ("chrf", "chrf++"):
        return CHRF(
            word_order=2 if name == "chrf++" else CHRF.WORD_ORDER,
            lowercase=options.lowercase,
            references=references,
        )
    if name == "ter":
        return TER(case_sensitive=options.ter_case_sensitive, references=references)
    raise InputError(f"unknown metric {name!r}: choose from {', '.join(METRIC_NAMES)}")


def _tokenizer_unavailable(tokenize: str, error: Exception) -> InputError:
    """Why a BLEU tokenizer could not be built, in a line: the SentencePiece ones (flores101,
    flores200, ...) download their model on first use, others need a package (mecab)."""
    if isinstance(error, ImportError):
        need = error.name or " ".join(str(error).split())
        return InputError(
            f"BLEU tokenizer {tokenize!r} needs a package that is not installed: {need}"
        )
    from sacrebleu.tokenizers import tokenizer_spm

    url = tokenizer_spm.SPM_MODELS.get(tokenize, {}).get("url", "")
    model = Path(tokenizer_spm.SACREBLEU_DIR) / "models" / Path(url).name
    reason = getattr(error, "reason", None) or getattr(error, "strerror", None) or error
    return InputError(
        f"BLEU tokenizer {tokenize!r} needs its SentencePiece model, which sacrebleu downloads on "
        f"first use, and the download failed ({reason}). Copy {model} from a machine that has "
        f"it (the sacrebleu command with -tok {tokenize} fetches it there, from {url}), or set "
        "SACREBLEU to a folder holding models/ with it; or choose a tokenizer that needs no "
        "download (13a, intl, char)"
    )


def make_metrics(
    names: Sequence[str],
    references: Sequence[Sequence[str]],
    options: MetricOptions = MetricOptions(),
) -> dict[str, Metric]:
    """One metric per name, each holding the references' statistics (computed once)."""
    return {name: make_metric(name, references, options) for name in names}


def _score_value(metric: str, score: Any, signature: str) -> MetricScore:
    has_ci = getattr(score, "_mean", -1.0) > 0
    return MetricScore(
        metric=metric,
        name=score.name,
        score=score.score,
        signature=signature,
        verbose=getattr(score, "_verbose", ""),
        ci_mean=score._mean if has_ci else None,
        ci=score._ci if has_ci else None,
        raw=score,
    )


def corpus_scores(
    hypotheses: Sequence[str], metrics: Mapping[str, Metric], *, confidence_n: int = 0
) -> list[MetricScore]:
    """Corpus scores of one system; ``confidence_n`` > 1 adds bootstrap 95% intervals (seeded by
    ``SACREBLEU_SEED``, 12345 by default, as in sacrebleu)."""
    results = []
    for name, metric in metrics.items():
        score = metric.corpus_score(
            list(hypotheses), None, n_bootstrap=confidence_n if confidence_n > 1 else 1
        )
        results.append(_score_value(name, score, metric.get_signature().format()))
    return results


def segment_scores(
    hypotheses: Sequence[str],
    references: Sequence[Sequence[str]],
    names: Sequence[str],
    options: MetricOptions = MetricOptions(),
) -> list[list[MetricScore]]:
    """Sentence-level scores: one list per segment, one score per metric (as ``sacrebleu -sl``)."""
    metrics = {name: make_metric(name, None, options, sentence_level=True) for name in names}
    rows = []
    for hypothesis, *segment_refs in zip(hypotheses, *references, strict=True):
        row = []
        for name, metric in metrics.items():
            score = metric.sentence_score(hypothesis, segment_refs)
            row.append(_score_value(name, score, metric.get_signature().format()))
        rows.append(row)
    return rows


@dataclass(frozen=True)
class PairedResult:
    """One system's score on one metric in a paired test against the baseline (the first system)."""

    system: str
    metric: str  # sacrebleu's name, e.g. "BLEU"
    score: float
    p_value: float | None  # None for the baseline
    mean: float | None
    ci: float | None


def paired_test(
    systems: Sequence[tuple[str, Sequence[str]]],
    metrics: Mapping[str, Metric],
    *,
    test: str = "bs",
    n_samples: int = 0,
) -> tuple[dict[str, str], list[PairedResult]]:
    """sacrebleu's paired bootstrap (``bs``) or approximate randomization (``ar``) test of every
    system against the first. Returns the signatures (with seed and trials) and one result per
    system and metric. ``n_samples`` 0 takes sacrebleu's defaults (1000 resamples, 10000 trials)."""
    from sacrebleu.significance import PairedTest

    if len(systems) < 2:
        raise InputError("a paired test needs two or more systems, the baseline first")
    named = [(name, list(hyps)) for name, hyps in systems]
    test_runner = PairedTest(
        named,
        dict(metrics),
        references=None,
        test_type=test,
        n_samples=n_samples,
    )
    signatures, table = test_runner()
    results = []
    for metric_name, column in table.items():
        if metric_name == "System":
            continue
        for system_name, result in zip(table["System"], column, strict=True):
            results.append(
                PairedResult(
                    system_name,
                    metric_name,
                    float(result.score),
                    _plain(result.p_value),
                    _plain(result.mean),
                    _plain(result.ci),
                )
            )
    return {name: sig.format() for name, sig in signatures.items()}, results


def _plain(value: Any) -> float | None:
    """sacrebleu's paired tests give numpy floats: as Python floats, they print as numbers
    (``29.54``, not ``np.float64(29.54)``) wherever they are written."""
    return None if value is None else float(value)


# --- reading what is scored -------------------------------------------------------------------


def read_segments(
    path: Path, *, encoding: str = "utf-8", document: bool | None = None
) -> list[str]:
    """The segments of ``path``: its lines, or for a document (.md, .html, or ``document=True``)
    the text of its translatable units, so that a translated document aligns with its reference."""
    from mt.evaluation.testsets import read_lines

    if document is None:
        document = path.suffix.lower() in DOCUMENT_SUFFIXES
    if document:
        from mt.documents import read_document

        if not path.is_file():
            raise InputError("file not found", Location(path))
        segments = [unit.text for unit in read_document(path, encoding=encoding).units]
    else:
        segments = read_lines(path, encoding=encoding)
    if not segments:
        raise InputError("file is empty: nothing to score", Location(path))
    return segments


def check_lengths(
    first: Path | str, first_lines: Sequence[str], other: Path | str, others: Sequence[str]
) -> None:
    """Aligned inputs must have as many segments each; the message names both and their counts."""
    if len(first_lines) != len(others):
        raise InputError(
            f"{first} has {len(first_lines)} segments but {other} has {len(others)}: "
            "they must be aligned line by line (same number of segments)"
        )


# --- terminology accuracy ---------------------------------------------------------------------


@dataclass(frozen=True)
class TermStat:
    """How often one glossary entry was found in the source, and kept in the hypothesis."""

    entry_id: str
    approved: str
    occurrences: int
    matched: int


@dataclass(frozen=True)
class TermAccuracy:
    """WMT 2021 exact-match terminology accuracy over a corpus, with a per-term breakdown."""

    lang: str
    glossary_version: str
    occurrences: int
    matched: int
    forbidden_found: int  # segments' forbidden target terms that appear in the hypothesis
    terms: tuple[TermStat, ...]

    @property
    def accuracy(self) -> float | None:
        """Percentage of source term occurrences whose target term was found; None without terms."""
        return 100.0 * self.matched / self.occurrences if self.occurrences else None

    @property
    def signature(self) -> str:
        return f"lang:{self.lang}|match:exact|glossary:{self.glossary_version}"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": "TermAcc",
            "score": self.accuracy,
            "signature": self.signature,
            "occurrences": self.occurrences,
            "matched": self.matched,
            "forbidden_found": self.forbidden_found,
            "terms": [vars(term) for term in self.terms],
        }


def terminology_accuracy(
    sources: Sequence[str], hypotheses: Sequence[str], glossary: Glossary, lang: str
) -> TermAccuracy:
    """For every occurrence of a glossary term in each source segment, does one of its approved
    target forms stand in the hypothesis? Exact match (no inflections beyond the variants the
    glossary lists). As in the WMT 2021 script, each occurrence is counted and needs an
    occurrence of its own in the hypothesis: "minister" twice in the source and "ministre" once
    in the translation is one of two."""
    from mt.terminology.matching import required_terms
    from mt.terminology.verification import verify

    occurrences: dict[str, int] = {}
    matched: dict[str, int] = {}
    approved: dict[str, str] = {}
    forbidden_found = 0
    for source, hypothesis in zip(sources, hypotheses, strict=True):
        matches = glossary.matches(source)
        if not matches:
            continue
        claimed: set[int] = set()  # where a hypothesis term starts that stood for an occurrence
        for match in matches:
            for term in required_terms([match], lang)[0]:
                approved.setdefault(
                    term.entry_id, term.alternatives[0] if term.alternatives else ""
                )
                occurrences[term.entry_id] = occurrences.get(term.entry_id, 0) + 1
                if _claim(hypothesis, term, lang, claimed):
                    matched[term.entry_id] = matched.get(term.entry_id, 0) + 1
        terms = glossary.requirements(source, lang)
        forbidden_found += len(verify(hypothesis, terms, lang, inflections=False).forbidden_found)
    stats = tuple(
        TermStat(entry_id, approved[entry_id], count, matched.get(entry_id, 0))
        for entry_id, count in sorted(occurrences.items())
    )
    return TermAccuracy(
        lang=lang,
        glossary_version=glossary.version,
        occurrences=sum(occurrences.values()),
        matched=sum(matched.values()),
        forbidden_found=forbidden_found,
        terms=stats,
    )


def _claim(hypothesis: str, term: RequiredTerm, lang: str, claimed: set[int]) -> bool:
    """Take the first occurrence of one of ``term``'s alternatives in ``hypothesis`` that no
    other source occurrence took yet; False when none is left."""
    from mt.terminology.verification import term_starts

    for alternative in term.alternatives:
        for start in term_starts(hypothesis, alternative, lang, term.case):
            if start not in claimed:
                claimed.add(start)
                return True
    return False
