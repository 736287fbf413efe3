"""A folder that holds images and videos beside them (`batch.is_mixed`): given directly (or listed), its clip (or
photos) and each video are inputs, as when a tree search meets it; the caller hears of it (`on_mixed`)."""

from __future__ import annotations

from pathlib import Path

from support.clips import grey_image

from merstudio.analysis import batch as B


def _file(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    return path


def test_a_folder_of_a_photo_and_videos_given_directly_is_all_of_them(tmp_path: Path):
    p01 = tmp_path / "P01"
    grey_image(p01 / "room_photo.png")
    second, first = _file(p01 / "take2.mov"), _file(p01 / "take1.mp4")
    _file(p01 / ".hidden.mp4")
    heard: list[tuple[Path, list[Path], list[Path]]] = []
    found = B.find_inputs([p01], on_mixed=lambda f, images, videos: heard.append((f, images, videos)))
    assert found == [p01, first, second]  # what the parent folder's search finds in it
    assert found == B.find_inputs([tmp_path])
    assert heard == [(p01, [p01], [first, second])]
    assert B.is_mixed(p01) and not B.is_tree(p01)
    # listed, the same
    listing = tmp_path / "list.txt"
    listing.write_text("P01\n")
    assert B.find_inputs([], listing) == [p01, first, second]


def test_photos_of_different_sizes_with_a_video(tmp_path: Path):
    photos = tmp_path / "photos"
    a, b = grey_image(photos / "a.jpg"), grey_image(photos / "b.png", 40, 30)
    v = _file(photos / "v.avi")
    heard: list[Path] = []
    assert B.find_inputs([photos], on_mixed=lambda f, images, videos: heard.extend(images + videos)) == [a, b, v]
    assert heard == [a, b, v]


def test_a_frame_folder_alone_and_a_tree_are_not_mixed(tmp_path: Path):
    clip = tmp_path / "EP01"
    for k in (1, 2, 10):
        grey_image(clip / f"img{k}.jpg")
    tree = tmp_path / "tree"
    _file(tree / "a.mp4")
    assert not B.is_mixed(clip) and not B.is_mixed(tree) and not B.is_mixed(tree / "a.mp4")
    heard: list[Path] = []
    assert B.find_inputs([clip], on_mixed=lambda f, *_: heard.append(f)) == [clip] and not heard
