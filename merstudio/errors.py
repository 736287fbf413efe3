"""User-facing errors. Anything raised as a MerstudioError is shown as one line (CLI) or a dialog (GUI)."""

from __future__ import annotations

import errno

# errnos of an output the file system takes no more of: the disk is full, over quota, or the file size limit
# (`ulimit -f`) reached. The one home of that set: io (reencode) and analysis (results, batch) both tell it apart.
NO_ROOM = frozenset(getattr(errno, name) for name in ("ENOSPC", "EDQUOT", "EFBIG") if hasattr(errno, name))


def no_room(exc: BaseException) -> bool:
    """Did the file system refuse to take more (`NO_ROOM`)? `exc`: an OSError, or PyAV's FFmpegError (which carries
    the errno FFmpeg's write got)."""
    return getattr(exc, "errno", None) in NO_ROOM


class MerstudioError(Exception):
    """An error caused by the user's input or environment, with a message fit to show as is."""

    exit_code = 2


class InputError(MerstudioError):
    """A bad input file, folder or value (missing, unreadable, wrong format)."""


class FrameRateMismatch(InputError):
    """An annotation file coded at another frame rate than the video's: its times would land on the wrong frames.
    The caller may convert its times at the video's rate instead (fps_override=True; the app asks; the CLI has
    --force-fps)."""

    def __init__(self, message: str, file_fps: float, video_fps: float) -> None:
        super().__init__(message)
        self.file_fps, self.video_fps = file_fps, video_fps

    def same_rate(self) -> bool:
        """The rates agree (within 0.1 %): not another copy of the video, but times another way (a variable-rate
        video's file timed at its mean rate); converting at the video's rate would land them on the wrong frames."""
        return abs(self.file_fps - self.video_fps) <= 1e-3 * self.video_fps


class OutputError(MerstudioError):
    """An output path that cannot be written, or exists where the caller did not allow replacing it (overwrite=True /
    --overwrite)."""

    exit_code = 3


class CheckpointError(MerstudioError):
    """A model checkpoint that is corrupt or incompatible."""
