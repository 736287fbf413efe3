"""`merstudio project`: make and inspect a project without the app (a lab that codes in ELAN and wants agreement
or fine-tuning headless): `new` creates one, `add` registers videos, `show` lists what it holds."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import Any

from merstudio.errors import InputError

EPILOG = """examples:
  merstudio project new study.merproj interview1.mp4 interview2.mp4
  merstudio convert --project study.merproj --import ann.eaf --video interview1.mp4
  merstudio convert --project study.merproj --import bob.eaf --video interview1.mp4
  merstudio agreement study.merproj
  merstudio project show study.merproj"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("project", help="create a project, add videos to it, show what it holds",
                       description="Create a merstudio project (.merproj) and register videos or frame folders in "
                                   "it without the app, or list its videos, analyses, overlays and coded events.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    acts = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    new = acts.add_parser("new", help="create a project (and add videos)",
                          description="Create a new project file and register the given videos in it.")
    new.add_argument("project", type=Path, metavar="PROJECT", help="the project file to create (.merproj)")
    new.add_argument("media", nargs="*", type=Path, metavar="VIDEO_OR_FOLDER", help="videos or frame folders to add")
    add = acts.add_parser("add", help="add videos to a project",
                          description="Register videos or frame folders in an existing project (a video already "
                                      "in it, by content, is kept as it is).")
    add.add_argument("project", type=Path, metavar="PROJECT", help="the project file (.merproj)")
    add.add_argument("media", nargs="+", type=Path, metavar="VIDEO_OR_FOLDER", help="videos or frame folders to add")
    for q in (new, add):
        q.add_argument("--fps", type=float, default=None,
                       help="frame rate of frame folders (default: the dataset's rate when the folder names tell, "
                            "else 30)")
    show = acts.add_parser("show", help="list a project's videos, analyses, overlays and events",
                           description="List a project's videos (id, frames, rate), the state of their analyses, "
                                       "their overlays and their events per coder and status.")
    show.add_argument("project", type=Path, metavar="PROJECT", help="the project file (.merproj)")
    p.set_defaults(func=run)


def _add(project: Any, media: list[Path], fps: float | None) -> None:
    from merstudio.io import open_source

    for path in media:
        known = {v.id for v in project.videos()}
        source = open_source(path, fps=fps)  # one line naming the file when it is not a video
        try:
            video = project.add_source(source)
        finally:
            source.close()
        state = "already in the project" if video.id in known else "added"
        print(f"video {video.id}: {video.name} ({video.frame_count} frames at {video.fps:g} fps): {state}")


def _show(project: Any) -> None:
    from merstudio.features.neutral import load_baselines

    videos = project.videos()
    print(f"{project.path}: {len(videos)} video(s); coders: {', '.join(project.coders()) or 'none'}")
    for v in videos:
        print(f"video {v.id}: {v.name}  {v.frame_count} frames at {v.fps:g} fps ({v.frame_count / v.fps:.1f} s), "
              f"{v.width}x{v.height}" if v.fps > 0 else f"video {v.id}: {v.name}  {v.frame_count} frames")
        a = project.analysis(v.id)
        print(f"  analysis: {a.status}, {project.frame_count_stored(v.id)} frame(s) stored" if a else
              "  analysis: none")
        for o in project.overlays(v.id):
            print(f"  overlay {o.name!r} ({o.kind or 'table'}): {o.rows} row(s)")
        for b in load_baselines(project, v.id).values():  # participant calibration (features/neutral.py)
            print(f"  {b.describe()}")
        counts = Counter((e.coder or "(no coder)", e.status) for e in project.events(v.id))
        if not counts:
            print("  events: none")
        for (coder, status), n in sorted(counts.items()):
            print(f"  events by {coder}: {n} {status}")


def run(args: argparse.Namespace) -> int:
    from merstudio.project import Project

    if args.action != "show" and args.fps is not None and not args.fps > 0:
        raise InputError(f"--fps must be a positive number, got {args.fps:g}")
    missing = [m for m in getattr(args, "media", []) if not m.exists()]
    if missing:  # before anything is written: a typo leaves no empty project, and no half of the list, behind
        raise InputError(f"{missing[0]}: no such file or folder")
    if args.action == "new":
        if args.project.suffix.lower() != ".merproj":
            raise InputError(f"{args.project}: a project file ends in .merproj")
        with Project.create(args.project) as project:
            print(f"created {args.project}")
            _add(project, list(args.media), args.fps)
        return 0
    with Project.open(args.project, read_only=args.action == "show") as project:
        if args.action == "add":
            _add(project, list(args.media), args.fps)
        else:
            _show(project)
    return 0
