"""`merstudio convert --project P --export OUT --to openface|pyfeat` stages the video's per-frame table beside OUT
(a hidden temporary, removed after), not in TMPDIR: a full or missing TMPDIR the user never named does not fail the
export, and a full disk is reported as OUT's."""

from __future__ import annotations

import tempfile

import pytest
from support.cli_run import run
from support.cli_run import tiny_video as _video

from merstudio.analysis.pipeline import ANALYSIS_REVISION
from merstudio.errors import OutputError
from merstudio.project import Project
from merstudio.project import export as ex


@pytest.fixture
def project(tmp_path):
    """One analysed video of 6 frames, one face."""
    path = tmp_path / "study.merproj"
    with Project.create(path) as p:
        v = p.add_video(_video(tmp_path / "clip.avi", n=6), 30.0, 6, 64, 48)
        aid = p.begin_analysis(v.id, {"revision": ANALYSIS_REVISION})
        p.append_frames(aid, [{"frame": f, "face_id": 0, "timestamp": f / 30, "confidence": 0.9, "success": 1,
                               "AU12_r": 0.5 * f, "AU12_c": int(f > 1)} for f in range(6)])
        p.finish_analysis(aid)
    return path


@pytest.mark.parametrize("to", ["openface", "pyfeat"])
def test_no_tmpdir_is_used(project, tmp_path, capsys, monkeypatch, to):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-such-tmpdir"))  # any use of TMPDIR fails
    out = tmp_path / "res" / "of.csv"
    out.parent.mkdir()
    code, said, err = run(capsys, "convert", "--project", project, "--export", out, "--to", to)
    assert code == 0, err
    assert out.stat().st_size > 0
    assert [p.name for p in out.parent.iterdir()] == ["of.csv"]  # the staged table removed


def test_a_full_disk_names_the_output(project, tmp_path, capsys, monkeypatch):
    def full(project, vid, path, *a, **k):
        raise OutputError(f"{path}: cannot write (No space left on device)")

    monkeypatch.setattr(ex, "export_frames_csv", full)
    out = tmp_path / "of.csv"
    code, _, err = run(capsys, "convert", "--project", project, "--export", out, "--to", "openface")
    assert code == 3
    assert err.strip() == f"merstudio: error: {out}: cannot write (No space left on device)"
    assert list(tmp_path.glob(".of.csv*")) == []
