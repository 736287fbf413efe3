"""A frame-folder clip in the app (h212, audit a96 findings 1 and 2): its "Where is ...?" dialog asks for a folder
(a file dialog, filtered for videos, could not pick one, and an image picked in it was refused as "content
differs"); a Thumbs.db put in the folder leaves it where it is; and a second SMIC clip of one length shows its own
frames and events, not the first's."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QFileDialog
from support.cli_run import noise_frames

from merstudio.gui import commands as C
from merstudio.project import Event

pytestmark = pytest.mark.gui


def _bmp_clip(folder, seed: int):
    """Six .bmp frames of one size (every file as big as the next: only the pictures tell two clips apart)."""
    import cv2

    folder.mkdir(parents=True)
    rng = np.random.default_rng(seed)
    for i in range(6):
        cv2.imwrite(str(folder / f"reg_image{i + 1}.bmp"), rng.integers(0, 255, (48, 64, 3), np.uint8))
    return folder


def _project_of(window, tmp_path, clip):
    proj = tmp_path / "study.merproj"
    assert window.ctx.execute(C.NewProject, path=str(proj))
    assert window.ctx.execute(C.OpenVideo, path=str(clip))
    assert window.ctx.execute(C.SaveProject)
    window.session.close_project()
    return proj


def test_a_moved_frame_folder_is_located_as_a_folder(qtbot, window, tmp_path, monkeypatch):
    (tmp_path / "sub01").mkdir()
    clip = noise_frames(tmp_path / "sub01" / "EP01", 3)
    proj = _project_of(window, tmp_path, clip)
    moved = tmp_path / "moved" / "EP01"
    moved.parent.mkdir()
    clip.rename(moved)
    (moved / "Thumbs.db").write_bytes(b"x")  # Explorer's, left there meanwhile
    asked = []

    def folder(parent, title, start="", *a, **k):
        asked.append(("folder", title))
        return str(moved)

    def file(parent, title, start="", filt="", *a, **k):
        asked.append(("file", title))
        return "", filt  # cancelled: a file dialog cannot pick the folder

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(folder))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(file))
    assert window.ctx.execute(C.OpenProject, path=str(proj))
    assert asked == [("folder", "Where is EP01?")]
    assert window.video is not None and window.video.path == str(moved.resolve())
    window.session.close_project()
    asked.clear()
    window.errors.clear()
    assert window.ctx.execute(C.OpenProject, path=str(proj))  # stored: no question the next time
    assert asked == [] and window.errors == [] and window.video.path == str(moved.resolve())


def test_a_stray_file_does_not_make_the_clip_missing(qtbot, window, tmp_path, monkeypatch):
    (tmp_path / "sub01").mkdir()
    clip = noise_frames(tmp_path / "sub01" / "EP01", 3)
    proj = _project_of(window, tmp_path, clip)
    (clip / "Thumbs.db").write_bytes(b"x")
    (clip / ".DS_Store").write_bytes(b"y")
    asked = []
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: asked.append(a) or ""))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: asked.append(a) or ("", "")))
    window.errors.clear()
    assert window.ctx.execute(C.OpenProject, path=str(proj))
    assert asked == [] and window.errors == [], window.errors
    assert window.video is not None and window.video.path == str(clip.resolve())


def test_the_other_bmp_clip_of_one_length_shows_its_own_record(qtbot, window, tmp_path):
    root = tmp_path / "SMIC_all_cropped" / "HS" / "s1" / "micro"
    a = _bmp_clip(root / "negative" / "s1_ne_01", 1)
    b = _bmp_clip(root / "positive" / "s1_po_01", 2)
    assert window.ctx.execute(C.NewProject, path=str(tmp_path / "smic.merproj"))
    assert window.ctx.execute(C.OpenVideo, path=str(a))
    first = window.video.id
    window.project.add_event(Event(first, 1, 2, 3, coder="ann", note="clip A's"))
    assert window.ctx.execute(C.OpenVideo, path=str(b))
    assert window.video.id != first and window.video.path == str(b.resolve())
    assert window.project.events(window.video.id) == []
    assert len(window.project.videos()) == 2
