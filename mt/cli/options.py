"""What the commands share: option decorators, list options, the progress bar on stderr."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

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


@contextlib.contextmanager
def progress_reporter(*, enabled: bool = True) -> Iterator[Callable[[str, int, int], None] | None]:
    """A ``progress(label, done, total)`` callback drawing one bar per label on stderr.

    Yields None (no bar) when disabled or when stderr is not a terminal, so logs stay clean.
    """
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    bars: dict[str, tuple[object, list[int]]] = {}

    def progress(label: str, done: int, total: int) -> None:
        if label not in bars:
            for bar, _ in bars.values():
                bar.__exit__(None, None, None)  # type: ignore[attr-defined]
            bars.clear()
            bar = click.progressbar(length=total, label=label, file=sys.stderr)
            bar.__enter__()
            bars[label] = (bar, [0])
        bar, seen = bars[label]
        bar.update(done - seen[0])  # type: ignore[attr-defined]
        seen[0] = done

    try:
        yield progress
    finally:
        for bar, _ in bars.values():
            bar.__exit__(None, None, None)  # type: ignore[attr-defined]
