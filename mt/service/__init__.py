"""``mt serve``: translation as an HTTP service that LibreTranslate's clients can call, and a
post-editing page.

- :mod:`.settings`: what a server is told (languages, limits, API keys) and the keys file.
- :mod:`.batching`: segments of concurrent requests for one language decoded in shared batches,
  on the one thread that owns the :class:`~mt.translation.pipeline.Translator`; a bounded queue.
- :mod:`.drafting`: a document sent over HTTP (text, Markdown, HTML) into sentences with their
  glossary requirements, and the translations back into the document.
- :mod:`.review`: ``mt check`` findings and glossary-term marks for a segment or a document.
- :mod:`.app`: the ASGI application (Starlette): LibreTranslate's endpoints, ``/check``,
  ``/health``, the page's endpoints, limits and errors; :mod:`.openapi` describes it.
- ``static/``: the post-editing page, plain HTML, CSS and JavaScript (no build step).

The layer above :mod:`mt.translation` and below :mod:`mt.cli`: it may import the translation
pipeline, :mod:`mt.qa`, :mod:`mt.terminology`, :mod:`mt.documents` and :mod:`mt.core`, and reaches
the engines only through the pipeline's :class:`~mt.translation.pipeline.Translator`. Never the
CLI. Starlette and uvicorn (the ``serve`` extra) are imported by :mod:`.app` and the command only.
"""
