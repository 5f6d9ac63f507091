"""The library's exceptions: each names what is wrong, where (file and line) and, where it can,
the fix.

The CLI has one error boundary (``mt.cli``) that turns an :class:`MtError` into its message on
stderr and its exit code; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Location:
    """A place in a user's file, printed as ``path:line`` (or just ``path``)."""

    path: Path | str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line is not None else str(self.path)


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
_ODD_LINE_ENDS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # where str.splitlines ends lines too


def numbered_lines(text: str) -> list[str]:
    """The lines of ``text``, endings kept, as editors and GitHub number them (what a
    :class:`Location`'s line means): a line ends at a line feed, a carriage return, or both.
    ``str.splitlines`` also ends one at a form feed, U+2028 and six more characters, which would
    shift every line number after one of them."""
    if any(odd in text for odd in _ODD_LINE_ENDS):  # (a substring search each: 2x faster)
        return _LINE.findall(text)
    return text.splitlines(keepends=True)


class MtError(Exception):
    """A problem a user can fix: bad input, a missing model, a broken config. Exit code 2."""

    exit_code = 2

    def __init__(self, message: str, location: Location | None = None) -> None:
        self.message = message
        self.location = location
        super().__init__(f"{location}: {message}" if location else message)


class MtWarning(UserWarning):
    """Something the library worked around and a user should hear of (the pipeline reports it
    among a run's warnings)."""


class InputError(MtError):
    """An input document, test set or option value that cannot be used."""


class ConfigError(MtError):
    """A configuration file (``.mt.toml``, ``[tool.mt]``) that cannot be used."""


class ModelNotFoundError(MtError):
    """A model that is neither a local folder nor in the offline cache, and cannot be downloaded."""


class ModelLoadError(MtError):
    """A model folder that exists but cannot be loaded (missing or broken files)."""


class GlossaryError(MtError):
    """One or more problems in a glossary; ``problems`` holds every one, each with its location."""

    def __init__(self, problems: Sequence[MtError]) -> None:
        self.problems = tuple(problems)
        lines = [str(problem) for problem in self.problems]
        count = len(lines)
        head = f"{count} problem{'s' if count != 1 else ''} in the glossary"
        super().__init__(head + ":\n" + "\n".join(f"  {line}" for line in lines))
