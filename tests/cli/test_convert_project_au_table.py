"""`merstudio convert --project P --export OUT.csv --to openface | --to pyfeat [--video V]`: a project video's
analysis written for OpenFace 2 and py-feat scripts by the writer `convert RESULT.csv OUT.csv --to ...` uses (the
same bytes as the video's per-frame CSV converted), and read back by `merstudio convert` to the same frames and
AUs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from support.cli_run import run
from support.cli_run import tiny_video as _video
from support.openface_round_trip import assert_round_trip

from merstudio.analysis.pipeline import ANALYSIS_REVISION
from merstudio.interchange import read_pyfeat
from merstudio.project import Project
from merstudio.project import export as ex


def _rows(shift: float = 0.0, fps: float = 30.0) -> list[dict]:
    """Pipeline-shaped rows: frames 0-5, two faces on frame 2, no face on frame 3, AU05 unknown on frame 1 (its
    presence too), and columns OpenFace does not have (sides, motion)."""
    rows = []
    for f in range(6):
        for face in ((0, 1) if f == 2 else (-1,) if f == 3 else (0,)):
            found = face >= 0
            r12 = [0.0, 0.4, 2.5, 0.0, 4.25, 5.0][f] - shift + 0.3 * max(face, 0) if found else np.nan
            rows.append({"frame": f, "face_id": face, "timestamp": f / fps, "confidence": 0.97 if found else 0.0,
                         "success": int(found), "pose_Rx": 0.0123 if found else np.nan, "pose_Ry": -0.2,
                         "pose_Rz": 0.05, "AU05_r": np.nan if f in (1, 3) else 0.5, "AU12_r": r12,
                         "AU45_r": 1.0 if found else np.nan, "AU05_c": None if f == 1 else 0, "AU12_c": int(found and r12 >= 1.0),
                         "AU45_c": int(found), "AU12_L": 0.1, "AU12_R": 0.2, "motion": 0.3})
    return rows


@pytest.fixture
def project(tmp_path):
    """Two videos, both analysed, their AU12 apart."""
    path = tmp_path / "study.merproj"
    with Project.create(path) as p:
        for i, shift in enumerate((0.0, 0.25)):
            v = p.add_video(_video(tmp_path / f"clip{i}.avi", n=6 + i), 30.0, 6, 64, 48)
            aid = p.begin_analysis(v.id, {"revision": ANALYSIS_REVISION})  # today's rules, as the app records
            p.append_frames(aid, _rows(shift))
            p.finish_analysis(aid)
    return path


@pytest.mark.parametrize("to", ["openface", "pyfeat"])
def test_a_project_video_is_written_as_its_per_frame_csv_converted_is(project, tmp_path, capsys, to):
    with Project.open(project, read_only=True) as p:
        ex.export_frames_csv(p, 2, tmp_path / "frames.csv")
    assert run(capsys, "convert", tmp_path / "frames.csv", tmp_path / "via_csv.csv", "--to", to)[0] == 0
    code, out, err = run(capsys, "convert", "--project", project, "--export", tmp_path / "of.csv", "--to", to,
                         "--video", "clip1.avi")
    assert code == 0, err
    assert (tmp_path / "of.csv").read_bytes() == (tmp_path / "via_csv.csv").read_bytes()  # one writer
    assert out.startswith("wrote 7 row(s) of video 2 as ") and str(tmp_path / "of.csv") in out
    assert err.startswith("note: ") and err.count("\n") == 1


def test_to_openface_reads_back_to_the_video_s_frames_and_aus(project, tmp_path, capsys):
    code, out, err = run(capsys, "convert", "--project", project, "--export", tmp_path / "of.csv",
                         "--to", "openface", "--video", "1")
    assert code == 0, err
    assert "frames from 1" in out
    assert (tmp_path / "of.csv").read_text().splitlines()[1] == \
        "1, 0, 0.000, 0.97, 1,,,, 0.012, -0.200, 0.050, 0.50, 0.00, 1.00, 0.0, 0.0,, 1.0"  # pose_T*, AU28_c empty
    assert run(capsys, "convert", tmp_path / "of.csv", tmp_path / "back.csv")[0] == 0
    with Project.open(project, read_only=True) as p:
        a = p.load_frames(1)
    assert_round_trip(a, pd.read_csv(tmp_path / "back.csv"), tmp_path / "of.csv", frames=6)


def test_to_pyfeat_reads_back_at_its_stated_scale(project, tmp_path, capsys):
    code, out, err = run(capsys, "convert", "--project", project, "--export", tmp_path / "feat.csv",
                         "--to", "pyfeat", "--video", "2")
    assert code == 0, err
    assert "AUxx_r / 5" in err
    back = read_pyfeat(tmp_path / "feat.csv", fps=30.0).frames
    with Project.open(project, read_only=True) as p:
        a = p.load_frames(2)
    assert back["face_id"].tolist() == a["face_id"].tolist()
    np.testing.assert_allclose(back["AU12_p"] * 5, a["AU12_r"].clip(0, 5), atol=1e-6)


def test_which_video_and_what_is_refused(project, tmp_path, capsys):
    of = tmp_path / "of.csv"
    code, out, err = run(capsys, "convert", "--project", project, "--export", of, "--to", "openface")
    assert code == 2 and "holds 2 videos; choose one with --video" in err and not of.exists()
    code, out, err = run(capsys, "convert", "--project", project, "--export", tmp_path / "of.tsv", "--to", "openface",
                         "--video", "1")
    assert code == 2 and "give a FILE ending in .csv" in err
    code, out, err = run(capsys, "convert", "--project", project, "--import", tmp_path / "x.csv", "--to", "pyfeat",
                         "--video", "1")
    assert code == 2 and "goes with --export" in err
    code, out, err = run(capsys, "convert", "--project", project, "--export", of, "--to", "openface",
                         "--video", "1", "--status", "accepted")
    assert code == 2 and "--status chooses events" in err and not of.exists()
    with Project.open(project) as p:  # a video never analysed
        p.add_video(_video(tmp_path / "new.avi", n=4), 30.0, 4, 64, 48)
    code, out, err = run(capsys, "convert", "--project", project, "--export", of, "--to", "openface",
                         "--video", "new.avi")
    assert code == 2 and "video 3 (new.avi) has no analysis" in err and err.count("\n") == 1 and not of.exists()
    of.write_text("mine\n")
    code, out, err = run(capsys, "convert", "--project", project, "--export", of, "--to", "openface",
                         "--video", "1")
    assert code != 0 and of.read_text() == "mine\n"  # an existing file needs --overwrite
    assert run(capsys, "convert", "--project", project, "--export", of, "--to", "openface", "--video", "1",
               "--overwrite")[0] == 0


def test_an_analysis_not_complete_is_written_with_a_note(project, tmp_path, capsys):
    with Project.open(project) as p:
        aid = p.begin_analysis(1)
        p.append_frames(aid, _rows()[:3])
        p.finish_analysis(aid, status="cancelled")
    code, out, err = run(capsys, "convert", "--project", project, "--export", tmp_path / "of.csv",
                         "--to", "openface", "--video", "1")
    assert code == 0 and "wrote 3 row(s)" in out
    assert "the analysis of video 1 is cancelled: only the frames it stored are written" in err
