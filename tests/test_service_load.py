"""A bounded load test of ``mt serve`` on 127.0.0.1: 32 concurrent clients, every request
answered, each with its own sentence's translation, decoded in batches shared across requests.
(The 30-second run, and the throughput figures, are ``benchmarks/serve_throughput.py``.)"""

from __future__ import annotations

import http.client
import json
import threading

import pytest

pytest.importorskip("starlette")

CLIENTS = 32
REQUESTS_EACH = 2
CITIES = ["Brussel", "Antwerpen", "Gent", "Luik", "Namen", "Brugge", "Leuven", "Mechelen"]


def sentence(client: int, number: int) -> str:
    """A sentence no other request sends (the cache cannot answer it from another's)."""
    return f"De minister bezoekt {CITIES[client % 8]} op {client + 1} mei met {number + 2} gasten."


def post(port: int, path: str, body: dict, connection=None):
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
    response = connection.getresponse()
    return response.status, json.loads(response.read())


def test_32_concurrent_clients_every_request_answered_with_its_own_translation(start_server):
    url = start_server(langs=("fr",), batch_window_s=0.02)
    port = int(url.rsplit(":", 1)[1].strip("/"))
    answers: dict[tuple[int, int], tuple[int, dict]] = {}
    failures: list[BaseException] = []
    start = threading.Barrier(CLIENTS)

    def client(index: int) -> None:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            start.wait(timeout=60)  # all at once
            for number in range(REQUESTS_EACH):
                body = {"q": sentence(index, number), "source": "nl", "target": "fr"}
                answers[index, number] = post(port, "/translate", body, connection)
            connection.close()
        except BaseException as error:  # reported below, with the others
            failures.append(error)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads), "a client hung"
    assert failures == []
    assert len(answers) == CLIENTS * REQUESTS_EACH  # none lost
    assert all(status == 200 for status, _ in answers.values())

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", "/health")
    health = json.loads(connection.getresponse().read())
    assert health["batches"]["requests"] == CLIENTS * REQUESTS_EACH
    assert health["batches"]["largest"] > 1  # requests were decoded together
    assert health["batches"]["calls"] < CLIENTS * REQUESTS_EACH

    # Each answer is its own sentence's: asked again, the cache (which stored what each batch
    # decoded, by sentence) gives back exactly what each client got.
    keys = sorted(answers)
    body = {"q": [sentence(*key) for key in keys], "source": "nl", "target": "fr"}
    status, again = post(port, "/translate", body)
    assert status == 200
    assert again["translatedText"] == [answers[key][1]["translatedText"] for key in keys]
