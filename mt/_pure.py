"""Import mt's modules from their Python files where compiled ones stand beside them."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib.machinery import EXTENSION_SUFFIXES, ModuleSpec
from importlib.util import spec_from_file_location
from pathlib import Path
from types import ModuleType


class _PythonFiles:
    """A finder, asked before the standard ones, that answers for ``mt.*`` with the ``.py`` file
    (Python's own finders prefer an extension module to a source file of the same name)."""

    @staticmethod
    def find_spec(
        name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if not name.startswith("mt.") or not path:
            return None
        for folder in path:
            source = Path(folder) / f"{name.rpartition('.')[2]}.py"
            if source.is_file():
                return spec_from_file_location(name, source)
        return None


def prefer_python_files() -> None:
    """Load mt's modules imported from now on from their Python files."""
    if not any(isinstance(finder, _PythonFiles) for finder in sys.meta_path):
        sys.meta_path.insert(0, _PythonFiles())


def compiled_modules() -> list[str]:
    """The names of mt's modules imported so far that run compiled code (extension modules)."""
    return sorted(
        name
        for name, module in list(sys.modules.items())
        if name.startswith("mt.") and (getattr(module, "__file__", None) or "").endswith(_COMPILED)
    )


_COMPILED = tuple(EXTENSION_SUFFIXES)
