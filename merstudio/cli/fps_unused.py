"""The line said where `--fps` does not reach a video (`analyze`, `project new/add`): a video whose frames carry
times keeps its own timing (`merstudio.io.folder_fps`, the CLI's rule; the Python API's open_source(fps=) does
retime it). The one home of its wording, with a way that does retime a high-speed recording."""

from __future__ import annotations

import shlex
from pathlib import Path

# what --fps reaches, in the words every such line uses
FPS_REACHES = "--fps sets the rate of frame folders, images and raw streams"
# containers whose frame times -itsscale rescales finely enough under -c copy (an AVI's are counted at its own rate:
# 30 fps scaled to 60 came out in pairs a frame apart)
RETIMED_BY_ITSSCALE = (".mp4", ".mov", ".m4v", ".mkv")


def same_rate(fps: float, own: float | None) -> bool:
    """The video's own rate is the one --fps asks for (within 0.1 %): nothing is lost, nothing to say."""
    return own is not None and abs(own - fps) <= 1e-3 * fps


def retime_advice(path: Path, fps: float, own: float | None, command: str = "merstudio analyze",
                  verb: str = "analyse") -> str:
    """How to give `path`'s frames the rate `fps`: an MP4/MOV/MKV's times rewritten by ffmpeg (-itsscale own/fps,
    the frames copied untouched, the sound left out: its times would no longer match), else its frames as a folder,
    whose rate --fps sets. `command` takes the result (`merstudio analyze`, `merstudio project add P`), `verb` says
    what it does with it."""
    if path.suffix.lower() in RETIMED_BY_ITSSCALE:
        scale = f"{own / fps:.6g}" if own else f"<its rate / {fps:g}>"
        out = path.with_name(f"{path.stem}_{fps:g}fps{path.suffix}")
        return (f"rewrite its frame times: ffmpeg -itsscale {scale} -i {shlex.quote(str(path))} -c copy -an "
                f"{shlex.quote(str(out))}, and {verb} that")
    frames = shlex.quote(str(path.with_name(f"{path.stem}_frames")))
    return (f"{verb} its frames as a folder: mkdir {frames} && ffmpeg -i {shlex.quote(str(path))} -fps_mode "
            f"passthrough {frames}/%06d.png, then {command} {frames} --fps {fps:g}")


def fps_unused_text(path: Path, fps: float, own: float | None, command: str = "merstudio analyze",
                    verb: str = "analyse") -> str:
    """What --fps did not do for the video `path` (rate `own`), in one line (`retime_advice` for `command`)."""
    rate = f" ({own:g} fps)" if own else ""
    return (f"--fps {fps:g} not used for {path}: it carries frame times{rate}, which it keeps ({FPS_REACHES}); "
            f"to retime a high-speed recording, {retime_advice(path, fps, own, command, verb)} (docs/io.md)")
