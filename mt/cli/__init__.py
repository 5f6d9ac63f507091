"""The ``mt`` command line: one click group, one error boundary, a module per command.

The CLI uses the library as any user would. Heavy imports (torch, transformers, ctranslate2) happen
inside the commands that run models, never at import, so ``mt --help`` and ``mt check`` start fast.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from mt.errors import MtError

# command name -> module under mt.cli holding a click command or group called ``command``
_COMMANDS = {
    "translate": "translate",
    "check": "check",
    "score": "score",
    "bench": "bench",
    "glossary": "glossary",
    "models": "models",
}


class MtGroup(click.Group):
    """Loads each command's module on first use, and turns library errors into messages."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in _COMMANDS if self._load(name) is not None)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._load(cmd_name)

    @staticmethod
    def _load(name: str) -> click.Command | None:
        module_name = _COMMANDS.get(name)
        if module_name is None:
            return None
        try:
            module = importlib.import_module(f"mt.cli.{module_name}")
        except ModuleNotFoundError as error:
            if error.name == f"mt.cli.{module_name}":
                return None  # not built yet
            raise
        return module.command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MtError as error:
            click.echo(f"mt: error: {error}", err=True)
            ctx.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo("mt: interrupted; finished segments are kept in the cache", err=True)
            ctx.exit(130)


@click.group(cls=MtGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mt", prog_name="mt")
def cli() -> None:
    """Translate Dutch press releases into French, German and English with MarianMT,
    enforce a terminology glossary, and check and score the result."""


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="mt")
    sys.exit(0)
