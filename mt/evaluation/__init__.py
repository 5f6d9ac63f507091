"""Evaluation: scores exactly as sacrebleu makes them plus terminology accuracy (:mod:`.score`),
the shipped and user test sets (:mod:`.testsets`), and ``mt bench`` (:mod:`.bench`).

:mod:`.score` and :mod:`.testsets` are light (terminology, documents, core). :mod:`.bench` runs
systems, so it may import the translation flow and the engines. Nothing here imports the CLI.
"""
