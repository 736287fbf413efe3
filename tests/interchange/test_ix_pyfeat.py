"""py-feat per-frame CSVs: read into our per-frame convention, converted, and imported as a project overlay."""

from __future__ import annotations

import numpy as np
import pytest
from support.pyfeat_files import au12, pyfeat_csv

from merstudio.cli.main import main
from merstudio.errors import InputError
from merstudio.interchange import detect_format, looks_openface, looks_pyfeat, read_pyfeat


def test_a_video_table_lines_up_frame_by_frame_faces_numbered_from_the_left(tmp_path):
    # frame 0: two faces, written right one first; frame 1: no face (py-feat's NaN row); frames 2-9: one face
    rows = [(0, 1, 400.0), (0, 0, 80.0), (1, -1, 0.0)] + [(f, 0, 90.0) for f in range(2, 10)]
    t = read_pyfeat(pyfeat_csv(tmp_path / "clip.csv", rows), fps=30.0, frame_count=10)
    df = t.frames
    assert df["frame"].tolist() == [0, 0, 1, *range(2, 10)] and t.mismatches == []
    assert df["face_id"].tolist() == [0, 1, -1, *[0] * 8]  # the left face is 0 in every frame
    assert df["success"].tolist() == [1, 1, 0, *[1] * 8]
    first = df[(df["frame"] == 0) & (df["face_id"] == 1)].iloc[0]
    assert first["AU12_p"] == pytest.approx(au12(0, 1)) and first["p_happiness"] == pytest.approx(au12(0, 1))
    assert np.isnan(df.loc[df["frame"] == 1, "AU12_p"]).all()  # no face: unknown, not 0
    assert df["timestamp"].iloc[-1] == pytest.approx(9 / 30)
    assert (df["AU12_c"] == (df["AU12_p"] >= 0.5)).all()  # present from probability 0.5
    assert "AU43_p" in df.columns and "AU43_r" not in df.columns  # probabilities, not intensities
    assert any("numbered from the left" in n for n in t.notes)
    assert looks_pyfeat(tmp_path / "clip.csv") and not looks_openface(tmp_path / "clip.csv")


def test_py_feat_07_identities_and_emotion_names(tmp_path):
    rows = [(0, 0, 300.0), (0, 1, 50.0), (1, 0, 300.0)]
    path = pyfeat_csv(tmp_path / "v07.csv", rows, version="0.7", identity=["Person_2", "Person_0", "Person_2"])
    df = read_pyfeat(path, fps=30.0, frame_count=5).frames
    assert df["face_id"].tolist() == [0, 2, 2]  # its identities, not the left-to-right order
    assert {"p_happiness", "p_sadness", "p_neutral", "p_anger"} <= set(df.columns)  # Happy/Sad/... as in 0.6
    assert df.loc[(df["frame"] == 1), "p_happiness"].item() == pytest.approx(au12(1, 0))
    empty = read_pyfeat(pyfeat_csv(tmp_path / "noid.csv", rows, version="0.7"), frame_count=5).frames
    assert empty["face_id"].tolist() == [0, 1, 0]  # identities not computed (empty): from the left


def test_rows_past_the_video_and_bad_files_are_named(tmp_path):
    t = read_pyfeat(pyfeat_csv(tmp_path / "long.csv", [(f, 0, 90.0) for f in range(12)]), frame_count=10)
    assert t.mismatches == ["2 row(s) at frames 10-11, past the video's 10 frames: left out"]
    assert t.frames["frame"].max() == 9
    bad = tmp_path / "bad.csv"
    bad.write_text("FaceScore,AU01\n0.9,0.2\n0.8,0.3\n")
    with pytest.raises(InputError, match="no frame column, so its rows cannot be put on the video's frames"):
        read_pyfeat(bad)
    photo = read_pyfeat(pyfeat_csv(tmp_path / "photo.csv", [(0, 0, 10.0), (0, 1, 200.0)], frame_column=False,
                                   inputs=["group.jpg", "group.jpg"]))
    assert photo.frames["frame"].tolist() == [0, 0] and "read as one photo" in photo.notes[0]
    two = pyfeat_csv(tmp_path / "two.csv", [(0, 0, 10.0), (0, 0, 20.0)], inputs=["a.mp4", "b.mp4"])
    with pytest.raises(InputError, match=r"the rows come from 2 inputs \(a.mp4, b.mp4\): save one video's rows"):
        read_pyfeat(two)
    notfeat = tmp_path / "other.csv"
    notfeat.write_text("frame,AU01\n0,0.2\n")
    with pytest.raises(InputError, match="not a py-feat CSV"):
        read_pyfeat(notfeat)


def test_a_py_feat_file_given_as_events_says_where_it_goes(tmp_path):
    path = pyfeat_csv(tmp_path / "feat.csv", [(0, 0, 90.0)])
    with pytest.raises(InputError, match="a per-frame AU table .py-feat CSV., not coded events; import it as an "
                                         "overlay"):
        detect_format(path)


def test_convert_and_import_into_a_project(tmp_path, capsys, project):
    from merstudio.project import Project

    src = pyfeat_csv(tmp_path / "feat.csv", [(f, 0, 90.0) for f in range(100)])
    out = tmp_path / "frames.csv"
    assert main(["convert", str(src), str(out), "--fps", "30"]) == 0
    assert "wrote 100 row(s), frames 0..99" in capsys.readouterr().out
    import pandas as pd

    assert pd.read_csv(out)["AU12_p"].tolist() == pytest.approx([au12(f, 0) for f in range(100)])
    path = project.path
    project.close()
    assert main(["convert", "--project", str(path), "--import", str(src)]) == 0
    assert "overlay 'py-feat'" in capsys.readouterr().out
    with Project.open(path) as proj:
        (ov,) = proj.overlays(proj.videos()[0].id)
        assert ov.kind == "pyfeat" and ov.name == "py-feat"
        df = proj.load_overlay(ov.video_id, "py-feat")
        assert df["AU12_p"].tolist() == pytest.approx([au12(f, 0) for f in range(100)])
    assert main(["convert", "--project", str(path), "--import", str(src)]) == 3  # there already (an output error)
    assert "already has an overlay 'py-feat'" in capsys.readouterr().err


def test_faces_are_matched_to_our_tracks_by_their_boxes(tmp_path):
    from merstudio.interchange.pyfeat import UNMATCHED, match_faces

    # py-feat: the left face (x 80) is its 0, the right one (x 400) its 1; a third, far off, on frame 2
    rows = [(f, 0, 80.0) for f in range(3)] + [(f, 1, 400.0) for f in range(3)] + [(2, 2, 900.0), (3, -1, 0.0)]
    table = read_pyfeat(pyfeat_csv(tmp_path / "two.csv", rows)).frames
    # ours: track 7 is the left person, track 3 the right one (our ids follow who was found first)
    ours = [(f, 7, (85.0, 45.0, 195.0, 185.0)) for f in range(3)] + [(f, 3, (405.0, 42.0, 515.0, 190.0))
                                                                     for f in range(3)]
    matched, note = match_faces(table, iter(ours))
    got = {(r.frame, r.box_x0): r.face_id for r in matched.itertuples()}
    assert got[(0, 80.0)] == 7 and got[(1, 400.0)] == 3 and got[(2, 80.0)] == 7
    assert got[(2, 900.0)] == UNMATCHED + 2  # on nobody of ours: its own number, out of our ids' way
    assert matched.loc[matched["frame"] == 3, "face_id"].item() == -1  # py-feat's empty row stays no face
    assert note == "faces matched to ours by their boxes: 6 row(s); 1 matched none of ours (faces 1000+)"
    unchanged, why = match_faces(table, iter([]))
    assert unchanged["face_id"].tolist() == table["face_id"].tolist() and "faces numbered as in the file" in why


def test_an_import_into_an_analysed_video_takes_our_face_ids(tmp_path, capsys):
    from merstudio.project import Project

    video = tmp_path / "clip.mp4"
    video.write_bytes(b"\0" * 4096)
    path = tmp_path / "p.merproj"
    with Project.create(path) as proj:
        v = proj.add_video(video, fps=30.0, frame_count=10, width=640, height=480)
        aid = proj.begin_analysis(v.id, {}, device="cpu")
        proj.append_frames(aid, [{"frame": f, "face_id": 4, "timestamp": f / 30, "confidence": 0.9, "success": 1,
                                  "AU12_r": 1.0, "x_0": 90.0, "y_0": 50.0, "x_1": 200.0, "y_1": 50.0,
                                  "x_2": 150.0, "y_2": 180.0} for f in range(10)])
        proj.finish_analysis(aid)
    src = pyfeat_csv(tmp_path / "feat.csv", [(f, 0, 85.0) for f in range(10)])
    assert main(["convert", "--project", str(path), "--import", str(src)]) == 0
    assert "faces matched to ours by their boxes: 10 row(s)" in capsys.readouterr().out
    with Project.open(path) as proj:
        assert set(proj.load_overlay(1, "py-feat")["face_id"]) == {4}  # drawn under our face 4
