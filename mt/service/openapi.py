"""The OpenAPI 3.1 description of ``mt serve``, served at ``/openapi.json``.

Written out rather than generated: the LibreTranslate endpoints take JSON *and* forms, with
LibreTranslate's own error bodies, which is what this description has to say. A test keeps its
paths equal to the application's routes.
"""

from __future__ import annotations

from typing import Any

from mt.service.settings import ServiceSettings

_ERROR = {"$ref": "#/components/schemas/Error"}


def _answer(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Any]:
    why = {
        400: "A client's mistake, named: a missing or unsupported parameter, a broken document",
        403: "Not one of the server's API keys (--api-keys); without a key: 400",
        413: "The body is larger than --max-request-bytes, or holds more sentences than the queue",
        503: "The queue is full: retry after Retry-After seconds",
        504: "Not translated within --request-timeout",
    }
    answers = {str(status): _answer(why[status], _ERROR) for status in statuses}
    if 503 in statuses:
        answers["503"]["headers"] = {
            "Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}
        }
    return answers


def _body(schema: dict[str, Any], *, forms: bool = False) -> dict[str, Any]:
    content = {"application/json": {"schema": schema}}
    if forms:  # LibreTranslate's clients send forms
        content["application/x-www-form-urlencoded"] = {"schema": schema}
        content["multipart/form-data"] = {"schema": schema}
    return {"required": True, "content": content}


def openapi_document(settings: ServiceSettings) -> dict[str, Any]:
    """The description, with the languages this server translates into."""
    langs = list(settings.langs)
    text_or_list = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
    api_key = {"type": "string", "description": "Needed when the server has --api-keys"}
    translate_request = {
        "type": "object",
        "required": ["q", "source", "target"],
        "properties": {
            "q": {**text_or_list, "description": "Dutch text(s) to translate"},
            "source": {"type": "string", "enum": ["nl", "auto"]},
            "target": {"type": "string", "enum": langs},
            "format": {"type": "string", "enum": ["text", "html"], "default": "text"},
            "api_key": api_key,
        },
    }
    term = {
        "type": "object",
        "properties": {
            "entry": {"type": "string"},
            "source": {"type": "string"},
            "status": {"type": "string", "enum": ["applied", "missing", "forbidden"]},
            "reason": {"type": "string"},
        },
    }
    mark = {
        "type": "object",
        "properties": {
            "entry": {"type": "string"},
            "status": {"type": "string", "enum": ["applied", "missing", "forbidden"]},
            "source_text": {"type": "string"},
            "target_text": {"type": "string"},
        },
    }
    document_request = {
        "type": "object",
        "required": ["q", "target"],
        "properties": {
            "q": {"type": "string", "description": "A Dutch document"},
            "target": {"type": "string", "enum": langs},
            "format": {"type": "string", "enum": ["text", "markdown", "html"], "default": "text"},
            "api_key": api_key,
        },
    }
    json_object = {"type": "object"}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "mt serve",
            "version": "1",
            "description": "Dutch into " + ", ".join(langs) + " with the glossary enforced; "
            "LibreTranslate-compatible /translate and /languages.",
        },
        "paths": {
            "/translate": {
                "post": {
                    "summary": "Translate text or HTML (LibreTranslate)",
                    "requestBody": _body(translate_request, forms=True),
                    "responses": {
                        "200": _answer(
                            "The translation(s), and what the glossary did to each",
                            {
                                "type": "object",
                                "properties": {
                                    "translatedText": text_or_list,
                                    "terms": {"type": "array", "items": term},
                                    "detectedLanguage": json_object,
                                },
                            },
                        ),
                        **_errors(400, 403, 413, 503, 504),
                    },
                }
            },
            "/languages": {
                "get": {
                    "summary": "The languages (LibreTranslate)",
                    "responses": {
                        "200": _answer(
                            "Dutch, with the served languages as its targets",
                            {"type": "array", "items": json_object},
                        )
                    },
                }
            },
            "/frontend/settings": {
                "get": {
                    "summary": "Settings LibreTranslate's clients read",
                    "responses": {"200": _answer("The settings", json_object)},
                }
            },
            "/check": {
                "post": {
                    "summary": "mt check findings for a source and its translation",
                    "requestBody": _body(
                        {
                            "type": "object",
                            "required": ["target"],
                            "properties": {
                                **document_request["properties"],
                                "translation": {"type": "string"},
                                "segments": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["q", "translation"],
                                        "properties": {
                                            "q": {"type": "string"},
                                            "translation": {"type": "string"},
                                            "kind": {"type": "string"},
                                            "protected": {
                                                "type": "array",
                                                "items": {"type": "string"},
                                            },
                                            "line": {"type": "integer"},
                                        },
                                    },
                                },
                            },
                        }
                    ),
                    "responses": {
                        "200": _answer(
                            "mt check --format json's report; with segments: "
                            "{segments: [{findings, terms}]} (terms: marks to highlight)",
                            {
                                "oneOf": [
                                    json_object,
                                    {
                                        "type": "object",
                                        "properties": {
                                            "segments": {
                                                "type": "array",
                                                "items": {
                                                    "type": "object",
                                                    "properties": {
                                                        "findings": {
                                                            "type": "array",
                                                            "items": json_object,
                                                        },
                                                        "terms": {"type": "array", "items": mark},
                                                    },
                                                },
                                            }
                                        },
                                    },
                                ]
                            },
                        ),
                        **_errors(400, 403, 413),
                    },
                }
            },
            "/draft": {
                "post": {
                    "summary": "A document translated unit by unit, for post-editing",
                    "requestBody": _body(document_request),
                    "responses": {
                        "200": _answer(
                            "{format, target, units: [{q, kind, line, protected, draft, "
                            "findings, terms}]}",
                            json_object,
                        ),
                        **_errors(400, 403, 413, 503, 504),
                    },
                }
            },
            "/render": {
                "post": {
                    "summary": "A document with its units replaced by translations",
                    "requestBody": _body(
                        {
                            "type": "object",
                            "required": ["q", "translations"],
                            "properties": {
                                "q": {"type": "string"},
                                "format": document_request["properties"]["format"],
                                "translations": {"type": "array", "items": {"type": "string"}},
                                "api_key": api_key,
                            },
                        }
                    ),
                    "responses": {
                        "200": _answer("{translatedText}", json_object),
                        **_errors(400, 403, 413),
                    },
                }
            },
            "/health": {
                "get": {
                    "summary": "Up, the queue, the batches so far",
                    "responses": {"200": _answer("The state", json_object)},
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This description",
                    "responses": {"200": _answer("OpenAPI 3.1", json_object)},
                }
            },
            "/": {
                "get": {
                    "summary": "The post-editing page",
                    "responses": {"200": {"description": "HTML"}},
                }
            },
        },
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {"type": "string"}},
                }
            }
        },
    }
