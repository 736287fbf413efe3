"""A PNG of the per-frame AU curves (one strip per AU), with spotted and true intervals shaded."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from merstudio.errors import OutputError
from merstudio.features.aus import AUS, au_r


def plot_au_curves(
    frames: pd.DataFrame,
    png: Path,
    face_id: int | None = None,
    spots: Sequence[tuple[int, int]] = (),
    truth: Sequence[tuple[int, int, str]] = (),
    title: str = "",
) -> Path:
    """Write AU intensity curves (0-5) of one face track against frame index. `spots` are (onset, offset) pairs,
    `truth` (onset, offset, label) triples."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    df = frames[frames["success"] == 1]
    if face_id is None and len(df):
        face_id = int(df["face_id"].mode().iloc[0])
    df = df[df["face_id"] == face_id]
    aus = [a for a in AUS if au_r(a) in frames.columns]
    n_frames = int(frames["frame"].max()) + 1 if len(frames) else 1
    fig, axes = plt.subplots(len(aus), 1, figsize=(11, 0.55 * len(aus) + 1.2), sharex=True, squeeze=False)
    x = df["frame"].to_numpy()
    for ax, a in zip(axes[:, 0], aus, strict=True):
        y = df[au_r(a)].to_numpy(dtype=float)
        for on, off, *_ in truth:
            ax.axvspan(on, off, color="#2ca02c", alpha=0.18, lw=0)
        for on, off in spots:
            ax.axvspan(on, off, color="#ff7f0e", alpha=0.25, lw=0)
        ax.plot(x, y, lw=0.9, color="#1f3b73")
        ax.set_ylim(0, max(1.0, float(np.nanmax(y)) * 1.1 if len(y) else 1.0))
        ax.set_xlim(0, n_frames - 1)
        ax.set_ylabel(f"AU{a}", rotation=0, ha="right", va="center", fontsize=8)
        ax.tick_params(axis="y", labelsize=6)
        ax.spines[["top", "right"]].set_visible(False)
    top = axes[0, 0]
    for on, off, label in truth:
        top.text((on + off) / 2, top.get_ylim()[1], label, ha="center", va="bottom", fontsize=7, color="#2ca02c")
    axes[-1, 0].set_xlabel("frame")
    head = title or f"AU intensity (0-5), face {face_id}"
    legend = []
    if truth:
        legend.append("green: ground truth")
    if spots:
        legend.append("orange: spotted")
    fig.suptitle(head + ("   [" + ", ".join(legend) + "]" if legend else ""), fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    try:
        png.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(png, dpi=110)
    except OSError as exc:
        raise OutputError(f"{png}: cannot write plot ({exc.strerror or exc})") from exc
    finally:
        plt.close(fig)
    return png
