"""What the commands share: option decorators, list options, the progress bar on stderr."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click


def glossary_option(help: str) -> Callable[[Callable[..., object]], Callable[..., object]]:
    """``--glossary PATH`` (repeatable, a file or a folder) into the ``glossaries`` parameter."""
    return click.option(
        "--glossary",
        "glossaries",
        multiple=True,
        type=click.Path(path_type=Path),
        help=help,
    )


def split_list(value: str) -> list[str]:
    """``"fr, de,en"`` -> ``["fr", "de", "en"]`` (empty items dropped)."""
    return [item.strip() for item in value.split(",") if item.strip()]


class _ProgressBar:
    """One click progress bar at a time on stderr; a new label closes the previous bar."""

    def __init__(self) -> None:
        self._bar: Any = None
        self._label = ""
        self._done = 0

    def __call__(self, label: str, done: int, total: int) -> None:
        if label != self._label or self._bar is None:
            self.close()
            self._bar = click.progressbar(length=total, label=label, file=sys.stderr)
            self._bar.__enter__()
            self._label, self._done = label, 0
        self._bar.update(done - self._done)
        self._done = done

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


def _interactive() -> bool:
    """Whether a person watches stderr (a terminal), not a log file or a pipe."""
    return sys.stderr.isatty()


@contextlib.contextmanager
def progress_reporter(*, enabled: bool = True) -> Iterator[Callable[[str, int, int], None] | None]:
    """A ``progress(label, done, total)`` callback drawing a bar per label on stderr.

    Yields None (no bar) when disabled or when stderr is not a terminal, so logs stay clean.
    """
    if not enabled or not _interactive():
        yield None
        return
    bar = _ProgressBar()
    try:
        yield bar
    finally:
        bar.close()
