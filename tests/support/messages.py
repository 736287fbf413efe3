"""What the tests ask of an error a user is shown: one line, no traceback, short."""

from __future__ import annotations


def one_line(exc: BaseException) -> str:
    """str(exc), asserted to be one line of under 400 characters with no traceback in it."""
    msg = str(exc)
    assert "\n" not in msg and "Traceback" not in msg and len(msg) < 400, msg
    return msg
