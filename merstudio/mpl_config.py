"""matplotlib's configuration folder made writable before matplotlib is imported: standard library only, so the
command line's start (cli.main, before every command) imports no plotting, numpy or pandas for it."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile


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
