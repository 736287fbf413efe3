"""A run records its model's class names (project.analyses.MODEL_CLASSES) and run_classes reads them first (h292,
after h287): an older run's p_class_i columns read back as 'class i' from the checkpoint at the run's model path
only, so once that file moved they read 'class_i'; a run whose checkpoint was replaced read the new file's names."""

from __future__ import annotations

from support.cli_run import tiny_video

from merstudio.project import Project
from merstudio.project.analyses import MODEL_CLASSES, run_classes


def _run(tmp_path, model: str, settings: dict, columns: dict[str, float]):
    p = Project.create(tmp_path / "study.merproj")
    vid = p.add_video(tiny_video(tmp_path / "a.avi", n=10), fps=30.0, frame_count=10, width=64, height=48).id
    aid = p.begin_analysis(vid, settings, model=model)
    p.append_frames(aid, [{"frame": f, "face_id": 0, "timestamp": f / 30, "confidence": 1.0, "success": 1,
                           **columns} for f in range(10)])
    p.finish_analysis(aid)
    return p, vid


def test_a_run_whose_checkpoint_moved_reads_its_recorded_class_names(tmp_path) -> None:
    gone = str(tmp_path / "moved" / "lab.pt")  # no file there: the checkpoint moved
    p, vid = _run(tmp_path, gone, {MODEL_CLASSES: ["Class I", "class ii", "none"]},
                  {"p_Class_I": .6, "p_class_ii": .3, "p_none": .1})
    with p:
        assert run_classes(p.analysis(vid)) == ["Class I", "class ii", "none"]
        df = p.load_frames(vid)
        assert [c for c in df.columns if c.startswith("p_")] == ["p_Class I", "p_class ii", "p_none"]


def test_the_recorded_names_come_before_another_checkpoint_now_at_the_path(tmp_path) -> None:
    from support.finetune_project import tiny_checkpoint

    ckpt = tiny_checkpoint(tmp_path / "lab.pt", classes=("Class_I", "class ii", "none"))  # replaced since the run
    p, vid = _run(tmp_path, str(ckpt), {MODEL_CLASSES: ["class i", "class ii", "none"]},
                  {"p_class_i": .6, "p_class_ii": .3, "p_none": .1})
    with p:
        assert run_classes(p.analysis(vid)) == ["class i", "class ii", "none"]


def test_a_run_recording_no_names_still_reads_the_columns(tmp_path) -> None:
    p, vid = _run(tmp_path, str(tmp_path / "gone.pt"), {}, {"p_class_i": .6, "p_none": .4})
    with p:
        assert run_classes(p.analysis(vid)) == ["class_i", "none"]  # nothing says more (a run before 2026-12-07)
