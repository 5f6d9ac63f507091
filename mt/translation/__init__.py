"""The translation flow: options and the :class:`~.pipeline.Translator` that knows the order (read,
segment, match terms, translate, verify, write), the translation cache (:mod:`.cache`), and the
values a run returns (:mod:`.results`).

May import the engines, terminology, documents and core; never evaluation or the CLI.
"""
