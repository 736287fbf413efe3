"""`merstudio doctor photo.png`: a photo is said to be one, with its size; it read "1 frames, 30 fps, ...; seeks exact
(1 frames across the file)", a rate and seeks a single picture does not have."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from merstudio.cli.doctor import _check_decode


@pytest.mark.parametrize("name", ["still.png", "still.JPG"])
def test_a_photo_is_a_photo(tmp_path: Path, name: str) -> None:
    photo = tmp_path / name
    ok, data = cv2.imencode(Path(name).suffix.lower(), np.random.default_rng(0).integers(0, 255, (60, 80, 3), np.uint8))
    assert ok
    photo.write_bytes(data.tobytes())
    status, detail = _check_decode(photo, quiet=True)
    assert status == "ok"
    assert detail.startswith("a photo, 80x60; opened and decoded in "), detail
    assert "fps" not in detail and "frames" not in detail and "seek" not in detail
