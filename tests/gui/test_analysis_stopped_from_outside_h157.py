"""An analysis child ended from outside (`kill` on the busy process in top: SIGTERM; the OOM killer: SIGKILL) is
said as what happened, with the frames stored and what to do: it was "analysis failed (RuntimeError: analysis
process ended unexpectedly (exit code -15))" with a traceback in the log, as for a bug. A crash (SIGSEGV) still is
one."""

from __future__ import annotations

import logging
import queue
import signal

import pytest
from gui_fixtures import FPS, N_FRAMES, FakeAnalysis, H, W

from merstudio.analysis.remote import AnalysisProcessStopped, ProcessAnalysis
from merstudio.gui.workers import AnalysisWorker
from merstudio.project import Project

pytestmark = pytest.mark.gui


class _EndedChild:
    def __init__(self, exitcode: int) -> None:
        self.exitcode = exitcode

    def is_alive(self) -> bool:
        return False


def _reading_a_child_that_ended(exitcode: int) -> None:
    analysis = object.__new__(ProcessAnalysis)  # its queue empty, its child gone with `exitcode`
    analysis._queue = queue.Queue()
    analysis._proc = _EndedChild(exitcode)
    analysis._get()


def test_a_child_killed_from_outside_is_said_so():
    with pytest.raises(AnalysisProcessStopped, match="^the analysis process was stopped by SIGTERM$"):
        _reading_a_child_that_ended(-signal.SIGTERM)
    with pytest.raises(AnalysisProcessStopped, match=r"by SIGKILL \(most likely it ran out of memory\)$"):
        _reading_a_child_that_ended(-signal.SIGKILL)
    with pytest.raises(RuntimeError, match=r"ended unexpectedly \(exit code -11\)"):  # a crash: a bug
        _reading_a_child_that_ended(-signal.SIGSEGV)


class _KilledAtFrame(FakeAnalysis):
    def rows(self, progress=None, cancel=None):
        for row in super().rows(progress, cancel):
            if row["frame"] == 9:
                raise AnalysisProcessStopped(signal.SIGTERM)
            yield row


def test_the_app_says_which_frames_are_stored_and_logs_no_traceback(qapp, tmp_path, video_path, fake_analysis,
                                                                    caplog):
    proj = Project.create(tmp_path / "p.merproj")
    vid = proj.add_video(video_path, fps=FPS, frame_count=N_FRAMES, width=W, height=H).id
    w = AnalysisWorker(proj, vid, str(video_path), {"landmarks": True},
                       make_analysis=lambda src, st: _KilledAtFrame(src, st), batch_seconds=0.0)
    with caplog.at_level(logging.ERROR):
        w.run()  # in this thread: the worker's run, start to end
    assert w.status == "failed"
    assert w.error == (f"{video_path.name}: the analysis process was stopped by SIGTERM; frames 0-8 are stored; "
                       "Run analysis analyses the video again"), w.error
    assert not [r for r in caplog.records if r.exc_info], "logged as a bug"
    assert proj.frame_count_stored(vid) == 9
    proj.close()
