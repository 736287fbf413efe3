"""User-facing errors. Anything raised as a MerstudioError is shown as one line (CLI) or a dialog (GUI)."""

from __future__ import annotations


class MerstudioError(Exception):
    """An error caused by the user's input or environment, with a message fit to show as is."""

    exit_code = 2


class InputError(MerstudioError):
    """A bad input file, folder or value (missing, unreadable, wrong format)."""


class OutputError(MerstudioError):
    """An output path that cannot be written, or exists without --overwrite."""

    exit_code = 3


class CheckpointError(MerstudioError):
    """A model checkpoint that is corrupt or incompatible."""
