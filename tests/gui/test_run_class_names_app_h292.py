"""A run of the app (AnalysisWorker: Run analysis and the batch) records its model's class names in its settings
(project.analyses.MODEL_CLASSES), so its p_<class> columns read back as the model's classes after the checkpoint
moved (h292; before, only the checkpoint's path was kept and the columns read 'Class_I')."""

from __future__ import annotations

import shutil

import pytest
from gui_fixtures import FPS, N_FRAMES, FakeAnalysis, H, W

from merstudio.analysis.pipeline import AnalysisSettings
from merstudio.gui.workers import AnalysisWorker
from merstudio.project import Project
from merstudio.project.analyses import MODEL_CLASSES, run_classes

pytestmark = pytest.mark.gui

NAMES = ["Class I", "class ii"]


class _Spelt(FakeAnalysis):
    """FakeAnalysis' p_negative / p_positive written as a run before h280 wrote 'Class I' and 'class ii'."""

    known = True  # False: the analysis does not say its classes (the worker reads the checkpoint's)

    def __init__(self, source, settings):
        super().__init__(source, settings)
        if self.known:
            self.class_names = list(NAMES)

    def rows(self, progress=None, cancel=None):
        for row in super().rows(progress, cancel):
            if "p_negative" in row:
                row["p_Class_I"] = row.pop("p_negative")
                row["p_class_ii"] = row.pop("p_positive")
            yield row


@pytest.mark.parametrize("known", [True, False])
def test_a_run_records_its_models_class_names_and_reads_them_once_the_checkpoint_moved(
        qapp, tmp_path, video_path, monkeypatch, known) -> None:
    from support.finetune_project import tiny_checkpoint

    monkeypatch.setattr(_Spelt, "known", known)
    ck = tiny_checkpoint(tmp_path / "lab.pt", classes=tuple(NAMES))
    proj = Project.create(tmp_path / "p.merproj")
    vid = proj.add_video(video_path, fps=FPS, frame_count=N_FRAMES, width=W, height=H).id
    w = AnalysisWorker(proj, vid, str(video_path), AnalysisSettings(checkpoint=ck),
                       make_analysis=lambda src, st: _Spelt(src, st), batch_seconds=0.0)
    w.run()
    assert w.status == "complete", w.error
    shutil.move(ck, tmp_path / "elsewhere.pt")  # the run's model path names no file now
    a = proj.analysis(vid)
    assert a is not None and a.settings[MODEL_CLASSES] == NAMES
    assert run_classes(a) == NAMES
    proj.close()
