"""A switch to a long analysed video asked CurveBuffer.frames_seen for every face twice (the face list, the main
face), each a scan of every column over every frame (~0.17 s on an hour): counted once a version now, and again
after rows arrive."""

from __future__ import annotations

import numpy as np

from merstudio.gui.state import CurveBuffer


def _rows(face: int, frames: range) -> list[dict]:
    return [{"frame": i, "face_id": face, "AU12_r": 1.0, "AU06_r": np.nan if i % 2 else 0.5} for i in frames]


def test_frames_seen_is_counted_once_a_version_and_again_after_rows(monkeypatch):
    buf = CurveBuffer(100)
    buf.add_rows(_rows(0, range(0, 40)) + _rows(1, range(10, 15)))
    scans: list[int] = []
    real = CurveBuffer.seen_between

    def counting(self, face, first, last):
        scans.append(face)
        return real(self, face, first, last)

    monkeypatch.setattr(CurveBuffer, "seen_between", counting)
    assert buf.main_face() == 0 and buf.frames_seen(0) == 40 and buf.frames_seen(1) == 5
    assert buf.frames_seen(0) == 40 and buf.main_face() == 0
    assert sorted(scans) == [0, 1]  # one scan a face
    buf.add_rows(_rows(1, range(40, 100)))  # face 1 stays: now the main face
    assert buf.frames_seen(1) == 65 and buf.main_face() == 1 and buf.frames_seen(0) == 40
    assert sorted(scans) == [0, 0, 1, 1]
