"""Shared fixtures: tiny Marian models built locally; a guard failing any test using the network."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

# Set before anything imports huggingface_hub: every load must be satisfied locally.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

SEGMENTATION_ACCURACY = pytest.StashKey[str]()
"""Set by the segmentation table test, printed at the end of the run."""

MULTILINGUAL_TOKENS = (">>deu<<", ">>eng<<", ">>fra<<", ">>nld<<")


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test that opens an internet connection fails, whatever library tries."""

    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: object) -> object:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            raise AssertionError(f"test tried to reach the network: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Caches (ours and Hugging Face's) live in a fresh folder, never the developer's own."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("HF_HOME", str(home / "hf"))


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bilingual OPUS-MT-shaped model folder (like opus-mt-nl-fr), random weights."""
    from mt.engines.tinymodels import build_tiny_marian

    return build_tiny_marian(tmp_path_factory.mktemp("models") / "tiny-nl-xx")


@pytest.fixture(scope="session")
def tiny_multilingual_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A multilingual model folder with target tokens (like opus-mt-tc-big-gmw-gmw)."""
    from mt.engines.tinymodels import build_tiny_marian

    return build_tiny_marian(
        tmp_path_factory.mktemp("models") / "tiny-gmw-gmw",
        target_tokens=MULTILINGUAL_TOKENS,
        seed=1,
    )


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """Print the sentence splitter's boundary accuracy over the Dutch table (issue 2)."""
    line = config.stash.get(SEGMENTATION_ACCURACY, None)
    if line:
        terminalreporter.write_line(line)
