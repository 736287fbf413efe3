"""A dataset frame or flow image cut short (a copy interrupted, a download not finished) is refused in one line,
not read as a picture whose lower part is the decoder's grey filler (OpenCV only warns)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from merstudio.datasets import load_samples
from merstudio.datasets.preprocess import PreprocessSettings, prepare
from merstudio.errors import InputError


def _cut_jpeg(path: Path, size: int = 96) -> None:
    """A real JPEG of `size` px whose second half of bytes never arrived."""
    rng = np.random.default_rng(3)
    ok, buf = cv2.imencode(".jpg", rng.integers(0, 255, (size, size, 3), dtype=np.uint8))
    assert ok
    path.write_bytes(buf.tobytes()[: len(buf) // 2])
    assert cv2.imread(str(path)) is not None  # what made it slip through: OpenCV decodes it, with filler


def test_a_cut_onset_frame_is_a_problem_of_its_row(tmp_path, make):
    make.casme2(tmp_path)
    _cut_jpeg(tmp_path / "CASME2_RAW_selected" / "sub01" / "EP19_05f" / "img10.jpg")
    with pytest.raises(InputError, match=r"row 3: image .*img10\.jpg is cut short \(only \d+ of its 96 rows"):
        load_samples("casme2", tmp_path)
    ds = load_samples("casme2", tmp_path, allow_missing=True, classes="casme2-5-merge")
    assert ds.skipped[0].row == 3 and "cut short" in ds.skipped[0].reason


def _jpeg_clip(folder: Path) -> None:
    folder.mkdir(parents=True)
    for k in range(1, 6):
        frame = np.full((64, 64, 3), 90, np.uint8)
        frame[24:40, 20 + k:36 + k] = 200
        assert cv2.imwrite(str(folder / f"img{k}.jpg"), frame)


def test_a_cut_frame_stops_preprocessing_or_is_left_out(tmp_path):
    _jpeg_clip(tmp_path / "a")
    _jpeg_clip(tmp_path / "b")
    (tmp_path / "samples.csv").write_text("subject,sample,label,path,onset,apex,offset\n"
                                          "s1,a,x,a,1,3,5\ns2,b,y,b,1,3,5\n")
    ds = load_samples("table", tmp_path / "samples.csv", check_images=False)
    _cut_jpeg(tmp_path / "a" / "img3.jpg", size=64)  # the apex, read as the flow's target
    settings = PreprocessSettings(size=28, align=False)
    with pytest.raises(InputError, match=r"img3\.jpg: the image is cut short"):
        prepare(ds, settings, cache_dir=tmp_path / "c")
    X, info = prepare(ds, settings, cache_dir=tmp_path / "c", skip_bad=True)
    assert len(X) == 1 and [k for _, k, _ in info["failed"]] == [ds[0].key]
