"""A video's place (the play head, the timeline's zoom) is kept in the project: the project opens again where the
coder left it, each video at its own place, with no undo step; a place stored for a longer file (the video was
replaced or re-encoded) is fitted to the video; a read-only project restores places and writes none."""

from __future__ import annotations

import pytest
from gui_fixtures import shown_window, write_video

from merstudio.gui import commands as C
from merstudio.gui.places import place_key
from merstudio.project import Project

pytestmark = pytest.mark.gui


def _xrange(win) -> tuple[float, float]:
    lo, hi = win.timeline.au_plot.viewRange()[0]
    return float(lo), float(hi)


def _two_videos(window, video_path, tmp_path):
    """A project with the 90-frame clip (shown first on opening) and a 30-frame one; the ids of the two."""
    other = write_video(tmp_path / "media" / "second.avi", n=30)
    assert window.ctx.execute(C.NewProject, path=str(tmp_path / "study"))
    assert window.ctx.execute(C.OpenVideo, path=str(video_path)), window.errors
    first = window.video.id
    assert window.ctx.execute(C.OpenVideo, path=str(other)), window.errors
    return window.project.path, first, window.video.id, other


def test_reopening_the_project_goes_back_to_where_the_coder_was(qtbot, window, qsettings, video_path, tmp_path):
    path, first, second, other = _two_videos(window, video_path, tmp_path)
    window.transport.seek(12)  # on the second video
    assert window.ctx.execute(C.OpenVideo, path=str(video_path)), window.errors  # leaving it keeps its place
    window.transport.seek(57)
    window.timeline.au_plot.setXRange(40.5, 70.5, padding=0)
    assert window.undo_stack.count() == 0  # a view setting, not an edit
    window.close()  # closing keeps the place of the video shown

    win = shown_window(qtbot, qsettings)
    try:
        assert win.ctx.execute(C.OpenProject, path=str(path)), win.errors
        assert win.video.id == first and win.current_frame == 57  # was: frame 0
        assert _xrange(win) == pytest.approx((40.5, 70.5), abs=1e-3)  # was: zoomed out
        assert win.ctx.execute(C.OpenVideo, path=str(other)), win.errors
        assert win.video.id == second and win.current_frame == 12
        assert win.undo_stack.count() == 0 and not win.errors
    finally:
        win.shutdown()
    with Project.open(path, read_only=True) as proj:
        assert proj.get_setting(place_key(first)) == {"frame": 57, "range": [40.5, 70.5]}


def test_a_stored_place_is_fitted_to_the_video(qtbot, window, qsettings, video_path, tmp_path):
    path, first, second, other = _two_videos(window, video_path, tmp_path)
    assert window.ctx.execute(C.OpenVideo, path=str(video_path)), window.errors  # the project opens on it again
    window.shutdown()
    with Project.open(path) as proj:  # as left in a longer file, since replaced by this one
        n = proj.video(first).frame_count
        proj.set_setting(place_key(first), {"frame": n + 500, "range": [n + 400.0, n + 500.0]})
        proj.set_setting(place_key(second), {"frame": 25, "range": [20.5, 40.5]})
    win = shown_window(qtbot, qsettings)
    try:
        assert win.ctx.execute(C.OpenProject, path=str(path)), win.errors
        assert win.current_frame == n - 1  # clamped (was: frame 0)
        lo, hi = _xrange(win)  # a range wholly outside the video is ignored: inside it, the play head in view
        assert -0.5 - 1e-6 <= lo <= n - 1 <= hi <= n - 0.5 + 1e-6, (lo, hi, n)
        assert win.ctx.execute(C.OpenVideo, path=str(other)), win.errors
        # half outside the 30-frame video: as wide as it was, moved inside it
        assert win.current_frame == 25 and _xrange(win) == pytest.approx((9.5, 29.5), abs=1e-3)
        assert not win.errors
    finally:
        win.shutdown()


def test_a_place_that_is_not_one_is_ignored(qtbot, window, qsettings, video_path, tmp_path):
    path, first, _, _ = _two_videos(window, video_path, tmp_path)
    assert window.ctx.execute(C.OpenVideo, path=str(video_path)), window.errors  # the project opens on it again
    window.shutdown()
    with Project.open(path) as proj:  # a hand-edited file
        proj.set_setting(place_key(first), {"frame": "57", "range": [1, 2]})
    win = shown_window(qtbot, qsettings)
    try:
        assert win.ctx.execute(C.OpenProject, path=str(path)), win.errors
        assert win.video.id == first and win.current_frame == 0 and not win.errors
    finally:
        win.shutdown()


def test_a_read_only_project_restores_places_and_writes_none(qtbot, window, qsettings, video_path, tmp_path):
    path, first, second, other = _two_videos(window, video_path, tmp_path)
    assert window.ctx.execute(C.OpenVideo, path=str(video_path)), window.errors
    window.transport.seek(57)
    window.timeline.au_plot.setXRange(40.5, 70.5, padding=0)
    window.shutdown()
    with Project.open(path, read_only=True) as proj:
        before = {k: proj.get_setting(k) for k in (place_key(first), place_key(second))}

    win = shown_window(qtbot, qsettings)
    try:
        assert win.ctx.execute(C.OpenProject, path=str(path), read_only=True), win.errors
        assert win.project.read_only
        assert win.current_frame == 57 and _xrange(win) == pytest.approx((40.5, 70.5), abs=1e-3)  # was: frame 0
        win.transport.seek(70)
        assert win.ctx.execute(C.OpenVideo, path=str(other)), win.errors  # leaving: nothing written, no error
        win.transport.seek(3)
        assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
        assert win.current_frame == 70  # kept for the session
        assert not win.errors
    finally:
        win.shutdown()  # closing: nothing written, no error
    with Project.open(path, read_only=True) as proj:
        assert {k: proj.get_setting(k) for k in (place_key(first), place_key(second))} == before


def test_a_place_that_cannot_be_written_does_not_stop_a_switch(qtbot, window, video_path, tmp_path):
    _, first, second, other = _two_videos(window, video_path, tmp_path)
    window.project._con.execute("CREATE TEMP TRIGGER full BEFORE INSERT ON settings BEGIN "
                                "SELECT RAISE(ABORT, 'disk full'); END")
    window.transport.seek(12)
    assert window.ctx.execute(C.OpenVideo, path=str(video_path)), window.errors
    assert window.video.id == first and not window.errors
    assert window.project.get_setting(place_key(second)) is None
    window.shutdown()  # closing too


def test_a_video_left_at_its_start_has_no_place_stored(qtbot, window, video_path, tmp_path):
    """A project only looked at is not written; a video brought back to its start loses its key."""
    path, first, second, other = _two_videos(window, video_path, tmp_path)
    assert window.ctx.execute(C.OpenVideo, path=str(video_path)), window.errors
    assert window.project.get_setting(place_key(second)) is None  # left where it opened
    window.transport.seek(40)
    assert window.ctx.execute(C.OpenVideo, path=str(other)), window.errors
    assert window.project.get_setting(place_key(first)) is not None
    assert window.ctx.execute(C.OpenVideo, path=str(video_path)), window.errors
    window.transport.seek(0)
    window.shutdown()
    with Project.open(path, read_only=True) as proj:
        assert proj.get_setting(place_key(first)) is None and proj.get_setting(place_key(second)) is None
