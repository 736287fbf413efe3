"""AU cells, subject spellings and frame-number cells as the real sheets write them."""

from __future__ import annotations

import pytest

from merstudio.datasets.parse import cell_text, frame_number, natural_key, parse_aus, subject_number
from merstudio.errors import InputError


@pytest.mark.parametrize(("cell", "aus"), [
    ("4+7", {4, 7}),
    ("L12", {12}),
    ("R6", {6}),
    ("A/L12", {12}),
    ("10A/B", {10}),
    ("(R6 or R12)+R15", {6, 12, 15}),
    ("ref(7B)+43", {7, 43}),
    ("4,24", {4, 24}),
    ("NULL", set()),
    (12.0, {12}),
    ("12.0", {12}),
    (4, {4}),
    (None, set()),
    ("", set()),
    ("/", set()),
    ("1+2+25", {1, 2, 25}),
])
def test_parse_aus(cell, aus):
    got, raw = parse_aus(cell)
    assert got == frozenset(aus)
    assert isinstance(raw, str)


def test_parse_aus_keeps_raw_text():
    assert parse_aus("(R6 or R12)+R15")[1] == "(R6 or R12)+R15"
    assert parse_aus(12.0)[1] == "12"  # Excel's float shown as the number that was typed
    assert parse_aus("NULL")[1] == "NULL"


@pytest.mark.parametrize(("cell", "n"), [
    ("sub01", 1), ("01", 1), ("1", 1), (1, 1), (1.0, 1), ("1.0", 1), ("s1", 1), ("s01", 1),
    ("006", 6), ("6", 6), (6, 6), ("spNO.1", 1), ("spNO.12", 12), ("sub26", 26),
])
def test_subject_spellings(cell, n):
    assert subject_number(cell) == n


def test_subject_without_number_is_an_input_error():
    with pytest.raises(InputError, match="no number"):
        subject_number("anonymous")


@pytest.mark.parametrize(("cell", "n"), [
    (46, 46), (46.0, 46), ("46", 46), ("/", None), ("", None), (None, None), (0, None), (-1, None),
    ("NULL", None), (float("nan"), None),
])
def test_frame_number_cells(cell, n):
    assert frame_number(cell) == n


def test_cell_text_and_natural_order():
    assert cell_text(3.0) == "3" and cell_text(None) == "" and cell_text(" x ") == "x"
    names = ["img10.jpg", "img2.jpg", "img1.jpg"]
    assert sorted(names, key=natural_key) == ["img1.jpg", "img2.jpg", "img10.jpg"]


def test_a_clip_folders_frames_are_the_ones_the_player_plays(tmp_path):
    """A Mac's AppleDouble ._img1.jpg (and a Thumbs.db) sit in copied dataset folders: the loader counted the
    first as a frame, which the player skips, so the clip's frame numbers and the video's disagreed."""
    from merstudio.datasets.parse import list_images, numbered_frames
    from merstudio.io.listing import frame_files

    for name in ("img1.jpg", "img2.jpg", "img10.jpg", "._img1.jpg", "Thumbs.db"):
        (tmp_path / name).write_bytes(b"x")
    assert [p.name for p in list_images(tmp_path)] == ["img1.jpg", "img2.jpg", "img10.jpg"] == \
        [p.name for p in frame_files(tmp_path)]
    assert sorted(numbered_frames(tmp_path)) == [1, 2, 10]
    assert list_images(tmp_path / "gone") == []
