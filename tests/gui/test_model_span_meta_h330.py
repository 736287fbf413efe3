"""The readout's "not asked: the face has no frame 0.2 s back" goes by the span of the run's model (its checkpoint's
input span_s, recorded with the run): it assumed the default 0.2 s, so a run with a model trained with another span
had the wrong frames named, and the wrong span (h330)."""

from __future__ import annotations

import math

import pytest
from gui_fixtures import FakeAnalysis, shown_window
from helpers import analysed_shown

from merstudio.analysis.files import MODEL_SPAN

pytestmark = pytest.mark.gui

FACE_FROM = FakeAnalysis.face_from  # 2


class Span04(FakeAnalysis):
    """FakeAnalysis whose model (span 0.4 s: 12 frames at 30 fps) was not asked about the face's first 0.4 s."""

    def rows(self, progress=None, cancel=None):
        for row in super().rows(progress, cancel):
            if row["face_id"] >= 0 and row["frame"] < FACE_FROM + 12:
                row = {**row, "p_negative": math.nan, "p_positive": math.nan}
            yield row


def _checkpoint(path, span_s: float):
    from merstudio.model import InputSettings, MENet, ModelConfig, save_checkpoint

    cfg = ModelConfig(T=1, in_channels=3, width=4, n_classes=2, class_names=["negative", "positive"])
    return save_checkpoint(path, MENet(cfg), {"input": InputSettings(modality="flow", size=28, T=1,
                                                                     span_s=span_s).to_dict()})


def _readout_at(qtbot, tl, f: int) -> str:
    tl.set_playhead(f)
    qtbot.wait(20)
    return tl.readout.text


def _no_onset(span: str) -> str:
    return f"not asked: the face has no frame {span} s back to compare it with (its first {span} s in view"


def test_the_readout_goes_by_the_span_the_run_s_model_was_trained_with(qtbot, qsettings, video_path, tmp_path):
    from merstudio.gui import commands as C

    win = shown_window(qtbot, qsettings, analysis=Span04)
    try:
        assert win.ctx.execute(C.NewProject, path=str(tmp_path / "study.merproj"))
        assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
        ckpt = _checkpoint(tmp_path / "span04.pt", 0.4)
        win.analysis.set_checkpoint(ckpt, {"class_names": ["negative", "positive"]})
        analysed_shown(qtbot, win)
        assert win.project.analysis(win.video.id).settings[MODEL_SPAN] == 0.4  # recorded with the run
        tl = win.timeline
        for f in (FACE_FROM, FACE_FROM + 8, FACE_FROM + 11):  # 8 frames in: 0.2 s back the face was there
            text = _readout_at(qtbot, tl, f)
            assert _no_onset("0.4") in text and "motion gate" not in text, (f, text)
        assert "not asked" not in _readout_at(qtbot, tl, FACE_FROM + 12)
        # the stored run, read again (a video shown again, the project reopened): its span, not the default
        tl.set_model_span(None)
        win.analysis.load()
        qtbot.waitUntil(lambda: tl.model_span_s == 0.4)
        assert _no_onset("0.4") in _readout_at(qtbot, tl, FACE_FROM + 8)
    finally:
        win.shutdown()


def test_a_run_that_records_no_span_reads_as_the_default(qtbot, qsettings, video_path, tmp_path):
    # a run without a model (or stored before the span was recorded): the default 0.2 s, whatever was shown before
    from merstudio.gui import commands as C

    win = shown_window(qtbot, qsettings, analysis=Span04)
    try:
        assert win.ctx.execute(C.NewProject, path=str(tmp_path / "study.merproj"))
        assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
        win.timeline.set_model_span(0.4)
        analysed_shown(qtbot, win)
        assert MODEL_SPAN not in win.project.analysis(win.video.id).settings
        assert win.timeline.model_span_s == 0.2
        text = _readout_at(qtbot, win.timeline, FACE_FROM + 3)
        assert _no_onset("0.2") in text, text
        win.timeline.set_model_span(0.4)
        win.analysis.load()
        qtbot.waitUntil(lambda: win.timeline.model_span_s == 0.2)
    finally:
        win.shutdown()
