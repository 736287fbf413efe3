"""Image-sequence folders in the real dataset layouts: natural order, fps, grey images, single images."""

from __future__ import annotations

import random
from pathlib import Path

import cv2
import numpy as np
import pytest
from io_helpers import H, W, coded_frame, read_code

from merstudio.io import ImageSequenceSource, dataset_fps_hint, natural_sort_key, open_source


def test_natural_sort_key() -> None:
    names = ["img10.jpg", "img2.jpg", "img1.jpg", "img100.jpg", "img9.jpg"]
    assert sorted(names, key=natural_sort_key) == ["img1.jpg", "img2.jpg", "img9.jpg", "img10.jpg", "img100.jpg"]
    samm = ["006_1_2_0010.jpg", "006_1_2_0009.jpg", "006_1_2_0100.jpg"]
    assert sorted(samm, key=natural_sort_key) == ["006_1_2_0009.jpg", "006_1_2_0010.jpg", "006_1_2_0100.jpg"]
    samm_long = ["006_05562.jpg", "006_5561.jpg", "006_05600.jpg"]
    assert sorted(samm_long, key=natural_sort_key) == ["006_5561.jpg", "006_05562.jpg", "006_05600.jpg"]
    casme1 = ["EP01_5-10.jpg", "EP01_5-9.jpg", "EP01_5-100.jpg"]  # CASME (I) <Filename>-<n>.jpg
    assert sorted(casme1, key=natural_sort_key) == ["EP01_5-9.jpg", "EP01_5-10.jpg", "EP01_5-100.jpg"]
    assert natural_sort_key("Img2.JPG") < natural_sort_key("img10.jpg")  # case does not decide
    assert natural_sort_key("img1.jpg") != natural_sort_key("img01.jpg")  # ties broken deterministically


def _write_frames(folder: Path, names: list[tuple[str, int]], grey: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, i in names:
        img = coded_frame(i)
        if grey:
            img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
        assert cv2.imwrite(str(folder / name), img)
    return folder


@pytest.mark.parametrize(("layout", "pattern", "first"), [
    ("CASME2-RAW/sub01/EP02_01f", "img{}.jpg", 1),
    ("CASME2_RAW_selected/sub01/EP02_01f", "img{}.jpg", 46),  # onset..offset only: starts at img46
    ("Cropped/sub01/EP02_01f", "reg_img{}.jpg", 46),
    ("SAMM/006/006_1_2", "006_{:05d}.jpg", 5562),
    ("SAMM/006/006_1_2_seq", "006_1_2_{:04d}.jpg", 1),
    ("SMIC_all_raw/HS/s1/micro/negative/s1_ne_01", "image{:06d}.bmp", 123),
    ("CAS(ME)^3/part_A/spNO.1/a/color", "{}.png", 355),
])
def test_dataset_layouts_in_natural_order(tmp_path: Path, layout: str, pattern: str, first: int) -> None:
    n = 14  # crosses a digit boundary for most patterns (e.g. img9 -> img10 -> ... with first=1)
    names = [(pattern.format(first + k), k) for k in range(n)]
    shuffled = names[:]
    random.Random(1).shuffle(shuffled)
    folder = _write_frames(tmp_path / layout, shuffled)
    (folder / "Thumbs.db").write_bytes(b"\0" * 10)  # not an image
    (folder / "._img1.jpg").write_bytes(b"\0" * 10)  # macOS resource fork: hidden, ignored
    with open_source(folder) as src:
        assert isinstance(src, ImageSequenceSource)
        assert src.frame_count == n and src.size == (W, H)
        assert [read_code(img) for _, img in src.iter_frames()] == list(range(n))
        for i in (9, 3, 13, 0):
            assert read_code(src.frame(i)) == i
        assert [p.name for p in src.files] == [name for name, _ in names]


def test_folder_fps_default_override_and_dataset_hints(tmp_path: Path) -> None:
    plain = _write_frames(tmp_path / "my_clip", [("f1.png", 0), ("f2.png", 1), ("f3.png", 2)])
    with open_source(plain) as src:
        assert src.fps == 30.0 and not src.is_vfr
        np.testing.assert_allclose(src.timestamps, [0, 1 / 30, 2 / 30])
    with open_source(plain, fps=200) as src:
        assert src.fps == 200.0 and src.timestamp(2) == pytest.approx(0.01)
    casme2 = _write_frames(tmp_path / "CASME2-RAW" / "sub01" / "EP02_01f", [("img1.jpg", 0)])
    with open_source(casme2) as src:
        assert src.fps == 200.0
    assert dataset_fps_hint(Path("/d/SAMM/006/006_1_2")) == 200.0
    assert dataset_fps_hint(Path("/d/SMIC_all_raw/HS/s1/micro/negative/s1_ne_01")) == 100.0
    assert dataset_fps_hint(Path("/d/SMIC_all_raw/VIS/s1/micro/negative/s1_ne_01")) == 25.0
    assert dataset_fps_hint(Path("/d/CASME_raw_selected/sub01/EP01_5")) == 60.0
    assert dataset_fps_hint(Path("/d/CAS(ME)^2/rawpic/s15/15_0101disgustingteeth")) == 30.0
    # CAS(ME)^2 under the name merstudio gives the kind (casme_sq), or only its rawpic layout: 30, not CASME I's 60
    assert dataset_fps_hint(Path("/data/CASME_sq/rawpic/s15/15_0101disgustingteeth")) == 30.0
    assert dataset_fps_hint(Path("/mnt/disk2/rawpic/s15/15_0101disgustingteeth")) == 30.0
    assert dataset_fps_hint(Path("/home/sammy/casmer_notes/clip")) is None  # lookalike names are not datasets


def test_grey_and_sixteen_bit_images_come_back_rgb_uint8(tmp_path: Path) -> None:
    folder = _write_frames(tmp_path / "grey", [("a1.png", 0), ("a2.png", 1)], grey=True)
    img16 = (cv2.cvtColor(coded_frame(2), cv2.COLOR_BGR2GRAY).astype(np.uint16) * 257)
    cv2.imwrite(str(folder / "a3.png"), img16)
    with open_source(folder) as src:
        for i in range(3):
            img = src.frame(i)
            assert img.dtype == np.uint8 and img.shape == (H, W, 3)
            assert np.array_equal(img[..., 0], img[..., 2])
            assert read_code(img) == i


def test_colour_order_is_rgb(tmp_path: Path) -> None:
    bgr = np.zeros((8, 8, 3), np.uint8)
    bgr[..., 2] = 255  # red in OpenCV's BGR
    cv2.imwrite(str(tmp_path / "red.png"), bgr)
    with open_source(tmp_path / "red.png") as src:  # a single image is a one-frame source
        assert src.frame_count == 1
        assert tuple(src.frame(0)[0, 0]) == (255, 0, 0)


def test_photo_set_sizes_from_headers_with_exif_rotation(tmp_path: Path) -> None:
    """A folder is a clip when all its images have one size as decoded; photos of different sizes (EXIF rotation
    included: a portrait photo stored landscape) are a photo set. Frame folders stay clips."""
    from PIL import Image

    from merstudio.io import image_size, photo_set

    clip = _write_frames(tmp_path / "EP01", [(f"img{k}.jpg", k) for k in range(1, 6)])
    assert photo_set(clip) is None
    assert open_source(clip).frame_count == 5

    photos = tmp_path / "photos"
    photos.mkdir()
    rgb = cv2.cvtColor(coded_frame(1), cv2.COLOR_BGR2RGB)
    Image.fromarray(rgb).save(photos / "landscape.jpg")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees on display: stored 160x120, shown 120x160
    Image.fromarray(rgb).save(photos / "portrait.jpg", exif=exif)
    decoded = cv2.imread(str(photos / "portrait.jpg"))
    assert image_size(photos / "portrait.jpg") == (decoded.shape[1], decoded.shape[0]) == (H, W)
    assert image_size(photos / "landscape.jpg") == (W, H)
    assert photo_set(photos) == [photos / "landscape.jpg", photos / "portrait.jpg"]
    assert photo_set(photos / "landscape.jpg") is None  # a file is not a folder
    (photos / "notes.txt").write_text("x")
    (photos / "broken.jpg").write_bytes(b"not an image")
    assert image_size(photos / "broken.jpg") is None
    assert photo_set(photos) is not None  # an unreadable header does not decide
