"""Quality assurance, the engine of ``mt check``: findings and their severities
(:mod:`.findings`), figures and number words (:mod:`.numbers`, :mod:`.numerals`), units,
currencies and conversions (:mod:`.units`), links and emphasis as written (:mod:`.markup`), the
checks over aligned pairs (:mod:`.check`), accepted findings (:mod:`.baseline`) and report
formats (:mod:`.reporting`).

May import :mod:`mt.terminology`, :mod:`mt.documents` and :mod:`mt.core`. Never the engines,
torch, transformers or ctranslate2.
"""
