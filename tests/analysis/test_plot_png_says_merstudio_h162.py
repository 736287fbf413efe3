"""The --plot PNG names what made it in its text chunks: ``Software: merstudio X`` (it said only "Matplotlib
version…") and, where a checkpoint made the class curves, a Description naming it (name and short SHA-256). No date
goes in: drawing the same table twice still writes the same bytes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from PIL import Image

from merstudio import __version__
from merstudio.analysis.plot import plot_au_curves


def _table(n: int) -> pd.DataFrame:
    return pd.DataFrame([{"frame": i, "face_id": 0, "timestamp": i / 30, "confidence": 0.9, "success": 1,
                          "AU12_r": 1.0 + 0.1 * i, "AU12_c": 1} for i in range(n)])


def _text(png: Path) -> dict[str, str]:
    with Image.open(png) as im:
        im.load()
        return dict(im.text)


def test_the_plot_names_merstudio_and_the_model_and_redraws_byte_identical(tmp_path: Path) -> None:
    a = plot_au_curves(_table(30), tmp_path / "a.png", 0, title="clip.mp4", model="starter.pt (0123456789ab)")
    b = plot_au_curves(_table(30), tmp_path / "b.png", 0, title="clip.mp4", model="starter.pt (0123456789ab)")
    assert _text(a) == {"Software": f"merstudio {__version__}", "Description": "model: starter.pt (0123456789ab)"}
    assert a.read_bytes() == b.read_bytes()


def test_a_plot_without_a_model_names_merstudio_only(tmp_path: Path) -> None:
    assert _text(plot_au_curves(_table(1), tmp_path / "photo.png", 0)) == {"Software": f"merstudio {__version__}"}
