"""``python -m mt`` runs the command-line interface."""

from mt.cli import main

main()
