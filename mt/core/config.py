"""Project configuration: ``.mt.toml``, or the ``[tool.mt]`` table of ``pyproject.toml``.

The nearest such file at or above the working folder wins (``.mt.toml`` before ``pyproject.toml`` in
the same folder). Each subsystem reads its own table and validates it::

    # .mt.toml                          # pyproject.toml
    [models]                            [tool.mt.engines.models]
    de = "/models/opus-mt-tc-big-gmw-gmw"  de = "..."
    [check]                             [tool.mt.qa.check]
    fail-on = "error"                   fail-on = "error"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mt.core.errors import ConfigError, Location


@dataclass(frozen=True)
class Config:
    """The loaded tables, and the file they came from (None when there is none)."""

    tables: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    def table(self, name: str) -> dict[str, Any]:
        """The table ``name`` (``{}`` when absent); a value that is not a table is an error."""
        value = self.tables.get(name, {})
        if not isinstance(value, dict):
            raise ConfigError(f"[{name}] must be a table", Location(self.path or "config"))
        return value


def find_config_file(start: Path | None = None) -> Path | None:
    """The nearest ``.mt.toml``, or ``pyproject.toml`` with ``[tool.mt]``, at or above ``start``."""
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        dot = candidate / ".mt.toml"
        if dot.is_file():
            return dot
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and "[tool.mt" in pyproject.read_text(
            encoding="utf-8", errors="replace"
        ):
            return pyproject
    return None


def load_config(path: Path | None = None, *, start: Path | None = None) -> Config:
    """Load ``path``, or the file :func:`find_config_file` finds; no file gives an empty config."""
    path = path or find_config_file(start)
    if path is None:
        return Config()
    data = read_toml(path, "config file")
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("mt", {})
    return Config(tables=data, path=path)


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """The TOML file ``path`` (a ``what``, for messages); unreadable or invalid -> ConfigError."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"cannot read the {what}: {error.strerror}", Location(path)) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"not valid TOML: {error}", Location(path)) from None
