"""What an ``mt serve`` server is told: the languages it serves, its limits, its API keys.

An API keys file holds one key per line; blank lines and lines starting with ``#`` are skipped::

    # weblate
    3f9c0d2e-team-a
    b71e44aa-browser-extension
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from pathlib import Path

from mt.core.errors import InputError, Location

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
MIN_KEY_LENGTH = 8  # a shorter key is guessed in a few requests


@dataclass(frozen=True)
class ServiceSettings:
    """How a server translates and what it refuses; the ``mt serve`` options, one for one."""

    langs: tuple[str, ...] = ("fr", "de", "en")
    max_queue: int = 1024  # segments waiting to be translated, all requests together
    max_request_bytes: int = 1_000_000  # a larger body is answered 413
    request_timeout_s: float = 60.0  # a request still waiting after this is answered 504
    batch_window_s: float = 0.01  # an idle worker waits this long for more requests to batch
    max_batch: int = 256  # segments decoded in one call at most (a few requests together)
    api_keys: frozenset[str] | None = None  # None: no key asked for

    def __post_init__(self) -> None:
        if not self.langs:
            raise InputError("mt serve needs at least one target language (--to)")
        if self.max_queue < 1 or self.max_batch < 1 or self.max_request_bytes < 1:
            raise InputError("--max-queue, --max-batch and --max-request-bytes must be positive")

    def key_accepted(self, key: str | None) -> bool:
        """Whether ``key`` opens the service: always without keys; else one of them, compared in
        constant time (every key is compared, so the time says nothing of which came close)."""
        if self.api_keys is None:
            return True
        given = (key or "").encode()
        accepted = False
        for known in self.api_keys:
            accepted |= hmac.compare_digest(given, known.encode())
        return accepted


def read_api_keys(path: Path) -> frozenset[str]:
    """The keys of an API keys file (see the module docstring); every problem named by line."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such file", Location(path)) from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read the API keys file: {error}", Location(path)) from error
    keys: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        key = line.strip()
        if not key or key.startswith("#"):
            continue
        if any(char.isspace() for char in key):
            raise InputError("an API key holds no spaces: one key per line", Location(path, number))
        if len(key) < MIN_KEY_LENGTH:
            raise InputError(
                f"API key shorter than {MIN_KEY_LENGTH} characters", Location(path, number)
            )
        if key in keys:
            raise InputError(
                f"duplicate API key (first at line {keys[key]})", Location(path, number)
            )
        keys[key] = number
    if not keys:
        raise InputError("the API keys file holds no key", Location(path))
    return frozenset(keys)


def check_binding(host: str, api_keys: frozenset[str] | None) -> None:
    """Refuse to listen beyond this machine without keys: anyone on the network could use it."""
    if host not in LOOPBACK_HOSTS and api_keys is None:
        raise InputError(
            f"--host {host} makes the service reachable from other machines: give --api-keys "
            "FILE (one key per line), or keep the default --host 127.0.0.1"
        )
