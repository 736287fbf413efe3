"""Damaged data past a video's first 32 frames, in a file whose ends agree with its claim, is found only by the first
complete pass. That pass's index (count, times, where the damage is) is kept for the process like the index an
open builds: a later open of the file numbers its frames as they decode from the start (it numbered them by the
file's claim, three frames off after the damage, until its own pass), and the analysis' child process sends it back
to the app (analysis.remote)."""

from __future__ import annotations

import queue
import threading
import warnings

import pytest
from support.damaged_clips import decoded_codes, read_code, write_damaged_mp4

from merstudio.io import frames, open_source

SAMPLE = (250, 100, 296, 40, 150, 200, 89, 5, 280)  # random access, far apart: each one a seek


@pytest.fixture
def damaged(tmp_path):
    frames._INDEXES.clear()
    yield write_damaged_mp4(tmp_path / "damaged.mp4")
    frames._INDEXES.clear()


def _open(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return open_source(path)


def test_a_pass_that_finds_damage_numbers_the_next_open(damaged):
    codes = decoded_codes(damaged)
    assert len(codes) == 297  # three frames are really lost
    first = _open(damaged)
    assert first.frame_count == 300 and first.damage == {}  # the ends agree with the claim: not seen at open
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert sum(1 for _ in first.iter_frames()) == first.frame_count == 297
    assert first.damage == {70: 3}
    # one line says the count, not two ("decoding gives 297 frames, not the 300 estimated" said it again)
    assert sum("297" in line for line in first.warnings) == 1
    times = first.timestamps
    first.close()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        second = open_source(damaged)  # the same process: numbered as the pass found
    assert second.frame_count == 297 and second.damage == {70: 3}
    assert [read_code(second.frame(i)) for i in SAMPLE] == [codes[i] for i in SAMPLE]
    assert (second.timestamps == times).all()
    said = [str(w.message) for w in caught]
    assert any("damaged data inside the file" in line for line in said)
    assert not any("variable frame rate" in line for line in said)  # the hole the damage left is not a rate
    second.close()


def test_an_undamaged_file_keeps_no_index(tmp_path):
    frames._INDEXES.clear()
    clean = write_damaged_mp4(tmp_path / "clean.mp4", lost=range(0))
    src = _open(clean)
    assert sum(1 for _ in src.iter_frames()) == 300 and src.damage == {}
    assert frames.known_index(clean) is None  # nothing differed from what the open assumed
    src.close()


def test_the_analysis_child_sends_the_index_back(damaged, monkeypatch):
    """analysis.remote's child, in this process (its pipeline replaced by a pass over the frames): its 'done'
    carries the index its pass found, which the parent adopts."""
    from merstudio.analysis import pipeline, remote

    class Pass:
        device, class_names, cancelled, frames_done, warnings, turned, portraits = "cpu", (), False, 0, [], None, {}

        def __init__(self, source, settings):
            self.source = source

        def rows(self, progress=None, cancel=None):
            for i, _img in self.source.iter_frames():
                yield {"frame": i}

        def spots(self):
            return []

        def face_ids(self):
            return []

    monkeypatch.setattr(pipeline, "Analysis", Pass)
    monkeypatch.setattr(remote, "die_with_parent", lambda *a: None)
    out: queue.Queue = queue.Queue()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        remote._child(str(damaged), pipeline.AnalysisSettings(), None, out, threading.Event())
    messages = []
    while not out.empty():
        messages.append(out.get())
    kind, done = messages[-1]
    assert kind == "done"
    found, damage = done[-2:]
    assert len(found[1]) == 297 and damage == {70: 3}
    frames._INDEXES.clear()  # the parent: another process
    frames.adopt_index(found, damage)
    src = _open(damaged)
    assert src.frame_count == 297 and src.damage == {70: 3}
    src.close()
