"""The options of every command that translates (``mt translate``, ``mt serve``): which models,
how to decode, terms, cache. Declared once, so both commands offer, bound and explain them alike.

Not in :mod:`mt.cli.options`, which ``mt check`` imports: these options need the engines' limits.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from mt.cli.options import glossary_option
from mt.engines.backends.base import MAX_BEAMS, MODEL_POSITIONS, beam_limit_message
from mt.translation.pipeline import TERM_MODES

# The parameters decoding_options adds; from_decoding_options turns them into TranslateOptions'.
PARAMETERS = (
    *("models", "pivots", "glossaries", "terms", "backend", "beam", "batch_size"),
    *("max_new_tokens", "device", "cache_path", "no_cache"),
)

_DECLARED = (
    click.option(
        "--model",
        "models",
        multiple=True,
        metavar="LANG=ID_OR_PATH",
        help="Model for a direction: a hub id or a local folder (repeatable). "
        "A trailing >>xxx<< names a multilingual model's target token.",
    ),
    click.option(
        "--pivot",
        "pivots",
        multiple=True,
        metavar="LANG=VIA",
        help="Translate LANG through VIA, e.g. de=en for nl->en->de (repeatable).",
    ),
    glossary_option("Glossary file or folder (repeatable; default: the shipped glossaries/)."),
    click.option(
        "--terms",
        type=click.Choice(TERM_MODES),
        default="enforce",
        show_default=True,
        help="enforce: approved terms by construction; check: translate freely, then report; off.",
    ),
    click.option(
        "--backend",
        type=click.Choice(["auto", "torch", "ctranslate2"]),
        default="auto",
        show_default=True,
        help="auto: CTranslate2 when installed (with verified terms), else torch.",
    ),
    click.option(
        "--beam",
        type=click.IntRange(min=1),
        callback=lambda ctx, param, value: _bounded_beam(value),
        help=f"Beam size, at most {MAX_BEAMS} (default: the model's).",
    ),
    click.option(
        "--batch-size", type=click.IntRange(min=1), help="Segments per batch (default 32)."
    ),
    click.option(
        "--max-new-tokens",
        type=click.IntRange(min=1),
        callback=lambda ctx, param, value: _bounded_new_tokens(value),
        help="Longest translation of a sentence, in tokens, at most the model's positions "
        f"({MODEL_POSITIONS} for OPUS-MT) (default: twice the source plus 16).",
    ),
    click.option(
        "--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True
    ),
    click.option(
        "--cache",
        "cache_path",
        # (a folder is refused by the cache itself, in one line that names it)
        type=click.Path(path_type=Path),
        help="Translation cache file (default: in the user's cache folder).",
    ),
    click.option("--no-cache", is_flag=True, help="Neither read nor write the translation cache."),
)


def decoding_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the options above to ``command``, in the order ``--help`` lists them."""
    for option in reversed(_DECLARED):
        command = option(command)
    return command


def from_decoding_options(values: dict[str, Any]) -> dict[str, Any]:
    """TranslateOptions' keyword arguments from the parameters :func:`decoding_options` added."""
    from mt.engines.models import parse_model_overrides, parse_pivots

    return {
        "models": parse_model_overrides(values["models"]),
        "pivots": parse_pivots(values["pivots"]),
        "backend": values["backend"],
        "beam": values["beam"],
        "batch_size": values["batch_size"],
        "max_new_tokens": values["max_new_tokens"],
        "device": values["device"],
        "terms": values["terms"],
        "glossaries": values["glossaries"] or None,
        "cache": values["cache_path"],
        "use_cache": not values["no_cache"],
    }


def _bounded_beam(value: int | None) -> int | None:
    if value is not None and value > MAX_BEAMS:
        raise click.BadParameter(beam_limit_message(value).removeprefix("--beam "))
    return value


def _bounded_new_tokens(value: int | None) -> int | None:
    # Checked again against the model's own positions when it loads (another model may differ).
    if value is not None and value > MODEL_POSITIONS:
        raise click.BadParameter(
            f"{value} is more than a model can write: OPUS-MT (Marian) models have "
            f"{MODEL_POSITIONS} positions, so a translation of one sentence holds at most "
            f"{MODEL_POSITIONS} tokens"
        )
    return value
