"""`merstudio project`: make and inspect a project without the app (a lab that codes in ELAN and wants agreement
or fine-tuning headless): `new` creates one, `add` registers videos, `relink` points a video at its moved, renamed or
re-encoded file, `show` lists what it holds, `merge` brings another copy of the project in (two coders' copies) or
makes two face ids of a video one person, `split` one face id two people, `subject` names the person a video shows (fine-tuning's hold-out by subject), `set-fps` sets a frame folder's rate, `drop-triggers` removes the SQL
triggers that make a received project open read-only (merstudio.project.integrity), `compact` gives back the space
deleted rows left in the file (Project.compact), `check` reads the whole file for damage, indexes checked against
their tables too (every command's open reads each page: SQLite's quick_check)."""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from merstudio.cli.bounds import frame_rate
from merstudio.cli.main import EpilogFormatter
from merstudio.errors import InputError
from merstudio.names import name_sort_key

EPILOG = """examples:
  merstudio project new study.merproj interview1.mp4 interview2.mp4
  merstudio convert --project study.merproj --import ann.eaf --video interview1.mp4
  merstudio convert --project study.merproj --import bob.eaf --video interview1.mp4
  merstudio agreement study.merproj
  merstudio project show study.merproj
  merstudio project relink study.merproj interview1.mp4 /mnt/disk2/interview1.mp4   # it moved (show: MISSING)
  merstudio project merge study.merproj bob/study.merproj   # bob coded in a copy: his work comes in (asks first)
  merstudio project merge study.merproj --video interview1.mp4 0 3   # faces 0 and 3 are one person
  merstudio project split study.merproj --video interview1.mp4 2 1840   # face 2 is someone else from 1840
  merstudio project subject study.merproj interview1.mp4 P01   # for finetune --holdout subject
  merstudio project set-fps study.merproj burst 60   # a frame folder added without --fps (30 assumed)
  merstudio project drop-triggers received.merproj   # it opened read-only: it holds SQL triggers
  merstudio project compact study.merproj   # give back the space a removed video or a re-run left
  merstudio project check study.merproj   # read every page for damage"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("project", help="create a project, add videos to it, show what it holds",
                       description="Create a merstudio project (.merproj) and register videos or frame folders in "
                                   "it without the app, or list its videos, analyses, overlays and coded events.",
                       epilog=EPILOG, formatter_class=EpilogFormatter)
    acts = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    new = acts.add_parser("new", help="create a project (and add videos)",
                          description="Create a new project file and register the given videos in it.")
    new.add_argument("project", type=Path, metavar="PROJECT", help="the project file to create (.merproj)")
    new.add_argument("media", nargs="*", type=Path, metavar="VIDEO_OR_FOLDER", help="videos or frame folders to add")
    add = acts.add_parser("add", help="add videos to a project",
                          description="Register videos or frame folders in an existing project (a video already "
                                      "in it, by content, is kept as it is; one of them that is MISSING from where "
                                      "the project says is relinked to the file given).")
    add.add_argument("project", type=Path, metavar="PROJECT", help="the project file (.merproj)")
    add.add_argument("media", nargs="+", type=Path, metavar="VIDEO_OR_FOLDER", help="videos or frame folders to add")
    for q in (new, add):
        q.add_argument("--fps", action=frame_rate(), default=None,
                       help="frame rate of frame folders (default: the dataset's rate when the folder names tell, "
                            "else 30) and of videos without frame timestamps, such as raw .h264/.mjpeg streams "
                            "(default: the rate the stream states, else 25); a video with timestamps keeps its own "
                            "timing, and the command says so (one line) with the ffmpeg command that retimes a "
                            "high-speed recording")
    show = acts.add_parser("show", help="list a project's videos, analyses, overlays and events",
                           description="List a project's videos (id, frames, rate), the state of their analyses "
                                       "(and the revision of the rules that made each: one made by an earlier "
                                       "merstudio is flagged, Run analysis in the app makes it again), their "
                                       "overlays and their events per coder and status. A video is there when a "
                                       "file of its size (a frame folder: of its number of frame images) is where "
                                       "the app looks; one that is not is looked for by content, as the app does. "
                                       "--check compares every video's content (reads up to 2 MiB each).")
    show.add_argument("project", type=Path, metavar="PROJECT", help="the project file (.merproj)")
    show.add_argument("--check", action="store_true",
                      help="check each video's content as the app does on opening it (a file of the same size "
                           "edited or replaced is MISSING), not only its size: reads up to 2 MiB per video")
    relink = acts.add_parser(
        "relink", help="point a video at its file where it is now (moved, renamed or re-encoded)",
        description="Point video VIDEO at NEWPATH, where its file or frame folder is now. Moved or renamed (the "
                    "same content): relinked, and the project's other missing videos are looked for in that folder "
                    "too. Re-encoded (another file whose frame count, frame rate and frame size match, as `merstudio "
                    "reencode` makes): attached with --yes, its events and analysis keeping their frames (the "
                    "analysis was made on the old file: re-run it in the app). A file of other frames is refused, "
                    "naming what differs. `show` marks the videos the project cannot find MISSING.")
    relink.add_argument("project", type=Path, metavar="PROJECT", help="the project file (.merproj)")
    relink.add_argument("video", metavar="VIDEO",
                        help="the video: its id, file name (an old one too), or a path or path end that is unique")
    relink.add_argument("new_path", type=Path, metavar="NEWPATH", help="its file or frame folder where it is now")
    relink.add_argument("--yes", action="store_true",
                        help="attach a re-encoded copy: another file whose frame count, rate and size match")
    merge = acts.add_parser(
        "merge", help="bring another copy of the project in (PROJECT OTHER.merproj), or merge two faces of a video "
                      "(PROJECT KEEP MERGED)",
        usage="merstudio project merge PROJECT OTHER.merproj [--dry-run] [--yes]\n"
              "       merstudio project merge PROJECT [--video VIDEO] KEEP MERGED",
        description="PROJECT OTHER.merproj: bring the work done in another copy of the project (a colleague coded "
                    "in a copy of it) into PROJECT. Videos are matched by content; events by their id and history "
                    "where both copies come from one project (the copy that changed an event later wins, a "
                    "deletion too; changed in both: both kept and named as a conflict), else by coder, face and "
                    "overlapping frames (exact duplicates skipped); behaviour events and the review of model "
                    "proposals too. A summary (new, updated, deleted, conflicts, per coder) is shown before anything "
                    "is written, and the command asks (--yes: does not; --dry-run: shows it only). OTHER is only "
                    "read.  "
                    "PROJECT KEEP MERGED: the tracker gives a person a new face id where it loses them (a cut from a "
                    "wide shot to a close-up, a head turned away). Merge face MERGED into face KEEP in the video's "
                    "analysis: its frames, events and neutral frames. Faces seen in the same frame are two people "
                    "and are refused. A re-run of the analysis in the app merges them again where it finds the "
                    "same tracks. `show` lists each video's faces.")
    split = acts.add_parser(
        "split", help="split a face of a video at a frame: one id on two people",
        description="The tracker now and then keeps one face id across two people (a cut from one person to "
                    "another it took for the same). Give face FACE a new id from frame FRAME on: its frames, and "
                    "the events that start there or later. A re-run of the analysis in the app splits it again where it "
                    "finds the same track. `show` lists each video's faces.")
    for q in (merge, split):
        q.add_argument("project", type=Path, metavar="PROJECT", help="the project file (.merproj)")
    merge.add_argument("keep", metavar="OTHER_OR_KEEP",
                       help="the other copy's project file (.merproj), or the face id to keep")
    merge.add_argument("merged", nargs="?", default=None, metavar="MERGED",
                       help="the face id that becomes part of KEEP (faces only)")
    merge.add_argument("--dry-run", action="store_true",
                       help="another copy: show what merging it would do, write nothing")
    merge.add_argument("--yes", action="store_true", help="another copy: merge without asking")
    split.add_argument("face", type=int, metavar="FACE", help="the face id to split")
    split.add_argument("frame", type=int, metavar="FRAME", help="the first frame of the new face")
    for q in (merge, split):
        q.add_argument("--video", default=None, metavar="VIDEO",
                       help="the video: its id, file name, or a path or path end that is unique "
                            "(P1/interview.mp4); default: the project's only video")
    subject = acts.add_parser(
        "subject", help="set the subject (the person) of a video, for fine-tuning's hold-out by subject",
        description="Name the person a video shows. `merstudio finetune --holdout subject` holds out whole "
                    "subjects: all the videos of a person, never some of them; a video without a subject counts as "
                    "its own subject, and with no subject set on any video holding out by subject is refused. The "
                    "labelled set export writes it in its subject column. Without SUBJECT: show the video's "
                    "subject. `show` lists them.")
    subject.add_argument("project", type=Path, metavar="PROJECT", help="the project file (.merproj)")
    subject.add_argument("video", metavar="VIDEO",
                         help="the video: its id, file name, or a path or path end that is unique (P1/interview.mp4)")
    subject.add_argument("subject", nargs="?", default=None, metavar="SUBJECT",
                         help="the subject's name or code (e.g. P01)")
    subject.add_argument("--clear", action="store_true", help="remove the video's subject")
    set_fps = acts.add_parser(
        "set-fps", help="set the frame rate of a frame folder (image files carry none)",
        description="Set the rate a frame folder's images were recorded at: image files carry none, so a folder "
                    "holds the rate it was added at (--fps, a known dataset's, else 30, assumed). Its events keep "
                    "their frames and their times follow the rate; its stored analysis's times are counted at it, "
                    "but its micro-motion and spots were measured at the old rate until it is run again in the app "
                    "(`show` says so). A video file is refused: its frames are timed by the file. The app's "
                    "Analysis > Frame rate of this folder… does the same.")
    set_fps.add_argument("project", type=Path, metavar="PROJECT", help="the project file (.merproj)")
    set_fps.add_argument("video", metavar="VIDEO",
                         help="the frame folder: its id, name, or a path or path end that is unique")
    set_fps.add_argument("fps", action=frame_rate(), metavar="FPS", help="its frame rate (frames a second)")
    drop = acts.add_parser(
        "drop-triggers", help="remove SQL triggers from a project (a received one that opens read-only for them)",
        description="merstudio makes no SQL triggers; a project that holds one (made with a database tool, or "
                    "crafted) opens read-only, as a trigger runs inside every write (one rewrote each new event's "
                    "coder and note). Remove them all, naming each; nothing else in the file changes. Close the "
                    "project in the app first.")
    drop.add_argument("project", type=Path, metavar="PROJECT", help="the project file (.merproj)")
    compact = acts.add_parser(
        "compact", help="give back the space that removed videos and replaced analyses left in the file",
        description="Removing a video or re-running an analysis deletes rows, but the file keeps their pages "
                    "(free pages, which SQLite reuses but never gives back: `show` says how much). Rewrite the "
                    "file with its live pages only and say its size before and after. A kill or a power cut "
                    "meanwhile leaves the project as it was or compacted, never damaged. It needs free space for "
                    "a temporary copy (in the temporary folder) and the journal beside the project, each about the "
                    "compacted size. Close the project in the app first. (Closing a project over half of which is "
                    "free does it by itself; the backup and Save As are always written compacted.)")
    compact.add_argument("project", type=Path, metavar="PROJECT", help="the project file (.merproj)")
    check = acts.add_parser(
        "check", help="read the whole project file for damage (SQLite's integrity check)",
        description="Read every page of the project and check it (SQLite's integrity_check: indexes against their "
                    "tables too). Every command's open already reads each page (SQLite's quick_check); the app "
                    "reads a project over 64 MiB closed cleanly in the background after it opens. Exit status 0 "
                    "when it is sound, 1 when damage is found (one line, the backup named where there is one), 2 "
                    "when it cannot be checked (missing, not a project).")
    check.add_argument("project", type=Path, metavar="PROJECT", help="the project file (.merproj)")
    p.set_defaults(func=run)


def _subject(project: Any, args: argparse.Namespace) -> None:
    from merstudio.project.subjects import set_video_subject, video_subject

    vid = video_id(project, args.video)
    name = project.video(vid).name
    if args.clear:
        set_video_subject(project, vid, None)
    elif args.subject is not None:
        set_video_subject(project, vid, args.subject)
    now = video_subject(project, vid)
    print(f"video {vid}: {name}: subject {now}" if now is not None else
          f"video {vid}: {name}: no subject set (holding out by subject, it counts as a subject of its own, "
          f"{Path(project.video(vid).path).stem!r})")


def video_id(project: Any, ref: str | None) -> int:
    """The id of the video ``ref`` names; None: the project's only video.

    ``ref`` is the video's id (digits), its file name, or a path or the end of one (``P1/interview.mp4``,
    matched on whole path components, or the path itself, relative to the working folder). A name or path
    suffix that fits several videos (same-named files in per-participant folders) is refused in one line that
    lists them: nothing is picked for the user. Digits are the id; were a video also named exactly that, the
    reference is refused as ambiguous."""
    videos = project.videos()
    if ref is None:
        if len(videos) == 1:
            return videos[0].id
        raise InputError(f"{project.path}: holds {len(videos)} videos; choose one with --video "
                         f"({', '.join(f'{v.id}={v.name}' for v in videos[:6])})")
    by_id = [v for v in videos if ref.strip().isdigit() and int(ref) == v.id]
    by_name = [v for v in videos if _names(v, ref, project.path.parent)]
    hits = list({v.id: v for v in by_id + by_name}.values())
    if len(hits) == 1:
        return int(hits[0].id)
    if not hits and len(was := [v for v in videos if _named_once(project, v, ref)]) == 1:
        # found renamed (an export relinks it: the stored name changed under the user's scripts), or relinked
        print(f"note: {ref!r} is the old name of video {was[0].id}, {was[0].name} now (found renamed or relinked)",
              file=sys.stderr)
        return int(was[0].id)
    if not hits:
        raise InputError(f"{project.path}: no video {ref!r} (videos: "
                         f"{', '.join(f'{v.id}={v.name}' for v in videos[:6]) or 'none'})")
    listed = "; ".join(f"{v.id}={v.path}" for v in hits[:6]) + ("; ..." if len(hits) > 6 else "")
    why = f"is video {by_id[0].id}'s id and a name of another video" if by_id else f"names {len(hits)} videos"
    raise InputError(f"{project.path}: {ref!r} {why} ({listed}); give its id or a longer path that is unique "
                     f"(e.g. {_unique_hint(hits[0], videos)})")


def _parts(path: str) -> tuple[str, ...]:
    """A path's components as names are compared (NFC: a Mac's decomposed "Gespräch" is the project's)."""
    from merstudio.interchange.common import name_key

    return tuple(name_key(q) for q in path.replace("\\", "/").split("/") if q not in ("", "."))


def _names(v: Any, ref: str, base: Path) -> bool:
    """Whether ``ref`` names video ``v``: its file name, the end of its path (whole components), or its path."""
    want = _parts(ref)
    if not want:
        return False
    if want == _parts(v.name) or _parts(v.path)[-len(want):] == want:
        return True
    if v.relpath and _parts(v.relpath)[-len(want):] == want:
        return True
    try:
        return len(want) > 1 and Path(ref).resolve() == Path(v.path).resolve()
    except OSError:
        return False


def _named_once(project: Any, v: Any, ref: str) -> bool:
    """Whether ``ref`` names video ``v`` by a file name it had before (Project.old_names), alone or after the end
    of its folder's path (``P1/smile_man.mp4``)."""
    want = _parts(ref)
    old_names = getattr(project, "old_names", None)  # a stand-in project (tests) has none
    if not want or old_names is None:
        return False
    folder = _parts(v.path)[:-1]
    return any(_parts(n) == want[-1:] and (len(want) == 1 or folder[-(len(want) - 1):] == want[:-1])
               for n in old_names(v.id))


def _unique_hint(v: Any, videos: list[Any]) -> str:
    """The shortest end of ``v``'s path that names it alone (its id when none does)."""
    parts = _parts(v.path)
    for k in range(1, len(parts) + 1):
        tail = "/".join(parts[-k:])
        if [w.id for w in videos if _parts(w.path)[-k:] == parts[-k:]] == [v.id]:
            return tail if k > 1 or not tail.isdigit() else str(v.id)
    return str(v.id)


def _open_all(media: list[Path], fps: float | None, project: Path) -> list[Any]:
    """Every video opened (one line naming the first that is not one) before the project is touched, so a bad
    file in the list leaves no empty project and no half of the list added behind. A video --fps does not reach
    (its frames carry times at another rate) is said, a line each, as `analyze` says it."""
    import shlex

    from merstudio.cli.fps_unused import fps_unused_text, same_rate
    from merstudio.io import folder_fps, open_source

    sources: list[Any] = []
    timed: list[tuple[Path, Any]] = []
    try:
        for path in media:
            # --fps: frame folders, images and videos without frame timestamps (raw streams); without it each opens
            # at its own rate (asked of folder_fps only with --fps: it opens a video file to tell)
            rate = None if fps is None else folder_fps(path, fps)
            sources.append(open_source(path, fps=rate))
            if fps is not None and rate is None:
                timed.append((path, sources[-1]))
    except BaseException:
        for s in sources:
            s.close()
        raise
    if fps is not None:
        add = f"merstudio project add {shlex.quote(str(project))}"
        for path, src in timed:
            if not same_rate(fps, src.fps):
                print(f"merstudio: {fps_unused_text(path, fps, src.fps, add, 'add')}", file=sys.stderr)
    return sources


def _add(project: Any, sources: list[Any]) -> None:
    try:
        for source in sources:  # before any is added: a changed file at a video's own path is that video's
            _refuse_changed(project, Path(source.path))
        for source in sources:
            known = {v.id for v in project.videos()}
            video = project.add_source(source)
            state = "added"
            if video.id in known and project.locate_video(video.id) is None:  # the file given is where it is now
                was = video.path
                video, found, missing = project.found_at(video.id, source.path)
                state = f"was MISSING from {was}; relinked to {video.path}{_others(found, missing)}"
            elif video.id in known:  # by content: name the file given, which may be another copy of the video
                given = Path(source.path)
                same = "" if given.name == video.name else f" (the same content as {given})"
                state = f"already in the project{same}"
            print(f"video {video.id}: {video.name} ({video.frame_count} frames at {video.fps:g} fps): {state}")
    finally:
        for s in sources:
            s.close()


def _refuse_changed(project: Any, path: Path) -> None:
    """Refuse, in the CLI's words, a file at the path a video of the project was added from whose content changed
    (re-encoded in place): added, it was a second video of that path and the first, with its events, was never
    found again (Project.add_video refuses it too)."""
    p = path.resolve()
    for v in project.videos():
        if v.path == str(p) and not project.matches(p, v):
            raise InputError(f"{path}: video {v.id} ({v.name}) was added from this path and the file has changed "
                             f"since: `merstudio project relink {_quoted(project.path)} {v.id} {_quoted(path)}` "
                             "attaches it to that video (a re-encoded copy: its frames are checked)")


def _quoted(path: Path | str) -> str:
    import shlex

    return shlex.quote(str(path))


def _others(found: list[int], missing: list[int]) -> str:
    """What relinking a video found of the project's other missing videos in its folder."""
    line = f"; found {len(found)} other missing video{'s' * (len(found) != 1)} there too" if found else ""
    return line + (f"; {len(missing)} still missing (not in that folder)" if missing else "")


def _relink(project: Any, args: argparse.Namespace) -> None:
    """`project relink`: the same checks as the app's "Where is …?" dialog (gui.commands.LocateVideo)."""
    from merstudio.project.videos import frames_differ

    vid = video_id(project, args.video)
    v = project.video(vid)
    path = args.new_path
    target = path.resolve().parent if v.size == 0 and path.is_file() else path.resolve()  # a frame of a folder clip
    if project.matches(target, v):
        video, found, missing = project.found_at(vid, target)
        renamed = f" (named {video.name} now)" if video.name != v.name else ""
        print(f"video {vid}: {v.name}: relinked to {video.path}{renamed}{_others(found, missing)}")
        return
    from merstudio.io import open_source

    with open_source(target, fps=v.fps if v.size == 0 else None) as src:  # a frame folder: the rate it was added at
        fps, count, (w, h) = src.fps, src.frame_count, src.size
    if differs := frames_differ(v, fps, count, w, h):
        raise InputError(f"{path}: not the same video as {v.name} ({differs}; the project's first): not relinked")
    same = f"frame count and rate match ({count} frames at {fps:g} fps), so its events and analysis keep their frames"
    if not args.yes:
        what = "has changed since it was added" if str(target) == v.path else f"is not the same file as {v.name}"
        raise InputError(f"{path} {what} (re-encoded?): {same}; attach it with --yes")
    video = project.reattach(vid, target, fps, count, w, h)
    found, missing = project.locate_missing(Path(video.path).parent, exclude=[vid])
    print(f"video {vid}: {v.name}: attached {video.path} (re-encoded: {same}){_others(found, missing)}")
    if project.analysis(vid) is not None:
        print(f"note: the stored analysis of video {vid} was made on the old file: re-run it on this one in the app "
              f"(merstudio gui {_quoted(project.path)}, Ctrl+R)", file=sys.stderr)


def _set_fps(project: Any, args: argparse.Namespace) -> None:
    """`project set-fps`: Project.set_video_fps, said in one line (and how to re-run a stored analysis); a video
    file is refused with the way to retime one (its frames carry their times)."""
    from merstudio.cli.fps_unused import retime_advice
    from merstudio.project.videos import check_rate_settable

    vid = video_id(project, args.video)
    v = project.video(vid)
    try:
        check_rate_settable(v)
    except InputError as exc:
        add = f"merstudio project add {_quoted(project.path)}"
        raise InputError(f"{exc}; to retime a high-speed recording, {retime_advice(Path(v.path), args.fps, v.fps, add, 'add')}") \
            from None
    change = project.set_video_fps(vid, args.fps)
    line = change.line()
    print(f"video {vid}: {line}" + (f" in the app: merstudio gui {_quoted(project.path)}, Ctrl+R"
                                    if change.analysed_at is not None else ""))


def _show(project: Any, check: bool = False) -> None:
    from merstudio.project.analyses import model_text, older_rules_note
    from merstudio.project.faces import describe_edit
    from merstudio.project.subjects import subjects
    from merstudio.project.videos import analysed_at_text

    videos = project.videos()
    named = subjects(project)
    coders = sorted(project.coders(), key=name_sort_key)  # as people read them, the header as each video's lines
    print(f"{project.path}: {len(videos)} video(s); coders: {', '.join(coders) or 'none'}")
    size, free = project.space()
    if free >= MB_SHOWN:  # what a removed video or a re-run left
        print(f"space: {_mb(size)}, of which {_mb(free)} free (left by deleted rows): `merstudio project compact "
              f"{project.path}` gives it back")
    for v in videos:
        print(f"video {v.id}: {v.name}  {v.frame_count} frames at {v.fps:g} fps ({v.frame_count / v.fps:.1f} s), "
              f"{v.width}x{v.height}" if v.fps > 0 else f"video {v.id}: {v.name}  {v.frame_count} frames")
        where, missing = _where(project, v, check)
        print(f"  path: {where}")
        if missing:
            print(f"  relink: merstudio project relink {_quoted(project.path)} {v.id} NEWPATH   (NEWPATH: where its "
                  "file is now; a re-encoded copy with --yes)")
        if v.id in named:
            print(f"  subject: {named[v.id]}")
        a = project.analysis(v.id)
        print(f"  analysis: {_status(project, a)}, {project.frame_count_stored(v.id)} frame(s) stored, "
              f"{_revision(a)}" if a else "  analysis: none")
        if older := older_rules_note(v.name, a):  # the app's words; the CLI cannot re-run it (`analyze` writes files)
            print(f"  note: {older} (in the app: merstudio gui {project.path})")
        if a is not None and (measured := project.analysed_at(v.id)) is not None:  # its rate set since (set-fps)
            print(f"  note: {analysed_at_text(measured, v.fps)} in the app: merstudio gui {_quoted(project.path)}, "
                  "Ctrl+R")
        if a is not None:
            # which model made its class curves and proposals (coder "model" is every model's name)
            print(f"  model: {model_text(a) or 'none (emotions suggested by the FACS rules)'}")
            print(f"  faces: {describe_faces(project.face_spans(v.id)) or 'none'}")
            for r in a.settings.get("face_edits", []):
                print(f"  edited: {describe_edit(r)}")
        for o in project.overlays(v.id):
            print(f"  overlay {o.name!r} ({o.kind or 'table'}): {o.rows} row(s)")
        for b in _baselines(project, v.id):  # participant calibration (features/neutral.py)
            print(f"  {b.describe()}")
        counts: Counter[tuple[str, str]] = Counter()
        for (coder, status), n in project.event_counts(v.id).items():  # counted by SQLite, no event read
            counts[coder or "(no coder)", status] += n
        if not counts:
            print("  events: none")
        for (coder, status), n in sorted(counts.items(), key=lambda kv: (name_sort_key(kv[0][0]), kv[0][1])):
            print(f"  events by {coder}: {n} {status}")


def _baselines(project: Any, video_id: int) -> list[Any]:
    """The video's neutral baselines; merstudio.features (pandas, OpenCV) is imported only where one is stored."""
    if not project.get_setting(f"neutral.video.{video_id}"):  # features.neutral.setting_key's, read without it
        return []
    from merstudio.features.neutral import load_baselines

    return list(load_baselines(project, video_id).values())


def _status(project: Any, a: Any) -> str:
    """The run's status as the app says it: a run stored as `running` whose process is gone (an app killed by
    SIGTERM, SIGHUP or the OOM killer) is `interrupted`, by the rule the next writer marks it so with
    (analyses._owner_gone); this reader leaves the file as it is. It said `running` of a run nothing ran."""
    if a.status != "running":
        return str(a.status)
    from merstudio.project.analyses import _owner_gone
    from merstudio.project.lock import held_elsewhere

    return "interrupted" if _owner_gone(a.owner, lock_free=not held_elsewhere(project.path)) else "running"


MB_SHOWN = 100_000  # free bytes below which `show` says nothing about space


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def _compact(path: Path) -> None:
    from merstudio.project import Project
    from merstudio.project.lock import ProjectInUse

    try:
        project = Project.open(path, read_only=False)  # the writer: refused while the app has it open
    except ProjectInUse as exc:  # (its advice, "open it read-only", compacts nothing)
        raise ProjectInUse(exc.project, exc.owner, hint="close it there first, then compact it",
                           holder=exc.holder) from None
    with project:
        before, after = project.compact()
        note = project.unsaved_note
    if note:
        print(f"merstudio: {note}", file=sys.stderr)
    print(f"{path}: {_mb(before)} -> {_mb(after)} ({_mb(before - after)} given back)" if after < before
          else f"{path}: {_mb(after)}, nothing to give back")


def _check(path: Path) -> int:
    """0 where every page reads well; 1 where the check found damage (the one line on stderr, the backup named
    where there is one), as a check that ran and failed; a file it cannot check (missing, not a project) is 2."""
    from merstudio.project import Project
    from merstudio.project.store import ProjectDamaged

    try:
        with Project.open(path, check=False, read_only=True) as project:  # (reads every page below)
            found = project.integrity_check()
        if found != "ok":
            raise ProjectDamaged(path, found.splitlines()[0])
    except ProjectDamaged as exc:
        print(f"merstudio: error: {exc}", file=sys.stderr)
        return 1
    print(f"{path}: ok (every page read, {_mb(path.stat().st_size)})")
    return 0


def _revision(a: Any) -> str:
    """Which rules made a stored analysis: its recorded revision against this merstudio's."""
    from merstudio.analysis.revision import ANALYSIS_REVISION, analysis_revision

    rev = analysis_revision(a.settings)
    if rev >= ANALYSIS_REVISION:
        return f"analysis revision {rev} ({'this' if rev == ANALYSIS_REVISION else 'a newer'} version's)"
    told = "none recorded: before merstudio recorded it; " if "revision" not in a.settings else ""
    return f"analysis revision {rev} ({told}this version's: {ANALYSIS_REVISION})"


def _where(project: Any, v: Any, check: bool = False) -> tuple[str, bool]:
    """The video's path as the app and `analyze` will use it, where the app looks (Project.locate_video): the copy
    at its path relative to the project first (a project folder copied with its videos uses its own, even where the
    original is still in place), else the stored path, else one found by name; flagged when that is not the stored
    path, or why it is missing (True). By the cheap check (Project.seen_at: a file's size, a frame folder's number
    of frames; the content check read 2 MiB per video, 400 MB for 200) unless ``check``; a video that fails it is
    looked for by the app's own check (content: a frame folder with a stray Thumbs.db is there, one holding other
    frames is not), which reads only files of its size."""
    from merstudio.project.videos import on_disk

    where = None if check else project.seen_at(v.id)
    if where is None:
        where = project.locate_video(v.id)  # read-only here: nothing is stored
    if where is None:
        return f"{v.path}  (MISSING: {project.missing_reason(v.id)})", True
    stored = Path(on_disk(v.path))  # stored resolved (add_video, relocate)
    if _path_bytes(where) == _path_bytes(stored):
        return str(v.path), False
    if (project.matches if check else project.looks_like)(stored, v):
        return f"{where}  (this project's own copy, used; the stored path {v.path} is another copy)", False
    if where.parent == stored.parent:  # the next command that writes takes the new name (--video keeps the old)
        return f"{where}  (RENAMED: found by its content; the project calls it {v.name})", False
    return f"{where}  (MOVED: not at the stored path {v.path})", False


def _path_bytes(p: Path) -> bytes:
    """A path as the file system names it. Under LANG=C a name found on disk holds its UTF-8 bytes as surrogates
    while the project stores the name itself ('Gespräch'), which the locale cannot encode: that one as UTF-8."""
    try:
        return os.fsencode(p)
    except UnicodeEncodeError:
        return str(p).encode("utf-8", "surrogateescape")


def describe_faces(spans: dict[int, tuple[int, int, int]]) -> str:
    """A video's faces in one line: ``0 (20 frames, 0-19), 1 (129 frames, 20-148)``."""
    return ", ".join(f"{f} ({n} frame{'s' * (n != 1)}, {lo}-{hi})" for f, (lo, hi, n) in sorted(spans.items()))


def _edit_faces(project: Any, args: argparse.Namespace) -> None:
    from merstudio.project.faces import merge_faces

    vid = video_id(project, args.video)
    if args.action == "merge":
        c = merge_faces(project, vid, args.keep, args.merged)
        what = f"face {args.merged} merged into face {args.keep}"
    else:
        c = project.split_face(vid, args.face, args.frame)
        what = f"face {args.face} split at frame {args.frame}: face {c.target} from there"
    moved = f"{len(c.frames)} frame(s)" + (f", {len(c.events)} event(s)" if c.events else "") + \
        (f", {len(c.behaviour_events)} behaviour event(s)" if c.behaviour_events else "")
    print(f"{project.video(vid).name}: {what} ({moved}); faces now: {describe_faces(project.face_spans(vid))}")


def run(args: argparse.Namespace) -> int:
    from merstudio.project import Project
    from merstudio.project.store import killed_before_created

    given = [*getattr(args, "media", []), *([args.new_path] if args.action == "relink" else [])]
    missing = [m for m in given if not m.exists()]
    if missing:  # before anything is written: a typo leaves no empty project, and no half of the list, behind
        raise InputError(f"{missing[0]}: no such file or folder")
    if args.action == "new":
        if args.project.suffix.lower() != ".merproj":
            raise InputError(f"{args.project}: a project file ends in .merproj")
        if args.project.exists() and not killed_before_created(args.project):  # a killed `new`: made afresh
            from merstudio.errors import OutputError

            raise OutputError(f"{args.project}: already exists (add videos to it with `merstudio project add`)")
        sources = _open_all(list(args.media), args.fps, args.project)
        try:
            project = Project.create(args.project)
        except BaseException:
            for s in sources:
                s.close()
            raise
        with project:
            print(f"created {args.project}")
            _add(project, sources)
        return 0
    if args.action != "new":  # none of the others creates a project: an empty file stays as it is
        refuse_unmade(args.project)
    if args.action == "drop-triggers":
        from merstudio.project.integrity import drop_triggers

        gone = drop_triggers(args.project)
        print(f"removed trigger{'s' * (len(gone) > 1)} {', '.join(map(repr, gone))} from {args.project}" if gone
              else f"{args.project}: holds no triggers")
        return 0
    if args.action == "compact":
        _compact(args.project)
        return 0
    if args.action == "check":
        return _check(args.project)
    if args.action == "merge" and args.merged is None:
        return _merge_copy(args)
    if args.action == "merge":
        if args.dry_run or args.yes:
            raise InputError("--dry-run and --yes go with merging another copy (merstudio project merge PROJECT "
                             "OTHER.merproj); merging two faces is undone by `project split`")
        args.keep, args.merged = _face(args.keep, "KEEP"), _face(args.merged, "MERGED")
    if args.action == "subject" and args.clear and args.subject is not None:
        raise InputError(f"--clear removes the subject of video {args.video}: give no SUBJECT with it")
    reading = args.action == "show" or (args.action == "subject" and args.subject is None and not args.clear)
    with open_project(args.project, reading, writing=not reading) as project:
        if args.action == "add":
            _add(project, _open_all(list(args.media), args.fps, args.project))
        elif args.action in ("merge", "split"):
            _edit_faces(project, args)
        elif args.action == "subject":
            _subject(project, args)
        elif args.action == "relink":
            _relink(project, args)
        elif args.action == "set-fps":
            _set_fps(project, args)
        else:
            _show(project, args.check)
    return 0


def _face(text: str, what: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise InputError(f"{text}: {what} is a face id (a whole number; `show` lists them); to merge another copy "
                         "of the project, give its .merproj alone (merstudio project merge PROJECT OTHER.merproj)") \
            from None


def _merge_copy(args: argparse.Namespace) -> int:
    """`project merge PROJECT OTHER.merproj`: the summary of what the other copy brings (project.merge), then,
    asked (or --yes), all of it in one transaction; --dry-run writes nothing. OTHER is only read."""
    from merstudio.project.merge import apply_merge, plan_merge

    if args.video is not None:
        raise InputError("--video goes with merging two faces (KEEP MERGED); merging another copy takes every video")
    with open_project(args.project, args.dry_run, writing=not args.dry_run) as project:
        plan = plan_merge(project, Path(args.keep))
        print("\n".join(plan.lines()))
        if args.dry_run or plan.empty:
            if args.dry_run:
                print("dry run: nothing written")
            return 0
        if not args.yes and not _asked(f"merge this into {args.project.name}? [y/N] "):
            print("not merged: nothing written")
            return 1
        print(apply_merge(project, plan).line())
    return 0


def _asked(question: str) -> bool:
    """The user's yes at a terminal; without one (a script, a pipe) InputError: nothing is written unasked."""
    if not (sys.stdin and sys.stdin.isatty()):
        raise InputError("not merged, nothing written: no terminal to ask at; give --yes to merge what the summary "
                         "lists (--dry-run shows it only)")
    try:
        answer = input(question)
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def refuse_unmade(path: Path) -> None:
    """Refuse an empty project file (0 bytes, or SQLite with no application id and no table, of any size:
    `holds_no_project`, what a read-only open calls empty) in the one line `project show` says of it, leaving the
    file as it is. The writer's open makes such a file a new, empty project (the app does, and `project new` makes
    a killed creation's afresh); a command that does not create projects (`agreement`, `convert --project`,
    `finetune`, every `project` command but `new`: an edit, `compact`, `drop-triggers`) turned it into one of
    100 kB, then failed on what it lacks (no video, no events), or said nothing of it (`compact`)."""
    from merstudio.project import Project
    from merstudio.project.store import holds_no_project

    if not holds_no_project(path):
        return
    # the store's own line, from a read-only open (which writes nothing): one wording for one state
    Project.open(path, read_only=True).close()
    raise InputError(f"{path}: an empty project file (being created, or its creation was cut short)")


def open_project(path: Path, reading: bool = False, *, writing: bool = False) -> Any:
    """The project as every CLI command opens it (`project`, `convert --project`, `agreement`): read-only for a
    command that only reads it; one an older merstudio made is upgraded first (read-only, it could not be read),
    or refused with the reason it cannot be (in use elsewhere, a read-only location). Opened for writing, each
    video's relative path is refreshed from where the file lies now (Project.refresh_relpaths_on_open, as the app
    does when it opens one): a project moved within its tree and used from the CLI alone kept 'videos/a.mp4' for
    '../videos/a.mp4', so a copy of the tree used the original's videos, or called them MISSING once those were
    gone (`finetune`, whose core opens the project itself, refreshes them the same way). A read-only open writes
    nothing: its videos are found by their stored paths as before.

    An older project that cannot be upgraded where it is (in use by another program, e.g. yesterday's app; a
    read-only location) is read through an upgraded copy in memory (Project.open_upgraded_copy: the file is never
    written; one warning line says so), so that `show`, an export or `agreement` still read it; an edit of that
    copy is refused with the reason, which names the remedy. ``writing`` (a command that only edits): no copy,
    the refusal (NeedsUpgrade: close the other program, or copy the file somewhere writable) at once. None of these
    commands creates a project: an empty file is refused (`refuse_unmade`), not made a new project."""
    import warnings

    from merstudio.project import Project
    from merstudio.project.store import NeedsUpgrade

    refuse_unmade(path)
    if reading:
        try:
            return Project.open(path, read_only=True)
        except NeedsUpgrade:
            pass  # upgraded by the writer's open below, where it can be
    try:
        project = Project.open(path)
    except NeedsUpgrade as exc:
        if writing:
            raise
        copy = Project.open_upgraded_copy(path)
        copy.read_only_reason = f"{copy.read_only_reason}; it cannot be upgraded: {exc.reason}" + (
            f"; to edit it, {exc.remedy}" if exc.remedy else "")
        warnings.warn(f"{copy.upgrade_note} ({exc.reason})", UserWarning, stacklevel=2)
        return copy
    if reading:
        return project
    if writing and project.in_use_elsewhere:
        # an edit of a project another program has open is refused at once, as `project compact` refuses it (exit
        # 2: another program writing it, the README's rule): opened read-only, the edit failed at its write, as an
        # output that cannot be written (exit 3), after convert --import had previewed it all
        why = project.read_only_reason
        project.close()
        raise InputError(f"{path}: {why}; close it there first, then run the command again")
    try:
        note = project.refresh_relpaths_on_open()  # nothing in a project opened read-only after all (in use)
    except BaseException:
        project.close()
        raise
    if note:  # the command goes on: its videos are still found by their stored paths
        warnings.warn(note, UserWarning, stacklevel=2)
    return project
