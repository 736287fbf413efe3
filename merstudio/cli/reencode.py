"""`merstudio reencode`: a copy of a video that seeks fast and exactly (frequent keyframes, a constant frame rate),
for the files the frame reader warns about (no timestamps, few keyframes, a variable frame rate)."""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path
from typing import TextIO

from merstudio.cli.bounds import KEYINT_MAX, frame_rate, output, whole
from merstudio.cli.main import EpilogFormatter, check_output_file, warning_line
from merstudio.errors import InputError

DAMAGE = ": damaged data inside the file: "  # the reader's damage line, told again by its first complete pass

EPILOG = """\
output type, by OUT's suffix:
  .avi                     MJPG: every frame a keyframe (the fastest, exact seeks; larger files)
  .mp4 .mov .m4v .mkv      MPEG-4 part 2: a keyframe every --keyint frames (OpenCV's pip wheels keep 12)

A constant-rate input keeps every frame and its frame numbers. A variable-rate one (a phone's) is resampled onto a
constant clock (--fps, default the rate of its fastest stretch, so a clip that slows down keeps every frame): each
output frame shows the input frame nearest its time (never one that starts half a frame or more later), so a hole
becomes repeated frames, and the copy's frame numbers are not the input's (frame k is at k / rate s); an input frame
shorter than a frame of the copy may be shown by none: a warning says how many, and the --fps that keeps them. The sound comes along at its own times: copied where OUT's
container takes its codec, else converted (.avi: 16-bit PCM; .mp4 .mov .m4v .mkv: AAC); sound that cannot be
written leaves a copy with no sound, and a warning. The copy is written to a hidden temporary beside OUT, read back
(its frames counted) and renamed when complete: Ctrl-C (exit 130), SIGTERM (143) or SIGHUP (129) removes it and
leaves an existing OUT; a full disk or the file size limit (ulimit -f) is exit 3, one line, and OUT as it was; a
killed run's (kill -9) is removed by the next run that writes the same OUT.

examples:
  merstudio reencode phone.mov phone.seek.avi        every frame a keyframe
  merstudio reencode long.mkv long.seek.mp4 --keyint 6 --overwrite
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("reencode", help="copy a video so that it seeks fast and exactly (frequent keyframes, "
                                        "constant frame rate)",
                       description="Re-encode a video (or a frame folder) for fast, frame-exact seeking: frequent "
                                   "keyframes and a constant frame rate, with the video's sound. Prints the frames "
                                   "written, their rate, the codec, the keyframe gap measured in the copy and its "
                                   "sound, if any.",
                       epilog=EPILOG, formatter_class=EpilogFormatter)
    p.add_argument("input", type=Path, metavar="IN", help="video file or frame folder")
    p.add_argument("output", action=output(folder=False), metavar="OUT",
                   help="file to write: .avi (MJPG) or .mp4/.mov/.m4v/.mkv (MPEG-4 part 2)")
    p.add_argument("--keyint", action=whole(1, KEYINT_MAX), default=12, metavar="N",
                   help="MPEG-4 outputs: a keyframe every N frames where the OpenCV build allows it (default: 12)")
    p.add_argument("--fps", action=frame_rate(), metavar="F",
                   help="output frame rate; the input is resampled onto it (default: the input's; for a "
                        "variable-rate input, the rate of its fastest stretch)")
    p.add_argument("--overwrite", action="store_true", help="replace OUT if it exists")
    p.add_argument("-q", "--quiet", "--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def told_once(lines: list[str]) -> list[str]:
    """The input's warnings, each once, in the order first told: a later damage line of the same file replaces the
    earlier (the reader's first complete pass tells the damage again with what it found past the check at open:
    both were printed, one after the other)."""
    kept: dict[str, str] = {}
    for text in lines:
        head, sep, _ = text.partition(DAMAGE)
        kept[head + sep if sep else text] = text  # a key told again keeps its place and takes the later text
    return list(kept.values())


def run(args: argparse.Namespace) -> int:
    from merstudio.io.reencode import CODECS, describe, reencode

    src, out = Path(args.input), Path(args.output)
    if not src.exists():
        raise InputError(f"{src}: not found")
    if out.suffix.lower() not in CODECS and not out.is_dir():
        raise InputError(f"{out}: unknown output type '{out.suffix or '(no suffix)'}' (use "
                         f"{', '.join(sorted(CODECS))})")
    check_output_file(out, args.overwrite, f"{src.stem}.seek.avi")
    if out.parent.is_dir():  # why a folder cannot be written (no permission, read-only), not "cannot write a video"
        from merstudio.atomic import ensure_parent

        ensure_parent(out)
    from merstudio.cli.bars import Bar

    bar: Bar | None = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if args.quiet:
            return
        if bar is None:  # made on the first frame: a bad input prints its error line only
            bar = Bar(desc=src.name, total=total, unit="frame")
        bar.update(done - bar.n)

    from merstudio.io import SourceWarning

    held: list[str] = []  # the input's warnings, said once each when the copy is done (or fails)

    def hold(message: Warning | str, category: type[Warning], filename: str, lineno: int,
             file: TextIO | None = None, line: str | None = None) -> None:
        if issubclass(category, SourceWarning):
            held.append(str(message))
        else:
            warning_line(message, category, filename, lineno, file, line)

    try:
        with warnings.catch_warnings():
            warnings.showwarning = hold
            res = reencode(src, out, keyint=args.keyint, fps=args.fps, overwrite=args.overwrite, progress=progress)
    finally:
        if bar is not None:
            bar.close()
        for text in told_once(held):
            warning_line(text, SourceWarning, "", 0)
    print(f"wrote {res.path}: {describe(res, measured=True)}")
    for line in (res.frames_warning, res.audio_warning):
        if line:
            warning_line(line, UserWarning, "", 0)
    return 0
