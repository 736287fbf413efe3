"""AU6's eye evidence is median-filtered round each frame (a centred window: the AU estimator already holds each
face back for the blink look-ahead), and the lip-corner gate is applied after the median, each frame with its own
AU12: AU6 from the eyes starts with the smile and ends with it (a116 finding 3: the median of the last 7 frames put
AU6 on smile_man 3 frames late and kept it present on frame 71, after the smile)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from merstudio.features import aus as aus_module
from merstudio.features.aus import AUS, AUEstimator
from merstudio.features.blendshape_aus import AUReading


def _reading(narrow: float, gate: float) -> AUReading:
    """A reading whose only AU6 source is the eyes: `narrow` on both sides (0-5), the lip-corner gate `gate`."""
    fields = {f.name for f in dataclasses.fields(AUReading)}
    kw = {"au6_shape": (0.0, 0.0), "au6_eye": (narrow * gate,) * 2, "au6_narrow": (narrow,) * 2,
          "au6_gate": (gate,) * 2}
    intensity = {a: 0.0 for a in AUS}
    intensity[12] = 5.0 * gate
    sides = {(a, s): 0.0 for a in (2, 4, 5, 6, 7, 9, 10, 12, 14, 15, 20, 23, 45) for s in ("L", "R")}
    return AUReading(intensity, sides, 0.0, **{k: v for k, v in kw.items() if k in fields})


def _run(portrait, monkeypatch, narrow: list[float], gate: list[float]) -> dict[int, float]:
    """AU06_r per frame of one track whose frames read `narrow` and `gate` (the blendshapes stubbed)."""
    crop, obs, aligner = portrait
    calls = iter(range(len(narrow)))

    def fake(scores, mesh, aperture_neutral=None):  # noqa: ANN001, ARG001 - aus_from_blendshapes' signature
        i = next(calls)
        return _reading(narrow[i], gate[i])

    monkeypatch.setattr(aus_module, "aus_from_blendshapes", fake)
    est = AUEstimator(fps=30.0)
    est.model = lambda meshes: np.zeros((len(meshes), 52))  # type: ignore[assignment]
    aligned = aligner.align(0, obs.landmarks, crop, frame_index=0)
    out = {}
    for i in range(len(narrow)):
        for act in est.push(0, obs, aligned, i, {}):
            out[act.frame_index] = act.intensity[6]
    for act in est.flush():
        out[act.frame_index] = act.intensity[6]
    assert sorted(out) == list(range(len(narrow)))
    return out


def test_au6_from_the_eyes_starts_and_ends_with_the_smile(portrait, monkeypatch):
    """A smile on frames 10-29 narrows the eyes by 3 (on the 0-5 scale) from its first frame to its last: AU6 reads
    3 on each of them and 0 before and after (the trailing median read 0 on 10-12 and 3 on 30-32, after AU12)."""
    n = 40
    on = [10 <= i < 30 for i in range(n)]
    au6 = _run(portrait, monkeypatch, [3.0 if o else 0.0 for o in on], [1.0 if o else 0.0 for o in on])
    assert [round(au6[i], 3) for i in range(n)] == [3.0 if o else 0.0 for o in on]


def test_narrowing_without_a_smile_is_not_carried_into_it_and_an_outlier_is_filtered(portrait, monkeypatch):
    """Eyes narrowed by 4 (a squint, AU7) before the lip corners rise on frame 10, then a smile narrowing them by 2:
    the squint's narrowing is not counted while the lips are still; a single frame reading 5 inside the smile is
    outvoted (a lid fit's jitter)."""
    n = 30
    narrow = [4.0] * 10 + [2.0] * 20
    narrow[20] = 5.0
    gate = [0.0] * 10 + [1.0] * 20
    au6 = _run(portrait, monkeypatch, narrow, gate)
    assert all(au6[i] == 0.0 for i in range(10))
    assert au6[20] == pytest.approx(2.0)
    # the smile's first frames have the squint's larger narrowing round them (a centred median): at most that
    assert all(2.0 <= au6[i] <= 4.0 for i in range(10, 14))
    assert all(au6[i] == pytest.approx(2.0) for i in range(14, n))


def test_a_real_smile_reads_au6_with_its_au12_only(smile_table):
    """smile_man (coded 6+12+25, AU12 from frame 18 to 71): AU6 comes on no later than a frame after AU12 and is off
    wherever AU12 is (its cheekSquint shape reads 0 on this clip: all of its AU6 is eye narrowing beside a smile).
    Before: AU6 came on on frame 21, 3 frames after AU12's 18, and read 2.01 (present) on frame 71 with AU12 0."""
    rows, _ = smile_table
    rows = rows[rows["face_id"] == 0].set_index("frame")
    au12_on = int(rows.index[rows["AU12_c"] == 1][0])
    au6_on = int(rows.index[rows["AU06_c"] == 1][0])
    assert au6_on <= au12_on + 1, (au6_on, au12_on)
    no_smile = rows[(rows["AU12_L"] < 0.5) & (rows["AU12_R"] < 0.5)]
    assert len(no_smile) >= 15  # the neutral start (0-17) and the end (71)
    assert (no_smile["AU06_r"] == 0).all(), no_smile.loc[no_smile["AU06_r"] > 0, ["AU12_r", "AU06_r"]]
    held = rows.loc[20:68]  # the coder's held smile: AU6 present on nearly all of it
    assert (held["AU06_c"] == 1).mean() >= 0.9
