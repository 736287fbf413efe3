"""A window that opened a project read-only (its writer is another window or program) shows what the writer commits:
it showed what was there at opening for as long as it stayed on the video (the writer coded 3 events; 0 rows here
for minutes, while this window's export wrote 3). Within a few seconds of a commit the events, behaviour events and
stored results of the video shown are read again, the play head and the selection kept, and the status bar says
why; View > Reload from the project file (F5) reads it again at once, in any window."""

from __future__ import annotations

import pytest
from gui_fixtures import two_video_project

from merstudio.gui import commands as C
from merstudio.project import Project
from merstudio.project.behaviours import Behaviour, BehaviourEvent
from merstudio.project.events import Event

pytestmark = pytest.mark.gui


def _opened_read_only(window, tmp_path):
    """study.merproj with a coded event on "b clip.avi", held by a writer; the window has it read-only on that
    video, its play head at 12 and the event selected. Returns (writer, b, the event)."""
    _a, b = two_video_project(window, tmp_path)
    path = window.project.path
    window.session.close_project()
    writer = Project.open(path)
    first = writer.add_event(Event(b.id, 2, 3, 4, emotion="surprise", coder="ann"))
    window.ask_read_only = lambda question: True
    assert window.ctx.execute(C.OpenProject, path=str(path)), window.errors
    assert window.project.read_only and window.video.id == b.id
    window.transport.seek(12)
    window.coding.select(first.id)
    return writer, b, first


def test_the_writers_events_behaviours_and_results_appear(qtbot, window, tmp_path):
    writer, b, first = _opened_read_only(window, tmp_path)
    try:
        assert window.table.model_.rowCount() == 1
        qtbot.wait(2500)  # a look with nothing committed meanwhile
        for k in range(3):  # the writer codes on (another connection: another window or program)
            writer.add_event(Event(b.id, 5 + 6 * k, 6 + 6 * k, 8 + 6 * k, emotion="happiness", coder="ann"))
        gaze = writer.add_behaviour(Behaviour("gaze away", key="1"))
        writer.add_behaviour_event(BehaviourEvent(b.id, gaze.id, 20, 25, coder="ann"))
        run = writer.begin_analysis(b.id)
        writer.append_frames(run, [{"frame": i, "face_id": 0, "timestamp": i / 30.0, "confidence": 1.0,
                                    "success": 1, "AU12_r": 1.5} for i in range(b.frame_count)])
        writer.finish_analysis(run)

        qtbot.waitUntil(lambda: window.table.model_.rowCount() == 4, timeout=15000)
        assert sorted(e.onset for e in window.coding.events) == [2, 5, 11, 17]
        qtbot.waitUntil(lambda: window.analysis.buffer is not None, timeout=15000)
        assert window.analysis.buffer.frames_done == b.frame_count  # the run stored in full
        assert [(e.onset, e.offset) for e in window.behaviours.events] == [(20, 25)]
        assert window.current_frame == 12 and window.selected_event_id == first.id  # kept
        line = window.statusBar().currentMessage()
        assert line.startswith("study.merproj changed elsewhere (in use by merstudio (") and line.endswith(
            "): read again"), line
    finally:
        writer.close()


def test_view_reload_reads_it_at_once(qtbot, window, tmp_path):
    writer, b, first = _opened_read_only(window, tmp_path)
    try:
        writer.add_event(Event(b.id, 10, 11, 12, emotion="fear", coder="ann"))
        window.refresh_action.trigger()  # F5
        assert sorted(e.onset for e in window.coding.events) == [2, 10]
        assert window.current_frame == 12 and window.selected_event_id == first.id
        assert window.statusBar().currentMessage() == "study.merproj read again"
    finally:
        writer.close()
