"""The micro-motion lane under a cover: a covered region's motion is unknown while the cover is there and for the
lag frames after it (their baseline frame shows the cover: a hand lowered from the mouth is not a movement of the
mouth), and the chin goes with a covered mouth (what hides the lips reaches the chin)."""

from __future__ import annotations

import numpy as np

from merstudio.features.aus import AUEstimator


def test_a_covered_mouth_hides_mouth_and_chin_motion_until_its_baseline_is_clear(portrait) -> None:
    crop, obs, aligner = portrait
    est = AUEstimator(fps=10.0)  # baseline lag k = 2 frames
    assert est.micro.k == 2
    covered_frames = {4, 5}
    rows = {}
    for i in range(12):
        aligned = aligner.align(0, obs.landmarks, crop, frame_index=i)
        covered = {"mouth": 1.0} if i in covered_frames else {}
        for act in est.push(0, obs, aligned, i, covered) + est.flush():
            rows[act.frame_index] = act.micro.regions
    unknown = {i for i, r in rows.items() if np.isnan(r["mouth"])}
    # frames 0-1 have no baseline yet; 4-5 covered; 6-7 compare with a covered frame
    assert unknown == {0, 1, 4, 5, 6, 7}, sorted(unknown)
    assert {i for i, r in rows.items() if np.isnan(r["chin"])} == unknown
    assert all(np.isfinite(rows[i]["brows"]) for i in (2, 3, 4, 5, 6, 7, 8))  # the rest of the face still reads
