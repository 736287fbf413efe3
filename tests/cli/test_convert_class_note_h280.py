"""`convert --project P --import FILE` says, in one note of its preview, which emotions to import are none of the
classes of the model the video was analysed with (h280, audit a105 finding 9: 'Happy', 'Surprised' were imported
silently and only fine-tuning said 'not used'); compared as fine-tuning compares (case ignored); no note where no
model's classes are known for the video."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.cli_run import run
from support.cli_run import tiny_video as _video

from merstudio.project import Project

CSV = ("video,onset,apex,offset,emotion,aus,coder\n"
       "a.avi,3,5,8,Happy,12,zoe\n"
       "a.avi,10,12,14,Surprised,1+2,zoe\n"
       "a.avi,16,18,20,Disgust,9,zoe\n")


def _project(tmp_path: Path, model: bool) -> Path:
    proj = tmp_path / "study.merproj"
    with Project.create(proj) as p:
        vid = p.add_video(_video(tmp_path / "a.avi", n=30), fps=30.0, frame_count=30, width=64, height=48).id
        if model:
            aid = p.begin_analysis(vid, model="five.pt")
            p.append_frames(aid, [{"frame": f, "face_id": 0, "timestamp": f / 30, "confidence": 1.0, "success": 1,
                                   "p_disgust": 0.5, "p_happiness": 0.3, "p_surprise": 0.2, "p_none": 0.0}
                                  for f in range(30)])
            p.finish_analysis(aid)
    return proj


@pytest.mark.parametrize("every", [False, True])
def test_an_import_names_the_emotions_that_are_no_class_of_the_videos_model(tmp_path, capsys, every) -> None:
    proj = _project(tmp_path, model=True)
    (tmp_path / "zoe.csv").write_text(CSV, encoding="utf-8")
    code, _out, err = run(capsys, "convert", "--project", proj, "--import", tmp_path / "zoe.csv",
                          "--video", "all" if every else "1")
    assert code == 0, err
    notes = [line for line in err.splitlines() if "no class of the model" in line]
    assert len(notes) == 1, err
    assert "2 event(s) name no class of the model five.pt (Happy, Surprised; its classes: disgust, happiness, " \
           "surprise)" in notes[0] and "Disgust" not in notes[0].split(";")[0]  # case ignored, as fine-tuning does
    with Project.open(proj, read_only=True) as p:
        assert sorted(e.emotion for e in p.events(1)) == ["Disgust", "Happy", "Surprised"]  # imported all the same


def test_no_note_without_a_models_classes(tmp_path, capsys) -> None:
    proj = _project(tmp_path, model=False)
    (tmp_path / "zoe.csv").write_text(CSV, encoding="utf-8")
    code, _out, err = run(capsys, "convert", "--project", proj, "--import", tmp_path / "zoe.csv", "--video", "1")
    assert code == 0 and "no class of the model" not in err, err
