"""A face's portrait (the face sheet, the app's face list) is a box inside the frame before a larger one past its
edge: a face leaning out of frame has its largest box there, the part beyond guessed by the mesh, and its crop
showed half black (a95 finding 5: one_outframe.mp4's portrait at frame 80, box x -160..40 of a 640-px frame)."""

from __future__ import annotations

import cv2
import numpy as np
from support.occluders import astronaut_face

from merstudio.analysis.pipeline import Analysis, keep_portrait
from merstudio.io import open_source

SIZE = (640, 480)


def _kept(boxes, size=SIZE):  # noqa: ANN001, ANN202
    kept: dict = {}
    for frame, box in enumerate(boxes):
        keep_portrait(kept, 0, frame, box, *([size] if size else []))
    return kept[0][0]


def test_a_box_past_the_left_edge_loses_to_a_smaller_one_inside():
    inside, leaning = (100.0, 150.0, 250.0, 350.0), (-160.0, 148.0, 40.0, 352.0)
    assert _kept([inside, leaning]) == 0
    assert _kept([leaning, inside]) == 1


def test_past_the_right_and_bottom_edges_too():
    inside = (300.0, 100.0, 420.0, 260.0)
    assert _kept([(540.0, 100.0, 760.0, 360.0), inside]) == 1  # past the right edge (x1 > 640)
    assert _kept([(200.0, 300.0, 420.0, 560.0), inside]) == 1  # past the bottom (y1 > 480)


def test_a_sliver_outside_still_counts_as_in_view_and_the_larger_wins():
    # 2 % of its width past the edge: in view, and larger than the box wholly inside
    assert _kept([(100.0, 100.0, 200.0, 200.0), (-4.0, 50.0, 196.0, 250.0)]) == 1


def test_of_faces_always_partly_outside_the_one_showing_most_is_kept():
    # both boxes lean out; the second is smaller but shows more of its face in the frame
    assert _kept([(-200.0, 100.0, 60.0, 360.0), (-40.0, 100.0, 160.0, 300.0)]) == 1


def test_without_the_frames_size_the_left_and_top_edges_still_count():
    # a split run's segments from before SegmentResult.frame_size: a box starting below 0 is still past the edge
    assert _kept([(100.0, 150.0, 250.0, 350.0), (-160.0, 148.0, 40.0, 352.0)], size=None) == 0
    assert _kept([(100.0, 150.0, 250.0, 350.0), (100.0, -150.0, 300.0, 80.0)], size=None) == 0
    assert _kept([(100.0, 150.0, 250.0, 350.0), (400.0, 100.0, 700.0, 400.0)], size=None) == 1  # the larger


def test_the_run_keeps_the_frame_where_the_face_is_in_view(tmp_path):
    """The NASA portrait growing as it slides out over the left edge of a 640x480 frame: one track, its largest box
    on the last frame (x0 < 0, the mesh guessing the rest); the portrait is the frame before, wholly inside."""
    face = astronaut_face()
    for i, (side, x) in enumerate([(360, 140), (380, 40), (400, -60), (440, -150)]):
        frame = np.zeros((480, 640, 3), np.uint8)
        y, x0 = (480 - side) // 2, max(x, 0)
        frame[y:y + side, x0:x + side] = cv2.resize(face, (side, side))[:, x0 - x:]
        cv2.imwrite(str(tmp_path / f"f{i}.png"), cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    with open_source(tmp_path) as src:
        run = Analysis(src)
        rows = list(run.rows())
    assert [(r["frame"], r["face_id"]) for r in rows] == [(0, 0), (1, 0), (2, 0), (3, 0)]
    frame, box = run.portraits[0]
    assert frame == 2 and box[0] >= 0 and box[2] <= 640, run.portraits
