"""Terms: the glossary (:mod:`.glossary`), its file formats TSV/CSV/TBX (:mod:`.formats`), finding
entries in Dutch text (:mod:`.matching`), checking a translation for them (:mod:`.verification`,
:mod:`.lemmas`), and the per-segment term values the engines consume (:mod:`.terms`).

May import :mod:`mt.core` only. Never the engines, torch, transformers or ctranslate2: ``mt check``
and ``mt glossary`` run on a core install.
"""
