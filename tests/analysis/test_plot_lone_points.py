"""AU curves draw a point that has no neighbour (a face on one photo of a folder read as a clip), and the face
sheet's captions stay inside the picture."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from merstudio.analysis.plot import plot_au_curves, plot_face_sheet


def _rows(frames: int, face_of: dict[int, int]) -> pd.DataFrame:
    """One row per (frame, face) of `face_of` (frame -> face id); the others a row of face -1 (no face)."""
    rows = []
    for i in range(frames):
        fid = face_of.get(i, -1)
        r = {"frame": i, "face_id": fid, "timestamp": i / 30, "confidence": 0.9, "success": int(fid >= 0)}
        for a, v in ((1, 0.1), (12, 4.91), (25, 5.0)):
            r[f"AU{a:02d}_r"] = v if fid >= 0 else np.nan
        r["motion_mouth"] = 0.4 if fid >= 0 else np.nan
        rows.append(r)
    return pd.DataFrame(rows)


def _figure(monkeypatch: pytest.MonkeyPatch) -> list:
    import merstudio.analysis.plot as plot_mod

    seen: list = []
    monkeypatch.setattr(plot_mod, "_save", lambda fig, png: seen.append(fig) or png)
    return seen


def _marked(line) -> set[tuple[float, float]]:  # noqa: ANN001
    """The (x, y) points a line draws as markers."""
    if line.get_marker() in (None, "", "None", " "):
        return set()
    x, y = (np.asarray(v, dtype=float) for v in line.get_data())
    every = line.get_markevery()
    keep = np.ones(len(x), bool) if every is None else np.asarray(every, dtype=bool)
    return {(float(a), float(b)) for a, b in zip(x[keep], y[keep], strict=True)}


def _strip(fig, label: str):  # noqa: ANN001, ANN202
    return next(ax for ax in fig.axes if ax.get_ylabel() == label)


def test_a_face_on_one_frame_of_a_three_frame_clip_is_drawn(tmp_path: Path, monkeypatch) -> None:
    """Three photos read as a clip, a different person on each: face 1 is on frame 1 only. Its curves are single
    points between gaps; a line without markers draws nothing there, so the chart was empty."""
    figs = _figure(monkeypatch)
    plot_au_curves(_rows(3, {0: 0, 1: 1, 2: 2}), tmp_path / "f1.png", 1)
    (fig,) = figs
    assert (1.0, 4.91) in _marked(_strip(fig, "AU12").lines[0])
    assert (1.0, 5.0) in _marked(_strip(fig, "AU25").lines[0])
    assert (1.0, 0.4) in _marked(_strip(fig, "motion mouth").lines[0])


def test_a_long_curve_dots_only_its_lone_frames(tmp_path: Path, monkeypatch) -> None:
    """60 frames with the face on 0-29, on 40 alone and on 50-59: frame 40 (no neighbour) gets a dot; the joined
    runs are plain lines."""
    figs = _figure(monkeypatch)
    face_of = {i: 0 for i in [*range(30), 40, *range(50, 60)]}
    plot_au_curves(_rows(60, face_of), tmp_path / "clip.png", 0)
    (fig,) = figs
    assert _marked(_strip(fig, "AU12").lines[0]) == {(40.0, 4.91)}


@pytest.mark.parametrize("n", range(1, 7))
def test_the_face_sheets_captions_lie_inside_the_picture(tmp_path: Path, monkeypatch, n: int) -> None:
    """analyze's <name>_faces.png (square portraits, a two-line caption under each): with two faces the captions'
    second line ("shown: frame N") was cut off at the bottom edge."""
    from matplotlib.text import Text

    import merstudio.analysis.plot as plot_mod

    figs: list = []
    monkeypatch.setattr(plot_mod, "_save", lambda fig, png, save=plot_mod._save: figs.append(fig) or save(fig, png))  # kept after savefig: laid out as the PNG was
    faces = [(i, np.full((192, 192, 3), 120, np.uint8), f"frames 0-71 (72 with the face)\nshown: frame {i}")
             for i in range(n)]
    plot_face_sheet(faces, tmp_path / "side_faces.png",
                    title="side.mp4: the face tracks (their AU charts: side_face<id>.png)")
    (fig,) = figs
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    captions = [t for t in fig.findobj(Text) if "shown: frame" in t.get_text()]
    assert len(captions) == n
    for t in captions:
        e = t.get_window_extent(renderer)
        assert e.x0 >= box.x0 - 0.5 and e.y0 >= box.y0 - 0.5 and e.x1 <= box.x1 + 0.5 and e.y1 <= box.y1 + 0.5, \
            (t.get_text(), e.bounds, box.bounds)
