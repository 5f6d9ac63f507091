"""The ``mt`` command line: one click group, one error boundary, a module per command.

The CLI uses the library as any user would. Heavy imports (torch, transformers, ctranslate2) happen
inside the commands that run models, never at import, so ``mt --help`` and ``mt check`` start fast.
"""

from __future__ import annotations

import errno
import importlib
import os
import sys
from typing import Any

import click

from mt.core.errors import MtError
from mt.core.install import DISTRIBUTION, pip_install

# command name -> (module under mt.cli holding a click command or group called ``command``, the
# summary ``mt --help`` lists). The summaries live here, as pip keeps its command summaries, so
# that listing the commands imports none of them: ``mt --help`` must start fast. A test keeps
# each summary equal to the first sentence of its command's help.
_COMMANDS = {
    "translate": (
        "translate",
        "Translate Dutch documents (text, Markdown, HTML) into each language of --to.",
    ),
    "check": (
        "check",
        "Check translations against their Dutch source: glossary terms, figures, untranslated "
        "or missing segments, and structure.",
    ),
    "score": (
        "score",
        "Score translations HYPOTHESES against references, exactly as sacrebleu does.",
    ),
    "bench": (
        "bench",
        "Translate test sets with each system, then score (BLEU, chrF, TER, terminology "
        "accuracy) and time them.",
    ),
    "glossary": (
        "glossary",
        "Validate, show, import and export terminology glossaries (format: glossaries/README.md).",
    ),
    "models": ("models", "Show the translation models: registry, overrides, local availability."),
    "memory": (
        "memory",
        "Build translation memories (TMX) from past releases and their translations, and export "
        "them.",
    ),
    "serve": (
        "serve",
        "Serve translation over HTTP (LibreTranslate's API) and a post-editing page.",
    ),
}


# The packages of mt's extras (pyproject.toml), by the module a command imports: a command run
# without its extra says which to install instead of ending in a traceback. huggingface_hub comes
# with transformers. A test keeps this equal to pyproject's extras.
EXTRA_OF_MODULE = {
    "torch": "translate",
    "transformers": "translate",
    "huggingface_hub": "translate",
    "sentencepiece": "translate",
    "sacremoses": "translate",
    "numpy": "translate",
    "sacrebleu": "score",
    "matplotlib": "bench",
    "pysbd": "bench",
    "ray": "ray",
    "starlette": "serve",
    "uvicorn": "serve",
}


# The extras an extra installs with its own packages (pyproject.toml: bench = mt-press[translate,
# score] and matplotlib): a command that needs one names it, not a part of it. pysbd, in the bench
# extra for benchmarks/segmentation.py, is not needed by mt bench and not checked for it.
EXTRA_INCLUDES = {
    "fast": ("translate",),
    "bench": ("translate", "score"),
    "ray": ("translate",),
    "serve": ("translate",),
}
_NOT_NEEDED = {"bench": ("pysbd",)}
# The extra each model-running command needs: what a message names when a package of it turns out
# to be missing mid-command (the chart's matplotlib), as require_extras names it up front.
_COMMAND_EXTRA = {"translate": "translate", "score": "score", "bench": "bench", "serve": "serve"}


def require_extras(*extras: str) -> None:
    """Stop the running command before any work when a package of ``extras`` (or of the extras
    they include) is not installed: an MtError naming it and the pip command that installs the
    extra the command asked for. Nothing is imported."""
    import importlib.util

    command = click.get_current_context().info_name or ""
    for extra in extras:
        parts = (extra, *EXTRA_INCLUDES.get(extra, ()))
        for module, part in EXTRA_OF_MODULE.items():
            if part not in parts or module in _NOT_NEEDED.get(extra, ()):
                continue
            if importlib.util.find_spec(module) is None:
                raise MtError(_missing(command, module, extra))


def _missing(command: str, module: str, extra: str | None = None) -> str:
    extra = extra or _COMMAND_EXTRA.get(command, "")
    if EXTRA_OF_MODULE[module] not in (extra, *EXTRA_INCLUDES.get(extra, ())):
        extra = EXTRA_OF_MODULE[module]
    return f"mt {command} needs {module}, which is not installed: {pip_install(extra)}"


class MtGroup(click.Group):
    """Loads each command's module on first use, and turns library errors into messages."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from the registry's summaries, without importing any command."""
        rows = [(name, _COMMANDS[name][1]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in _COMMANDS:
            return None
        return importlib.import_module(f"mt.cli.{_COMMANDS[cmd_name][0]}").command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MtError as error:
            click.echo(f"mt: error: {error}", err=True)
            ctx.exit(error.exit_code)
        except ModuleNotFoundError as error:  # what require_extras did not foresee (a chart)
            module = (error.name or "").partition(".")[0]
            if module not in EXTRA_OF_MODULE:
                raise  # not a package an extra installs: a bug
            click.echo(f"mt: error: {_missing(ctx.invoked_subcommand or '', module)}", err=True)
            ctx.exit(2)
        except KeyboardInterrupt:
            click.echo(
                "mt: interrupted; finished segments are kept in the translation cache "
                "(unless --no-cache)",
                err=True,
            )
            ctx.exit(130)


@click.group(cls=MtGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name=DISTRIBUTION, prog_name="mt")
def cli() -> None:
    """Translate Dutch press releases into French, German and English with MarianMT,
    enforce a terminology glossary, and check and score the result."""


def main() -> None:
    """Console-script entry point, and the standard streams' side of the error boundary.

    A standard output that is closed (``mt ... >&-``) is refused before any work: what a command
    prints would be lost without a word. A reader that leaves early (``mt score ... | head -1``)
    ends the run quietly with exit code 1, as click does for a write that meets the closed pipe,
    also when the last output was still in Python's buffer at exit.
    """
    if sys.stdout is None:  # Python found no file descriptor 1 at start-up
        click.echo(
            "mt: error: standard output is closed; to discard what mt prints, send it to "
            "/dev/null (> /dev/null)",
            err=True,
        )
        sys.exit(2)
    try:
        try:
            cli(prog_name="mt")
        finally:
            _flush_stdout()
    except OSError as error:
        if error.errno not in _WRITE_FAILURES:
            raise
        # A full disk (`mt ... > /dev/full`, a quota) is no bug: say what could not be written.
        # Output files are written whole or not at all before this (mt.core.files); what is lost
        # here is only what went to standard output, so its buffer is let go.
        _silence_stdout()
        click.echo(
            f"mt: error: cannot write {error.filename or 'standard output'}: {error.strerror}",
            err=True,
        )
        sys.exit(1)


def _flush_stdout() -> None:
    """Flush standard output now, so that a reader gone away is met here and not in Python's
    flush at exit (which prints "Exception ignored ... BrokenPipeError" and exits with 120)."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        # What the reader did not take is not wanted.
        _silence_stdout()
        sys.exit(1)


def _silence_stdout() -> None:
    """Point standard output's descriptor at /dev/null, so that the flush at exit, with what is
    still in Python's buffer, finds nowhere to fail."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


# Errors of a write that the machine refuses (a full disk, a quota, a file too large, a device
# error), as opposed to a bug.
_WRITE_FAILURES = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})
