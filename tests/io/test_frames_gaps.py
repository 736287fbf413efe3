"""A frame folder with a gap in its numbering (img1-img20, then img31-img50) is told, once, in the source's
warnings (which analyze's summary, its meta.json and the app show): its times assume no frame is missing."""

from __future__ import annotations

import warnings
from pathlib import Path

import cv2
import numpy as np
import pytest

from merstudio.io import open_source
from merstudio.io.frames import SourceWarning, numbering_gaps


def _folder(path: Path, numbers: list[int], pattern: str = "img{}.png") -> Path:
    path.mkdir()
    for n in numbers:
        cv2.imwrite(str(path / pattern.format(n)), np.full((24, 32, 3), n % 250, np.uint8))
    return path


def test_a_gap_in_the_numbering_is_warned(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "gapframes", [*range(1, 21), *range(31, 51)])
    with pytest.warns(SourceWarning, match="frame numbers 21-30 missing"):
        source = open_source(folder, fps=30)
    with source:
        assert source.frame_count == 40
        notes = [w for w in source.warnings if "missing" in w]
        assert len(notes) == 1 and "21-30" in notes[0] and "10 frame(s)" in notes[0], source.warnings
        assert "0.333 s early" in notes[0]
        assert source.timestamp(20) == pytest.approx(20 / 30)  # times stay index / fps, as the warning says


def test_continuous_or_unnumbered_folders_say_nothing(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", SourceWarning)
        for folder in (_folder(tmp_path / "a", list(range(46, 80))),  # a clip's frames need not start at 1
                       _folder(tmp_path / "b", list(range(1, 30)), "img{:04d}.jpg")):
            with open_source(folder, fps=30) as source:
                assert not source.warnings


def test_numbering_gaps() -> None:
    assert numbering_gaps(["img1.png", "img2.png", "img5.png", "img7.png"]) == [(3, 4), (6, 6)]
    assert numbering_gaps(["006_1_2_0009.jpg", "006_1_2_0010.jpg", "006_1_2_0013.jpg"]) == [(11, 12)]
    assert numbering_gaps(["img1.png", "img3.png", "frame2.png"]) == []  # two patterns: not one numbering
    assert numbering_gaps(["a.png", "b.png"]) == []  # not numbered
    assert numbering_gaps(["img1.png", "img01.png", "img3.png"]) == []  # a number twice: not told
    assert numbering_gaps(["img9.png", "img10.png", "IMG11.PNG"]) == []
