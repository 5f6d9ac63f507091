"""An ``mt serve`` application run in a thread of the calling process, on 127.0.0.1 at a free
port: what the tests and the benchmarks start, and stop, themselves::

    with serve_in_thread(Translator(options), ServiceSettings()) as url:
        urllib.request.urlopen(url + "health")
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

from mt.service.settings import ServiceSettings
from mt.translation.pipeline import Translator


@contextlib.contextmanager
def serve_in_thread(
    translator: Translator, settings: ServiceSettings, *, startup_timeout_s: float = 120.0
) -> Iterator[str]:
    """Serve until the block ends; yields the base URL (``http://127.0.0.1:PORT/``)."""
    import uvicorn

    from mt.service.app import create_app

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(512)
    port = listener.getsockname()[1]
    config = uvicorn.Config(
        create_app(translator, settings), log_level="warning", access_log=False, lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, name="mt-serve", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + startup_timeout_s
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            listener.close()
            raise RuntimeError("mt serve did not start (see the log above)")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.should_exit = True
        thread.join(timeout=60)
        listener.close()
