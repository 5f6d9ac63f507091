"""Translate Dutch press releases with MarianMT, enforce a terminology glossary, check and score.

Installing mt compiles a few of its modules with Cython where a C compiler is at hand (see
setup.py). ``MT_PURE_PYTHON=1`` in the environment makes mt import their Python files instead: the
same code, run by the interpreter (how the tests check that both agree).
"""

import os

if os.environ.get("MT_PURE_PYTHON"):
    from mt._pure import prefer_python_files

    prefer_python_files()
