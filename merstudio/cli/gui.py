"""`merstudio gui [VIDEO|PROJECT]`: the desktop app (also what `merstudio` with no command opens)."""

from __future__ import annotations

import argparse
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
    import os
    import sys

    from merstudio.errors import MerstudioError

    if (sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM")
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")):
        raise MerstudioError("no display to open the app on (DISPLAY and WAYLAND_DISPLAY are unset); "
                             "use `merstudio demo --headless` or `merstudio analyze` in a terminal")


def run(args: argparse.Namespace) -> int:
    from merstudio.errors import InputError

    if args.path is not None and not args.path.exists():
        raise InputError(f"{args.path}: no such file or folder")
    check_display()
    from merstudio.gui.app import run_app

    return run_app([str(args.path)] if args.path is not None else [])
