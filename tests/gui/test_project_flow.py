import openpyxl
import pandas as pd
import pytest
from gui_fixtures import N_FRAMES, SPOTS
from PySide6.QtCore import Qt

from merstudio.gui import commands as C
from merstudio.gui.main_window import MainWindow
from merstudio.project import Project

pytestmark = pytest.mark.gui


def test_save_reopen_export(qtbot, window, video_path, qsettings, tmp_path):
    win = window
    win.ctx.execute(C.OpenVideo, path=str(video_path))
    win.ctx.execute(C.RunAnalysis, settings={"landmarks": True})
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
    win.transport.seek(0)
    qtbot.keyClick(win, Qt.Key.Key_N)
    qtbot.keyClick(win, Qt.Key.Key_Y)  # accept the first proposal
    first = [e for e in win.events if e.onset == SPOTS[0][0]][0]
    win.ctx.execute(C.EditEvent, event_id=first.id, changes={"emotion": "positive", "aus": "6+12"})
    win.ctx.execute(C.NewEvent, onset=70, offset=80, emotion="negative", aus="4+7", note="brow")
    qtbot.keyClick(win, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    proj_path = win.project.path
    assert proj_path.with_name(proj_path.name + ".bak").is_file()
    win.close()  # remembers the layout, closes the project

    assert qsettings.value("geometry") is not None
    assert str(proj_path.resolve()) in qsettings.value("recentProjects")
    win2 = MainWindow(qsettings=qsettings)
    qtbot.addWidget(win2)
    try:
        assert win2.ctx.execute(C.OpenProject, path=str(proj_path))
        assert win2.video is not None and win2.worker is None
        # results come back from the project, no re-analysis
        y = win2.timeline.curve_data("AU12_r")
        assert y is not None and len(y) == N_FRAMES
        evs = {e.onset: e for e in win2.events}
        assert evs[SPOTS[0][0]].status == "accepted" and evs[SPOTS[0][0]].aus == "6+12"
        assert evs[70].aus == "4+7" and evs[70].coder == "tester" and evs[70].source == "manual"
        assert evs[SPOTS[1][0]].status == "proposal"

        out = tmp_path / "reports"
        for kind, name in (("frames", "f.csv"), ("events_csv", "e.csv"), ("events_xlsx", "e.xlsx"),
                           ("summary", "s.csv"), ("labelled", "l.csv")):
            assert win2.ctx.execute(C.Export, kind=kind, path=str(out / name)), win2.errors
            qtbot.waitUntil(lambda: not win2.exports.running, timeout=20000)  # the summary is written in a worker
            assert not win2.errors
        frames = pd.read_csv(out / "f.csv")
        assert len(frames) == N_FRAMES and {"AU12_r", "AU12_c", "p_positive"} <= set(frames.columns)
        assert frames.loc[frames["frame"] == 24, "AU12_r"].item() > 3
        ev = pd.read_csv(out / "e.csv", dtype={"aus": str})
        assert list(ev["onset_frame"]) == [SPOTS[0][0], SPOTS[1][0], 70]
        assert ev.loc[2, "onset_time"] == pytest.approx(70 / 30, abs=1e-3) and ev.loc[2, "note"] == "brow"
        ws = openpyxl.load_workbook(out / "e.xlsx")["events"]
        assert ws.max_row == 4
        summary = pd.read_csv(out / "s.csv")
        assert summary.query("measure == 'events' and category == 'negative' and face == 'all'")["value"].item() == 1
        assert (out / "s.png").read_bytes()[:4] == b"\x89PNG"
        labels = pd.read_csv(out / "l.csv", dtype={"aus": str})
        assert list(labels["label"]) == ["positive", "negative"] and list(labels["onset"]) == [SPOTS[0][0], 70]
        assert win2.last_exports[-1] == out / "l.csv"
    finally:
        win2.shutdown()
    with Project.open(proj_path) as p:
        assert p.integrity_check() == "ok"


def test_several_videos_and_moved_video(qtbot, window, video_path, tmp_path):
    import shutil

    from gui_fixtures import write_video

    win = window
    other = write_video(tmp_path / "media" / "second.avi", n=30)
    win.ctx.execute(C.NewProject, path=str(tmp_path / "study"))
    assert win.project.path.name == "study.merproj"
    win.ctx.execute(C.OpenVideo, path=str(video_path))
    win.ctx.execute(C.OpenVideo, path=str(other))
    assert [v.name for v in win.project.videos()] == ["clip.avi", "second.avi"]
    assert win.video.name == "second.avi" and win.frame_count == 30
    assert win.video_list.count() == 2
    first = win.project.videos()[0]
    win.session.select_video(first.id)
    assert win.frame_count == N_FRAMES
    # moved next to the project: found again by content hash
    moved = tmp_path / "clip-renamed.avi"
    shutil.move(video_path, moved)
    win.session.select_video(win.project.videos()[1].id)
    win.session.select_video(first.id)
    assert win.video.path == str(moved.resolve()) and not win.errors


def test_opening_the_project_already_open_leaves_it_writable(qtbot, window, video_path):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    proj, video = win.project, win.video
    asked = []
    win.ask_read_only = lambda q: asked.append(q) or True
    # File > Recent projects > the same project (by another spelling of its path, too)
    for path in (proj.path, proj.path.parent / "." / proj.path.name):
        assert win.ctx.execute(C.OpenProject, path=str(path)), win.errors
        assert asked == [] and win.project is proj and not proj.read_only and win.video == video
        assert "already open" in win.statusBar().currentMessage()
    assert win.ctx.execute(C.NewEvent, onset=10, offset=18), win.errors
    assert [(e.onset, e.offset) for e in win.project.events(video.id)] == [(10, 18)]



def test_a_videos_subject_is_set_from_the_videos_dock(qtbot, window, video_path, tmp_path):
    """Fine-tuning's hold-out by subject needs each video's person: Videos dock > right-click > Set subject…"""
    from merstudio.project.subjects import video_subject

    win = window
    assert win.ctx.execute(C.NewProject, path=str(tmp_path / "study"))
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    vid = win.video.id
    assert win.ctx.execute(C.SetVideoSubject, video_id=vid, subject=" P01 "), win.errors
    assert video_subject(win.project, vid) == "P01"
    assert "subject P01" in win.video_list.item(0).text()
    assert win.ctx.execute(C.SetVideoSubject, subject="")  # the current video, cleared
    assert video_subject(win.project, vid) is None and "subject" not in win.video_list.item(0).text()
