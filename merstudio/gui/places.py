"""Where the coder was in each video: the play head and the timeline's zoom range, kept in the project as the
per-video setting ``view_place/<video id>`` (one of VIDEO_SETTING_PREFIXES: removing the video removes it), so
that the project opens again where it was left. A view setting, like the visible AUs: written straight to the
project when the coder leaves the video or closes the project, no undo step (there is nothing to save: every
write is saved when it is made); a read-only project is not written (the window keeps its places for the
session). The video shown last is kept too (``view_video``, a project setting: opening shows it again)."""

from __future__ import annotations

import logging
import math
import sqlite3
from collections.abc import Sequence
from typing import Any

from merstudio.errors import MerstudioError
from merstudio.project import Project, Video

log = logging.getLogger(__name__)

VIDEO_KEY = "view_video"  # the project setting that keeps the id of the video shown last (store_video)

# (play head frame, (lo, hi) of the timeline's x range, in frame cells: frame f is [f - 1/2, f + 1/2))
Place = tuple[int, tuple[float, float] | None]


def place_key(video_id: int) -> str:
    """The project setting that keeps a video's place."""
    return f"view_place/{int(video_id)}"


def _setting(project: Project, key: str) -> Any:
    """A view setting's value, None where it cannot be read (not JSON: a hand-edited file): what the view keeps is
    a convenience, never a reason for a project not to open or a video not to show."""
    try:
        return project.get_setting(key)
    except (ValueError, MerstudioError, sqlite3.Error) as exc:
        log.warning("%s: the view setting %s is unreadable, ignored (%s)", project.path, key, exc)
        return None


def stored_place(project: Project, video_id: int) -> Place | None:
    """The place stored for the video; None when there is none or the value is not one (a hand-edited file). A
    range that is not one (not two finite numbers, lo < hi) is dropped, the frame kept."""
    value: Any = _setting(project, place_key(video_id))
    if not isinstance(value, dict):
        return None
    frame = value.get("frame")
    if not isinstance(frame, int) or isinstance(frame, bool):
        return None
    rng = value.get("range")
    if not (isinstance(rng, list) and len(rng) == 2
            and all(isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x) for x in rng)
            and rng[0] < rng[1]):
        return frame, None
    return frame, (float(rng[0]), float(rng[1]))


def store_place(project: Project, video_id: int, place: Place, frame_count: int) -> None:
    """Keep the video's place in the project: not in a read-only one, not again when it is what is stored, and
    as no key at all when it is the start (frame 0, the whole video in view), so that a project only looked at is
    not written. A write that fails (a full disk, the lock held elsewhere) is only logged: leaving a video or
    closing the project never fails for it."""
    if project.read_only:
        return
    frame, rng = place
    whole = _whole(frame_count)
    start = frame == 0 and (rng is None or (rng[0] <= whole[0] + 1e-6 and rng[1] >= whole[1] - 1e-6))
    value = None if start else {"frame": int(frame),
                                "range": [round(rng[0], 3), round(rng[1], 3)] if rng is not None else None}
    _keep(project, place_key(video_id), value, f"the place in video {video_id}")


def stored_video(project: Project, videos: Sequence[Video]) -> Video:
    """The video (of ``videos``, the project's, not empty) to show on opening the project: the one shown last, when
    it is still one of them and its file can be found; else the first (opening asks where a missing file went
    only as it did before there was a last video)."""
    vid = _setting(project, VIDEO_KEY)
    last = next((v for v in videos if v.id == vid and not isinstance(vid, bool)), None)
    if last is None or last.id == videos[0].id:
        return videos[0]
    try:
        found = project.locate_video(last.id) is not None
    except (OSError, KeyError, MerstudioError, sqlite3.Error):
        found = False
    return last if found else videos[0]


def store_video(project: Project, video_id: int) -> None:
    """Keep the video shown as the one the project opens with: as store_place, not in a read-only project, not
    again when it is what is stored, and as no key at all when it is the first video (what opening shows without
    one), so that a project only looked at is not written; a failed write is only logged."""
    if project.read_only:
        return
    try:
        vids = project.videos()
    except (MerstudioError, sqlite3.Error) as exc:
        log.warning("%s: the video shown (%s) was not kept (%s)", project.path, video_id, exc)
        return
    _keep(project, VIDEO_KEY, None if vids and vids[0].id == video_id else int(video_id),
          f"the video shown ({video_id})")


def _keep(project: Project, key: str, value: Any, what: str) -> None:
    """Write a view setting only where it changes, as no key at all for None (the default); a failed write is
    only logged: what the view keeps is a convenience."""
    try:
        if _setting(project, key) != value:
            if value is None:
                project.delete_setting(key)
            else:
                project.set_setting(key, value)
    except (MerstudioError, sqlite3.Error) as exc:
        log.warning("%s: %s was not kept (%s)", project.path, what, exc)


def _whole(frame_count: int) -> tuple[float, float]:
    """The timeline's x range of the whole video (frame_cell's of its frames)."""
    from merstudio.gui.timeline_items import frame_cell

    return frame_cell(0, max(1, int(frame_count)) - 1)


def fit_place(place: Place, frame_count: int) -> Place:
    """The place in a video of ``frame_count`` frames (its file may have changed since: replaced, re-encoded): the
    frame clamped to the video; the range as wide as it was, at most the whole video, moved inside it, or None
    (left as it is) when it lies wholly outside the video."""
    frame, rng = place
    frame = min(max(int(frame), 0), max(1, int(frame_count)) - 1)
    if rng is None:
        return frame, None
    first, last = _whole(frame_count)
    lo, hi = rng
    if hi <= first or lo >= last:
        return frame, None
    width = min(hi - lo, last - first)
    lo = min(max(lo, first), last - width)
    return frame, (lo, lo + width)
