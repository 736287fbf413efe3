"""AU curves: a value not measured (NaN on a frame where the face was found: the part covered or out of frame) is
hatched, not drawn like 0 (a curve at 0 lies on the strip's axis, and a missing curve looked the same)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from merstudio.analysis.plot import plot_au_curves, unmeasured_spans


def test_unmeasured_spans_are_the_nan_runs_where_the_face_was_found() -> None:
    x = np.arange(12)
    y = np.array([1, 1, np.nan, np.nan, np.nan, 0, 0, np.nan, 2, np.nan, 1, np.nan])
    present = np.ones(12, bool)
    assert unmeasured_spans(x, y, present) == [(2, 4), (7, 7), (9, 9), (11, 11)]
    present[9] = False  # no face there: a break in its curve, not a value it failed to measure
    assert unmeasured_spans(x, y, present) == [(2, 4), (7, 7), (11, 11)]
    assert unmeasured_spans(x, np.zeros(12), present) == []  # zeros are measured
    assert unmeasured_spans(x + 100, np.full(12, np.nan), np.ones(12, bool)) == [(100, 111)]


def _table(n: int) -> pd.DataFrame:
    rows = []
    for i in range(n):
        r = {"frame": i, "face_id": 0, "timestamp": i / 30, "confidence": 0.9, "success": 1}
        for a, v in ((4, 0.0), (12, 4.0), (25, 2.0)):
            r[f"AU{a:02d}_r"] = v
        r["motion_mouth"] = 0.2
        rows.append(r)
    return pd.DataFrame(rows)


def test_a_covered_stretch_is_hatched_and_a_stretch_of_zeros_is_not(tmp_path: Path, monkeypatch) -> None:
    """The audit's case: a box over the mouth on frames 20-29 (AU12, AU25 and the mouth's motion NaN there), the
    face gone on frames 40-44; AU4 is 0 throughout."""
    import merstudio.analysis.plot as plot_mod

    seen = []
    monkeypatch.setattr(plot_mod, "_save", lambda fig, png: seen.append(fig) or png)
    df = _table(50)
    covered = df["frame"].between(20, 29)
    df.loc[covered, ["AU12_r", "AU25_r", "motion_mouth"]] = np.nan
    gone = df["frame"].between(40, 44)
    df.loc[gone, "face_id"], df.loc[gone, "success"] = -1, 0
    plot_au_curves(df, tmp_path / "clip.png", 0)
    (fig,) = seen
    strips = {ax.get_ylabel(): ax for ax in fig.axes}

    def hatched(label: str) -> list[tuple[float, float]]:
        spans = [p for p in strips[label].patches if p.get_gid() == "unmeasured"]
        assert all(p.get_hatch() for p in spans)
        return [(round(p.get_x(), 2), round(p.get_x() + p.get_width(), 2)) for p in spans]

    assert hatched("AU12") == hatched("AU25") == hatched("motion mouth") == [(19.5, 29.5)]  # was none
    assert hatched("AU4") == []  # measured zeros: the curve on the axis
    x, y = (np.asarray(v, dtype=float) for v in strips["AU12"].lines[0].get_data())
    assert np.isnan(y[(x >= 20) & (x <= 29)]).all()  # and the curve breaks there
    assert "not measured (covered / out of frame / lids shut" in fig._suptitle.get_text()


def test_no_hatching_and_no_key_when_everything_was_measured(tmp_path: Path, monkeypatch) -> None:
    import merstudio.analysis.plot as plot_mod

    seen = []
    monkeypatch.setattr(plot_mod, "_save", lambda fig, png: seen.append(fig) or png)
    plot_au_curves(_table(30).drop(columns="motion_mouth"), tmp_path / "clip.png", 0)
    (fig,) = seen
    assert not [p for ax in fig.axes for p in ax.patches if p.get_gid() == "unmeasured"]
    assert "not measured" not in fig._suptitle.get_text()


def test_a_long_key_is_wrapped_inside_the_figure(tmp_path: Path, monkeypatch) -> None:
    """The demo's key (motion, truth, spots, not measured) on one line ran off both edges of the figure."""
    import merstudio.analysis.plot as plot_mod

    seen = []
    monkeypatch.setattr(plot_mod, "_save", lambda fig, png: seen.append(fig) or png)
    df = _table(60)
    df.loc[df["frame"].between(20, 29), "AU12_r"] = np.nan
    plot_au_curves(df, tmp_path / "interview.png", 0, spots=[(5, 9)], truth=[(4, 10, "AU12")])
    (fig,) = seen
    fig.canvas.draw()
    box = fig._suptitle.get_window_extent(fig.canvas.get_renderer())
    assert 0 <= box.x0 and box.x1 <= fig.bbox.width  # was: x0 < 0 and x1 past the width
    text = fig._suptitle.get_text()
    assert "green: ground truth" in text and "orange: spotted" in text and "not measured" in text
    assert text.count("[") == text.count("]") == 1
    top_axes = max(ax.get_window_extent().y1 for ax in fig.axes)
    assert top_axes < box.y0  # the key stays above the strips


def test_a_long_file_name_in_the_title_is_wrapped_inside_the_figure(tmp_path: Path, monkeypatch) -> None:
    import merstudio.analysis.plot as plot_mod

    seen = []
    monkeypatch.setattr(plot_mod, "_save", lambda fig, png: seen.append(fig) or png)
    name = "participant_017_session_2_interview_camera_B_" * 4 + "take3.mp4"
    plot_au_curves(_table(30), tmp_path / "x.png", 0, title=f"{name}: AU intensity (0-5), face 0")
    (fig,) = seen
    fig.canvas.draw()
    box = fig._suptitle.get_window_extent(fig.canvas.get_renderer())
    assert 0 <= box.x0 and box.x1 <= fig.bbox.width  # was: off both edges
    text = fig._suptitle.get_text().rsplit("\n[", 1)[0]  # the title, without the key's lines
    assert "\n" in text and "".join(text.split()) == "".join(f"{name}: AU intensity (0-5), face 0".split())
