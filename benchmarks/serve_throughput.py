"""Throughput of ``mt serve`` with 1, 8 and 32 concurrent clients sending one sentence each, against
sequential calls; and a load run (32 clients for 30 s: errors, lost requests).

    .venv/bin/python benchmarks/serve_throughput.py           # 3 interleaved rounds of 8 s
    .venv/bin/python benchmarks/serve_throughput.py --seconds 5 --rounds 2 --load 30

The server is ``mt serve`` in its own process (so that the clients' threads do not share its
interpreter), on 127.0.0.1 at a free port, stopped at the end; the clients are threads of this
script, each with one keep-alive connection, each request one sentence that no request sent
before (the translation cache is off: every sentence is decoded). "Sequential" is one client
calling back to back: concurrency 1. The same server also runs 32 clients with ``--max-batch 1``
(``unbatched``): what the shared batches are worth. The model is a tiny Marian model with random
weights (``mt.engines.tinymodels``), built once under ``~/.cache/mt/bench/``, or ``--model DIR``.

The machine is shared: the load average is printed before and after; read the ratios, which come
from interleaved rounds, rather than the absolute figures.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

CITIES = ["Brussel", "Antwerpen", "Gent", "Luik", "Namen", "Brugge", "Leuven", "Mechelen"]
_counter = itertools.count()
_lock = threading.Lock()


def next_sentence() -> str:
    """A Dutch sentence of about 15 tokens that no earlier request sent."""
    with _lock:
        n = next(_counter)
    return f"De minister bezoekt {CITIES[n % 8]} op {n % 28 + 1} mei met {n} gasten uit Irak."


def tiny_model() -> Path:
    from mt.engines.tinymodels import build_tiny_marian

    folder = Path.home() / ".cache" / "mt" / "bench" / "serve-tiny-nl-fr"
    if not (folder / "config.json").exists():
        build_tiny_marian(folder)
    return folder


class Server:
    """``mt serve`` in a child process; its URL once it listens."""

    def __init__(self, model: Path, *extra: str, threads: int, max_new_tokens: int = 16) -> None:
        command = [sys.executable, "-m", "mt", "serve", "--port", "0", "--to", "fr"]
        command += [f"--model=fr={model}", "--backend", "torch", "--no-cache"]
        command += ["--max-new-tokens", str(max_new_tokens), "--max-queue", "4096", *extra]
        # torch's threads: on a machine shared past its cores, OpenMP's spinning threads slowed
        # one tiny-model decode from 0.06 s to 2 s (load 12 on 2 cores); 1 is the default here.
        env = {**os.environ, "OMP_NUM_THREADS": str(threads)}
        self.process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env)
        assert self.process.stderr is not None
        for line in self.process.stderr:
            found = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", line)
            if found:
                self.port = int(found.group(1))
                break
        else:
            raise SystemExit(f"mt serve did not start (exit {self.process.wait()})")
        threading.Thread(target=self.process.stderr.read, daemon=True).start()  # keep draining

    def health(self) -> dict:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request("GET", "/health")
        return json.loads(connection.getresponse().read())

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def run_clients(port: int, clients: int, seconds: float) -> dict[str, float]:
    """``clients`` threads sending one sentence per request for ``seconds``; what they got."""
    latencies: list[float] = []
    statuses: dict[int | str, int] = {}
    sent = [0]
    start = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        start.wait()
        while time.perf_counter() < deadline[0]:
            body = json.dumps({"q": next_sentence(), "source": "nl", "target": "fr"})
            began = time.perf_counter()
            with _lock:
                sent[0] += 1
            try:
                connection.request("POST", "/translate", body, {"Content-Type": "application/json"})
                response = connection.getresponse()
                answer = json.loads(response.read())
                status: int | str = response.status
                if status == 200 and not isinstance(answer.get("translatedText"), str):
                    status = "bad answer"
            except Exception as error:  # counted, and the connection made anew
                status = type(error).__name__
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            with _lock:
                statuses[status] = statuses.get(status, 0) + 1
                if status == 200:
                    latencies.append(time.perf_counter() - began)
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + seconds
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    ok = statuses.get(200, 0)
    latencies.sort()
    return {
        "sent": sent[0],
        "ok": ok,
        "errors": sum(count for status, count in statuses.items() if status != 200),
        "statuses": statuses,
        "rps": ok / elapsed,
        "p50_ms": 1000 * latencies[len(latencies) // 2] if latencies else float("nan"),
        "p95_ms": 1000 * latencies[int(len(latencies) * 0.95)] if latencies else float("nan"),
    }


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f}/{five:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="Length of each measurement.")
    parser.add_argument("--rounds", type=int, default=3, help="Interleaved rounds.")
    parser.add_argument("--clients", default="1,8,32", help="Concurrencies to measure.")
    parser.add_argument("--load", type=float, default=0, help="Then 32 clients for this long (s).")
    parser.add_argument("--model", type=Path, help="A Marian folder (default: a tiny one).")
    parser.add_argument("--no-unbatched", action="store_true", help="Skip the --max-batch 1 run.")
    parser.add_argument("--threads", type=int, default=1, help="torch threads of the server.")
    parser.add_argument("--json", action="store_true", help="Also print the figures as JSON.")
    args = parser.parse_args()
    model = args.model or tiny_model()
    concurrencies = [int(c) for c in args.clients.split(",")]

    load_before = load()
    batched = Server(model, threads=args.threads)
    unbatched = (
        None if args.no_unbatched else Server(model, "--max-batch", "1", threads=args.threads)
    )
    runs: dict[str, list[dict]] = {}
    try:
        run_clients(batched.port, 4, 1.0)  # warm-up (first decodes, connections)
        for round_ in range(args.rounds):
            for clients in concurrencies:
                runs.setdefault(f"{clients}", []).append(
                    run_clients(batched.port, clients, args.seconds)
                )
            if unbatched is not None:
                top = max(concurrencies)
                runs.setdefault(f"{top} unbatched", []).append(
                    run_clients(unbatched.port, top, args.seconds)
                )
            print(f"round {round_ + 1}/{args.rounds} done (load {load()})", file=sys.stderr)
        stats = batched.health()["batches"]
        load_run = None
        if args.load:
            before = batched.health()["batches"]["requests"]
            load_run = run_clients(batched.port, 32, args.load)
            answered = batched.health()["batches"]["requests"] - before
            load_run["server_requests"] = answered
    finally:
        batched.stop()
        if unbatched is not None:
            unbatched.stop()

    import torch

    print(
        f"serve_throughput: model={'tiny' if args.model is None else args.model}|seconds="
        f"{args.seconds:g}|rounds={args.rounds}|backend=torch|threads={args.threads}|cache=off"
        f"|torch={torch.__version__}"
        f"|cpu={os.cpu_count()}|load_before={load_before}|load_after={load()}"
    )
    sequential = statistics.median(run["rps"] for run in runs[str(concurrencies[0])])
    print(f"{'clients':<14}{'req/s':>8}{'x seq':>7}{'p50 ms':>8}{'p95 ms':>8}{'errors':>8}  runs")
    for name, results in runs.items():
        rps = statistics.median(r["rps"] for r in results)
        print(
            f"{name:<14}{rps:8.1f}{rps / sequential:7.2f}"
            f"{statistics.median(r['p50_ms'] for r in results):8.0f}"
            f"{statistics.median(r['p95_ms'] for r in results):8.0f}"
            f"{sum(r['errors'] for r in results):8d}  "
            + ", ".join(f"{r['rps']:.1f}" for r in results)
        )
    print(
        f"batches: {stats['calls']} decode calls for {stats['requests']} requests "
        f"(largest {stats['largest']} requests)"
    )
    if load_run is not None:
        lost = load_run["sent"] - load_run["ok"] - load_run["errors"]
        print(
            f"load: 32 clients for {args.load:g} s: sent {load_run['sent']}, answered 200 "
            f"{load_run['ok']}, errors {load_run['errors']} {load_run['statuses']}, lost {lost}, "
            f"server counted {load_run['server_requests']} ({load_run['rps']:.1f} req/s, p95 "
            f"{load_run['p95_ms']:.0f} ms)"
        )
    if args.json:
        print(json.dumps({"runs": runs, "load": load_run}, default=str))


if __name__ == "__main__":
    main()
