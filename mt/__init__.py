"""mt: Dutch press releases into French, German and English with MarianMT, the glossary obeyed,
the result checked and scored.

The public API, imported on first use so that ``import mt`` reads no module beyond this one (``mt
check`` and ``mt --help`` start fast, and a core install without torch can use the light half)::

    import mt

    with mt.Translator(mt.TranslateOptions(terms="enforce")) as translator:
        summary = translator.translate_documents([Path("release.nl.md")], ["fr", "de", "en"])

    glossary = mt.load_glossary()                      # the shipped glossaries/
    report = mt.check_files(Path("release.nl.md"), Path("release.fr.md"), "fr", glossary)
    metrics = mt.make_metrics(("bleu", "chrf"), [references])
    scores = mt.corpus_scores(hypotheses, metrics)

The parts below are importable on their own too; each subpackage's docstring says what it holds
and which parts it may import (``pyproject.toml``'s import-linter contracts check it):

- :mod:`mt.core`: errors and configuration
- :mod:`mt.documents`: document formats, sentence splitting, alignment
- :mod:`mt.terminology`: the glossary, its formats, term matching and verification
- :mod:`mt.qa`: ``mt check``'s findings, figures, baselines and reports
- :mod:`mt.engines`: models, constrained search, backends (the only part that imports torch)
- :mod:`mt.translation`: the pipeline, the translation cache, the results of a run
- :mod:`mt.evaluation`: scores, test sets, ``mt bench``
- :mod:`mt.service`: ``mt serve``, the HTTP service (LibreTranslate's API) and the post-editing page
- :mod:`mt.cli`: the command line, built on this API
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# public name -> the module that defines it. Strings, not imports: nothing loads until a name is
# used, and the import contracts see no edge from this package to the engines.
_API = {
    "Translator": "mt.translation.pipeline",
    "TranslateOptions": "mt.translation.pipeline",
    "Summary": "mt.translation.results",
    "check_files": "mt.qa.check",
    "check_pairs": "mt.qa.check",
    "check_documents": "mt.qa.check",
    "CheckConfig": "mt.qa.findings",
    "Finding": "mt.qa.findings",
    "PairReport": "mt.qa.check",
    "load_glossary": "mt.terminology.glossary",
    "Glossary": "mt.terminology.glossary",
    "verify": "mt.terminology.verification",
    "read_document": "mt.documents",
    "corpus_scores": "mt.evaluation.score",
    "segment_scores": "mt.evaluation.score",
    "make_metrics": "mt.evaluation.score",
    "terminology_accuracy": "mt.evaluation.score",
    "MtError": "mt.core.errors",
    "InputError": "mt.core.errors",
}

__all__ = [
    "CheckConfig",
    "Finding",
    "Glossary",
    "InputError",
    "MtError",
    "PairReport",
    "Summary",
    "TranslateOptions",
    "Translator",
    "check_documents",
    "check_files",
    "check_pairs",
    "corpus_scores",
    "load_glossary",
    "make_metrics",
    "read_document",
    "segment_scores",
    "terminology_accuracy",
    "verify",
]

if TYPE_CHECKING:
    from mt.core.errors import InputError, MtError
    from mt.documents import read_document
    from mt.evaluation.score import (
        corpus_scores,
        make_metrics,
        segment_scores,
        terminology_accuracy,
    )
    from mt.qa.check import PairReport, check_documents, check_files, check_pairs
    from mt.qa.findings import CheckConfig, Finding
    from mt.terminology.glossary import Glossary, load_glossary
    from mt.terminology.verification import verify
    from mt.translation.pipeline import TranslateOptions, Translator
    from mt.translation.results import Summary


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'mt' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # the next access is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
