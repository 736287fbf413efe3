"""A PNG of the per-frame AU intensities of one face: curves (one strip per AU, then one per micro-motion region)
with spotted and true intervals shaded and values not measured (covered, out of frame) hatched, or, for a
one-frame input (a photo), a bar chart of that frame's AU intensities (a curve of one point is an empty plot); and,
for a photo, a map of which face is which (plot_face_map).
"""

from __future__ import annotations

import math
import os
import re
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from merstudio.atomic import atomic_path

# the plots' one style and its glyph check (mpl_config: a layer down, as training's confusion matrix draws with them
# too); glyphs_line and missing_glyphs named here as well, where the summary export finds them
from merstudio.mpl_config import drawing, glyphs_line, literal, missing_glyphs, missing_glyphs_line  # noqa: F401
from merstudio.palette import class_colour, class_linestyle
from merstudio.series import lone_finite

if TYPE_CHECKING:
    from matplotlib.figure import Figure

_AU_R = re.compile(r"^AU(\d+)_r$")
SHORT_SERIES = 12  # frames: up to this many, every frame of a curve is drawn as a dot as well


def _figure(**kwargs: Any) -> Figure:
    """A figure of its own Agg canvas (matplotlib.figure.Figure): drawn and saved without pyplot's figure manager
    or the process's backend."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(**kwargs)
    FigureCanvasAgg(fig)
    return fig


def _tab10() -> Any:
    from matplotlib import colormaps

    return colormaps["tab10"]


def au_intensity_columns(columns: Sequence[str]) -> list[str]:
    """The `AUxx_r` columns of a per-frame table, in AU order (whatever AU set the estimator wrote)."""
    found = [(int(m.group(1)), c) for c in columns if (m := _AU_R.match(str(c)))]
    return [c for _, c in sorted(found)]


_MOTION = re.compile(r"^motion_([a-z]+)$")


def motion_columns(columns: Sequence[str]) -> list[str]:
    """The micro-motion lane's per-region columns (`motion_brows`, ...), in table order."""
    return [str(c) for c in columns if _MOTION.match(str(c))]


def plot_au_curves(
    frames: pd.DataFrame,
    png: str | os.PathLike[str],
    face_id: int | None = None,
    spots: Sequence[tuple[int, int]] = (),
    truth: Sequence[tuple[int, int, str]] = (),
    title: str = "",
    model: str = "",
) -> Path:
    """Write AU intensity curves (0-5) of one face track against frame index to `png` (a path; its suffix names the
    format). `spots` are (onset, offset) pairs, `truth` (onset, offset, label) triples. An input of one frame gets a
    bar chart of its AU intensities instead. ``model``: the checkpoint behind the class curves (its name and short
    SHA-256), written into a PNG's Description (model.checkpoint_meta.png_metadata). Leaves matplotlib's backend and
    the warning filters as they were."""
    with drawing():
        df = frames[frames["success"] == 1]
        if face_id is None and len(df):
            face_id = int(df["face_id"].mode().iloc[0])
        df = df[df["face_id"] == face_id]
        cols = au_intensity_columns(list(frames.columns))
        if len(frames) and frames["frame"].nunique() == 1:
            fig = _bar_figure(df, cols, face_id, title)
        else:
            fig = _curve_figure(frames, df, cols, face_id, spots, truth, title)
        return _save(fig, png, model) if model else _save(fig, png)  # (wrappers of _save(fig, png) keep working)


def _save(fig: Figure, png: str | os.PathLike[str], model: str = "") -> Path:
    """Write the figure atomically (never a half-written PNG) in the format its suffix names; a PNG names merstudio
    (and ``model``) in its text chunks, not matplotlib (a figure pasted into a paper can be traced back). Text the
    font cannot draw (a CJK file name in the title) is said in one warning."""
    from merstudio.model.checkpoint_meta import png_metadata

    png = Path(png)
    line = missing_glyphs_line(fig, png)
    if line:
        warnings.warn(line, UserWarning, stacklevel=3)
    fmt = png.suffix.lstrip(".").lower() or "png"
    with atomic_path(png, "cannot write plot") as tmp:  # other formats take other metadata keys: theirs as was
        fig.savefig(tmp, dpi=110, format=fmt, metadata=png_metadata(model) if fmt == "png" else None)
    return png


def plot_face_map(rgb: np.ndarray, faces: Sequence[tuple[int, tuple[float, float, float, float], str]],
                  png: str | os.PathLike[str], title: str = "") -> Path:
    """The photo with each face's box, its id and its note (`faces`: (id, (x0, y0, x1, y1), "AU 6+12"), from
    features.aus.face_note), so that the per-face bar charts (<name>_face<k>.png) can be told apart."""
    with drawing():
        from matplotlib.patches import Rectangle

        h, w = rgb.shape[:2]
        fig = _figure(figsize=(min(12.0, 12.0 * w / max(w, h)) + 0.2, min(12.0, 12.0 * h / max(w, h)) + 0.5))
        ax = fig.subplots()
        ax.imshow(rgb)
        tab10 = _tab10()
        for fid, (x0, y0, x1, y1), note in faces:
            col = tab10(fid % 10)
            ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor=col, linewidth=2))
            ax.text(x0, y0, f"face {fid}" + (f"  {note}" if note else ""), color="white", fontsize=9, va="bottom",
                    fontweight="bold", bbox={"facecolor": col, "edgecolor": "none", "pad": 1.5, "alpha": 0.85})
        ax.set_axis_off()
        if title:
            ax.set_title(literal(title), fontsize=10)
        fig.tight_layout()
        return _save(fig, png)


def plot_face_sheet(faces: Sequence[tuple[int, np.ndarray, str]], png: str | os.PathLike[str],
                    title: str = "") -> Path:
    """One picture per face track of a video (`faces`: (id, RGB crop, caption)), in the colours of the face map,
    so that the per-face charts (<name>_face<k>.png) can be told apart: which person is face 2."""
    with drawing():
        cols = min(6, max(1, len(faces)))
        rows = max(1, math.ceil(len(faces) / cols))
        # wide enough for the title's line (about 0.075 in a character at 10 pt) as well as the faces
        width = max(2.1 * cols + 0.2, 0.075 * len(title) + 0.4)
        fig = _figure(figsize=(width, 2.5 * rows + 0.5))
        axes = fig.subplots(rows, cols, squeeze=False)
        tab10 = _tab10()
        for ax in axes.ravel():
            ax.set_axis_off()
        for ax, (fid, crop, caption) in zip(axes.ravel(), faces, strict=False):
            ax.imshow(crop)
            ax.set_title(f"face {fid}", fontsize=10, fontweight="bold", color="white", pad=3,
                         bbox={"facecolor": tab10(fid % 10), "edgecolor": "none", "pad": 1.5})
            ax.text(0.5, -0.03, literal(caption), transform=ax.transAxes, ha="center", va="top", fontsize=7.5)
        if title:
            fig.suptitle(literal(title), fontsize=10)
        # twice: the first pass sizes the cells, then the square pictures take a cell's other height, which moves
        # their captions; the second pass makes room for the captions where they now are
        fig.tight_layout()
        fig.tight_layout()
        return _save(fig, png)


def _curve_figure(frames: pd.DataFrame, df: pd.DataFrame, cols: list[str], face_id: int | None,
                  spots: Sequence[tuple[int, int]], truth: Sequence[tuple[int, int, str]], title: str) -> Figure:
    n_frames = int(frames["frame"].max()) + 1 if len(frames) else 1
    found = set(df["frame"].tolist())  # frames with a row of this face: there a NaN is "not measured"
    if len(df) and df["frame"].is_unique:  # frames without this face are gaps in its curves, not joined across
        df = df.copy().set_index("frame").reindex(np.arange(n_frames)).rename_axis("frame").reset_index()  # copy: one block
    motion = motion_columns(list(frames.columns))
    classes = sorted(c for c in frames.columns if str(c).startswith("p_"))  # a model's class probabilities
    strips = cols + motion + (["class p"] if classes else [])
    fig = _figure(figsize=(11, 0.55 * max(1, len(strips)) + 1.2))
    axes = fig.subplots(max(1, len(strips)), 1, sharex=True, squeeze=False)
    x = df["frame"].to_numpy()
    present = np.isin(x, list(found))
    unmeasured = False
    # One scale per kind, so strip heights compare: AUs on FACS's 0-5 (an AU at 0.8 must not look as tall as one
    # at 5), micro-motion strips on one shared range (all in the same IOD units).
    m = df[motion].to_numpy(dtype=float) if motion else np.zeros(0)
    motion_top = max(1.0, float(np.nanmax(m)) * 1.1) if m.size and np.isfinite(m).any() else 1.0
    for ax, c in zip(axes[:, 0], strips, strict=False):
        if c == "class p":
            _class_strip(ax, df, classes, spots, truth, n_frames)
            continue
        y = df[c].to_numpy(dtype=float)
        is_motion = c in motion
        _shade(ax, spots, truth)
        # NaN where the face was found: not measured (the part covered or out of frame). Its strip is hatched, as a
        # curve at 0 lies on the axis and a missing one would look like it
        for a, b in unmeasured_spans(x, y, present):
            ax.axvspan(a - 0.5, b + 0.5, facecolor="#e6e6e6", edgecolor="#b3b3b3", hatch="////", lw=0,
                       gid="unmeasured")
            unmeasured = True
        # NaN: a gap, not a zero. A line through one point draws nothing (a face on one frame of a photo folder,
        # a frame between gaps): such points get a dot, and a short series (a few photos) a dot on every frame
        mark = np.isfinite(y) if n_frames <= SHORT_SERIES else lone_finite(y)
        ax.plot(x, y, lw=0.9, color="#b0413e" if is_motion else "#1f3b73", marker="o", markersize=3.5,
                markevery=list(mark))
        if is_motion:
            ax.set_ylim(0, motion_top)
        else:
            ax.set_ylim(0, 5.25)
            ax.set_yticks([0, 5])
        ax.set_xlim(0, max(1, n_frames - 1))
        label = "motion " + c[len("motion_"):] if is_motion else _au_label(c)
        ax.set_ylabel(label, rotation=0, ha="right", va="center", fontsize=8)
        ax.tick_params(axis="y", labelsize=6)
        ax.spines[["top", "right"]].set_visible(False)
    top_ax = axes[0, 0]
    for on, off, label in truth:
        top_ax.text((on + off) / 2, top_ax.get_ylim()[1], literal(label), ha="center", va="bottom", fontsize=7,
                    color="#2ca02c")
    axes[-1, 0].set_xlabel("frame")
    from matplotlib.ticker import MaxNLocator

    axes[-1, 0].xaxis.set_major_locator(MaxNLocator(integer=True))  # frames are whole: no tick at 1.5 on a short clip
    head = title or f"AU intensity (0-5), face {face_id}"
    legend = []
    if motion:
        legend.append("red: micro-motion (0.04 IOD units)")
    if truth:
        legend.append("green: ground truth")
    if spots:
        legend.append("orange: spotted")
    if unmeasured:
        # (eyelid AUs read nothing while the lids are shut, the eyes' motion nothing through a blink)
        legend.append("grey hatched: not measured (covered / out of frame / lids shut" + (
            "; motion: a face's first frames)" if motion else ")"))
    if classes:
        legend.append("class p: the model's, blank where it was not asked")
    # the key on lines of its own, as many as the figure's width needs: on one line it ran off both edges
    lines = [*_title_lines(head, fig.get_size_inches()[0]), *_key_lines(legend, fig.get_size_inches()[0])]
    fig.suptitle(literal("\n".join(lines)), fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 1 - (0.05 + 0.17 * len(lines)) / fig.get_size_inches()[1]))
    return fig


def _fits(width_in: float) -> int:
    return max(20, int((width_in - 0.3) / 0.075))  # characters in a line at 10 pt: about 0.075 in each


def _title_lines(head: str, width_in: float) -> list[str]:
    """The title (a file name, which may be long and have no spaces) in lines that fit ``width_in`` inches."""
    import textwrap

    return textwrap.wrap(head, _fits(width_in), break_on_hyphens=False) or [head]


def _key_lines(entries: Sequence[str], width_in: float) -> list[str]:
    """The key's entries, "[a, b, c]", broken between entries into lines that fit ``width_in`` inches at 10 pt
    (an entry longer than a line gets a line of its own)."""
    if not entries:
        return []
    fits = _fits(width_in)
    lines: list[str] = []
    for i, entry in enumerate(entries):
        piece = ("[" if i == 0 else "") + entry + ("]" if i == len(entries) - 1 else ",")
        if lines and len(lines[-1]) + 1 + len(piece) <= fits:
            lines[-1] += " " + piece
        else:
            lines.append(piece)
    return lines


def unmeasured_spans(x: np.ndarray, y: np.ndarray, present: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) frame of each run of frames `x` where the face was found (`present`) but `y` is NaN: a value
    not measured (a covered or cut-off part of the face), unlike 0 (measured, not there). Frames without the face
    are no run's: its curve just breaks there."""
    gap = np.asarray(present, bool) & ~np.isfinite(np.asarray(y, dtype=float))
    edges = np.flatnonzero(np.diff(np.r_[0, gap.astype(np.int8), 0]))
    return [(int(x[a]), int(x[b - 1])) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _shade(ax: Any, spots: Sequence[tuple[int, int]], truth: Sequence[tuple[int, int, str]]) -> None:
    """The true intervals (green) and the spotted ones (orange) behind a strip's curves."""
    for on, off, *_ in truth:
        ax.axvspan(on, off, color="#2ca02c", alpha=0.18, lw=0)
    for on, off in spots:
        ax.axvspan(on, off, color="#ff7f0e", alpha=0.25, lw=0)


def _class_strip(ax: Any, df: pd.DataFrame, classes: list[str], spots: Sequence[tuple[int, int]],
                 truth: Sequence[tuple[int, int, str]], n_frames: int) -> None:
    """The model's class probabilities (0-1), in the app's class colours and dash patterns (palette.class_dash:
    negative and positive apart in greyscale and to a colour-blind reader): gaps where the model was not asked (its
    motion gate), a frame judged alone as a dot, the class names at the right."""
    x = df["frame"].to_numpy()
    _shade(ax, spots, truth)
    for c in classes:
        y = df[c].to_numpy(dtype=float)
        ax.plot(x, y, lw=0.9, color=class_colour(c), label=c[2:], marker="o", markersize=2,
                markevery=list(lone_finite(y)), linestyle=class_linestyle(c))
    ax.set_ylim(0, 1.05)
    ax.set_yticks([0, 1])
    ax.set_xlim(0, max(1, n_frames - 1))
    ax.set_ylabel("class p", rotation=0, ha="right", va="center", fontsize=8)
    ax.tick_params(axis="y", labelsize=6)
    ax.spines[["top", "right"]].set_visible(False)
    # handles of the line alone (a lone frame's dot drawn on them hid a dash's gap: "positive" looked solid), long
    # enough to show a dash pattern whole
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], lw=0.9, color=class_colour(c), linestyle=class_linestyle(c))  # type: ignore[arg-type]
               for c in classes]
    ax.legend(handles, [c[2:] for c in classes], loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=6,
              frameon=False, handlelength=3.2)


def _bar_figure(df: pd.DataFrame, cols: list[str], face_id: int | None, title: str) -> Figure:
    """One frame of one face: its AU bars (draw_au_bars) alone in a figure."""
    fig = _figure(figsize=(max(6.0, 0.5 * len(cols) + 2.0), 4.2))
    ax = fig.subplots()
    draw_au_bars(ax, df, cols, (title or f"AU intensity (0-5), face {face_id}") + " (one frame)")
    fig.tight_layout()
    return fig


def side_alone(value: Callable[[str], float | None], au: int) -> tuple[str, float, bool] | None:
    """A sided AU whose intensity is unknown (``AUxx_r`` NaN: the mean of a side and a NaN) where one side is
    measured and the other is not (beyond the frame's edge): (that side "L" / "R", its intensity, present). Present
    by the face note's rule (features.aus.face_note: "AU R12" at PRESENCE_ON or more); a side measured and low is
    the AU absent there, not unknown. None otherwise. ``value(column)``: the face's value, None: no such column.
    The bar charts show such an AU as that side's bar ("R12"), not as unknown."""
    from merstudio.features.aus import SIDED, au_c, au_r, au_side, one_side_present

    r = value(au_r(au))
    if au not in SIDED or (r is not None and r == r):  # (r == r: measured)
        return None
    sides = {s: value(au_side(au, s)) for s in ("L", "R")}
    seen = [s for s, v in sides.items() if v is not None and v == v]
    if len(seen) != 1 or any(v is None for v in sides.values()):  # both unknown, or a table without sides
        return None
    side = seen[0]
    v, c = sides[side], value(au_c(au))
    assert v is not None
    return side, float(v), c == 1 or one_side_present(value, au, c) == side


def draw_au_bars(ax: Any, df: pd.DataFrame, cols: list[str], title: str, key: bool = True) -> None:
    """One frame of one face (`df`: its row, or none: "no face found") on `ax`: a bar per AU (intensity 0-5, value
    written on top); AUs the estimator marks present (`AUxx_c` = 1) dark, the others light; an AU without a value
    (occluded, NaN) is labelled n/a, but one measured on one side alone (the other beyond the frame's edge) is that
    side's bar, named as coders write it, "AU R12" (side_alone); AU4, which a photo cannot tell from relaxed brows
    that sit low (features.aus.STILL_UNRELIABLE_AU), hatched and "AU4?". `key`: the colours' key above the bars.
    Touches no pyplot state, so that a worker's Figure (project.export's summary of a photo) draws with it too."""
    from merstudio.features.aus import STILL_UNRELIABLE_AU, au_r

    doubt = au_r(STILL_UNRELIABLE_AU)
    names = [_au_label(c) + ("?" if c == doubt else "") for c in cols]
    alone: dict[int, tuple[str, float, bool]] = {}
    if len(df) == 0 or not cols:
        ax.text(0.5, 0.5, "no face found" if len(df) == 0 else "no AU columns", ha="center", va="center",
                transform=ax.transAxes, fontsize=12, color="#555555")
        ax.set_xticks([])
        ax.set_yticks([])
    else:
        row = df.iloc[0]
        values = np.array([float(row[c]) for c in cols])
        present = [bool(row.get(c[:-2] + "_c", 0) == 1) for c in cols]
        for i, c in enumerate(cols):
            m = _AU_R.match(c)
            one = side_alone(lambda k: float(row[k]) if k in row.index else None, int(m.group(1))) if m else None
            if one is not None:
                alone[i] = one
                side, values[i], present[i] = one
                names[i] = f"AU {side}{int(m.group(1))}" if m else names[i]
        shown = np.nan_to_num(values, nan=0.0)
        colours = ["#1f3b73" if p else "#9db4d9" for p in present]
        bars = ax.bar(np.arange(len(cols)), shown, color=colours, width=0.7)
        for b, c in zip(bars, cols, strict=True):
            if c == doubt:
                b.set_hatch("////")
                b.set_edgecolor("white")
        for b, v in zip(bars, values, strict=True):
            ax.text(b.get_x() + b.get_width() / 2, b.get_height() + 0.05, "n/a" if np.isnan(v) else f"{v:.2f}",
                    ha="center", va="bottom", fontsize=7)
        ax.set_xticks(np.arange(len(cols)), names, rotation=0 if len(cols) <= 12 else 45, fontsize=8)
        ax.set_ylim(0, 5.3)
        ax.set_ylabel("intensity (0-5)")
        ax.spines[["top", "right"]].set_visible(False)
        if key and any(c[:-2] + "_c" in df.columns for c in cols):
            from matplotlib.patches import Patch

            handles = [Patch(color="#1f3b73", label="present (_c = 1)"), Patch(color="#9db4d9", label="absent")]
            if doubt in cols:
                handles.append(Patch(facecolor="#9db4d9", edgecolor="white", hatch="////",
                                     label=f"AU{STILL_UNRELIABLE_AU}?: unreliable on a photo"))
            sides = sorted({one[0] for one in alone.values()})
            if sides:  # (a key of no colour: what "AU R12" under a bar means)
                said = {"L": "the left side", "R": "the right side"}[sides[0]] if len(sides) == 1 else "one side"
                handles.append(Patch(facecolor="none", edgecolor="none", label=f"{'/'.join(sides)}: {said} only"))
            # above the bars, beside the title: inside the axes it covered the value on the last tall bar
            ax.legend(handles=handles, fontsize=7, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=len(handles),
                      frameon=False, borderaxespad=0.2)
    ax.set_title(literal(title), fontsize=10, loc="left")


def _au_label(col: str) -> str:
    m = _AU_R.match(col)
    return f"AU{int(m.group(1))}" if m else col
