"""The desktop app (PySide6 + pyqtgraph). The only package that imports Qt; logic lives in merstudio.project and
in the plain-Python merstudio.gui.state. Start it with ``merstudio gui`` or :func:`merstudio.gui.app.run_app`."""

from __future__ import annotations

import sys


def _immortalize_singletons() -> None:
    """PySide6 6.12 (shiboken) treats None, True and False as immortal, as they are from Python 3.12 on: it returns
    them without taking a reference. On Python 3.11 every void or bool Qt call then drops one reference, and after
    a few hundred thousand calls the interpreter aborts ("none_dealloc"/"bool_dealloc"). Giving these static
    singletons a practically infinite count is exactly the 3.12 behaviour; it is a no-op on 3.12+."""
    if sys.version_info >= (3, 12) or getattr(sys, "_merstudio_immortal", False):
        return
    import ctypes

    for obj in (None, True, False, NotImplemented, Ellipsis):
        ctypes.c_ssize_t.from_address(id(obj)).value += 1 << 40  # ob_refcnt is the first field of PyObject
    sys._merstudio_immortal = True  # type: ignore[attr-defined]


_immortalize_singletons()
