"""MT_PURE_PYTHON=1: mt runs its Python files where compiled modules are installed beside them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "mt"
REPORT = (
    "import json, mt.check, mt.numbers; from mt._pure import compiled_modules; "
    "print(json.dumps([compiled_modules(), mt.check.__file__, mt.numbers.__file__]))"
)


def test_pure_python_switch_imports_the_python_files() -> None:
    environment = {**os.environ, "MT_PURE_PYTHON": "1"}
    result = subprocess.run(
        [sys.executable, "-c", REPORT], env=environment, capture_output=True, text=True, check=True
    )
    compiled, check, numbers = json.loads(result.stdout)
    assert compiled == []
    assert Path(check) == PACKAGE / "check.py"
    assert Path(numbers) == PACKAGE / "numbers.py"
