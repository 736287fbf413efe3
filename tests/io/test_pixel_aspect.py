"""Video with non-square pixels (anamorphic, DV): frames come stretched to square pixels, as players show them, so
the face models see the face's real shape (analysed squeezed, a neutral face read AU26 4.0 and AU01 3.3)."""

from __future__ import annotations

import warnings
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np
import pytest
from io_helpers import H, W, coded_frame
from support.damaged_clips import write_h264

from merstudio.io import open_source


def write_sar(path: Path, sar: Fraction | None, n: int = 40) -> Path:
    return write_h264(path, n, coded_frame, sar=sar, fmt="bgr24")


def stored(path: Path) -> list[np.ndarray]:
    """The frames as stored (OpenCV alone, no stretching), RGB."""
    cap = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    frames = []
    while (ok := cap.read())[0]:
        frames.append(cv2.cvtColor(ok[1], cv2.COLOR_BGR2RGB))
    cap.release()
    return frames


@pytest.mark.parametrize(("sar", "width"), [(Fraction(4, 3), 213), (Fraction(64, 45), 228), (Fraction(3, 4), 120)])
def test_non_square_pixels_are_stretched_square(tmp_path: Path, sar: Fraction, width: int) -> None:
    path = write_sar(tmp_path / "anamorphic.mp4", sar)
    plain = stored(path)
    assert plain[0].shape == (H, W, 3), "test file is no test"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        src = open_source(path)
    with src:
        assert src.sample_aspect == sar
        assert src.size == (width, H)
        interp = cv2.INTER_AREA if width < W else cv2.INTER_LINEAR
        for i, img in src.iter_frames():
            assert img.shape == (H, width, 3)
            assert np.array_equal(img, cv2.resize(plain[i], (width, H), interpolation=interp))
        assert np.array_equal(src.frame(17), cv2.resize(plain[17], (width, H), interpolation=interp))
        note = f"pixels are not square (sample aspect ratio {sar.numerator}:{sar.denominator})"
        assert [line for line in src.warnings if note in line] == [
            f"{path}: {note}: the {W}x{H} frames are stretched to {width}x{H}, as players show them"]
    assert any(note in str(w.message) for w in caught)


@pytest.mark.parametrize("sar", [None, Fraction(1, 1)])
def test_square_pixels_come_as_stored(tmp_path: Path, sar: Fraction | None) -> None:
    path = write_sar(tmp_path / "square.mp4", sar)
    plain = stored(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with open_source(path) as src:
            assert src.sample_aspect == 1 and src.size == (W, H) and not src.warnings
            assert all(np.array_equal(img, plain[i]) for i, img in src.iter_frames())


def test_a_turned_anamorphic_video_stretches_its_stored_width(tmp_path: Path, ffmpeg: str) -> None:
    """A phone-style rotation tag on top: the decoder turns the picture upright, so the stored width (which the
    ratio stretches) is the height of the frames it gives."""
    import subprocess

    flat = write_sar(tmp_path / "flat.mp4", Fraction(4, 3))
    turned = tmp_path / "turned.mp4"
    subprocess.run([ffmpeg, "-v", "error", "-y", "-display_rotation", "90", "-i", str(flat), "-c", "copy",
                    str(turned)], check=True, timeout=60)
    if stored(turned)[0].shape[:2] != (W, H):
        pytest.skip("this OpenCV build does not turn tagged videos upright")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with open_source(turned) as src:
            assert src.size == (H, 213) and src.frame(3).shape == (213, H, 3)
