"""The app's File > Import events, given an ELAN annotation without an apex that ends past the video's end (90
frames at 30 fps; 2800-3015 ms: frames 84-90), cuts it at frame 89 and imputes its apex again on the cut span:
(84 + 89) // 2 = 86, still tagged and still left out of the agreement's apex statistics (it kept 87, the middle of
84..90, which then counted as a coded apex)."""

from __future__ import annotations

import pytest
from gui_fixtures import FPS, N_FRAMES

from merstudio.gui import commands as C
from merstudio.project.apex import apex_imputed

pytestmark = pytest.mark.gui


def test_import_events_reimputes_the_apex_of_an_event_cut_at_the_end(window, video_path, tmp_path):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    video = win.video
    start, end = 2800, 3015
    assert int(start * FPS / 1000) == 84 and end > N_FRAMES * 1000 / FPS  # 15 ms past the last frame's end
    eaf = tmp_path / "erin.eaf"
    eaf.write_text('<?xml version="1.0" encoding="UTF-8"?><ANNOTATION_DOCUMENT FORMAT="3.0" VERSION="3.0">'
                   '<HEADER TIME_UNITS="milliseconds"/><TIME_ORDER>'
                   f'<TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="{start}"/>'
                   f'<TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="{end}"/></TIME_ORDER>'
                   '<TIER TIER_ID="erin/event" LINGUISTIC_TYPE_REF="t"><ANNOTATION><ALIGNABLE_ANNOTATION '
                   'ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2"><ANNOTATION_VALUE>happiness | 12'
                   "</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION></TIER></ANNOTATION_DOCUMENT>",
                   encoding="utf-8")
    assert win.ctx.execute(C.ImportEvents, path=str(eaf), confirmed=True), win.errors
    (e,) = win.project.events(video.id)
    last = N_FRAMES - 1
    assert (e.onset, e.apex, e.offset) == (84, (84 + last) // 2, last) == (84, 86, 89)
    assert apex_imputed(e)
