"""`merstudio gui [VIDEO|PROJECT]`: the desktop app (also what `merstudio` with no command opens)."""

from __future__ import annotations

import argparse
import codecs
import locale
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from merstudio.cli.main import EpilogFormatter

EPILOG = """examples:
  merstudio gui                              # the app (as `merstudio` alone)
  merstudio gui interview.mp4                # the video, added to a project beside it
  merstudio gui study.merproj                # a project
  merstudio gui /data/CASME2/CASME2-RAW/sub01/EP02_01f   # a folder of frame images, as one clip"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "gui",
        help="open the desktop app (optionally on a video, image folder or .merproj project)",
        description="Opens the merstudio desktop app. With a video or image folder, it is added to a project "
        "beside it (created when missing); with a .merproj file, that project opens.",
        epilog=EPILOG, formatter_class=EpilogFormatter,
    )
    p.add_argument("path", nargs="?", type=Path, metavar="VIDEO|PROJECT", help="video, image folder or project")
    p.set_defaults(func=run)


def check_display() -> None:
    """Without a display Qt aborts the process (SIGABRT, no message): say so instead."""
    from merstudio.errors import MerstudioError

    if (sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM")
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")):
        raise MerstudioError("no display to open the app on (DISPLAY and WAYLAND_DISPLAY are unset); "
                             "use `merstudio demo --headless` or `merstudio analyze` in a terminal")


def needs_utf8_mode(platform: str, utf8_mode: int, charset: str, chosen: bool, argv: Sequence[str],
                    ours: bool) -> bool:
    """Whether the app must run again in Python's UTF-8 mode before Qt starts. Qt 6 names files in UTF-8 whatever
    the locale, Python in the locale's charset, fixed at its start: under an 8-bit one (de_DE.ISO-8859-1) a path
    from a Qt dialog could not be encoded ('latin-1' codec can't encode) or named other bytes, and names Python read
    reached Qt as mojibake ('LÃ¤cheln' in the title). `charset`: the locale's, regardless of UTF-8 mode
    (locale.getencoding()). Not where `chosen` (PYTHONUTF8 set or -X utf8 given: the user's choice, and the re-run
    has it), not on Windows (left alone) or macOS (file names always UTF-8), not when an argument's bytes are no
    UTF-8 (a Latin-1 name: it opens as before, where UTF-8 mode would refuse it), nor when the process is not the
    merstudio command (`ours`: a script or a test that called main() would be run again)."""
    if utf8_mode or chosen or not ours or platform in ("win32", "cygwin", "darwin"):
        return False
    try:
        if codecs.lookup(charset).name == "utf-8":
            return False
    except LookupError:  # a charset Python does not know: its names cannot be Qt's either
        pass
    try:
        for arg in argv:
            os.fsencode(arg).decode("utf-8")
    except UnicodeError:
        return False
    return True


def _is_merstudio_command() -> bool:
    """The process is the `merstudio` command (its script, or `python -m merstudio`), not one that imported it."""
    prog = Path(sys.argv[0]) if sys.argv and sys.argv[0] else Path()
    return not getattr(sys, "frozen", False) and (
        prog.name == "merstudio" or (prog.name == "__main__.py" and prog.parent.name == "merstudio"))


def run_in_utf8_mode() -> None:
    """Run this command again, now, in Python's UTF-8 mode where :func:`needs_utf8_mode` says so (the app under an
    8-bit locale); returns where not. Silent: the same command, arguments and locale, only file names and text
    decoded as Qt's are. The arguments keep their bytes (os.execv encodes them back as they were decoded);
    PYTHONUTF8=1 is inherited by the analysis' worker processes, -X utf8 holds under -E too (no second re-run)."""
    chosen = "PYTHONUTF8" in os.environ or "utf8" in sys._xoptions
    if not needs_utf8_mode(sys.platform, sys.flags.utf8_mode, locale.getencoding(), chosen, sys.orig_argv[1:],
                           _is_merstudio_command()):
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os.environ["PYTHONUTF8"] = "1"
    try:
        os.execv(sys.executable, [sys.executable, "-X", "utf8", *sys.orig_argv[1:]])
    except OSError:  # the interpreter cannot be run again (gone, no exec rights): the app as before, ASCII paths work
        del os.environ["PYTHONUTF8"]


def run(args: argparse.Namespace) -> int:
    from merstudio.errors import InputError

    if args.path is not None and not args.path.exists():
        raise InputError(f"{args.path}: no such file or folder")
    check_display()
    run_in_utf8_mode()
    from merstudio.gui.app import run_app

    return run_app([str(args.path)] if args.path is not None else [])
