"""Undo history and import edges (a121): an imputed apex through a boundary nudge."""
from merstudio.gui import commands as C
from merstudio.project.apex import apex_imputed, middle_frame


def _eaf(path, start, end):
    """An ELAN file of one event without an apex (the import imputes its middle frame)."""
    path.write_text('<?xml version="1.0" encoding="UTF-8"?><ANNOTATION_DOCUMENT FORMAT="3.0" VERSION="3.0">'
                    '<HEADER TIME_UNITS="milliseconds"/><TIME_ORDER>'
                    f'<TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="{start}"/>'
                    f'<TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="{end}"/></TIME_ORDER>'
                    '<TIER TIER_ID="erin/event" LINGUISTIC_TYPE_REF="t"><ANNOTATION><ALIGNABLE_ANNOTATION '
                    'ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2"><ANNOTATION_VALUE>happiness | 12'
                    "</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION></TIER></ANNOTATION_DOCUMENT>",
                    encoding="utf-8")
    return path


def test_nudged_imputed_apex_is_imputed_again(window, video_path, tmp_path):
    """A nudged onset re-imputes the middle frame: the apex had stayed, the tag no longer held and agreement counted
    it as a coded apex."""
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    assert win.ctx.execute(C.ImportEvents, path=str(_eaf(tmp_path / "erin.eaf", 1000, 1700)), confirmed=True)
    (e,) = win.project.events(win.video.id)
    assert apex_imputed(e)
    win.coding.select(e.id)
    win.coding.nudge_boundary("onset", 2)
    after = win.project.event(e.id)
    assert after.onset == e.onset + 2 and after.offset == e.offset
    assert after.apex == middle_frame(after.onset, after.offset) and apex_imputed(after)
    win.undo_stack.undo()
    assert (win.project.event(e.id).onset, win.project.event(e.id).apex) == (e.onset, e.apex)


def test_nudged_coded_apex_stays(window, video_path):
    """A coded apex is not moved by a nudge of a boundary that leaves it inside the span."""
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    assert win.ctx.execute(C.NewEvent, onset=10, apex=12, offset=20, emotion="negative")
    (e,) = win.project.events(win.video.id)
    win.coding.select(e.id)
    win.coding.nudge_boundary("onset", 1)
    assert (win.project.event(e.id).onset, win.project.event(e.id).apex) == (11, 12)
