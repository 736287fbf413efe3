"""Issue 11: class and AU colours are fixed per name, the AU legend keeps its order, a hidden heat map frees its
height."""

import pytest
from gui_fixtures import shown_timeline
from support.curve_buffers import ALL_AUS, flat_buffer

pytestmark = pytest.mark.gui

N = 60


@pytest.fixture
def timeline(qtbot):
    return shown_timeline(qtbot, N, (1366, 400))


def _pen(curve) -> str:
    return curve.opts["pen"].color().name()


def _legend(plot) -> list[str]:
    return [label.text for _sample, label in plot.legend.items]


def test_class_colours_depend_on_the_class_name_only(timeline):
    # a live run adds columns as rows stream in; a reopen reads them back in another order
    timeline.set_buffer(flat_buffer(classes=("negative", "positive", "surprise", "none")), 0)
    live = {c: _pen(k) for c, k in timeline._class_curves.items()}
    timeline.set_buffer(None)
    timeline.set_buffer(flat_buffer(classes=("none", "surprise", "positive", "negative")), 0)
    reopened = {c: _pen(k) for c, k in timeline._class_curves.items()}
    assert live == reopened
    assert len(set(live.values())) == 4  # four classes, four colours
    timeline.set_buffer(None)
    timeline.set_buffer(flat_buffer(classes=("surprise", "negative")), 0)  # another model, fewer classes
    assert {c: _pen(k) for c, k in timeline._class_curves.items()} == {c: live[c] for c in ("p_surprise", "p_negative")}


def test_au_colours_are_fixed_per_au(timeline):
    timeline.set_buffer(flat_buffer(), 0)
    full = {c: _pen(k) for c, k in timeline._curves.items()}
    timeline.set_buffer(None)
    timeline.set_buffer(flat_buffer(aus=(1, 2, 4, 6, 9, 12, 14, 15, 17, 25, 26)), 0)  # fewer AUs (e.g. the network's)
    fewer = {c: _pen(k) for c, k in timeline._curves.items()}
    assert fewer == {c: full[c] for c in fewer}
    assert len(set(full.values())) == len(full)


def test_au_legend_keeps_its_order_and_colours_after_toggling(timeline):
    timeline.set_buffer(flat_buffer(), 0)
    order = _legend(timeline.au_plot)
    assert order == [str(a) for a in ALL_AUS]
    colours = {c: _pen(k) for c, k in timeline._curves.items()}
    timeline.set_visible_aus(["AU12_r", "AU04_r"])
    assert _legend(timeline.au_plot) == ["4", "12"]
    timeline.set_visible_aus(["AU12_r", "AU04_r", "AU01_r", "AU45_r"])
    assert _legend(timeline.au_plot) == ["1", "4", "12", "45"]
    timeline.set_visible_aus(None)
    assert _legend(timeline.au_plot) == order
    assert {c: _pen(k) for c, k in timeline._curves.items()} == colours
    # each legend sample is the curve it names
    assert all(s.item is timeline._curves[f"AU{int(n):02d}_r"] for s, n in
               zip((s for s, _ in timeline.au_plot.legend.items), order, strict=True))


def test_class_legend_is_in_name_order(timeline):
    timeline.set_buffer(flat_buffer(classes=("surprise", "none", "negative")), 0)
    assert _legend(timeline.class_plot) == ["negative", "none", "surprise"]


@pytest.mark.parametrize("size", [(1600, 1000), (1366, 768)])
def test_hiding_the_heat_map_gives_its_height_to_the_other_tracks(timeline, qtbot, size):
    timeline.resize(*size)
    timeline.set_buffer(flat_buffer(), 0)
    qtbot.wait(20)
    shown = [p for p in timeline.plots if p.isVisible() and p is not timeline.heat_plot]
    before = {p: p.geometry().height() for p in shown}
    heat = timeline.heat_plot.geometry().height()
    assert heat > 20
    timeline.set_heatmap_visible(False)
    qtbot.wait(20)
    after = {p: p.geometry().height() for p in shown}
    assert timeline.heat_plot.geometry().height() < 1
    assert all(after[p] > before[p] for p in shown)
    assert sum(after.values()) == pytest.approx(sum(before.values()) + heat, abs=12)  # the spacing it had too
    # no band left between the tracks: each track starts where the one above ends (plus the layout spacing)
    tops = sorted((p.geometry().top(), p.geometry().bottom()) for p in shown)
    assert all(b[0] - a[1] < 12 for a, b in zip(tops, tops[1:], strict=False))
    timeline.set_heatmap_visible(True)
    qtbot.wait(20)
    assert timeline.heat_plot.geometry().height() == pytest.approx(heat, abs=2)
