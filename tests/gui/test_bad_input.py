import os

import pytest

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui


def test_bad_inputs_are_dialogs_and_the_app_keeps_running(qtbot, window, video_path, tmp_path):
    win = window
    junk = tmp_path / "broken.mp4"
    junk.write_bytes(b"\x00\x01 not a video " * 500)
    assert not win.ctx.execute(C.OpenVideo, path=str(junk))
    assert str(junk) in win.errors[-1] and win.project is None
    assert not win.ctx.execute(C.OpenVideo, path=str(tmp_path / "missing.mp4"))
    assert "no such file" in win.errors[-1]
    assert win._error_box is not None and win._error_box.text() == win.errors[-1]

    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    win.ctx.execute(C.NewEvent, onset=5, offset=9)
    project = win.project
    corrupt = tmp_path / "corrupt.merproj"
    corrupt.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    assert not win.ctx.execute(C.OpenProject, path=str(corrupt))
    assert "corrupt.merproj" in win.errors[-1] and ("damaged" in win.errors[-1] or "not a" in win.errors[-1])
    assert win.project is project and len(win.events) == 1  # nothing already open is lost

    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    assert not win.ctx.execute(C.Export, kind="events_csv", path=str(blocker / "out.csv"))
    assert "cannot write" in win.errors[-1]

    ckpt = tmp_path / "model.pt"
    ckpt.write_bytes(b"definitely not a torch checkpoint")
    assert win.ctx.execute(C.LoadCheckpoint, path=str(ckpt), confirmed=True)  # loads in a worker: said when done
    qtbot.waitUntil(lambda: win.analysis.checkpoint_loading is None, timeout=30000)
    assert "model.pt" in win.errors[-1] and "\n" not in win.errors[-1] and win.checkpoint is None

    assert not win.ctx.execute(C.EditEvent, event_id=win.events[0].id, changes={"aus": "12+12"})
    assert "repeated" in win.errors[-1] and win.project.event(win.events[0].id).aus == ""
    # still fully working
    win.ctx.execute(C.NewEvent, onset=20, offset=25)
    assert len(win.events) == 2


def test_missing_video_on_reopen_asks_where_it_is(qtbot, window, video_path, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    win = window
    win.ctx.execute(C.OpenVideo, path=str(video_path))
    proj = win.project.path
    win.shutdown()
    elsewhere = tmp_path / "far" / "away"
    elsewhere.mkdir(parents=True)
    target = elsewhere / "renamed.avi"
    os.replace(video_path, target)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(target), ""))
    assert win.ctx.execute(C.OpenProject, path=str(proj))
    assert "video not found" in win.errors[-1]
    assert win.video is not None and win.video.path == str(target.resolve())


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_export_dir(qtbot, window, video_path, tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    window.ctx.execute(C.OpenVideo, path=str(video_path))
    assert not window.ctx.execute(C.Export, kind="frames", path=str(ro / "f.csv"))
    assert "cannot write" in window.errors[-1]


def test_checkpoint_metadata_shown_and_kept(qtbot, window, tmp_path):
    torch = pytest.importorskip("torch")
    from merstudio.gui.dialogs import CheckpointDialog
    from merstudio.model import MENet, ModelConfig
    from merstudio.model.checkpoint import save_checkpoint

    torch.manual_seed(0)
    cfg = ModelConfig(T=2, in_channels=4, class_names=["negative", "positive", "none"])
    path = save_checkpoint(tmp_path / "m.pt", MENet(cfg).eval(), {"training": {"data": "synthetic"}})
    assert window.ctx.execute(C.LoadCheckpoint, path=str(path), confirmed=True)
    qtbot.waitUntil(lambda: window.analysis.checkpoint_loading is None, timeout=30000)
    assert window.checkpoint == path and not window.errors
    names = window.analysis.emotion_names()
    assert names[:2] == ("negative", "positive") and "none" not in names  # `none`: no emotion to code (h280)
    dlg = CheckpointDialog(str(path), window.checkpoint_meta, window)
    qtbot.addWidget(dlg)
    from PySide6.QtWidgets import QLabel

    texts = " ".join(lab.text() for lab in dlg.findChildren(QLabel))
    assert "negative" in texts and "synthetic" in texts


def test_video_whose_container_miscounts_opens_with_all_its_frames(qtbot, window, tmp_path):
    """A trimmed MP4 (an edit list: the container counts frames the decoder drops) opens; the app uses the frames
    that decode and says what the file claimed in the status bar."""
    import cv2
    import numpy as np
    from support.miscounted import claimed_and_decoded, copy_cut, ffmpeg_or_skip, transcode

    ffmpeg = ffmpeg_or_skip()
    src = tmp_path / "src.avi"
    w = cv2.VideoWriter(str(src), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (64, 48))
    for k in range(90):
        w.write(np.full((48, 64, 3), k * 2, np.uint8))
    w.release()
    trimmed = copy_cut(ffmpeg, transcode(ffmpeg, src, tmp_path / "full.mp4"), tmp_path / "trimmed.mp4", 1.05)
    claimed, found = claimed_and_decoded(trimmed)
    assert claimed > found, "the test file is not miscounted"
    assert window.ctx.execute(C.OpenVideo, path=str(trimmed))
    assert window.frame_count == found and window.video.frame_count == found
    assert f"says {claimed} frames, {found} can be decoded" in window.statusBar().currentMessage()
