"""Every video is opened in VideoOpener's worker (gui.video_opening), not only one that needs a whole-file index: a
1080p file's open decodes its last keyframe interval (0.4-1 s, 2-3 s on a busy machine) and froze the window on
each switch to it. An opening that takes longer than the grace runs in the worker (the thread that ran the tail
probe is not the GUI thread) with the busy indicator and Cancel, the video shown staying meanwhile; what the tail
probe found is kept per version of the file, so a switch back does not decode it again."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from merstudio.gui import commands as C
from merstudio.gui.video_list import SelectVideo
from merstudio.io import frames

# the app's wait for an open (250 ms), not the tests' 20 s: these opens are held past it on purpose
pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("open_grace")]

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "interview.mp4"


@pytest.fixture
def clips(tmp_path):
    """An H.264 MP4 of the demo's first 72 frames (face.mp4) and a copy of the bundled demo (600 frames)."""
    import av
    from support.damaged_clips import write_h264

    media = tmp_path / "media"
    media.mkdir(exist_ok=True)
    with av.open(str(DEMO)) as container:
        pictures = [f.to_ndarray(format="rgb24") for _, f in zip(range(72), container.decode(video=0), strict=False)]
    face = write_h264(media / "face.mp4", 72, lambda i: pictures[i])
    return face, Path(shutil.copy(DEMO, media / DEMO.name))


@pytest.fixture
def probes(monkeypatch):
    """The tail probe records the thread it runs on and, while ``held`` is clear, waits for it: an opening that
    takes as long as the test wants."""
    held = threading.Event()
    held.set()
    threads: list[int] = []
    real = frames.VideoSource._probe_tail

    def probe(self, cap, reported, decoded):
        threads.append(threading.get_ident())
        held.wait(10)
        return real(self, cap, reported, decoded)

    monkeypatch.setattr(frames.VideoSource, "_probe_tail", probe)
    yield threads, held
    held.set()


def test_an_open_that_outlasts_the_grace_runs_in_the_worker(qtbot, window, tmp_path, clips, probes):
    win = window
    threads, held = probes
    face, _ = clips
    assert win.ctx.execute(C.NewProject, path=str(tmp_path / "study"))
    held.clear()
    assert win.ctx.execute(C.OpenVideo, path=str(face)), win.errors  # returns while the video opens
    assert win.video is None and win.busy.isVisible() and win.session.opener.cancel_button.isVisible()
    assert f"Opening {face.name}" in win.busy.label.text()
    assert threads and threads[0] != threading.get_ident()  # the probe runs off the GUI thread
    held.set()
    qtbot.waitUntil(lambda: win.video is not None, timeout=20000)
    assert win.video.name == face.name and win.frame_count == 72
    assert not win.session.opener.running and not win.busy.isVisible()
    assert not win.session.opener.cancel_button.isVisible() and not win.errors


def _opened(qtbot, win, name: str) -> None:
    qtbot.waitUntil(lambda: win.video is not None and win.video.name == name and not win.session.opener.running,
                    timeout=20000)


def test_a_switch_back_opens_without_probing_again(qtbot, window, clips, probes):
    win = window
    threads, _ = probes
    face, demo = clips
    assert win.ctx.execute(C.OpenVideo, path=str(face)), win.errors
    _opened(qtbot, win, face.name)  # under load an open outlasts the app's 250 ms wait: the next one would drop it
    assert win.ctx.execute(C.OpenVideo, path=str(demo), project="current"), win.errors
    _opened(qtbot, win, demo.name)
    assert len(threads) == 2 and win.frame_count == 600
    ids = {v.name: v.id for v in win.project.videos()}
    for name, count in ((face.name, 72), (demo.name, 600), (face.name, 72)):
        assert win.ctx.execute(SelectVideo, video_id=ids[name]), win.errors
        qtbot.waitUntil(lambda name=name: win.video.name == name and not win.session.opener.running)
        assert win.frame_count == count
    assert len(threads) == 2  # each file's end was decoded once
    assert not win.errors


def test_cancel_keeps_the_video_shown(qtbot, window, clips, probes):
    win = window
    threads, held = probes
    face, demo = clips
    assert win.ctx.execute(C.OpenVideo, path=str(face)), win.errors
    _opened(qtbot, win, face.name)  # under load an open outlasts the app's 250 ms wait: the next one would drop it
    assert win.ctx.execute(C.OpenVideo, path=str(demo), project="current"), win.errors
    _opened(qtbot, win, demo.name)
    shown, source = win.video, win.session.source
    ids = {v.name: v.id for v in win.project.videos()}
    st = face.stat()
    os.utime(face, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # another version of the file: probed anew
    held.clear()
    assert win.ctx.execute(SelectVideo, video_id=ids[face.name]), win.errors
    assert win.session.opener.running and win.video.id == shown.id and win.session.source is source
    assert threads[-1] != threading.get_ident()
    win.session.opener.cancel_button.click()
    assert not win.session.opener.running and not win.session.opener.cancel_button.isVisible()
    assert win.video.id == shown.id and win.session.source is source and win.frame_count == 600
    held.set()
    qtbot.wait(50)  # the dropped opening's end is seen (its source closed)
    assert win.video.id == shown.id and not win.errors


def test_the_busy_line_says_indexing_once_the_whole_file_pass_reports(qtbot, window, tmp_path, monkeypatch):
    """A variable-frame-rate video: "Opening <file>…" until its index pass reports how far it is, then "Indexing"."""
    from support.vfr_clips import write_vfr_clip

    held = threading.Event()
    real = frames.VideoSource._install_index
    monkeypatch.setattr(frames.VideoSource, "_install_index",
                        lambda self, times, estimated=None: (held.wait(10), real(self, times, estimated))[1])
    frames._INDEXES.clear()
    try:
        (tmp_path / "media").mkdir(exist_ok=True)
        vfr = write_vfr_clip(tmp_path / "media" / "phone.mp4")
        assert window.ctx.execute(C.OpenVideo, path=str(vfr)), window.errors
        assert window.busy.label.text() == "Opening phone.mp4…"  # its progress not seen yet: no event handled
        qtbot.waitUntil(lambda: window.busy.label.text() == "Indexing phone.mp4…")
        held.set()
        qtbot.waitUntil(lambda: window.video is not None, timeout=20000)
        assert window.frame_count == 90 and window.session.source.is_vfr and not window.busy.isVisible()
    finally:
        held.set()
        frames._INDEXES.clear()


def test_a_project_opening_in_the_worker_says_its_note_once_the_video_is_shown(qtbot, window, video_path, probes):
    """What opening the project set right (a cancelled re-run set aside) is said after its video is shown: said
    before, the switch's cleared status line took it."""
    threads, held = probes
    assert window.ctx.execute(C.OpenVideo, path=str(video_path))
    assert window.ctx.execute(C.RunAnalysis, settings={})
    qtbot.waitUntil(lambda: window.worker is None, timeout=20000)
    proj, vid = window.project, window.video.id
    path = proj.path
    aid = proj.begin_analysis(vid)  # as an older version left a cancelled re-run: active
    proj.append_frames(aid, [{"frame": i, "face_id": 0, "timestamp": i / 30, "success": 1, "AU12_r": 0.1}
                             for i in range(6)])
    proj.finish_analysis(aid, "cancelled")
    window.session.close_project()
    st = video_path.stat()
    os.utime(video_path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # another version of the file: probed anew
    held.clear()
    assert window.ctx.execute(C.OpenProject, path=str(path)), window.errors
    assert window.video is None and window.session.opener.running and threads[-1] != threading.get_ident()
    held.set()
    qtbot.waitUntil(lambda: window.video is not None, timeout=20000)
    line = window.statusBar().currentMessage()
    assert "clip.avi: a cancelled re-run was set aside" in line, line
    assert not window.errors
