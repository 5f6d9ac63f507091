"""What to tell a person to install: this project's name on the package index, and the pip
command that adds one of its extras.

The import package and the command are ``mt``, but the distribution is ``mt-press``: the name
``mt`` on PyPI belongs to an unrelated project (0.0.1, 2016), so a hint naming it would install a
stranger's code. Every hint that names a pip command is made here, so none can drift back (a test
reads the README, the Makefile and the sources for one that does).
"""

from __future__ import annotations

DISTRIBUTION = "mt-press"


def pip_install(extra: str) -> str:
    """``pip install 'mt-press[translate]' (in a checkout: pip install -e '.[translate]')``."""
    return f"pip install '{DISTRIBUTION}[{extra}]' (in a checkout: pip install -e '.[{extra}]')"
