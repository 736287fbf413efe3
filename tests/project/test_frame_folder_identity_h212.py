"""A frame-folder clip's identity is the frames merstudio.io plays (names, sizes and content), nothing else in the
folder (h212, audit a96 findings 1 and 2):

- two SMIC clips of uncompressed .bmp frames and one length (every frame file the same size) were one video: the
  second was "already in the project (the same content as ...)", and the app showed the first's frames and events;
- a Thumbs.db, .DS_Store, desktop.ini or notes file put in the folder later made the clip "video not found", and
  picking an image of it in the "Where is ...?" dialog was refused as "content differs".

Projects store the old rule's hash (names and sizes of every file): such a record still matches its folder (a
stray file since then or not) and gets the new hash, prefixed "folder2:", once found."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from merstudio.errors import InputError
from merstudio.project import Project
from merstudio.project.videos import FOLDER_HASH_PREFIX

FRAMES = 12
HEADER = b"BM" + bytes(52)  # a .bmp's header: the same in every frame of one size


def smic_clip(root: Path, emotion: str, name: str, seed: int, frames: int = FRAMES) -> Path:
    """A clip in SMIC's layout (HS/s1/micro/<emotion>/<clip>/image<6 digits>.bmp): every frame file the same size,
    its pixels from ``seed``."""
    folder = root / "HS" / "s1" / "micro" / emotion / name
    folder.mkdir(parents=True)
    for i in range(frames):
        pixels = hashlib.shake_256(f"{seed}:{i}".encode()).digest(3 * 32 * 24)
        (folder / f"image{i + 1:06d}.bmp").write_bytes(HEADER + pixels)
    return folder


def old_rule(folder: Path) -> str:
    """The hash projects stored before h212: sha256 of the sorted names and sizes of every file in the folder."""
    h = hashlib.sha256(b"folder")
    for c in sorted(folder.iterdir()):
        if c.is_file():
            h.update(f"{c.name}:{c.stat().st_size};".encode())
    return h.hexdigest()


def store_old_hash(project: Path, video_id: int, digest: str) -> None:
    con = sqlite3.connect(project)
    with con:
        con.execute("UPDATE videos SET hash = ? WHERE id = ?", (digest, video_id))
    con.close()


def stored_hash(project: Path, video_id: int) -> str:
    con = sqlite3.connect(project)
    try:
        return con.execute("SELECT hash FROM videos WHERE id = ?", (video_id,)).fetchone()[0]
    finally:
        con.close()


@pytest.fixture
def clips(tmp_path: Path) -> tuple[Path, Path]:
    a = smic_clip(tmp_path / "SMIC_all_cropped", "negative", "s1_ne_01", seed=1)
    b = smic_clip(tmp_path / "SMIC_all_cropped", "positive", "s1_po_01", seed=2)
    assert sorted(f.stat().st_size for f in a.iterdir()) == sorted(f.stat().st_size for f in b.iterdir())
    return a, b


def add(p: Project, folder: Path):
    return p.add_video(folder, fps=100.0, frame_count=FRAMES, width=32, height=24)


def test_two_bmp_clips_of_one_length_are_two_videos(tmp_path: Path, clips: tuple[Path, Path]) -> None:
    a, b = clips
    for name in ("image000001.bmp", "image000002.bmp"):  # the very same names too: only the pictures differ
        assert (a / name).stat().st_size == (b / name).stat().st_size
    with Project.create(tmp_path / "smic.merproj") as p:
        va, vb = add(p, a), add(p, b)
        assert va.id != vb.id and [v.path for v in p.videos()] == [str(a), str(b)]
        assert va.hash.startswith(FOLDER_HASH_PREFIX)
        assert not p.matches(b, va) and not p.matches(a, vb)
        assert add(p, a).id == va.id  # the same folder again: its record


def test_one_frame_changed_in_its_middle_is_another_video(tmp_path: Path, clips: tuple[Path, Path]) -> None:
    a, _ = clips
    with Project.create(tmp_path / "smic.merproj") as p:
        va = add(p, a)
        frame = a / "image000004.bmp"  # neither the first, middle nor last frame: only its sample tells
        data = bytearray(frame.read_bytes())
        data[len(data) // 2] ^= 0xFF
        frame.write_bytes(bytes(data))
        assert not p.matches(a, va)
        assert p.locate_video(va.id) is None
        assert "does not hold the frames that were added" in p.missing_reason(va.id)


@pytest.mark.parametrize("stray", ["Thumbs.db", ".DS_Store", "desktop.ini", "notes.txt", "._image000001.bmp"])
def test_a_stray_file_leaves_the_clip_where_it_is(tmp_path: Path, clips: tuple[Path, Path], stray: str) -> None:
    a, _ = clips
    with Project.create(tmp_path / "smic.merproj") as p:
        va = add(p, a)
        (a / stray).write_bytes(b"x" * 123)  # Explorer's thumbnails, a Mac's folder settings, a note
        assert p.matches(a, va)
        assert p.locate_video(va.id) == a


def test_an_old_projects_hash_still_matches_and_is_upgraded(tmp_path: Path, clips: tuple[Path, Path]) -> None:
    a, _ = clips
    proj = tmp_path / "smic.merproj"
    with Project.create(proj) as p:
        vid = add(p, a).id
    old = old_rule(a)
    store_old_hash(proj, vid, old)
    (a / "Thumbs.db").write_bytes(b"x")  # put there after the project stored the old hash
    with Project.open(proj, read_only=True) as p:  # read-only: found, nothing stored
        assert p.locate_video(vid) == a
    assert stored_hash(proj, vid) == old
    with Project.open(proj) as p:
        assert p.locate_video(vid) == a
        new = p.video(vid).hash
    assert new.startswith(FOLDER_HASH_PREFIX) and new == stored_hash(proj, vid)
    with Project.open(proj) as p:  # from now on the frames' content is checked: the stray file still is nothing
        assert p.locate_video(vid) == a


def test_an_old_hash_taken_with_a_stray_file_still_matches(tmp_path: Path, clips: tuple[Path, Path]) -> None:
    a, _ = clips
    (a / "Thumbs.db").write_bytes(b"x")
    proj = tmp_path / "smic.merproj"
    with Project.create(proj) as p:
        vid = add(p, a).id
    store_old_hash(proj, vid, old_rule(a))  # the old rule hashed Thumbs.db too
    with Project.open(proj) as p:
        assert p.locate_video(vid) == a and p.video(vid).hash.startswith(FOLDER_HASH_PREFIX)


def test_an_old_project_adds_the_other_clip_of_one_length(tmp_path: Path, clips: tuple[Path, Path]) -> None:
    # The old rule gave both clips one hash: adding the second to a project made before must add it.
    a, b = clips
    assert old_rule(a) == old_rule(b)
    proj = tmp_path / "smic.merproj"
    with Project.create(proj) as p:
        vid = add(p, a).id
    store_old_hash(proj, vid, old_rule(a))
    with Project.open(proj) as p:
        vb = add(p, b)
        assert vb.id != vid and vb.path == str(b)
        assert p.video(vid).hash == old_rule(a)  # not touched by the other clip
        again = add(p, a)  # the first clip itself, added again: its record, now with the new hash
        assert again.id == vid and again.hash.startswith(FOLDER_HASH_PREFIX)
        assert len(p.videos()) == 2


def test_an_image_picked_in_the_folder_stands_for_the_folder(tmp_path: Path, clips: tuple[Path, Path]) -> None:
    # A file dialog picks files: the "Where is ...?" answer for a frame-folder clip may be one of its frames.
    a, b = clips
    with Project.create(tmp_path / "smic.merproj") as p:
        vid = add(p, a).id
    moved = tmp_path / "moved" / a.name
    moved.parent.mkdir()
    a.rename(moved)
    (moved / "Thumbs.db").write_bytes(b"x")
    with Project.open(tmp_path / "smic.merproj") as p:
        assert p.locate_video(vid) is None and p.missing_reason(vid) == "video not found (moved or deleted)"
        video, _, _ = p.found_at(vid, moved / "image000003.bmp")
        assert video.path == str(moved) and p.locate_video(vid) == moved
        with pytest.raises(InputError, match="content differs"):  # the other clip's frame: refused, as before
            p.relocate(vid, b / "image000001.bmp")
