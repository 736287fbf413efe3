"""The summary's timeline PNG of a video of several faces: a panel per face (its AU curves, class confidence and its
own events), named as imports named the face; the model's open proposals on a lane of their own, apart from a
coder's events. It drew the curves of the face seen most under every face's events, proposals among the coder's,
the title saying "events of <coder>" (a95 finding 4: swap.mp4, two people who change sides at a cut)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from merstudio.io.timebase import Timebase
from merstudio.project import Event
from merstudio.project import export as ex
from merstudio.project.export import SummaryData, draw_timeline_png, summary_data

N = 60


def _rows(face: int, au12: float, au4: float, frames: range = range(N)) -> pd.DataFrame:
    f = np.array(list(frames))
    return pd.DataFrame({"frame": f, "face_id": face, "success": 1, "AU04_r": au4, "AU12_r": au12,
                         "p_positive": 0.9 if au12 else 0.1, "p_negative": 0.1 if au12 else 0.9})


def _panels(fig) -> list[tuple]:  # noqa: ANN001
    """Each face's (AU axes, class axes, events axes), top down; the empty rows between faces left out."""
    drawn = [ax for ax in fig.axes if ax.axison]
    assert len(drawn) % 3 == 0
    return [tuple(drawn[i:i + 3]) for i in range(0, len(drawn), 3)]


def _curve(ax, label: str) -> np.ndarray:  # noqa: ANN001
    (line,) = [ln for ln in ax.get_lines() if ln.get_label() == label]
    return np.asarray(line.get_ydata(), dtype=float)


def _spans(ax) -> list[tuple[float, float, float, float]]:  # noqa: ANN001
    """The events track's spans: (start s, end s, bottom, top), y in fractions of the track's height."""
    spans = ax.collections[0]
    return sorted((float(p.vertices[:, 0].min()), float(p.vertices[:, 0].max()), float(p.vertices[:, 1].min()),
                   float(p.vertices[:, 1].max())) for p in spans.get_paths())


def _two_people() -> SummaryData:
    # face 0 smiles (AU12 at 4); face 1, seen on more frames, frowns (AU4 at 3): the face seen most was face 1
    frames = pd.concat([_rows(0, 4.0, 0.0, range(40)), _rows(1, 0.0, 3.0)], ignore_index=True)
    events = (Event(1, 10, 15, 20, face_id=0, emotion="positive", coder="ann"),
              Event(1, 30, 32, 35, face_id=1, emotion="negative", source="model", status="proposal"),
              Event(1, 40, 42, 44, face_id=1, emotion="negative", coder="ann", status="rejected"))
    return SummaryData("two.mp4", N, frames, events, Timebase(30.0))


def test_each_face_has_a_panel_of_its_own_curves_and_events(tmp_path, drawn_figures):
    draw_timeline_png(_two_people(), tmp_path / "s.png")
    (fig,) = drawn_figures
    (au0, p0, ev0), (au1, p1, ev1) = _panels(fig)
    assert [au0.get_title("left"), au1.get_title("left")] == ["face 0", "face 1"]
    assert _curve(au0, "AU12").max() == 4.0 and _curve(au0, "AU04").max() == 0.0  # face 0's smile, no frown
    assert _curve(au1, "AU12").max() == 0.0 and _curve(au1, "AU04").max() == 3.0
    assert _curve(p0, "positive").max() == 0.9 and _curve(p1, "positive").max() == 0.1
    # ann's event on face 0 in the top lane; the open proposal on face 1 in the lower one; the rejected not drawn
    assert _spans(ev0) == [(10 / 30, 21 / 30, 0.5, 1.0)]
    assert _spans(ev1) == [(30 / 30, 36 / 30, 0.0, 0.5)]
    for ev in (ev0, ev1):
        assert [t.get_text() for t in ev.get_yticklabels()] == ["ann", "open proposals"]
        assert list(ev.get_yticks()) == [0.75, 0.25]  # top down
    assert fig._suptitle.get_text() == "two.mp4: events of ann"
    assert fig.get_size_inches()[1] > 11  # a face's panel as tall as the one face's PNG was


def test_one_face_looks_as_before_named(tmp_path, drawn_figures):
    events = (Event(1, 10, 15, 20, face_id=0, emotion="positive", coder="ann"),)
    draw_timeline_png(SummaryData("one.mp4", N, _rows(0, 4.0, 0.0), events, Timebase(30.0)), tmp_path / "s.png")
    (fig,) = drawn_figures
    assert len(fig.axes) == 3 and tuple(fig.get_size_inches()) == (12.0, 6.0)
    au, _p, ev = fig.axes
    assert au.get_title("left") == "face 0"
    assert list(ev.get_yticks()) == [] and ev.get_ylabel() == "events"  # one coder's lane: the title names them
    assert _spans(ev) == [(10 / 30, 21 / 30, 0.0, 1.0)]


def test_a_face_with_events_but_no_rows_gets_a_panel_that_says_so(tmp_path, drawn_figures):
    events = (Event(1, 10, 15, 20, face_id=3, emotion="positive", coder="ann"),)
    draw_timeline_png(SummaryData("v.mp4", N, _rows(0, 4.0, 0.0), events, Timebase(30.0)), tmp_path / "s.png")
    titles = [au.get_title("left") for au, _p, _e in _panels(drawn_figures[0])]
    assert titles == ["face 0", "face 3: no analysed frames"]


def test_a_crowd_draws_the_faces_with_events_and_the_most_seen_and_counts_the_rest(tmp_path, drawn_figures,
                                                                                    monkeypatch):
    assert ex.MAX_FACE_PANELS == 8
    monkeypatch.setattr(ex, "MAX_FACE_PANELS", 2)  # 2 panels drawn, not 8: the same rule, a quicker test
    frames = pd.concat([_rows(f, 1.0, 0.0, range(f + 1)) for f in range(5)], ignore_index=True)
    events = (Event(1, 0, 0, 0, face_id=0, coder="ann"),)  # face 0 is seen least, and has an event
    data = SummaryData("crowd.mp4", N, frames, events, Timebase(30.0))
    assert ex.timeline_faces(data) == ([0, 4], 3)
    draw_timeline_png(data, tmp_path / "s.png")
    assert [au.get_title("left") for au, _p, _e in _panels(drawn_figures[0])] == ["face 0", "face 4"]
    assert drawn_figures[0]._suptitle.get_text() == "crowd.mp4: events of ann; 3 more faces without events not drawn"


def test_the_names_imports_gave_faces_name_the_panels(project, tmp_path, drawn_figures):
    from merstudio.interchange import face_names_key

    project.set_setting(face_names_key(1), [[0, "Mother"]])
    data = summary_data(project, 1)
    assert data.face_names == {0: "Mother"}
    draw_timeline_png(data, tmp_path / "s.png")
    assert [au.get_title("left") for au, _p, _e in _panels(drawn_figures[0])] == ["face 0 (Mother)"]
    # a name with dollar signs drawn as it is, not as mathtext
    draw_timeline_png(SummaryData("v.mp4", N, _rows(1, 0.0, 0.0), (), Timebase(30.0), face_names={1: "A$_2$"}),
                      tmp_path / "t.png")
    assert _panels(drawn_figures[1])[0][0].get_title("left") == r"face 1 (A\$_2\$)"
