"""The summary CSV has a row per face (h224, audit a98 finding 4): a dyad's two people are not pooled into one
`face_frames` of twice the video's frames, one AU frequency, or event durations longer than the video; a coder's
event counts pooled over the faces are labelled face `all`; and every class is written for every coder, 0 where they
coded none, so that a pivot (a coder per column) reads 0, not a missing value a mean skips."""

from __future__ import annotations

import pandas as pd
import pytest
from project_rows import rows

from merstudio.project import Event, Project
from merstudio.project.export import export_summary


@pytest.fixture
def dyad(tmp_path, video_file):
    """72 frames, two people: face 0 (AU12 present on some frames) and face 1 (AU12 present on every frame)."""
    with Project.create(tmp_path / "study.merproj") as proj:
        v = proj.add_video(video_file, fps=30.0, frame_count=72, width=320, height=240)
        first = rows(72)
        second = [{**r, "face_id": 1, "AU12_c": 1} for r in first if r["success"]]
        aid = proj.begin_analysis(v.id, {"flow": "dis"}, device="cpu")
        proj.append_frames(aid, sorted(first + second, key=lambda r: (r["frame"], r["face_id"])))
        proj.finish_analysis(aid)
        for face in (0, 1):  # alice codes both people's smiles, 55 frames each
            proj.add_event(Event(v.id, 10, 30, 64, face_id=face, emotion="happiness", aus="6+12", coder="alice"))
        proj.add_event(Event(v.id, 2, 4, 8, face_id=0, emotion="surprise", aus="1+2", coder="bob"))
        yield proj


def _summary(proj: Project, tmp_path) -> pd.DataFrame:
    (path,) = export_summary(proj, 1, tmp_path / "s.csv")
    return pd.read_csv(path, dtype={"face": str, "coder": str}, keep_default_na=False)


def _get(s: pd.DataFrame, measure: str, category: str, coder: str, face: str) -> str:
    (v,) = s.loc[(s.measure == measure) & (s.category == category) & (s.coder == coder) & (s.face == face), "value"]
    return v


def test_each_face_has_its_own_frames_frequencies_and_durations(dyad, tmp_path):
    s = _summary(dyad, tmp_path)
    assert list(s.columns) == ["video", "measure", "category", "value", "coder", "face"]
    assert _get(s, "frames", "total", "", "") == "72"
    assert _get(s, "face_frames", "analysed", "", "0") == _get(s, "face_frames", "analysed", "", "1") == "71"
    assert not ((s.measure == "face_frames") & (s.face == "all")).any()  # 142 face frames of a 72-frame video: none
    assert float(_get(s, "au_frequency", "AU12", "", "1")) == 1.0
    assert float(_get(s, "au_frequency", "AU12", "", "0")) < 1.0
    assert not ((s.measure == "au_frequency") & (s.face == "all")).any()  # two people's frequencies not pooled
    for face in ("0", "1"):  # a duration per face: 55 frames at 30 fps, not 110 pooled on a 2.4-s video
        assert float(_get(s, "total_duration_s", "happiness", "alice", face)) == pytest.approx(55 / 30)
    assert not ((s.measure == "total_duration_s") & (s.face == "all")).any()
    assert _get(s, "events", "happiness", "alice", "all") == "2"  # counts pooled over the faces, labelled so


def test_every_class_has_a_row_for_every_coder_zero_where_none(dyad, tmp_path):
    s = _summary(dyad, tmp_path)
    assert _get(s, "events", "happiness", "bob", "all") == "0" and _get(s, "events", "surprise", "alice", "0") == "0"
    assert _get(s, "events", "negative", "alice", "1") == "0"  # the model's classes too
    assert _get(s, "total_duration_s", "happiness", "bob", "0") == "0.0"
    assert _get(s, "mean_duration_s", "happiness", "bob", "0") == ""  # no mean of no events
    assert _get(s, "au_events", "AU06", "bob", "0") == "0"
    pooled = s[(s.measure == "events") & (s.face == "all")].astype({"value": int})
    wide = pooled.pivot(index="category", columns="coder", values="value")
    assert wide.loc["happiness"].mean() == 1.0  # alice 2, bob 0 (a pivot made bob's NaN: "2.0 per coder")
