"""A split run (`analyze --segment-minutes`, the archive batch) says what each segment's analysis found, not only
the first segment's: more faces than the limit first met in a later segment went unsaid in the merged result."""

from __future__ import annotations

import re
import warnings

import cv2
import numpy as np
import pytest
from support.clips import _face

from merstudio.analysis import AnalysisSettings
from merstudio.analysis.files import analyze_file
from merstudio.analysis.segments import analyze_in_segments, plan_segments

FPS, N = 15, 90
SECOND_FACE = 40  # another person from this frame on: not in the first segment
SETTINGS = AnalysisSettings(keyframe_s=2.0, max_faces=1)  # a restart (and a possible seam) every 30 frames


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    canvas, _lm = _face()
    face = cv2.resize(canvas[20:220, 60:260], (150, 150))
    path = tmp_path_factory.mktemp("segwarn") / "two.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), FPS, (480, 240))
    for i in range(N):
        img = np.full((240, 480, 3), 90, np.uint8)
        img[45:195, 30:180] = face
        if i >= SECOND_FACE:
            img[40:190, 300:450] = np.ascontiguousarray(face[:, ::-1])
        writer.write(cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
    writer.release()
    return path


def _limit_lines(lines: list[str]) -> list[str]:
    return [w for w in lines if "more faces than the limit" in w]


def test_a_later_segments_faces_past_the_limit_are_said(clip, tmp_path):
    plan = plan_segments(N, FPS, 2.0, SETTINGS)
    assert plan == [(0, 30), (30, 60), (60, 90)]  # the newcomer after the first segment
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        whole = analyze_file(clip, tmp_path / "whole", "two", SETTINGS)
        split = analyze_in_segments(clip, tmp_path / "split", "two", SETTINGS, max_seconds=2.0)
    assert len(_limit_lines(whole.warnings)) == 1, whole.warnings  # the clip holds what the test is about
    [line] = _limit_lines(split.warnings)
    # where a later segment first looked after the newcomer came (the finder looks every 30 frames at the limit)
    found = re.search(r"1 a frame analysed, 2 seen first at frame (\d+) ", line)
    assert found and SECOND_FACE <= int(found.group(1)) < N, line
    assert len(split.warnings) == len(set(split.warnings))  # the reader's notes, repeated by every segment: once
