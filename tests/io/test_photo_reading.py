"""Photos that were refused or misread at the reading step (task h54): a picture over PIL's decompression-bomb
limit in a photo folder, a TIFF turned by its EXIF Orientation, a JPEG cut short."""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps

from merstudio.errors import InputError
from merstudio.io import image_size, open_source, photo_set
from merstudio.io import images as images_mod

MCU = 16  # rows of one MCU in a 4:2:0 JPEG (PIL's default subsampling)


def _texture(w: int, h: int, seed: int = 0) -> np.ndarray:
    """A picture with no flat block (so no block of it reads as the decoder's grey filler) and a bright corner
    that tells its orientation."""
    a = np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)
    a[: h // 4, : w // 4] = (250, 20, 20)
    return a


# ------------------------------------------------------------------------------------------- EXIF-turned TIFFs


@pytest.mark.parametrize("orientation", [5, 6, 7, 8, 3])
def test_a_tiff_turned_by_its_orientation_reads_upright(tmp_path: Path, capfd, orientation: int) -> None:
    """OpenCV 5.1 refused these (5-8) with a raw multi-line '[ERROR] ... original_ptr == real_mat.data' block."""
    path = tmp_path / f"portrait_o{orientation}.tiff"
    exif = Image.Exif()
    exif[0x0112] = orientation
    Image.fromarray(_texture(120, 80)).save(path, exif=exif.tobytes())
    expected = np.asarray(ImageOps.exif_transpose(Image.open(path)).convert("RGB"))  # PIL's reading of it
    with open_source(path) as src:
        frame = src.frame(0)
        assert src.size == (expected.shape[1], expected.shape[0]) == image_size(path)
    np.testing.assert_array_equal(frame, expected)
    assert "ERROR" not in capfd.readouterr().err


def test_a_turned_tiff_in_a_photo_folder_is_a_photo(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.fromarray(_texture(120, 80)).save(tmp_path / "a.tiff", exif=exif.tobytes())
    Image.fromarray(_texture(64, 48, 1)).save(tmp_path / "b.png")
    photos = photo_set(tmp_path)
    assert photos is not None
    with open_source(photos[0]) as src:
        assert src.size == (80, 120) and src.frame(0).shape == (120, 80, 3)


# --------------------------------------------------------------------------------------------- JPEGs cut short


def _jpeg_with_row_markers(path: Path, w: int = 320, h: int = 240, orientation: int = 1) -> tuple[bytes, list[int]]:
    """A baseline 4:2:0 JPEG with a restart marker after every MCU row, and where each marker ends: cutting the
    file there leaves exactly that many whole MCU rows."""
    buf = io.BytesIO()
    exif = Image.Exif()
    if orientation != 1:
        exif[0x0112] = orientation
    Image.fromarray(_texture(w, h)).save(buf, "JPEG", quality=90, restart_marker_rows=1, subsampling=2,
                                         exif=exif.tobytes())
    data = buf.getvalue()
    path.write_bytes(data)
    start = data.index(b"\xff\xda")  # the scan: markers before it are headers
    ends = [m.end() for m in re.finditer(rb"\xff[\xd0-\xd7]", data[start:])]
    return data, [start + e for e in ends]


def test_a_photo_cut_short_is_cropped_to_the_rows_that_decode(tmp_path: Path, capfd) -> None:
    """The rows past the cut were decoder grey, analysed as picture (a face 'found', brows read 0.0 as measured)."""
    path = tmp_path / "cut.jpg"
    data, markers = _jpeg_with_row_markers(path)
    whole = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))  # the picture as written
    rows = 6  # cut just after the 6th row of MCUs: 96 of its 240 rows were written
    path.write_bytes(data[: markers[rows - 1]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        src = open_source(path)
    with src:
        frame = src.frame(0)
        assert frame.shape == (rows * MCU, 320, 3) and src.size == (320, rows * MCU)
        # the rows written decode as in the whole file (the last few take their colour from the rows below)
        np.testing.assert_array_equal(frame[: rows * MCU - 8], whole[: rows * MCU - 8])
        assert np.abs(frame.astype(int) - whole[: rows * MCU]).mean() < 2
        assert src.unreadable_frames == [(0, "cut.jpg")]
        lines = src.warnings
    assert len(lines) == 1 and lines[0].startswith(f"{path}: ") and "cut short" in lines[0], lines
    assert f"{rows * MCU} of its 240 rows" in lines[0] and "\n" not in lines[0]
    assert "Premature end" not in capfd.readouterr().err  # libjpeg's own line, printed by OpenCV's decode


def test_a_row_of_blocks_cut_in_the_middle_is_left_out_whole(tmp_path: Path) -> None:
    path = tmp_path / "cut.jpg"
    data, markers = _jpeg_with_row_markers(path)
    cut = (markers[3] + markers[4]) // 2  # inside the 5th row of MCUs: its right part never came
    path.write_bytes(data[:cut])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        src = open_source(path)
    with src:
        assert src.frame(0).shape == (4 * MCU, 320, 3)


def test_a_turned_photo_cut_short_loses_its_stored_bottom(tmp_path: Path) -> None:
    """Orientation 6 (a portrait): the stored rows decode top down, so upright the part lost is on a side."""
    path = tmp_path / "cut.jpg"
    data, markers = _jpeg_with_row_markers(path, orientation=6)
    upright = np.asarray(ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB"))
    assert upright.shape == (320, 240, 3)
    path.write_bytes(data[: markers[5]])  # 6 rows of MCUs as stored
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        src = open_source(path)
    with src:
        frame = src.frame(0)
    assert frame.shape == (320, 6 * MCU, 3)
    # stored rows 0..95 are upright's right-hand columns (orientation 6: turned 90 degrees clockwise)
    kept = upright[:, -(6 * MCU - 8):]
    np.testing.assert_array_equal(frame[:, -(6 * MCU - 8):], kept)


def test_a_clip_frame_cut_short_keeps_the_clip_size_and_prints_nothing(tmp_path: Path, capfd) -> None:
    folder = tmp_path / "EP01_01"
    folder.mkdir()
    datas = []
    for k in range(1, 4):
        data, markers = _jpeg_with_row_markers(folder / f"img{k}.jpg")
        datas.append((data, markers))
    data, markers = datas[1]
    (folder / "img2.jpg").write_bytes(data[: markers[5]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        src = open_source(folder)
    with src:
        frames = dict(src.iter_frames())
        assert all(f.shape == (240, 320, 3) for f in frames.values())
        assert src.unreadable_frames == [(1, "img2.jpg")]
        assert sum("img2.jpg" in w for w in src.warnings) == 1
    assert "Premature end" not in capfd.readouterr().err


def test_a_jpeg_with_a_long_trailer_is_whole(tmp_path: Path) -> None:
    path = tmp_path / "trailer.jpg"
    data, _ = _jpeg_with_row_markers(path)
    path.write_bytes(data + b"CAMERA TRAILER" * 200)  # past the 1 KB read at the end: decoded to tell
    with open_source(path) as src:
        np.testing.assert_array_equal(src.frame(0), np.asarray(Image.open(io.BytesIO(data)).convert("RGB")))
        assert not src.warnings and not src.unreadable_frames


# ------------------------------------------------------------------------------------------------ huge pictures


def _photo_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "photos"
    folder.mkdir()
    Image.fromarray(_texture(400, 300)).save(folder / "pano.png")
    Image.fromarray(_texture(64, 48, 1)).save(folder / "small.png")
    return folder


def test_a_picture_over_pils_bomb_limit_is_read_by_size_without_its_warning(tmp_path: Path, monkeypatch) -> None:
    """PIL refuses (DecompressionBombError) past twice its limit and warns past it; its default limit is 179 MP, a
    200 MP phone photo's 16320x12240 is over it. Lowered here to make a small picture 'too large' for PIL."""
    folder = _photo_folder(tmp_path)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # pano.png is 120000 px: over twice it
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no DecompressionBombWarning leaks
        assert image_size(folder / "pano.png") == (400, 300)
        assert photo_set(folder) == [folder / "pano.png", folder / "small.png"]
        monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100_000)  # between PIL's warning and its error
        assert image_size(folder / "pano.png") == (400, 300)
    assert Image.MAX_IMAGE_PIXELS == 100_000  # PIL's setting is left as it was


def test_a_picture_over_merstudios_limit_is_refused_by_name(tmp_path: Path, monkeypatch) -> None:
    folder = _photo_folder(tmp_path)
    monkeypatch.setattr(images_mod, "MAX_PIXELS", 100_000)  # pano.png is 400x300 = 120000 px
    with pytest.raises(InputError) as err:
        open_source(folder / "pano.png")
    line = str(err.value)
    assert line.startswith(f"{folder / 'pano.png'}: the picture is 400x300") and "\n" not in line
    assert "0 MP" in line  # the limit, in megapixels
    with open_source(folder / "small.png") as src:  # the others read
        assert src.size == (64, 48)


def test_analyze_a_folder_with_a_picture_too_large_analyses_the_others(tmp_path: Path, monkeypatch,
                                                                        capsys) -> None:
    """Was: a DecompressionBombError traceback, exit 1, nothing analysed."""
    from merstudio.cli.main import main

    folder = _photo_folder(tmp_path)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    monkeypatch.setattr(images_mod, "MAX_PIXELS", 100_000)
    out = tmp_path / "out"
    code = main(["analyze", str(folder), "-o", str(out), "-q"])
    err = capsys.readouterr().err
    assert code != 0
    assert (out / "small.csv").exists() and not (out / "pano.csv").exists()
    named = [line for line in err.splitlines() if "pano.png" in line and "error" in line]
    assert len(named) == 1 and "400x300" in named[0], err  # (the closing count names it again)
    assert "Traceback" not in err and "DecompressionBomb" not in err
