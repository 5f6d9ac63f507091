"""Shared fixtures: tiny Marian models built locally; a guard failing any test using the network."""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Set before anything imports huggingface_hub: every load must be satisfied locally.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

SEGMENTATION_ACCURACY = pytest.StashKey[str]()
"""Set by the segmentation table test, printed at the end of the run."""

MULTILINGUAL_TOKENS = (">>deu<<", ">>eng<<", ">>fra<<", ">>nld<<")

_ROOT = Path(__file__).resolve().parent.parent
# The published OPUS-MT vocabulary (tokenizer files and config, no weights; CC BY 4.0): a copy
# ships in tests/data; the shared data folder beside the clone is the second place to look.
REAL_VOCABULARY_PLACES = (
    _ROOT / "tests" / "data" / "opus-mt-vocab" / "tc-big-fr-en",
    _ROOT.parent / "shared" / "data" / "opus-mt-vocab" / "tc-big-fr-en",
)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test that opens an internet connection fails, whatever library tries (loopback is
    allowed: it never leaves the machine)."""

    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: object) -> object:
        # This machine's own loopback is not the network: mt serve's tests talk to a server they
        # started on 127.0.0.1.
        loopback = isinstance(address, tuple) and address[0] in ("127.0.0.1", "::1")
        if self.family in (socket.AF_INET, socket.AF_INET6) and not loopback:
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


@pytest.fixture(scope="session")
def real_vocab_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random-weight model (d_model 16) on the real 53,017-entry OPUS-MT vocabulary."""
    from mt.engines.tinymodels import build_vocab_marian

    vocabulary = next((p for p in REAL_VOCABULARY_PLACES if (p / "vocab.json").is_file()), None)
    if vocabulary is None:
        places = " or ".join(str(p) for p in REAL_VOCABULARY_PLACES)
        pytest.skip(f"the real OPUS-MT vocabulary is not here (looked in {places})")
    return build_vocab_marian(tmp_path_factory.mktemp("models") / "vocab-fr-en", vocabulary)


@pytest.fixture(scope="session", params=["tiny", "real-vocab"])
def any_model_dir(request: pytest.FixtureRequest) -> Path:
    """Each kind of test model in turn: the tiny vocabulary, then the real OPUS-MT one."""
    name = "tiny_model_dir" if request.param == "tiny" else "real_vocab_model_dir"
    return request.getfixturevalue(name)


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """Print the sentence splitter's boundary accuracy over the Dutch table (issue 2)."""
    line = config.stash.get(SEGMENTATION_ACCURACY, None)
    if line:
        terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def serve_models(tiny_model_dir: Path, tiny_multilingual_dir: Path) -> dict[str, str]:
    """The tiny models for each language mt serve's tests translate into."""
    return {
        "fr": str(tiny_model_dir),
        "de": str(tiny_multilingual_dir),
        "en": str(tiny_multilingual_dir),
    }


@contextlib.contextmanager
def _servers(
    models: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., str]]:
    from mt.service.settings import ServiceSettings
    from mt.service.testing import serve_in_thread
    from mt.translation.pipeline import TranslateOptions, Translator

    def start(*, terms: str = "enforce", cache: bool = True, **settings: object) -> str:
        options = TranslateOptions(
            models=models,
            backend="torch",
            max_new_tokens=12,  # random weights rarely choose </s>: keep decoding short
            terms=terms,
            cache=tmp_path_factory.mktemp("serve-cache") / "cache.sqlite3",
            use_cache=cache,
        )
        translator = Translator(options)
        return stack.enter_context(serve_in_thread(translator, ServiceSettings(**settings)))  # type: ignore[arg-type]

    with contextlib.ExitStack() as stack:
        yield start


@pytest.fixture
def start_server(
    serve_models: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., str]]:
    """``start_server(**settings)``: an ``mt serve`` application on 127.0.0.1 at a free port, in a
    thread of this process, on the tiny models; its base URL. Every server is stopped at the end."""
    with _servers(serve_models, tmp_path_factory) as start:
        yield start


@pytest.fixture(scope="module")
def module_server(
    serve_models: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """One server with the default settings, shared by a module's tests."""
    with _servers(serve_models, tmp_path_factory) as start:
        yield start()
