"""The summary's timeline PNG draws its events track in a few artists whatever the number of events (each event an
axvspan + axvline of its own took 60 s for 3,000 events, and closing the window waited for it), and looks as those
did; a summary stopped once both files are drawn leaves the old pair and no temporary."""

from __future__ import annotations

import io

import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from merstudio.palette import emotion_colour
from merstudio.project import Event
from merstudio.project import export as ex


def _figures(monkeypatch):
    """The figures draw_timeline_png saves, each with its PNG's pixels."""
    drawn: list[tuple[Figure, np.ndarray]] = []
    real = Figure.savefig

    def savefig(fig, path, *a, **k):
        real(fig, path, *a, **k)
        drawn.append((fig, np.asarray(Image.open(path).convert("RGB"))))

    monkeypatch.setattr(Figure, "savefig", savefig)
    return drawn


def _many(video_id: int, n: int) -> list[Event]:
    classes = ("positive", "negative", "surprise", "")
    statuses = ("accepted", "proposal", "rejected")
    return [Event(video_id, i % 37, i % 37 + 1, i % 37 + 2, emotion=classes[i % 4], coder="ann",
                  status=statuses[i % 3], source="model" if i % 3 else "manual") for i in range(n)]


def test_the_events_track_is_a_few_artists_whatever_the_number_of_events(project, tmp_path, monkeypatch):
    for e in _many(1, 300):
        project.add_event(e)
    drawn = _figures(monkeypatch)
    ex.draw_timeline_png(ex.summary_data(project, 1), tmp_path / "t.png")
    (fig, _), = drawn
    track = fig.axes[2]
    assert track.get_ylabel() == "events"
    # 303 events (3 of the fixture), 100 rejected: 203 drawn, in two collections (spans, apex lines)
    assert len(track.patches) + len(track.lines) == 0
    assert len(track.collections) == 2
    assert sorted(len(c.get_paths()) for c in track.collections) == [203, 203]


def test_the_events_track_looks_as_one_span_and_one_line_per_event(project, tmp_path, monkeypatch):
    """Rendered against matplotlib's own axvspan + axvline per event in its lane (a coder's events over the open
    proposals, since 2026-12-07), how the track was drawn: the same pixels but where the two lanes meet."""
    for e in _many(1, 12):
        project.add_event(e)
    data = ex.summary_data(project, 1)
    drawn = _figures(monkeypatch)
    ex.draw_timeline_png(data, tmp_path / "t.png")
    (fig, pixels), = drawn
    track = fig.axes[2]
    for c in list(track.collections):
        c.remove()
    fps = 30.0  # the fixture's video: frame f starts at f / 30 s
    for e in data.events:
        if e.status == "rejected":
            continue
        col = emotion_colour(e.emotion)
        lo, hi = (0.0, 0.5) if e.status == "proposal" else (0.5, 1.0)  # lanes: ann's events over the open proposals
        track.axvspan(e.onset / fps, (e.offset + 1) / fps, lo, hi, color=col,
                      alpha=0.25 if e.status == "proposal" else 0.6)
        track.axvline(e.apex / fps, lo, hi, color=col, lw=1)
    monkeypatch.undo()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    reference = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))
    assert reference.shape == pixels.shape
    # the same pixels but where the lanes meet: there the spans' edges of the two lanes blend in another order
    differ = np.argwhere((reference != pixels).any(axis=-1))
    height = fig.bbox.height
    box = track.get_window_extent()
    meet = height - (box.y0 + box.height / 2)  # the row between the lanes (rows count from the top)
    assert len(differ) < 100 and (np.abs(differ[:, 0] - meet) <= 2).all()


def test_a_summary_stopped_once_drawn_leaves_the_old_pair_and_no_temporary(project, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "s.csv").write_text("the old report\n")
    (folder / "s.png").write_bytes(b"the old picture")
    seen = []

    def stop(done, total):  # the window closed meanwhile: stopped at the step after the drawing
        parts = sorted(folder.glob(".*.part"))
        seen.append((done, total, sorted(p.read_bytes()[:4] == b"\x89PNG" for p in parts)))
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ex.write_summary(ex.summary_data(project, 1), folder / "s.csv", folder / "s.png", progress=stop)
    assert seen == [(1, 2, [False, True])]  # called once both were written: the CSV's and the PNG's temporaries
    assert (folder / "s.csv").read_text() == "the old report\n"
    assert (folder / "s.png").read_bytes() == b"the old picture"
    assert sorted(p.name for p in folder.iterdir()) == ["s.csv", "s.png"]
