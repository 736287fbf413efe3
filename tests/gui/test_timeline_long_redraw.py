"""A long video's curves are drawn in budgeted event-loop turns when it is shown (a switch to it, another face, the
AUs shown, the neutral levels), as a streamed analysis' are: drawn in one go, a 20-minute video's 23 curves and heat
map held the window 0.3-0.6 s on a switch. The steps end in the same drawing as one go: the input's values."""

import numpy as np
import pandas as pd
import pytest
from gui_fixtures import shown_timeline

from merstudio.gui.state import CurveBuffer

pytestmark = pytest.mark.gui

AUS = (1, 2, 4, 5, 6, 7, 9, 10, 12, 14, 15, 17, 20, 23, 25, 26, 45)
REGIONS = ("brows", "eyes", "cheeks", "nose", "mouth", "chin")
CLASSES = ("negative", "positive", "surprise", "none")
LONG = 36_000  # 20 minutes at 30 fps, as the audit's long20


def _frame(n: int, shift: float) -> pd.DataFrame:
    i = np.arange(n)
    cols = {"frame": i, "face_id": 0, "timestamp": i / 30.0, "success": 1}
    cols.update({f"AU{a:02d}_r": (shift + 0.1 * k + (i % 97) / 97) for k, a in enumerate(AUS)})
    cols.update({f"motion_{r}": 0.2 + 0.01 * k + shift + (i % 13) / 50 for k, r in enumerate(REGIONS)})
    cols["blink"] = (i % 100 < 3).astype(float)
    cols.update({f"p_{c}": 0.1 * (k + 1) + shift / 10 for k, c in enumerate(CLASSES)})
    df = pd.DataFrame(cols)
    df.loc[50:60, "AU12_r"] = np.nan  # unknown frames stay gaps
    return df


def _cols() -> list[str]:
    return [f"AU{a:02d}_r" for a in AUS] + [f"motion_{r}" for r in REGIONS] + [f"p_{c}" for c in CLASSES]


@pytest.fixture
def timeline(qtbot):
    tl = shown_timeline(qtbot, LONG, (1600, 450))
    turns: list[int | None] = []  # the budget of each redraw pass (None: everything in one go)
    redraw = tl._redraw
    tl._redraw = lambda budget: (turns.append(budget), redraw(budget))[1]
    return tl, turns


def _finish(tl, qtbot) -> None:
    qtbot.waitUntil(lambda: not tl._step_timer.isActive(), timeout=20000)


def _drawn_like(tl, df: pd.DataFrame) -> None:
    """Every curve holds the input's column (as the buffer keeps it: float32), the heat map its AU rows."""
    for col in _cols():
        np.testing.assert_array_equal(tl.curve_data(col), df[col].to_numpy(np.float32), err_msg=col)
    heat = np.vstack([df[f"AU{a:02d}_r"].to_numpy(np.float32) for a in AUS])
    np.testing.assert_array_equal(tl.heat.image, heat)
    assert [lab.text for _s, lab in tl.au_plot.legend.items] == [str(a) for a in AUS]  # AU order


def test_showing_a_long_video_draws_its_curves_in_steps(timeline, qtbot):
    from merstudio.gui.timeline import STEP_BUDGET, STEP_CREATE

    tl, turns = timeline
    df = _frame(LONG, 0.0)
    tl.set_buffer(CurveBuffer.from_frame(df, LONG), 0)
    tl.set_neutral(None)  # as the window does after every buffer (gui/neutral.py): still in steps
    drawn = [c for c in _cols() if tl.curve_data(c) is not None]
    assert len(drawn) <= 2 * STEP_BUDGET // STEP_CREATE  # a turn each: new curves cost most
    assert tl._step_timer.isActive()  # the rest comes in later turns
    _finish(tl, qtbot)
    # 27 new curves (2 units each), the heat map (4), the motion lane (2) and the stale bars (1) in turns of 2
    assert len(turns) >= 27 and None not in turns
    _drawn_like(tl, df)


def test_a_switch_between_long_videos_never_shows_the_old_curves(timeline, qtbot):
    tl, turns = timeline
    old, new = _frame(LONG, 0.0), _frame(LONG, 1.0)
    tl.set_buffer(CurveBuffer.from_frame(old, LONG), 0)
    _finish(tl, qtbot)
    turns.clear()
    checked = []

    def only_new() -> None:  # each curve is the new video's or empty, never the old's
        for col in _cols():
            y = tl.curve_data(col)
            if y is not None:
                np.testing.assert_array_equal(y, new[col].to_numpy(np.float32), err_msg=col)
        assert tl.heat.image is None or np.nanmin(tl.heat.image) >= 1.0  # the new video's rows start at 1
        checked.append(1)

    redraw = tl._redraw
    tl._redraw = lambda budget: (redraw(budget), only_new())[0]  # checked after every turn
    tl.set_buffer(CurveBuffer.from_frame(new, LONG), 0)
    assert tl._step_timer.isActive()
    _finish(tl, qtbot)
    assert len(checked) >= 10 and None not in turns  # 27 curves kept (1 unit each), the heat map (4), ...: turns of 2
    _drawn_like(tl, new)


def test_choosing_the_aus_shown_on_a_long_video_redraws_in_steps(timeline, qtbot):
    tl, turns = timeline
    df = _frame(LONG, 0.0)
    tl.set_buffer(CurveBuffer.from_frame(df, LONG), 0)
    _finish(tl, qtbot)
    turns.clear()
    shown = ["AU06_r", "AU12_r"]
    tl.set_visible_aus(shown)
    assert tl._step_timer.isActive()
    _finish(tl, qtbot)
    assert len(turns) > 2 and None not in turns
    assert [lab.text for _s, lab in tl.au_plot.legend.items] == ["6", "12"]
    for col in shown:
        np.testing.assert_array_equal(tl.curve_data(col), df[col].to_numpy(np.float32))


def test_a_short_video_is_still_drawn_at_once(timeline):
    tl, turns = timeline
    tl.set_video(600, 30.0)
    df = _frame(600, 0.0)
    tl.set_buffer(CurveBuffer.from_frame(df, 600), 0)
    assert not tl._step_timer.isActive() and turns == [None]
    _drawn_like(tl, df)


def test_a_hidden_timeline_draws_a_long_video_at_once(timeline):
    """A timeline not on screen (merstudio bench's pan bench, a script before its window shows) draws at once: a grab()
    right after runs no event loop to finish it."""
    tl, turns = timeline
    tl.hide()
    df = _frame(LONG, 0.0)
    tl.set_buffer(CurveBuffer.from_frame(df, LONG), 0)
    assert not tl._step_timer.isActive() and turns == [None]
    _drawn_like(tl, df)


def test_closing_the_timeline_mid_redraw_draws_nothing_more(timeline, qtbot):
    """pyqtgraph's close() deletes the scene's items: a turn still pending (a streamed redraw's, a long video's) must
    not run on them (pytest-qt fails the test on an exception in the event loop)."""
    tl, turns = timeline
    buf = CurveBuffer(LONG)
    tl.set_buffer(buf, 0)
    buf.add_rows(_frame(300, 0.0).to_dict("records"))  # the first rows of a streamed analysis
    tl.refresh_step()
    assert tl._step_timer.isActive()
    tl.close()
    n = len(turns)
    qtbot.wait(100)
    assert len(turns) == n


def test_the_same_neutral_levels_again_draw_nothing_again(timeline, qtbot):
    """The window sets the neutral levels after every buffer and face (gui/neutral.py): the same levels again must not
    draw every curve a second time; other levels redraw them relative to those (clip(value - level, 0, 5))."""
    tl, turns = timeline
    df = _frame(LONG, 0.0)
    tl.set_buffer(CurveBuffer.from_frame(df, LONG), 0)
    _finish(tl, qtbot)
    curve = tl._curves["AU12_r"]
    sets = []
    set_data = curve.setData
    curve.setData = lambda *a, **k: (sets.append(1), set_data(*a, **k))[1]
    tl.set_neutral(None)
    _finish(tl, qtbot)
    assert sets == []
    tl.set_neutral({"AU12_r": 0.5}, (0, 10))
    _finish(tl, qtbot)
    assert len(sets) == 1
    want = np.clip(df["AU12_r"].to_numpy(np.float32).astype(np.float64) - 0.5, 0, 5).astype(np.float32)
    np.testing.assert_array_equal(tl.curve_data("AU12_r"), want)
    tl.set_neutral({"AU12_r": 0.5}, (20, 30))  # another band, the same levels
    _finish(tl, qtbot)
    assert len(sets) == 1
