"""matplotlib's configuration folder made writable before matplotlib is imported, and the fonts of a drawing made on
a thread other than the main one let go when it ends: standard library only, so the command line's start (cli.main,
before every command) imports no plotting, numpy or pandas for it."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager


def writable_mpl_config() -> None:
    """MPLCONFIGDIR set to a private temporary folder where matplotlib's own folders (~/.config/matplotlib,
    ~/.cache/matplotlib, the XDG ones) cannot be made or written (HOME read-only or unset), before matplotlib is
    imported: it made such a folder itself, but printed three raw lines about it on stderr (even with -q). The
    environment variable reaches the analysis's worker processes too."""
    if os.environ.get("MPLCONFIGDIR") or "matplotlib" in sys.modules:
        return
    try:
        home = os.path.expanduser("~")
        if sys.platform.startswith(("linux", "freebsd")):
            dirs = [os.path.join(os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config"), "matplotlib"),
                    os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.join(home, ".cache"), "matplotlib")]
        else:
            dirs = [os.path.join(home, ".matplotlib")]
        for folder in dirs:  # nothing is made here (most commands draw nothing): the nearest existing folder
            while not os.path.lexists(folder) and os.path.dirname(folder) != folder:
                folder = os.path.dirname(folder)
            if not (os.path.isdir(folder) and os.access(folder, os.W_OK | os.X_OK)):
                raise PermissionError(folder)
    except (OSError, RuntimeError):
        try:
            folder = tempfile.mkdtemp(prefix="merstudio-matplotlib-")
        except OSError:
            return  # no temporary folder either: matplotlib says so itself
        os.environ["MPLCONFIGDIR"] = folder
        atexit.register(shutil.rmtree, folder, ignore_errors=True)  # as matplotlib removes the one it makes


@contextmanager
def thread_fonts_released() -> Iterator[None]:
    """Around a drawing (or as a decorator of a function that draws): where it runs on a thread other than the main
    one, matplotlib's cached fonts are let go when it ends. matplotlib keeps an open FreeType font per font file and
    thread id (font_manager._get_font, an LRU cache of 64: threads never share one) and the fonts of a mathtext
    string parsed (MathTextParser._parse_cached, 50), and drops neither when the thread ends: each File > Export >
    Summary, drawn on a new worker thread, left its fonts open (2 files and ~0.4 MB each) until the app exited, up
    to ~130 files. On the main thread they stay cached for its next drawing."""
    try:
        yield
    finally:
        if threading.current_thread() is not threading.main_thread():
            release_fonts()


def release_fonts() -> None:
    """Empty matplotlib's font caches (every thread's; a thread drawing meanwhile opens its fonts again, as after a
    fork, where matplotlib empties the same cache). Private names of matplotlib, so looked up with care: a
    matplotlib without them keeps its fonts, as before."""
    for module, owner, name in (("matplotlib.font_manager", None, "_get_font"),
                                ("matplotlib.mathtext", "MathTextParser", "_parse_cached")):
        found = sys.modules.get(module)  # not imported: nothing drawn, nothing cached
        if found is not None and owner is not None:
            found = getattr(found, owner, None)
        clear = getattr(getattr(found, name, None), "cache_clear", None)
        if callable(clear):
            clear()


def literal(text: str) -> str:
    """``text`` drawn as it is by matplotlib: a pair of dollar signs in it (a file named ``clip$_2$.mp4``, a coder's
    name) started mathtext, drawn as "clip₂.mp4", or failed the drawing with a raw ValueError (``x$\\frac$.mp4``)."""
    return text.replace("$", r"\$")
