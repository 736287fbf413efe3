"""AU plots: curves for clips, a bar chart for one-frame inputs (a curve of one point draws nothing)."""

from __future__ import annotations

from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pandas as pd

from merstudio.analysis.plot import au_intensity_columns, plot_au_curves

DARK = np.array([0x1F, 0x3B, 0x73]) / 255  # the colour of curves and of present-AU bars


def _table(n: int) -> pd.DataFrame:
    rows = []
    for i in range(n):
        r = {"frame": i, "face_id": 0, "timestamp": i / 30, "confidence": 0.9, "success": 1}
        for a, v in ((1, 0.2), (4, 0.0), (12, 3.5 + 0.1 * np.sin(i)), (25, 2.0), (45, float("nan"))):
            r[f"AU{a:02d}_r"] = v
            r[f"AU{a:02d}_c"] = int(v > 1.0)
        r["AU12_m"] = 0.1  # micro-motion and other columns are not AU intensities
        rows.append(r)
    return pd.DataFrame(rows)


def _dark_pixels(png: Path) -> int:
    img = mpimg.imread(png)[..., :3]
    return int(np.sum(np.all(np.abs(img - DARK) < 0.03, axis=-1)))


def test_columns_from_the_table_in_au_order() -> None:
    assert au_intensity_columns(["frame", "AU12_r", "AU01_r", "AU12_c", "AU45_r", "AU12_m", "AU02_L"]) == \
        ["AU01_r", "AU12_r", "AU45_r"]


def test_one_frame_gets_a_bar_chart(tmp_path: Path) -> None:
    one = plot_au_curves(_table(1), tmp_path / "photo.png", 0, title="photo.jpg")
    # Present AUs (12 at 3.5, 25 at 2.0) are solid dark bars: thousands of pixels. A line plot of one point would
    # draw none.
    assert _dark_pixels(one) > 5000
    img = mpimg.imread(one)
    assert img.shape[1] > img.shape[0]  # one chart, not a strip per AU


def test_a_photos_bar_chart_marks_au4_unreliable(tmp_path: Path, monkeypatch) -> None:
    """On a photo AU4 cannot be told from relaxed brows that sit low (docs/aus.md): its bar is hatched, its tick
    reads "AU4?" and the legend says why; the other ticks are plain."""
    import matplotlib.axes

    ticks: list[str] = []
    legends: list[str] = []
    real_xticks, real_legend = matplotlib.axes.Axes.set_xticks, matplotlib.axes.Axes.legend

    def set_xticks(self, t, labels=None, **kw):  # noqa: ANN001, ANN202
        ticks.extend(labels or [])
        return real_xticks(self, t, labels, **kw)

    def legend(self, *a, **kw):  # noqa: ANN002, ANN003, ANN202
        legends.extend(h.get_label() for h in kw.get("handles", []))
        return real_legend(self, *a, **kw)

    monkeypatch.setattr(matplotlib.axes.Axes, "set_xticks", set_xticks)
    monkeypatch.setattr(matplotlib.axes.Axes, "legend", legend)
    plot_au_curves(_table(1), tmp_path / "photo.png", 0, title="photo.jpg")
    assert "AU4?" in ticks and "AU12" in ticks and not [t for t in ticks if t.endswith("?") and t != "AU4?"]
    assert any("unreliable on a photo" in label for label in legends)


def test_clip_gets_curves(tmp_path: Path) -> None:
    png = plot_au_curves(_table(60), tmp_path / "clip.png", 0, spots=[(10, 20)], truth=[(12, 18, "happy")])
    img = mpimg.imread(png)
    assert img.shape[0] > 300 and 0 < _dark_pixels(png) < 5000  # thin curves, one strip per AU


def test_one_frame_without_a_face(tmp_path: Path) -> None:
    t = _table(1).assign(success=0, face_id=-1)
    assert plot_au_curves(t, tmp_path / "none.png").stat().st_size > 0


def test_strips_share_one_scale_per_kind(tmp_path: Path, monkeypatch) -> None:
    """An AU at 0.2 must not be drawn as tall as one at 3.5: every AU strip is on FACS's 0-5 scale, and the
    micro-motion strips (one unit) share one range."""
    import merstudio.analysis.plot as plot_mod

    figs = []
    monkeypatch.setattr(plot_mod, "_save", lambda fig, png, save=plot_mod._save: figs.append(fig) or save(fig, png))
    df = _table(60)
    df["motion_brows"] = 0.3
    df["motion_mouth"] = np.linspace(0, 2.5, 60)
    plot_au_curves(df, tmp_path / "clip.png", 0)
    axes = figs[0].axes
    labels = [ax.get_ylabel() for ax in axes]
    limits = {lab: ax.get_ylim() for lab, ax in zip(labels, axes, strict=True)}
    assert {limits[f"AU{a}"] for a in (1, 4, 12, 25, 45)} == {(0.0, 5.25)}
    assert limits["motion brows"] == limits["motion mouth"] == (0.0, 2.75)


def test_a_models_class_probabilities_get_a_strip_in_the_apps_colours(tmp_path: Path, monkeypatch) -> None:
    """`analyze --checkpoint --plot`: the p_<class> columns under the AUs, on 0-1, each class in its colour in the
    app (merstudio.palette), a gap where the model was not asked, a frame it judged alone as a dot."""
    import matplotlib.colors as mcolors

    import merstudio.analysis.plot as plot_mod
    from merstudio.palette import class_colour

    figs = []
    monkeypatch.setattr(plot_mod, "_save", lambda fig, png, save=plot_mod._save: figs.append(fig) or save(fig, png))
    df = _table(60)
    df["p_negative"], df["p_positive"] = 0.2, 0.8
    df.loc[df["frame"] < 30, ["p_negative", "p_positive"]] = np.nan  # not asked: too little motion
    df.loc[40, ["p_negative", "p_positive"]] = np.nan
    df.loc[42, ["p_negative", "p_positive"]] = np.nan  # frame 41 judged alone
    plot_au_curves(df, tmp_path / "clip.png", 0)
    axes = figs[0].axes
    strip = next(ax for ax in axes if ax.get_ylabel() == "class p")
    assert axes.index(strip) == len([c for c in df.columns if c.endswith("_r")])  # under the AU strips
    assert strip.get_ylim() == (0.0, 1.05)
    lines = {ln.get_label(): ln for ln in strip.get_lines()}
    assert set(lines) == {"negative", "positive"}
    for name, ln in lines.items():
        assert mcolors.to_hex(ln.get_color()) == class_colour(f"p_{name}")
        y = ln.get_ydata()
        assert np.isnan(y[:30]).all() and np.isfinite(y[30:40]).all()
        assert list(ln.get_markevery()) == [i == 41 for i in range(60)]


def test_a_table_without_a_model_has_no_class_strip(tmp_path: Path, monkeypatch) -> None:
    import merstudio.analysis.plot as plot_mod

    figs = []
    monkeypatch.setattr(plot_mod, "_save", lambda fig, png, save=plot_mod._save: figs.append(fig) or save(fig, png))
    plot_au_curves(_table(60), tmp_path / "clip.png", 0)
    assert "class p" not in [ax.get_ylabel() for ax in figs[0].axes]


def test_frames_without_the_face_are_a_gap_not_a_line(tmp_path: Path, monkeypatch) -> None:
    """A face absent on frames 20-29 (another person still in view, or nobody: rows of face -1) has no rows there;
    its curve must break, not draw a straight line from frame 19 to frame 30."""
    import merstudio.analysis.plot as plot_mod

    figs = []
    monkeypatch.setattr(plot_mod, "_save", lambda fig, png, save=plot_mod._save: figs.append(fig) or save(fig, png))
    df = _table(50)
    away = df["frame"].between(20, 29)
    df.loc[away, "face_id"], df.loc[away, "success"] = -1, 0
    plot_au_curves(df, tmp_path / "clip.png", 0)
    ax = next(a for a in figs[0].axes if a.get_ylabel() == "AU12")
    x, y = (np.asarray(v, dtype=float) for v in ax.lines[0].get_data())
    gap = (x >= 20) & (x <= 29)
    assert gap.sum() == 10 and np.isnan(y[gap]).all() and np.isfinite(y[~gap]).all()


def test_a_short_clip_has_frame_ticks_on_whole_frames(tmp_path: Path, monkeypatch) -> None:
    """Four frames (four photos of a folder, a short clip): frames are whole, no tick at 0.5 or 1.5."""
    import merstudio.analysis.plot as plot_mod

    seen = []
    monkeypatch.setattr(plot_mod, "_save", lambda fig, png: seen.append(fig) or png)
    plot_au_curves(_table(4), tmp_path / "short.png", 0)
    (fig,) = seen
    ax = fig.axes[-1]
    ax.figure.canvas.draw()
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    assert ticks and all(float(t).is_integer() for t in ticks), ticks
