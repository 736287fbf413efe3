"""Damaged data past the first 32 frames after which the frame times go back (a lost reference frame upsets the
decoder's B-frame reordering): the check at open counts every frame, finds the grabs that failed, and tells where
frames were lost. It used to tell its damage with the 32 frame times of the head sample, so the failures past them
looked like a cut-off end and were forgotten: "72 frames, 63 can be decoded (an edit list, a cut-off end, or
damaged data)", no damage line, no frame unknown after it (h172: the reencode damage test's flake, on the encodes
where the garbled bytes landed so)."""

from __future__ import annotations

import warnings
from pathlib import Path

import cv2
import numpy as np
from support.damaged_clips import STEADY_X264, garbled_middle

from merstudio.io import open_source
from merstudio.io.frames import SeekTrouble


def _damaged(path: Path) -> Path:
    """The garbled file with the times of the frames after the damage going back (crf 28 puts the garbled bytes
    there)."""
    return garbled_middle(path, f"{STEADY_X264}:crf=28")


def _decoded(path: Path) -> tuple[list[float], list[int]]:
    """OpenCV's own pass: every frame's time (ms) and, per frame, the grabs that failed just before it."""
    cap = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    times: list[float] = []
    failed: list[int] = []
    run = 0
    while run < 64:
        if cap.grab():
            times.append(cap.get(cv2.CAP_PROP_POS_MSEC))
            failed.append(run)
            run = 0
        else:
            run += 1
    cap.release()
    return times, failed


def test_damage_whose_frame_times_go_back_is_told(tmp_path: Path) -> None:
    src = _damaged(tmp_path / "clip.mp4")
    times, failed = _decoded(src)
    lost_at = [k for k, n in enumerate(failed) if n]
    assert 32 < min(lost_at) and len(times) < 72 and np.any(np.diff(times) <= 0), "test file is no test"
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        with open_source(src) as video:
            assert video.frame_count == len(times) and video.seek_trouble is SeekTrouble.UNORDERED_TIMES
            assert sorted(video.damage) == lost_at  # was {}: forgotten as a cut-off end
    said = [str(w.message) for w in seen]
    told = [line for line in said if f"{src}: damaged data inside the file: " in line]
    assert len(told) == 1 and "are lost" in told[0] and f"before frame {lost_at[0]} " in told[0], said
    [count] = [line for line in said if "the file says 72 frames" in line]
    assert "damaged data inside the file: see the line that says where" in count, count
