"""Issue 11, timeline readability: legends beside the lanes (never over the curves), a value readout at the play
head, proposals a few pixels wide at any zoom and far from the play head's colour, overlapping events in sub-rows."""

import math

import numpy as np
import pytest
from gui_fixtures import shown_timeline
from helpers import plot_to_widget
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from support.curve_buffers import ALL_AUS, CLASSES, REGIONS, lanes_buffer, lanes_frame

from merstudio.gui.state import CurveBuffer
from merstudio.palette import au_colour
from merstudio.project.events import Event

pytestmark = pytest.mark.gui

SIZES = [(1600, 1000), (1366, 768)]


@pytest.fixture
def make_timeline(qtbot):

    def make(size=(1366, 768), frames=300, buffer=True):
        # the timeline's share of a 1366x768 window is about 330 px high; of 1600x1000 about 450
        tl = shown_timeline(qtbot, frames, (size[0], 330 if size[1] <= 768 else 450),
                            buffer=lanes_buffer(frames) if buffer else None)
        qtbot.wait(20)
        return tl

    return make


def _ev(id_, onset, offset, status="accepted", emotion="negative") -> Event:
    return Event(video_id=1, id=id_, onset=onset, apex=onset, offset=offset, emotion=emotion, status=status)


@pytest.mark.parametrize("size", SIZES)
def test_legends_are_beside_the_lanes_not_over_the_curves(make_timeline, size):
    tl = make_timeline(size)
    for plot, entries in ((tl.au_plot, len(ALL_AUS)), (tl.motion_plot, len(REGIONS) + 1),
                          (tl.class_plot, len(CLASSES))):
        legend = plot.legend
        assert len(legend.items) == entries
        area = plot.vb.sceneBoundingRect()
        box = tl.legend_boxes[plot].sceneBoundingRect()
        assert box.left() >= area.right()  # right of the plot area
        assert box.top() >= area.top() - 2 and box.bottom() <= area.bottom() + 2  # beside its own lane
        for sample, label in legend.items:  # every entry lies inside the box (none clipped away below the lane)
            for item in (sample, label):
                r = item.sceneBoundingRect()
                assert not r.intersects(area)
                assert r.bottom() <= box.bottom() + 1, (label.text, r, box)


def test_a_hidden_lane_hides_its_legend(make_timeline):
    tl = make_timeline()
    tl.set_motion_visible(False)
    assert not tl.legend_boxes[tl.motion_plot].isVisible()
    tl.set_motion_visible(True)
    assert tl.legend_boxes[tl.motion_plot].isVisible()


def test_readout_lists_every_drawn_au_and_class_at_the_play_head(make_timeline, qtbot):
    tl = make_timeline()
    tl.set_playhead(120)
    vals = tl.readout_values()
    assert list(vals) == [f"AU{a:02d}_r" for a in ALL_AUS] + [f"p_{c}" for c in sorted(CLASSES)]
    assert vals["AU01_r"] == pytest.approx(120 / 300)
    assert vals["AU04_r"] == pytest.approx(0.2 + 120 / 300)
    assert vals["p_surprise"] == pytest.approx(0.3)
    text = tl.readout.text
    assert "frame 120" in text and "4.000 s" in text
    assert "0.40" in text and "negative" in text and "surprise" in text
    # the play head moves (playback, a click, a drag): the readout follows
    tl.set_playhead(50)
    assert math.isnan(tl.readout_values()["AU12_r"]) and "frame 50" in tl.readout.text and "–" in tl.readout.text
    line = tl.playheads[0]
    with qtbot.waitSignal(tl.seekRequested):
        line.setValue(200)
        line.sigDragged.emit(line)
    assert tl.playhead_frame == 200 and "frame 200" in tl.readout.text
    # only the AUs drawn
    tl.set_visible_aus(["AU12_r", "AU04_r"])
    assert list(tl.readout_values()) == ["AU04_r", "AU12_r"] + [f"p_{c}" for c in sorted(CLASSES)]
    # the readout sits above the tracks, outside every plot area
    r = tl.readout.sceneBoundingRect()
    assert all(not r.intersects(p.vb.sceneBoundingRect()) for p in tl.plots if p.isVisible())
    tl.set_buffer(None)
    assert tl.readout_values() == {}


def test_a_readout_too_wide_for_one_line_puts_the_class_probabilities_under_the_aus(make_timeline, qtbot):
    """Every AU and a model's classes made one line wider than the timeline on a 1366- or 1600-px window, and the
    clipped end was the class probabilities. Where the line does not fit they go onto a second line, whole."""
    tl = make_timeline((1000, 768))  # the timeline's pane in a 1366-px window, beside the events dock
    tl.set_playhead(120)
    qtbot.wait(20)
    assert "<br>class p" in tl.readout.text
    drawn = tl.readout.item.mapRectToScene(tl.readout.item.boundingRect())
    assert drawn.width() <= tl.readout.sceneBoundingRect().width() + 1  # nothing clipped
    r = tl.readout.sceneBoundingRect()
    assert all(not r.intersects(p.vb.sceneBoundingRect()) for p in tl.plots if p.isVisible())
    # wide enough (or fewer AUs drawn): one line again
    tl.set_visible_aus(["AU12_r"])
    qtbot.wait(20)
    assert "<br>" not in tl.readout.text and "class p" in tl.readout.text
    tl.set_visible_aus([f"AU{a:02d}_r" for a in ALL_AUS])
    tl.resize(4000, 450)
    qtbot.wait(50)
    assert "<br>" not in tl.readout.text


@pytest.mark.parametrize("size", SIZES)
def test_short_events_stay_a_few_pixels_wide_at_any_zoom(make_timeline, qtbot, size):
    from merstudio.gui.timeline import EVENT_MIN_PX

    tl = make_timeline(size, frames=100_000, buffer=False)
    tl.set_events([_ev(1, 5000, 5002, "proposal"), _ev(2, 60000, 60000, "accepted")])
    qtbot.wait(20)
    for eid in (1, 2):
        assert tl.event_px_width(eid) >= EVENT_MIN_PX - 0.01
    # the marks on screen: centred on the events, at least EVENT_MIN_PX wide, recomputed on zoom
    px = tl.events_plot.vb.viewPixelSize()[0]
    widths = np.asarray(tl._event_marks.opts["width"])
    assert np.all(widths / px >= EVENT_MIN_PX - 0.01)
    tl.au_plot.setXRange(4990, 5010, padding=0)  # zoomed in: the event's true width, wider than the minimum
    qtbot.wait(20)
    assert tl.event_px_width(1) == pytest.approx(3 / tl.events_plot.vb.viewPixelSize()[0], rel=0.01)
    # the region keeps the event's true range (editing never picks up the drawn minimum)
    assert tl.regions[1].getRegion() == pytest.approx((4999.5, 5002.5))  # frame cells centred on frames


def test_proposals_are_far_from_the_play_head_colour(make_timeline):
    from merstudio.gui.timeline import PLAYHEAD_COLOUR
    from merstudio.gui.timeline_items import event_colour

    def _hue_distance(a: QColor, b: QColor) -> float:
        d = abs(a.hslHueF() - b.hslHueF()) * 360.0
        return min(d, 360.0 - d)

    tl = make_timeline()
    head = QColor(PLAYHEAD_COLOUR)
    assert tl.playheads[0].pen.color() == head
    for emotion in ("negative", "anger", "positive", "surprise", ""):
        c = event_colour(_ev(1, 0, 3, "proposal", emotion))
        assert _hue_distance(c, head) >= 120, emotion
    tl.set_events([_ev(1, 10, 20, "proposal", "negative")])
    fill = tl.regions[1].brush.color()
    assert _hue_distance(fill, head) >= 120
    # a rejected proposal is grey, whatever emotion it suggested (a pale red read as a weak coded event)
    rejected = event_colour(_ev(2, 0, 3, "rejected", "negative"))
    assert rejected.saturation() == 0 and rejected != event_colour(_ev(3, 0, 3, "accepted", "negative"))


def test_overlapping_events_get_sub_rows(make_timeline):
    from merstudio.gui.timeline_items import event_sub_rows

    evs = [_ev(1, 10, 50), _ev(2, 30, 80), _ev(3, 60, 90), _ev(4, 40, 45), _ev(5, 100, 110)]
    rows, n = event_sub_rows(evs)
    assert n == 3  # at frame 40-45 three events overlap
    assert rows == {1: 0, 2: 1, 4: 2, 3: 0, 5: 0}
    tl = make_timeline()
    tl.set_events(evs)
    spans = {e.id: tl.regions[e.id].span for e in evs}
    assert spans[1] == pytest.approx((2 / 3, 1.0)) and spans[2] == pytest.approx((1 / 3, 2 / 3))
    assert spans[4] == pytest.approx((0.0, 1 / 3))
    for a in evs:  # events that overlap in time never share a sub-row
        for b in evs:
            if a.id < b.id and a.onset <= b.offset and b.onset <= a.offset:
                assert rows[a.id] != rows[b.id]
    tl.set_events([_ev(1, 10, 50)])  # alone again: the full height
    assert tl.regions[1].span == pytest.approx((0.0, 1.0)) and tl.event_row_count == 1


@pytest.mark.parametrize("size", SIZES)
def test_lanes_collapse_expand_and_resize(make_timeline, qtbot, size):
    from merstudio.gui.timeline import COLLAPSED_HEIGHT

    tl = make_timeline(size)
    au = tl.au_plot.geometry().height()
    heat = tl.heat_plot.geometry().height()
    tl.set_lane_collapsed(tl.motion_plot, True)
    qtbot.wait(20)
    assert tl.motion_plot.geometry().height() <= COLLAPSED_HEIGHT + 0.5
    assert tl.motion_plot.isVisible()  # a strip, not hidden
    assert tl.au_plot.geometry().height() > au and tl.heat_plot.geometry().height() > heat
    tl.legend_boxes[tl.motion_plot].on_double_click()  # what a double-click on its legend does
    qtbot.wait(20)
    assert tl.motion_plot not in tl.collapsed
    assert tl.au_plot.geometry().height() == pytest.approx(au, abs=2)
    tl.set_lane_height(tl.au_plot, 6)  # twice its share
    qtbot.wait(20)
    if size[1] > 768:  # at 1366x768 the other lanes already sit at their minimum height: collapse one instead
        assert tl.au_plot.geometry().height() > au * 1.15
    else:
        assert tl.au_plot.geometry().height() >= au - 1
    # hiding a collapsed lane and showing it again keeps it collapsed
    tl.set_lane_collapsed(tl.motion_plot, True)
    tl.set_motion_visible(False)
    tl.set_motion_visible(True)
    qtbot.wait(20)
    assert 0 < tl.motion_plot.geometry().height() <= COLLAPSED_HEIGHT + 0.5


def test_y_zoom_magnifies_small_values(make_timeline):
    tl = make_timeline()
    assert tl.au_plot.viewRange()[1][1] == pytest.approx(5, abs=0.2)
    tl.zoom_y(tl.au_plot, 0.4)
    lo, hi = tl.au_plot.viewRange()[1]
    assert hi - lo == pytest.approx(0.4 * 5.2, rel=0.05) and lo <= 0
    tl.zoom_y(tl.au_plot, 2.5)
    assert tl.au_plot.viewRange()[1][1] == pytest.approx(5, abs=0.2)


def test_ctrl_wheel_resizes_a_lane_and_shift_wheel_zooms_its_y(make_timeline, qtbot):
    tl = make_timeline((1600, 1000))
    share = tl._rows[tl.au_plot][1]

    class Wheel:  # what pyqtgraph hands a view box: modifiers and the wheel's delta
        def __init__(self, mods, delta):
            self._m, self._d, self.accepted = mods, delta, False

        def modifiers(self):
            return self._m

        def delta(self):
            return self._d

        def accept(self):
            self.accepted = True

    ev = Wheel(Qt.KeyboardModifier.ControlModifier, 120)
    tl.au_plot.vb.wheelEvent(ev)
    assert ev.accepted and tl._rows[tl.au_plot][1] == share + 1
    for _ in range(20):
        tl.au_plot.vb.wheelEvent(Wheel(Qt.KeyboardModifier.ControlModifier, -120))
    assert tl._rows[tl.au_plot][1] == 1  # never below one share
    hi = tl.au_plot.viewRange()[1][1]
    tl.au_plot.vb.wheelEvent(Wheel(Qt.KeyboardModifier.ShiftModifier, 120))
    assert tl.au_plot.viewRange()[1][1] < hi  # Shift+wheel magnifies the lane's values


def test_a_streamed_redraw_is_spread_over_event_loop_turns(make_timeline, qtbot):
    """While an analysis streams, the first rows bring 17 AU curves, 6 motion curves, 4 class curves, the heat map and
    their legends at once: one turn draws a part of it and the timeline finishes in later turns by itself, with the
    same result as a redraw in one go."""
    from merstudio.gui.timeline import STEP_BUDGET, STEP_CREATE

    tl = make_timeline(buffer=False)
    full = lanes_buffer()
    streamed = CurveBuffer(300)
    tl.set_buffer(streamed, 0)
    streamed.add_rows(lanes_frame().to_dict("records"))
    tl.refresh_step()
    first = len(tl.au_plot.listDataItems()) + len(tl.class_plot.listDataItems())
    assert 1 <= first <= STEP_BUDGET // STEP_CREATE  # new curves cost most: one turn makes few
    qtbot.waitUntil(lambda: len(tl.class_plot.listDataItems()) == len(CLASSES) and not tl._step_timer.isActive(),
                    timeout=5000)
    assert [name for _s, name in ((s, lab.text) for s, lab in tl.au_plot.legend.items)] == \
        [f"{a}" for a in ALL_AUS]  # AU order, as a redraw in one go gives it
    assert [lab.text for _s, lab in tl.motion_plot.legend.items] == [*REGIONS, "blink mask"]
    for col in [f"AU{a:02d}_r" for a in ALL_AUS] + [f"p_{c}" for c in CLASSES] + [f"motion_{r}" for r in REGIONS]:
        np.testing.assert_array_equal(tl.curve_data(col), full.get(0, col))
    assert tl.heat.image.shape == (len(ALL_AUS), 300)


def test_a_new_buffer_keeps_the_curves_of_the_columns_it_has(make_timeline):
    """A run's end or a video switch hands the timeline another buffer: curves of columns both have are redrawn in
    place (creating 27 curves and legend entries stalled the window ~200 ms), the others go."""
    tl = make_timeline()
    au12 = next(c for c in tl.au_plot.listDataItems() if c.name() == "12")
    df = lanes_frame().drop(columns=[f"p_{c}" for c in CLASSES] + ["AU45_r"])
    tl.set_buffer(CurveBuffer.from_frame(df, 300), 0)
    assert au12 in tl.au_plot.listDataItems()
    assert "45" not in [c.name() for c in tl.au_plot.listDataItems()]
    assert tl.class_plot.listDataItems() == []
    assert [lab.text for _s, lab in tl.class_plot.legend.items] == []


def test_the_class_lane_is_a_strip_until_there_are_class_curves(make_timeline, qtbot):
    """Without a model the class lane holds only a hint: a strip (its room goes to the AU lanes), full height once
    a run with a checkpoint brings class curves; a lane the user sized by hand stays as they set it."""
    from merstudio.gui.timeline import COLLAPSED_HEIGHT

    tl = make_timeline(buffer=False)
    no_classes = lanes_frame().drop(columns=[f"p_{c}" for c in CLASSES])
    tl.set_buffer(CurveBuffer.from_frame(no_classes, 300), 0)
    qtbot.waitUntil(lambda: tl.class_plot in tl.collapsed, timeout=3000)
    qtbot.wait(20)
    assert tl.class_plot.geometry().height() <= COLLAPSED_HEIGHT + 0.5 and tl._no_model.isVisible()
    assert not tl.class_plot.getAxis("left").style["showValues"]  # no tick values squeezed into the strip
    tl.set_buffer(lanes_buffer(), 0)
    qtbot.waitUntil(lambda: tl.class_plot not in tl.collapsed, timeout=3000)
    qtbot.wait(20)
    assert tl.class_plot.geometry().height() > 2 * COLLAPSED_HEIGHT and tl.class_plot.getAxis("left").style["showValues"]
    tl.legend_boxes[tl.class_plot].on_double_click()  # the user collapses it: a buffer without classes keeps it so
    tl.legend_boxes[tl.class_plot].on_double_click()  # ... and expands it again: it stays expanded
    tl.set_buffer(CurveBuffer.from_frame(no_classes, 300), 0)
    qtbot.wait(300)
    assert tl.class_plot not in tl.collapsed


def test_heat_map_says_its_scale_and_shows_unknown_cells_grey(make_timeline, qtbot):
    """Blank (NaN) cells showed the white background: brighter than viridis' top, so a gap read as a peak."""
    from merstudio.gui.timeline import HEAT_UNKNOWN

    tl = make_timeline()
    qtbot.waitUntil(lambda: bool(tl.heat_scale.text), timeout=3000)
    assert tl.heat_plot.vb.state["background"] is not None
    assert QColor(tl.heat_plot.vb.background.brush().color()).name() == HEAT_UNKNOWN
    assert "unknown" in tl.heat_scale.text and "(this video)" in tl.heat_scale.text


def test_frame_cells_are_centred_on_their_frames(make_timeline, qtbot):
    """A frame's cell (heat map, event span) is centred on the frame, where its curve point, the play head and the
    apex line are: with cells [f, f + 1) the apex line sat half a frame beside the apex at high zoom."""
    from helpers import plot_to_widget

    from merstudio.gui.timeline import HEAT_UNKNOWN
    from merstudio.gui.timeline_items import cell_frames, frame_cell

    tl = make_timeline((1366, 768))
    tl.set_events([Event(video_id=1, id=1, onset=48, apex=50, offset=52, emotion="negative")])
    tl.au_plot.setXRange(40, 60, padding=0)  # 20 frames over ~1000 px: half a frame is ~25 px
    tl.set_playhead(50)
    qtbot.wait(50)
    region = tl.regions[1]
    assert frame_cell(48, 52) == (47.5, 52.5) and region.getRegion() == pytest.approx((47.5, 52.5))
    assert region.apex_line.value() == tl.playheads[0].value() == 50
    # rendered: the one unknown heat-map cell (AU12 at frame 50) is drawn centred on the play head's column
    img = tl.grab().toImage()
    head_x = plot_to_widget(tl, tl.heat_plot, 50, 0).x()
    rect = tl.heat_plot.vb.sceneBoundingRect()
    grey = QColor(HEAT_UNKNOWN).rgb()
    xs = [x for y in range(int(rect.top()) + 2, int(rect.bottom()) - 2, 2)
          for x in range(int(rect.left()) + 2, int(rect.right()) - 2) if img.pixel(x, y) == grey]
    assert xs, "the unknown cell is drawn"
    px_per_frame = rect.width() / 20
    assert (max(xs) - min(xs)) == pytest.approx(px_per_frame, abs=3)  # one frame wide
    assert (max(xs) + min(xs)) / 2 == pytest.approx(head_x, abs=2)
    # a dragged extent snaps each end to the nearest cell edge; at least one frame
    assert cell_frames(*frame_cell(48, 52)) == (48, 52)
    assert cell_frames(47.9, 52.2) == (48, 52) and cell_frames(48.6, 51.4) == (49, 51)
    assert cell_frames(50.2, 50.3) == (50, 50)


def test_a_photo_draws_each_value_as_a_dot(make_timeline) -> None:
    """One frame (a photo): a line through one point draws nothing; each AU, motion and class value is a dot."""
    photo = make_timeline(frames=1)
    curves = [*photo._curves.values(), *photo._class_curves.values()]
    assert len(photo._curves) == len(ALL_AUS) and curves
    assert all(c.opts["symbol"] == "o" for c in curves)
    # drawn, not only configured: AU45's colour at (frame 0, its value 1.6) in the AU lane
    img = photo.grab().toImage()
    centre = plot_to_widget(photo, photo.au_plot, 0, 1.6)
    want = QColor(au_colour("AU45_r"))
    near = [img.pixelColor(centre.x() + dx, centre.y() + dy) for dx in range(-2, 3) for dy in range(-2, 3)]
    assert any(abs(c.red() - want.red()) + abs(c.green() - want.green()) + abs(c.blue() - want.blue()) < 30
               for c in near)
    video = make_timeline(frames=300)
    assert all(c.opts["symbol"] is None for c in video._curves.values())
    # the readout writes AU4 with doubt on a photo (one frame cannot tell it from brows that sit low), not in a video
    assert "<b>4?</b>" in photo.readout.text and "<b>4?</b>" not in video.readout.text
    assert "<b>4</b>" in video.readout.text


@pytest.mark.parametrize(("frames", "lo", "hi"), [(1, -0.5, 0.5), (300, 10.2, 13.7), (300, -0.5, 299.5)])
def test_the_frame_axis_ticks_whole_frames_only(qtbot, frames, lo, hi):
    """A photo (one frame) or a view zoomed to a few frames had ticks at -0.4, -0.2, … of a frame."""
    from merstudio.gui.timeline import Timeline

    tl = Timeline()
    qtbot.addWidget(tl)
    tl.resize(1200, 600)
    tl.show()
    tl.set_video(frames, 30.0)
    for p in tl.plots:
        ticks = [v for _, values in p.getAxis("bottom").tickValues(lo, hi, 800) for v in values]
        assert ticks and all(float(v).is_integer() for v in ticks)


def test_frames_the_model_did_not_judge_read_so_and_a_lone_judged_frame_shows(qtbot):
    """Under the model's motion gate a frame's class probabilities are NaN (not asked): the readout says why, not
    a row of dashes, and a frame judged between two unjudged ones is a dot (a line through one point draws
    nothing)."""

    df = lanes_frame(300)
    gated = np.ones(300, bool)
    gated[100:110] = False  # a movement the model judged
    gated[200] = False  # one frame alone
    for c in CLASSES:
        df.loc[gated, f"p_{c}"] = np.nan
    tl = shown_timeline(qtbot, 300, buffer=CurveBuffer.from_frame(df, 300))
    tl.set_playhead(150)
    qtbot.wait(20)
    assert "not asked" in tl.readout.text and "motion gate" in tl.readout.text
    tl.set_playhead(105)
    qtbot.wait(20)
    assert "not asked" not in tl.readout.text and "surprise" in tl.readout.text
    dots = tl._class_dots["p_surprise"]
    assert list(dots.data["x"]) == [200] and dots.data["y"][0] == pytest.approx(0.3)
    assert set(tl._class_dots) == {f"p_{c}" for c in CLASSES}


def test_frames_the_analysis_has_not_reached_read_not_analysed_yet(qtbot):
    """While a run streams (or after it stopped early) the frames past its last row are unknown because nothing
    has looked at them yet: the readout says so, not that the face is absent or the model was not asked."""

    df = lanes_frame(300)
    buf = CurveBuffer(300)
    buf.add_rows(df[df["frame"] < 120].to_dict("records"))
    tl = shown_timeline(qtbot, 300, buffer=buf)
    tl.set_playhead(200)
    qtbot.wait(20)
    text = tl.readout.text
    assert "not analysed yet" in text
    assert "not in this frame" not in text and "not asked" not in text
    tl.set_playhead(50)
    qtbot.wait(20)
    assert "not analysed yet" not in tl.readout.text
