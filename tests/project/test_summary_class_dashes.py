"""The export summary's class-probability curves differ by dash pattern as well as colour, as the app's lane and
the analyze plot do: negative and positive, red and green to most eyes before, were alike to a colour-blind reader."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from merstudio.project import Project
from merstudio.project.export import export_summary


@pytest.fixture
def drawn(monkeypatch):
    """The figures the summary saves."""
    figures: list[Figure] = []
    save = Figure.savefig

    def keep(self, *args, **kwargs):
        figures.append(self)
        return save(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", keep)
    return figures


def test_the_class_curves_are_dashed_apart(tmp_path, drawn):
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"not decoded by the summary")
    rows = [{"frame": i, "face_id": 0, "timestamp": i / 30, "confidence": 0.95, "success": 1, "AU12_r": 1.0,
             "p_negative": 0.2, "p_positive": 0.7 + 0.01 * np.sin(i), "p_surprise": 0.1} for i in range(30)]
    with Project.create(tmp_path / "p.merproj") as proj:
        v = proj.add_video(video, fps=30.0, frame_count=30, width=64, height=48)
        aid = proj.begin_analysis(v.id, {}, device="cpu")
        proj.append_frames(aid, rows)
        proj.finish_analysis(aid)
        export_summary(proj, v.id, tmp_path / "s.csv", tmp_path / "s.png")
    (fig,) = drawn
    # the pattern as drawn (offset, on/off lengths; get_linestyle says "--" for any pattern)
    styles = {line.get_label(): str(line._unscaled_dash_pattern) for line in fig.axes[1].get_lines()}
    assert set(styles) == {"negative", "positive", "surprise"}
    assert len(set(styles.values())) == 3  # three patterns, not three solid lines
