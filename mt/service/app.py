"""The ASGI application of ``mt serve``: LibreTranslate's endpoints, ``/check``, the post-editing
page, and the limits that keep one server up for a team.

LibreTranslate compatibility (what its clients rely on): ``POST /translate`` reads JSON, a
URL-encoded form or a multipart form (and the query string) with ``q`` (a string or a list),
``source``, ``target``, ``format`` (``text`` or ``html``) and ``api_key``, and answers
``{"translatedText": ...}`` (a list for a list); ``GET /languages`` lists ``code``, ``name`` and
``targets``; a mistake is ``400 {"error": "Invalid request: missing q parameter"}``, a missing key
``400``, a wrong one ``403``, as LibreTranslate words them; any origin may call (CORS), as there.
The answer adds ``terms``: what the glossary did to each text (``mt translate --json``'s ``unmet``
fields, for every term). ``source`` is ``nl`` (``auto``
is read as Dutch, the one source language, and says so in ``detectedLanguage``).

Limits: a body over ``max_request_bytes`` is ``413``; a queue over ``max_queue`` segments is
``503`` with ``Retry-After``; a request not translated within ``request_timeout_s`` is ``504``.
Every error is JSON ``{"error": "..."}``; an unexpected one is a ``500`` for that request only.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from mt.core.errors import MtError
from mt.documents import FORMATS, SOURCE_LANG, parse_document
from mt.service.batching import Batcher, QueueFull, Translated
from mt.service.drafting import DocumentPlan, plan_document
from mt.service.openapi import openapi_document
from mt.service.review import check_document_texts, review_segment
from mt.service.settings import ServiceSettings
from mt.translation.pipeline import Translator

STATIC = Path(__file__).parent / "static"
LANGUAGE_NAMES = {"nl": "Dutch", "fr": "French", "de": "German", "en": "English"}
API_FORMATS = ("text", "html")  # LibreTranslate's; the page's endpoints take markdown too
# The page runs only its own files: a release holding <script> can never run it.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; object-src 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}


class ApiError(Exception):
    """A request the service refuses: the status and the message of its JSON body."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.message = message
        self.headers = headers or {}
        super().__init__(message)


def _multipart_fields(content_type: str, body: bytes) -> dict[str, str]:
    """The text fields of a multipart form (the standard library's MIME parser reads it; files,
    which no endpoint takes, are skipped)."""
    from email import message_from_bytes
    from email.policy import HTTP

    message = message_from_bytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body, policy=HTTP
    )
    if not message.is_multipart():
        raise ApiError(400, "Invalid request: unreadable multipart form")
    fields: dict[str, str] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str) and part.get_filename() is None:
            payload = part.get_payload(decode=True) or b""
            charset = part.get_content_charset() or "utf-8"
            try:
                fields.setdefault(name, payload.decode(charset))
            except (LookupError, UnicodeDecodeError):
                raise ApiError(
                    400, f"Invalid request: field {name} is not {charset} text"
                ) from None
    return fields


def _missing(name: str) -> ApiError:
    return ApiError(400, f"Invalid request: missing {name} parameter")


class Service:
    """One translator, its batcher and the settings: what the routes share."""

    def __init__(
        self,
        translator: Translator,
        settings: ServiceSettings,
        on_ready: Callable[[], None] | None = None,
    ) -> None:
        self.translator = translator
        self.settings = settings
        self.on_ready = on_ready
        self.batcher = Batcher(
            self._translate,
            window_s=settings.batch_window_s,
            max_queue=settings.max_queue,
            max_batch=settings.max_batch,
        )

    def _translate(self, lang: str, segments: list[str], terms: list[Any]):  # translating thread
        return self.translator.translate_segments(segments, lang, terms)

    def _load(self) -> None:  # translating thread: the glossary, then each language's model
        if self.translator.options.terms != "off":
            self.translator.glossary.build_matcher()
        for lang in self.settings.langs:
            self.translator.backend(lang)

    @property
    def glossary(self):
        return None if self.translator.options.terms == "off" else self.translator.glossary

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        self.batcher.start()
        await self.batcher.call(self._load)
        if self.on_ready is not None:
            self.on_ready()
        try:
            yield
        finally:
            await self.batcher.call(self.translator.close)  # the cache's own thread closes it
            await self.batcher.stop()

    # --- what every endpoint does ----------------------------------------------------------------

    async def params(self, request: Request) -> dict[str, Any]:
        """The request's parameters: the JSON object, or the form; the query string under them.
        A body over the size limit is refused while it is read, not after."""
        body = await self._body(request)
        params: dict[str, Any] = dict(request.query_params)
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if not body.strip():
            return params
        if kind == "application/json" or (not kind and body.lstrip()[:1] in (b"{", b"[")):
            try:
                parsed = json.loads(body)
            except (ValueError, UnicodeDecodeError) as error:
                raise ApiError(
                    400, f"Invalid request: the body is not valid JSON ({error})"
                ) from None
            if not isinstance(parsed, dict):
                raise ApiError(400, "Invalid request: the JSON body must be an object")
            params.update(parsed)
        elif kind == "multipart/form-data":
            params.update(_multipart_fields(request.headers["content-type"], body))
        else:  # a URL-encoded form, as LibreTranslate's clients send it
            try:
                pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, errors="strict")
            except UnicodeDecodeError:
                raise ApiError(400, "Invalid request: the form is not UTF-8") from None
            for name, value in pairs:
                params.setdefault(name, value)  # the first of a repeated field, as Flask reads it
        return params

    async def _body(self, request: Request) -> bytes:
        """The body, read in chunks; refused (413) as soon as it passes the size limit."""
        limit = self.settings.max_request_bytes
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise self._too_large(int(declared))
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise self._too_large(size)
            chunks.append(chunk)
        return b"".join(chunks)

    def _too_large(self, size: int) -> ApiError:
        return ApiError(
            413,
            f"Request too large: {size} bytes or more, the limit is "
            f"{self.settings.max_request_bytes} (--max-request-bytes)",
        )

    def authorise(self, params: dict[str, Any]) -> None:
        if self.settings.api_keys is None:
            return
        key = params.get("api_key")
        if not key:  # LibreTranslate's answer (400) when its server requires a key
            raise ApiError(400, "Please contact the server operator to get an API key")
        if not isinstance(key, str) or not self.settings.key_accepted(key):
            raise ApiError(403, "Invalid API key")

    def target(self, params: dict[str, Any]) -> str:
        target = params.get("target")
        if not target:
            raise _missing("target")
        if not isinstance(target, str) or target not in self.settings.langs:
            raise ApiError(400, f"{target} is not supported")
        return target

    async def plans(self, texts: Sequence[str], format: str, lang: str) -> list[DocumentPlan]:
        """Parse and split each text, in a worker thread: a large document takes a moment."""
        requirements = self.translator.requirements

        def plan_all() -> list[DocumentPlan]:
            name = "q" if len(texts) == 1 else "q[{}]"
            return [
                plan_document(text, format, lang, requirements, source=name.format(index))
                for index, text in enumerate(texts)
            ]

        return await asyncio.to_thread(plan_all)

    async def translate(self, plans: Sequence[DocumentPlan], lang: str) -> list[list[Translated]]:
        """Every plan's sentences, in one job of the shared batches; per plan, its translations."""
        sentences = [s for plan in plans for s in plan.sentences]
        terms = [t for plan in plans for t in plan.terms]
        if len(sentences) > self.settings.max_queue:
            raise ApiError(
                413,
                f"Request too large: {len(sentences)} sentences, more than the queue holds "
                f"({self.settings.max_queue}, --max-queue)",
            )
        timeout = self.settings.request_timeout_s
        try:
            translated = await asyncio.wait_for(
                self.batcher.submit(lang, sentences, terms), timeout
            )
        except QueueFull as full:
            raise ApiError(
                503,
                f"Slowdown: {full}; retry in {full.retry_after} s",
                {"Retry-After": str(full.retry_after)},
            ) from None
        except TimeoutError:
            raise ApiError(
                504, f"Timeout: not translated within {timeout:g} s (--request-timeout)"
            ) from None
        out, position = [], 0
        for plan in plans:
            out.append(translated[position : position + len(plan.sentences)])
            position += len(plan.sentences)
        return out


# --- endpoints -----------------------------------------------------------------------------------


def _outcome_dict(outcome: Any) -> dict[str, str]:
    return {
        "entry": outcome.entry_id,
        "source": outcome.source_text,
        "status": outcome.status,
        "reason": outcome.detail,
    }


async def translate(request: Request) -> Response:
    """LibreTranslate's ``POST /translate``."""
    service: Service = request.app.state.service
    params = await service.params(request)
    service.authorise(params)
    q = params.get("q")
    if q is None or q == "" or q == []:
        raise _missing("q")
    source = params.get("source")
    if not source:
        raise _missing("source")
    lang = service.target(params)
    if source not in (SOURCE_LANG, "auto"):
        raise ApiError(400, f"{source} is not supported")
    format = params.get("format") or "text"
    if format not in API_FORMATS:
        raise ApiError(400, f"{format} format is not supported")
    batch = isinstance(q, list)
    texts = q if batch else [q]
    if not all(isinstance(text, str) for text in texts):
        raise ApiError(400, "Invalid request: q must be a string or a list of strings")
    plans = await service.plans(texts, format, lang)
    results = await service.translate(plans, lang)
    translations = [
        plan.render([t.text for t in translated])
        for plan, translated in zip(plans, results, strict=True)
    ]
    terms = [[_outcome_dict(o) for t in translated for o in t.outcomes] for translated in results]
    body: dict[str, Any] = {
        "translatedText": translations if batch else translations[0],
        "terms": terms if batch else terms[0],
    }
    if source == "auto":
        detected = {"confidence": 100.0, "language": SOURCE_LANG}
        body["detectedLanguage"] = [detected] * len(texts) if batch else detected
    alternatives = params.get("alternatives")
    if alternatives not in (None, 0, "0", ""):  # asked for: none (beam alternatives are not kept)
        body["alternatives"] = [[] for _ in texts] if batch else []
    return JSONResponse(body)


async def languages(request: Request) -> Response:
    """LibreTranslate's ``GET /languages``: Dutch into each served language."""
    langs = request.app.state.service.settings.langs
    listed = [{"code": SOURCE_LANG, "name": LANGUAGE_NAMES[SOURCE_LANG], "targets": list(langs)}]
    listed += [
        {"code": lang, "name": LANGUAGE_NAMES.get(lang, lang), "targets": []} for lang in langs
    ]
    return JSONResponse(listed)


async def frontend_settings(request: Request) -> Response:
    """LibreTranslate's ``GET /frontend/settings``, which some clients read before translating."""
    service: Service = request.app.state.service
    first = service.settings.langs[0]
    return JSONResponse(
        {
            "charLimit": -1,
            "frontendTimeout": 500,
            "apiKeys": service.settings.api_keys is not None,
            "keyRequired": service.settings.api_keys is not None,
            "suggestions": False,
            "filesTranslation": False,
            "supportedFilesFormat": [],
            "language": {
                "source": {"code": SOURCE_LANG, "name": LANGUAGE_NAMES[SOURCE_LANG]},
                "target": {"code": first, "name": LANGUAGE_NAMES.get(first, first)},
            },
        }
    )


async def health(request: Request) -> Response:
    service: Service = request.app.state.service
    stats = service.batcher.stats
    return JSONResponse(
        {
            "status": "ok",
            "languages": list(service.settings.langs),
            "queue": {"waiting": service.batcher.waiting, "limit": service.settings.max_queue},
            "batches": {
                "calls": stats.batches,
                "segments": stats.segments,
                "requests": stats.requests,
                "largest": stats.largest_batch,
            },
            "glossary": service.glossary.version if service.glossary is not None else None,
        }
    )


def _text(params: dict[str, Any], name: str) -> str:
    value = params.get(name)
    if value is None:
        raise _missing(name)
    if not isinstance(value, str):
        raise ApiError(400, f"Invalid request: {name} must be a string")
    return value


def _format(params: dict[str, Any]) -> str:
    format = params.get("format") or "text"
    if format not in FORMATS:
        raise ApiError(400, f"{format} format is not supported (choose {', '.join(FORMATS)})")
    return format


async def check(request: Request) -> Response:
    """``POST /check``: ``mt check --format json`` for ``q`` (Dutch) and ``translation``; or, with
    ``segments`` (``[{"q", "translation", "kind", "protected"}]``), each segment's findings and
    term marks (what the page shows as a translator edits)."""
    service: Service = request.app.state.service
    params = await service.params(request)
    service.authorise(params)
    lang = service.target(params)
    glossary = service.glossary
    segments = params.get("segments")
    if segments is not None:
        if not isinstance(segments, list) or not all(isinstance(s, dict) for s in segments):
            raise ApiError(400, "Invalid request: segments must be a list of objects")
        pairs = []
        for index, segment in enumerate(segments):
            try:
                pairs.append(_segment_pair(segment))
            except ApiError as error:
                raise ApiError(400, f"{error.message} (segments[{index}])") from None

        def review_all() -> list[dict[str, object]]:
            return [
                review_segment(
                    q, tr, lang, glossary, kind=kind, protected=protected, line=line
                ).as_dict()
                for q, tr, kind, protected, line in pairs
            ]

        return JSONResponse({"segments": await asyncio.to_thread(review_all)})
    source, translation, format = _text(params, "q"), _text(params, "translation"), _format(params)
    report = await asyncio.to_thread(
        check_document_texts, source, translation, lang, format, glossary
    )
    return JSONResponse(report)


def _segment_pair(segment: dict[str, Any]) -> tuple[str, str, str, tuple[str, ...], int | None]:
    source, translation = _text(segment, "q"), _text(segment, "translation")
    kind = segment.get("kind") or "paragraph"
    protected = segment.get("protected") or []
    line = segment.get("line")
    if not isinstance(kind, str):
        raise ApiError(400, "Invalid request: kind must be a string")
    if not isinstance(protected, list) or not all(isinstance(p, str) for p in protected):
        raise ApiError(400, "Invalid request: protected must be a list of strings")
    if line is not None and not isinstance(line, int):
        raise ApiError(400, "Invalid request: line must be a number")
    return source, translation, kind, tuple(protected), line


async def draft(request: Request) -> Response:
    """``POST /draft``: a document (``q``, ``format`` text, markdown or html) translated unit by
    unit for the page, each unit with its draft, findings and term marks."""
    service: Service = request.app.state.service
    params = await service.params(request)
    service.authorise(params)
    text, format = _text(params, "q"), _format(params)
    lang = service.target(params)
    (plan,) = await service.plans([text], format, lang)
    (translated,) = await service.translate([plan], lang)
    drafts = plan.unit_translations([t.text for t in translated])
    glossary = service.glossary

    def units() -> list[dict[str, object]]:
        out = []
        for unit, unit_draft in zip(plan.document.units, drafts, strict=True):
            review = review_segment(
                unit.text,
                unit_draft,
                lang,
                glossary,
                kind=unit.kind,
                protected=unit.protected,
                line=unit.line,
            )
            out.append(
                {
                    "q": unit.text,
                    "kind": unit.kind,
                    "line": unit.line,
                    "protected": list(unit.protected),
                    "draft": unit_draft,
                    **review.as_dict(),
                }
            )
        return out

    return JSONResponse({"format": format, "target": lang, "units": await asyncio.to_thread(units)})


async def render(request: Request) -> Response:
    """``POST /render``: the document ``q`` with ``translations`` (one per unit, as ``/draft``
    listed them) in place of its units, in its own format."""
    service: Service = request.app.state.service
    params = await service.params(request)
    service.authorise(params)
    text, format = _text(params, "q"), _format(params)
    translations = params.get("translations")
    if not isinstance(translations, list) or not all(isinstance(t, str) for t in translations):
        raise ApiError(400, "Invalid request: translations must be a list of strings")
    try:
        document = await asyncio.to_thread(parse_document, text, format, "q")
        rendered = document.render(translations)
    except ValueError as error:  # a count that does not match the document's units
        raise ApiError(400, f"Invalid request: {error}") from None
    return JSONResponse({"translatedText": rendered})


async def page(request: Request) -> Response:
    return FileResponse(STATIC / "index.html", headers=PAGE_HEADERS)


async def openapi(request: Request) -> Response:
    return JSONResponse(openapi_document(request.app.state.service.settings))


# --- errors --------------------------------------------------------------------------------------


async def _api_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, ApiError)
    return JSONResponse({"error": error.message}, error.status, headers=error.headers)


async def _input_error(request: Request, error: Exception) -> Response:
    return JSONResponse({"error": f"Invalid request: {error}"}, 400)


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    message = {404: "Not found", 405: "Method not allowed"}.get(error.status_code, error.detail)
    return JSONResponse(
        {"error": f"{message}: {request.method} {request.url.path}"},
        error.status_code,
        headers=getattr(error, "headers", None),
    )


async def _server_error(request: Request, error: Exception) -> Response:
    # (uvicorn logs the traceback; the server goes on with the next request)
    return JSONResponse({"error": f"Internal error: {type(error).__name__}: {error}"}, 500)


def create_app(
    translator: Translator,
    settings: ServiceSettings,
    *,
    on_ready: Callable[[], None] | None = None,
) -> Starlette:
    """The application. Models not loaded yet load at startup, on the translating thread;
    ``on_ready`` is called once the server can answer."""
    service = Service(translator, settings, on_ready)
    routes = [
        Route("/", page, methods=["GET"]),
        Route("/translate", translate, methods=["POST"]),
        Route("/languages", languages, methods=["GET", "POST"]),
        Route("/frontend/settings", frontend_settings, methods=["GET"]),
        Route("/check", check, methods=["POST"]),
        Route("/draft", draft, methods=["POST"]),
        Route("/render", render, methods=["POST"]),
        Route("/health", health, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    handlers: dict[Any, Callable[..., Any]] = {
        ApiError: _api_error,
        MtError: _input_error,
        HTTPException: _http_error,
        Exception: _server_error,
    }
    # Any origin may call the API, as LibreTranslate allows: web pages that use it need it.
    cors = Middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "Content-Type"],
        max_age=60 * 60 * 24 * 20,
    )
    app = Starlette(
        routes=routes, middleware=[cors], exception_handlers=handlers, lifespan=service.lifespan
    )
    app.state.service = service
    return app


__all__ = ["ApiError", "Service", "create_app"]
