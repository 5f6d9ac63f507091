"""Engines: the model registry and loading (:mod:`.models`), glossary-constrained beam search
(:mod:`.constraints`, :mod:`.decoding`), the translation backends (:mod:`.backends`: torch,
CTranslate2, and the fast path composed of both), and tiny test models (:mod:`.tinymodels`).

The only part that imports torch, transformers or ctranslate2, and only inside the functions that
run a model. May import :mod:`mt.terminology`, :mod:`mt.documents` and :mod:`mt.core`; never the
translation flow, evaluation or the CLI.
"""
