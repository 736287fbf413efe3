"""A project's analysis records which checkpoint it used, not only its path: the file's name, its SHA-256 and the
merstudio that made it (model.checkpoint_meta.checkpoint_identity), and `merstudio project show` says them. Before,
``analyses.model`` held the path alone: a model.pt replaced at the same path, or two files of one name, made
proposals (coder "model") nobody could tell apart."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from gui_fixtures import FPS, N_FRAMES, FakeAnalysis, H, W
from support.cli_run import run

from merstudio.analysis.pipeline import AnalysisSettings
from merstudio.gui.workers import AnalysisWorker
from merstudio.project import Project
from merstudio.project.analyses import MODEL_IDENTITY, model_text

pytestmark = pytest.mark.gui

STARTER = Path(__file__).resolve().parents[2] / "resources" / "models" / "starter.pt"


def test_a_run_with_a_checkpoint_records_its_name_digest_and_version_and_show_says_them(qapp, tmp_path, video_path,
                                                                                      capsys) -> None:
    ck = tmp_path / "model.pt"
    shutil.copyfile(STARTER, ck)  # a committed resource: fails, never skips, when missing
    digest = hashlib.sha256(ck.read_bytes()).hexdigest()
    path = tmp_path / "p.merproj"
    proj = Project.create(path)
    vid = proj.add_video(video_path, fps=FPS, frame_count=N_FRAMES, width=W, height=H).id
    w = AnalysisWorker(proj, vid, str(video_path), AnalysisSettings(landmarks=True, checkpoint=ck),
                       make_analysis=lambda src, st: FakeAnalysis(src, st), batch_seconds=0.0)
    w.run()
    assert w.status == "complete", w.error
    a = proj.analysis(vid)
    assert a is not None and a.model == str(ck)
    ident = a.settings[MODEL_IDENTITY]
    assert ident["name"] == "model.pt" and ident["sha256"] == digest
    assert ident["merstudio_version"] == "0.1.0" and ident["created"].startswith("2026-")
    assert model_text(a, short=True) == f"model.pt ({digest[:12]})"
    proj.close()
    code, out, err = run(capsys, "project", "show", path)
    assert code == 0, err
    assert f"  model: model.pt (SHA-256 {digest}, merstudio 0.1.0, created {ident['created']})" in out.splitlines()


def test_show_says_when_a_run_used_no_model_and_when_an_old_run_recorded_only_its_path(tmp_path, video_path,
                                                                                       capsys) -> None:
    path = tmp_path / "p.merproj"
    with Project.create(path) as p:
        vid = p.add_video(video_path, fps=FPS, frame_count=N_FRAMES, width=W, height=H).id
        p.finish_analysis(p.begin_analysis(vid, {"revision": 1}))
        assert model_text(p.analysis(vid)) == ""
        old = p.begin_analysis(vid, {"revision": 1}, model="/old/place/ck.pt")  # as runs before this change
        p.finish_analysis(old)
    code, out, err = run(capsys, "project", "show", path)
    assert code == 0, err
    assert "  model: /old/place/ck.pt (stored by an earlier merstudio: no SHA-256 recorded)" in out.splitlines()
