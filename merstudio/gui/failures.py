"""What the app says when something fails: one line for the coder, and for a bug (anything but a MerstudioError,
whose message already names the file and the reason) its traceback in the log as well, for whoever fixes it."""

from __future__ import annotations

import logging

from merstudio.errors import MerstudioError

log = logging.getLogger(__name__)


def one_line(text: str, limit: int | None = 300) -> str:
    """A message as one line (an error dialog says what went wrong in one line): white space and control characters
    collapsed, cut at ``limit`` characters (None: whole)."""
    text = " ".join("".join(c if c.isprintable() else " " for c in str(text)).split())
    return text if limit is None or len(text) <= limit else text[: limit - 3].rstrip() + "..."


def failure_line(what: str, exc: BaseException) -> str:
    """The one line that says why ``what`` failed: a MerstudioError's own message, whole (it ends with the reason,
    after the paths it names: cut, a long path's error lost it; the dialogs and labels that show it wrap), else the
    exception's type and text, cut (a bug's text can be anything), its traceback logged (the line alone would not
    say where)."""
    if isinstance(exc, MerstudioError):
        return one_line(str(exc), limit=None)
    log.error("%s failed", what, exc_info=exc)
    return one_line(f"{what} failed ({type(exc).__name__}: {exc})")
