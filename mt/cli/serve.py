"""``mt serve``: the translation service (LibreTranslate's API) and the post-editing page."""

from __future__ import annotations

import contextlib
import socket
from pathlib import Path
from typing import Any

import click

from mt.cli import require_extras
from mt.cli.model_options import decoding_options, from_decoding_options
from mt.cli.options import split_list

_EPILOG = """\b
Examples:
  mt serve                                  # http://127.0.0.1:5000/ : the page; the API beside it
  mt serve --to fr --model fr=/models/opus-mt-nl-fr --port 8080
  mt serve --host 0.0.0.0 --api-keys keys.txt   # reachable from the network: keys required

\b
Calling it (as LibreTranslate is called; its clients work unchanged):
  curl -s localhost:5000/translate -H 'Content-Type: application/json' \\
       -d '{"q": "De minister bezoekt Brussel.", "source": "nl", "target": "fr"}'
  curl -s localhost:5000/languages
  curl -s localhost:5000/check -H 'Content-Type: application/json' \\
       -d '{"q": "...", "translation": "...", "target": "fr"}'

\b
Protecting it: it listens on 127.0.0.1 only unless --host says otherwise, and any other
--host needs --api-keys FILE (one key per line, '#' comments); every request then carries
api_key. Put a TLS proxy in front of it for traffic that leaves the machine.
Limits: --max-request-bytes (413), --max-queue (503 with Retry-After), --request-timeout (504).
"""


@click.command("serve", epilog=_EPILOG)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=5000,
    show_default=True,
    help="Port (LibreTranslate's default); 0 picks a free one.",
)
@click.option(
    "--api-keys",
    "api_keys_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="File of accepted API keys, one a line; required for a --host other than loopback.",
)
@click.option(
    "--to",
    "langs",
    default="fr,de,en",
    show_default=True,
    help="Languages to serve, comma-separated.",
)
@decoding_options
@click.option(
    "--max-queue",
    type=click.IntRange(min=1),
    default=1024,
    show_default=True,
    help="Sentences waiting at most, all requests together; more is answered 503.",
)
@click.option(
    "--max-request-bytes",
    type=click.IntRange(min=1),
    default=1_000_000,
    show_default=True,
    help="Largest request body; larger is answered 413.",
)
@click.option(
    "--request-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=60.0,
    show_default=True,
    help="Seconds a request may wait for its translation; then it is answered 504.",
)
@click.option(
    "--batch-window",
    type=click.FloatRange(min=0),
    default=10.0,
    show_default=True,
    help="Milliseconds an idle server waits to batch requests sent together.",
)
@click.option(
    "--max-batch",
    type=click.IntRange(min=1),
    default=256,
    show_default=True,
    help="Sentences decoded together at most.",
)
@click.option("--access-log", is_flag=True, help="Log every request on stderr.")
def command(
    host: str,
    port: int,
    api_keys_path: Path | None,
    langs: str,
    max_queue: int,
    max_request_bytes: int,
    request_timeout: float,
    batch_window: float,
    max_batch: int,
    access_log: bool,
    **decoding: Any,
) -> None:
    """Serve translation over HTTP (LibreTranslate's API) and a post-editing page.

    POST /translate and GET /languages answer as LibreTranslate does, so its clients
    (Weblate, browser extensions, scripts) work unchanged; the glossary is enforced as in
    mt translate and each answer adds its term report. POST /check gives mt check's
    findings; GET /health, GET /openapi.json. The page at / translates a pasted or
    uploaded release, highlights glossary terms, re-checks each edit and downloads the
    result. Concurrent requests are translated in shared batches.
    """
    require_extras("serve")
    from mt.engines.models import check_langs
    from mt.service.settings import ServiceSettings, check_binding, read_api_keys
    from mt.translation.pipeline import TranslateOptions, Translator

    api_keys = read_api_keys(api_keys_path) if api_keys_path is not None else None
    check_binding(host, api_keys)
    settings = ServiceSettings(
        langs=tuple(check_langs(split_list(langs))),
        max_queue=max_queue,
        max_request_bytes=max_request_bytes,
        request_timeout_s=request_timeout,
        batch_window_s=batch_window / 1000,
        max_batch=max_batch,
        api_keys=api_keys,
    )
    options = TranslateOptions(**from_decoding_options(decoding))
    listener = _listen(host, port)  # a port in use fails now, before the models load
    translator = Translator(options)
    click.echo(f"mt serve: loading the models for {', '.join(settings.langs)}...", err=True)
    # Loaded here, not at the server's startup, so that a missing model is the usual clean error.
    if options.terms != "off":
        translator.glossary.build_matcher()
    for lang in settings.langs:
        translator.backend(lang)
    _run(translator, settings, listener, access_log)


def _listen(host: str, port: int) -> socket.socket:
    from mt.core.errors import InputError

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as error:
        listener.close()
        raise InputError(f"cannot listen on {host}:{port}: {error.strerror}") from error
    listener.listen(2048)
    return listener


def _run(translator, settings, listener: socket.socket, access_log: bool) -> None:
    import uvicorn

    from mt.service.app import create_app

    host, port = listener.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host

    def ready() -> None:
        keys = "API keys required" if settings.api_keys else "no API key asked"
        click.echo(
            f"mt serve: listening on http://{shown}:{port}/ ({keys}; Ctrl-C stops)", err=True
        )

    app = create_app(translator, settings, on_ready=ready)
    config = uvicorn.Config(
        app, log_level="info" if access_log else "warning", access_log=access_log, lifespan="on"
    )
    # uvicorn stops gracefully on Ctrl-C, then raises the signal it caught again: done.
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.Server(config).run(sockets=[listener])
    click.echo("mt serve: stopped", err=True)
