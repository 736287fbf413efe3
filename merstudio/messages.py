"""How merstudio writes a message on one terminal line: ``one_line`` (bounded, control characters escaped) and
``warning_line`` (``warnings.showwarning`` as the CLI and the batch's worker processes install it). Qt-free and
CLI-free, so that the core (merstudio.analysis.batch) can use them without importing the command line."""

from __future__ import annotations

import sys
from typing import TextIO

MESSAGE_CHARS = 400  # the most of one error or warning line the CLI prints (a message may quote hostile input)


def one_line(message: object, limit: int = MESSAGE_CHARS, squeeze: bool = False) -> str:
    """A message as the CLI prints it: one line (control characters written as escapes; ``squeeze`` turns runs of
    white space into one space), cut to ``limit`` characters with ``… (N characters)``. The last line of defence:
    messages that quote input should bound it themselves (merstudio.interchange.common.quote)."""
    text = message if isinstance(message, str) else str(message)
    n = len(text)
    head = text[: 2 * limit]  # never more of a 400 MB message than is shown
    if squeeze:
        head = " ".join(head.split())
    if not head.isprintable():
        head = "".join(c if c.isprintable() else repr(c)[1:-1] for c in head)
    if n > limit or len(head) > limit:
        return f"{head[:limit]}… ({n:,} characters)"
    return head


def warning_line(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                 file: TextIO | None = None, line: str | None = None) -> None:
    """`warnings.showwarning` for the CLI: `merstudio: warning: <message>` on one line, without the file, line
    number and source line Python adds (those are for developers; set PYTHONWARNINGS=error to trace one)."""
    text = one_line(message, squeeze=True)
    try:
        (file or sys.stderr).write(f"merstudio: warning: {text}\n")
    except (OSError, ValueError):
        pass  # stderr gone: nowhere to say it
