"""``mt serve`` over HTTP on 127.0.0.1, on tiny models: an independent LibreTranslate client used
unchanged, glossary enforcement and its report, ``/check``, the page's endpoints, the limits
(413, 503 with Retry-After, 504), API keys, and errors that never stop the server."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from typing import Any

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")


def call(
    url: str, body: Any = None, *, raw: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, Any, Any]:
    """POST ``body`` as JSON (GET without one); the status, headers and JSON answer, errors too."""
    data = raw if raw is not None else None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers=headers or {})
    if body is not None and raw is None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, json.loads(response.read())
    except urllib.error.HTTPError as error:  # (headers: a case-insensitive message)
        return error.code, error.headers, json.loads(error.read())


@pytest.fixture
def server(start_server) -> str:
    return start_server()


# --- an independent client, unchanged -------------------------------------------------------------


def test_libretranslatepy_translates_lists_languages_and_gets_its_usual_error(server: str):
    from libretranslatepy import LibreTranslateAPI

    client = LibreTranslateAPI(server)
    translated = client.translate("Daesh is in Brussel verslagen.", "nl", "fr")
    assert isinstance(translated, str) and translated.strip()
    assert "Daech" in translated or "Daesh" in translated  # the glossary's, enforced

    languages = client.languages()
    assert {"code": "nl", "name": "Dutch", "targets": ["fr", "de", "en"]} in languages
    assert {language["code"] for language in languages} == {"nl", "fr", "de", "en"}

    with pytest.raises(urllib.error.HTTPError) as bad:  # what the client raises for a 400
        client.translate("Goedemorgen.", "nl", "xx")
    assert bad.value.code == 400
    assert json.loads(bad.value.read()) == {"error": "xx is not supported"}
    with pytest.raises(urllib.error.HTTPError) as empty:
        client.translate("", "nl", "fr")
    assert json.loads(empty.value.read()) == {"error": "Invalid request: missing q parameter"}


def test_html_keeps_its_markup_and_is_translated(server: str):
    """LibreTranslate's request for HTML (libretranslatepy has no format parameter): tags and
    attributes stay, text nodes are translated."""
    html = '<p>De <a href="https://diplomatie.belgium.be">minister</a> bezoekt Brussel.</p>'
    status, _, answer = call(
        server + "translate", {"q": html, "source": "nl", "target": "de", "format": "html"}
    )
    assert status == 200, answer
    out = answer["translatedText"]
    assert out.startswith("<p>") and out.endswith("</p>")
    assert '<a href="https://diplomatie.belgium.be">' in out
    assert "bezoekt Brussel" not in out


def test_a_list_is_answered_with_a_list_and_each_texts_term_report(server: str):
    q = ["Daesh is verslagen.", "Het weer is goed.", ""]
    status, _, answer = call(server + "translate", {"q": q, "source": "auto", "target": "fr"})
    assert status == 200, answer
    assert len(answer["translatedText"]) == 3 and answer["translatedText"][2] == ""
    assert answer["detectedLanguage"][0] == {"confidence": 100.0, "language": "nl"}
    first, second, third = answer["terms"]
    assert {"entry": "daesh", "source": "Daesh", "status": "applied", "reason": ""} in first
    assert second == [] and third == []


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({"source": "nl", "target": "fr"}, 400, "Invalid request: missing q parameter"),
        ({"q": "Hallo", "target": "fr"}, 400, "Invalid request: missing source parameter"),
        ({"q": "Hallo", "source": "nl"}, 400, "Invalid request: missing target parameter"),
        ({"q": "Hallo", "source": "de", "target": "fr"}, 400, "de is not supported"),
        ({"q": "Hallo", "source": "nl", "target": "es"}, 400, "es is not supported"),
        (
            {"q": "Hallo", "source": "nl", "target": "fr", "format": "pdf"},
            400,
            "pdf format is not supported",
        ),
        (
            {"q": [1, 2], "source": "nl", "target": "fr"},
            400,
            "Invalid request: q must be a string or a list of strings",
        ),
    ],
)
def test_client_mistakes_are_400_with_libretranslates_messages(
    module_server: str, body: dict[str, Any], status: int, error: str
):
    got, _, answer = call(module_server + "translate", body)
    assert (got, answer) == (status, {"error": error})


@pytest.mark.parametrize(
    ("raw", "content_type", "error"),
    [
        (b"{not json", "application/json", "Invalid request: the body is not valid JSON"),
        (b"[1, 2]", "application/json", "Invalid request: the JSON body must be an object"),
        (b"q=%ff&source=nl&target=fr", "application/x-www-form-urlencoded", "not UTF-8"),
    ],
)
def test_unreadable_bodies_are_400_and_the_server_goes_on(
    module_server: str, raw: bytes, content_type: str, error: str
):
    status, _, answer = call(
        module_server + "translate", raw=raw, headers={"Content-Type": content_type}
    )
    assert status == 400 and error in answer["error"]
    assert call(module_server + "health")[0] == 200


def test_a_multipart_form_is_read_as_flask_reads_it(module_server: str):
    boundary = "mtboundary"
    fields = {"q": "De minister.", "source": "nl", "target": "en"}
    body = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    )
    body += f"--{boundary}--\r\n"
    status, _, answer = call(
        module_server + "translate",
        raw=body.encode(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert status == 200, answer
    assert answer["translatedText"].strip()


def test_unknown_paths_and_methods_answer_json(module_server: str):
    status, _, answer = call(module_server + "nowhere")
    assert status == 404 and answer == {"error": "Not found: GET /nowhere"}
    status, _, answer = call(module_server + "health", {"q": "x"})
    assert status == 405 and answer == {"error": "Method not allowed: POST /health"}


def test_health_and_openapi_describe_every_route(module_server: str):
    from mt.service.app import create_app
    from mt.service.settings import ServiceSettings

    status, _, health = call(module_server + "health")
    assert status == 200 and health["status"] == "ok"
    assert health["languages"] == ["fr", "de", "en"]
    status, _, spec = call(module_server + "openapi.json")
    assert status == 200 and spec["openapi"].startswith("3.")
    app = create_app(None, ServiceSettings())  # type: ignore[arg-type] (routes only)
    routes = {route.path for route in app.routes if route.path != "/static"}
    assert set(spec["paths"]) == routes


# --- /check and the page's endpoints --------------------------------------------------------------


def test_check_gives_mt_checks_json_report(module_server: str):
    body = {
        "q": "Daesh heeft 250 strijders verloren.",
        "translation": "L'État islamique a perdu 205 combattants.",
        "target": "fr",
    }
    status, _, report = call(module_server + "check", body)
    assert status == 200, report
    codes = {f["code"] for f in report["files"][0]["findings"]}
    assert codes == {"missing-term", "forbidden-term", "number-changed"}
    assert report["passed"] is False and report["version"] == 1


def test_check_of_segments_gives_findings_and_term_marks(module_server: str):
    segments = [
        {"q": "Daesh is verslagen.", "translation": "Daech est vaincu."},
        {"q": "Daesh is verslagen.", "translation": "L'État islamique est vaincu."},
    ]
    status, _, answer = call(module_server + "check", {"target": "fr", "segments": segments})
    assert status == 200, answer
    good, bad = answer["segments"]
    assert good["findings"] == []
    assert good["terms"] == [
        {"entry": "daesh", "status": "applied", "source_text": "Daesh", "target_text": "Daech"}
    ]
    assert {f["code"] for f in bad["findings"]} == {"missing-term", "forbidden-term"}
    assert {(t["status"], t["target_text"]) for t in bad["terms"]} == {
        ("missing", ""),
        ("forbidden", "État islamique"),
    }
    status, _, answer = call(module_server + "check", {"target": "fr", "segments": [{"q": "x"}]})
    assert (status, answer) == (
        400,
        {"error": "Invalid request: missing translation parameter (segments[0])"},
    )


def test_draft_then_render_gives_the_document_back_in_its_format(module_server: str):
    release = "# Daesh verslagen\n\nDe minister bezoekt Brussel. Hij spreekt er.\n\n- Een punt\n"
    status, _, drafted = call(
        module_server + "draft", {"q": release, "format": "markdown", "target": "fr"}
    )
    assert status == 200, drafted
    units = drafted["units"]
    assert [u["kind"] for u in units] == ["heading", "paragraph", "item"]
    assert units[0]["q"] == "Daesh verslagen"
    assert "Daech" in units[0]["draft"] or "Daesh" in units[0]["draft"]  # (fr allows both)
    assert units[0]["terms"][0]["status"] == "applied"
    edited = ["Daech vaincu", "Le ministre visite Bruxelles.", "Un point"]
    status, _, rendered = call(
        module_server + "render", {"q": release, "format": "markdown", "translations": edited}
    )
    assert status == 200
    assert rendered["translatedText"] == (
        "# Daech vaincu\n\nLe ministre visite Bruxelles.\n\n- Un point\n"
    )
    status, _, answer = call(
        module_server + "render", {"q": release, "format": "markdown", "translations": ["x"]}
    )
    assert status == 400 and "3 units but 1 translations" in answer["error"]


# --- limits ---------------------------------------------------------------------------------------


def test_a_body_over_the_limit_is_413_and_the_server_goes_on(start_server):
    url = start_server(langs=("fr",), max_request_bytes=200)
    status, _, answer = call(
        url + "translate", {"q": "Goedemorgen. " * 40, "source": "nl", "target": "fr"}
    )
    assert status == 413 and "the limit is 200" in answer["error"]
    # the same, without a Content-Length to go by (chunked); written in one piece, so that the
    # server's early answer cannot cut the client off mid-request
    body = b'{"q": "' + b"a" * 300 + b'", "source": "nl", "target": "fr"}'
    port = int(url.rsplit(":", 1)[1].strip("/"))
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(
            b"POST /translate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            + f"{len(body):x}\r\n".encode()
            + body
            + b"\r\n0\r\n\r\n"
        )
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]
    assert b"the limit is 200" in answer
    assert call(url + "translate", {"q": "Hallo.", "source": "nl", "target": "fr"})[0] == 200


def test_a_full_queue_is_503_with_retry_after(start_server):
    # A long collection window keeps the first request waiting in the queue.
    url = start_server(langs=("fr",), max_queue=3, batch_window_s=3.0)
    first: dict[str, Any] = {}
    sender = threading.Thread(
        target=lambda: first.update(
            answer=call(url + "translate", {"q": "Een. Twee.", "source": "nl", "target": "fr"})
        )
    )
    sender.start()
    deadline = time.monotonic() + 10
    while call(url + "health")[2]["queue"]["waiting"] != 2:
        assert time.monotonic() < deadline, "the first request never queued"
        time.sleep(0.02)
    status, headers, answer = call(
        url + "translate", {"q": "Drie. Vier.", "source": "nl", "target": "fr"}
    )
    assert status == 503
    assert answer["error"].startswith("Slowdown: the translation queue is full")
    assert int(headers["Retry-After"]) >= 1
    # more sentences than the queue ever holds: never accepted, so 413 rather than 503
    status, _, answer = call(
        url + "translate", {"q": "Een. Twee. Drie. Vier.", "source": "nl", "target": "fr"}
    )
    assert status == 413 and "more than the queue holds (3" in answer["error"]
    sender.join(timeout=60)
    assert first["answer"][0] == 200  # the queued request was translated after all


def test_a_request_past_the_time_limit_is_504_and_not_translated_later(start_server):
    url = start_server(langs=("fr",), request_timeout_s=0.2, batch_window_s=1.0)
    status, _, answer = call(url + "translate", {"q": "Hallo.", "source": "nl", "target": "fr"})
    assert status == 504 and "not translated within 0.2 s" in answer["error"]
    time.sleep(1.2)  # the worker's window ends: the cancelled request is no longer there
    health = call(url + "health")[2]
    assert health["queue"]["waiting"] == 0 and health["batches"]["segments"] == 0


# --- API keys -------------------------------------------------------------------------------------


def test_api_keys_are_required_when_given(start_server):
    url = start_server(langs=("fr",), api_keys=frozenset({"team-a-0123456789"}))
    body = {"q": "Hallo.", "source": "nl", "target": "fr"}
    assert call(url + "translate", body)[0:3:2] == (
        400,
        {"error": "Please contact the server operator to get an API key"},
    )
    wrong = call(url + "translate", {**body, "api_key": "team-a-0123456780"})
    assert wrong[0:3:2] == (403, {"error": "Invalid API key"})
    assert call(url + "translate", {**body, "api_key": "team-a-0123456789"})[0] == 200
    assert call(url + "check", {"q": "a", "translation": "a", "target": "fr"})[0] == 400
    assert (
        call(url + "check", {"q": "a", "translation": "a", "target": "fr", "api_key": "x"})[0]
        == 403
    )
    assert call(url + "frontend/settings")[2]["keyRequired"] is True
    from libretranslatepy import LibreTranslateAPI

    client = LibreTranslateAPI(url, api_key="team-a-0123456789")
    assert client.translate("Hallo.", "nl", "fr").strip()


def test_an_unexpected_failure_is_a_500_for_that_request_only(serve_models, tmp_path):
    from mt.service.settings import ServiceSettings
    from mt.service.testing import serve_in_thread
    from mt.translation.pipeline import TranslateOptions, Translator

    class Exploding(Translator):
        """A translator with a bug that one sentence sets off."""

        def translate_segments(self, segments, lang, terms=None):
            if "BOEM" in segments:
                raise ZeroDivisionError("a bug")
            return super().translate_segments(segments, lang, terms)

    options = TranslateOptions(
        models={"fr": serve_models["fr"]}, backend="torch", max_new_tokens=8, use_cache=False
    )
    with serve_in_thread(Exploding(options), ServiceSettings(langs=("fr",))) as url:
        status, _, answer = call(url + "translate", {"q": "BOEM", "source": "nl", "target": "fr"})
        assert (status, answer) == (500, {"error": "Internal error: ZeroDivisionError: a bug"})
        status, _, answer = call(url + "translate", {"q": "Hallo.", "source": "nl", "target": "fr"})
        assert status == 200 and answer["translatedText"].strip()


def test_any_origin_may_call_the_api_as_libretranslate_allows(module_server: str):
    preflight = urllib.request.Request(
        module_server + "translate",
        method="OPTIONS",
        headers={
            "Origin": "https://weblate.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    with urllib.request.urlopen(preflight, timeout=30) as response:
        assert response.status == 200
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "POST" in response.headers["Access-Control-Allow-Methods"]
    _, headers, _ = call(module_server + "languages", headers={"Origin": "https://weblate.example"})
    assert headers["Access-Control-Allow-Origin"] == "*"
