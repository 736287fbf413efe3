"""Class names, the rest (h287, after h280/h281): SAMM's 'other' is the FACS class 'others' (model.columns.class_key),
an import's note on emotions none of the model's classes has one Qt-free home (interchange, the app's import too), an
older run's p_class_i columns read back as the checkpoint's 'class i', an older open proposal's FACS emotion is the
run's model's class, and a raw class map's classes sort by class_key."""

from __future__ import annotations

from merstudio.analysis.proposals import model_class
from merstudio.model.columns import class_key

SAMM5 = ["anger", "contempt", "happiness", "surprise", "other"]


def test_samm_other_is_the_facs_class_others() -> None:
    assert class_key("Other") == class_key("others") == class_key("OTHERS")
    assert model_class("others", [*SAMM5, "none"]) == "other"  # the model's own spelling
    assert model_class("other", ["negative", "positive", "surprise", "others"]) == "others"


def _older_run(tmp_path, model: str, columns: dict[str, float]):
    """A project whose video's run (model ``model``) wrote ``columns``, as a run before h280 wrote them."""
    from support.cli_run import tiny_video

    from merstudio.project import Project

    p = Project.create(tmp_path / "study.merproj")
    vid = p.add_video(tiny_video(tmp_path / "a.avi", n=30), fps=30.0, frame_count=30, width=64, height=48).id
    aid = p.begin_analysis(vid, model=model)
    p.append_frames(aid, [{"frame": f, "face_id": 0, "timestamp": f / 30, "confidence": 1.0, "success": 1,
                           **columns} for f in range(30)])
    p.finish_analysis(aid)
    return p, vid


def test_an_import_note_has_one_home_the_core_preview(tmp_path) -> None:
    from merstudio.interchange import preview_import

    p, vid = _older_run(tmp_path, "five.pt", {"p_disgust": .5, "p_happiness": .3, "p_none": .2})
    with p:
        (tmp_path / "zoe.csv").write_text("video,onset,apex,offset,emotion,aus,coder\na.avi,3,5,8,Happy,12,zoe\n"
                                          "a.avi,10,12,14,Disgust,9,zoe\n", encoding="utf-8")
        prev = preview_import(p, tmp_path / "zoe.csv", vid)
    want = ("1 event(s) name no class of the model five.pt (Happy; its classes: disgust, happiness): imported as "
            "they are, fine-tuning leaves them out")
    assert prev.class_note == want and prev.notes.count(want) == 1


def test_an_older_runs_columns_read_back_as_its_checkpoints_classes(tmp_path) -> None:
    from support.finetune_project import tiny_checkpoint

    from merstudio.interchange import class_note
    from merstudio.project import Event
    from merstudio.project.analyses import run_classes

    ckpt = tiny_checkpoint(tmp_path / "lab.pt", classes=("Class I", "class ii", "none"))
    p, vid = _older_run(tmp_path, str(ckpt), {"p_Class_I": .6, "p_class_ii": .3, "p_none": .1})
    with p:
        assert run_classes(p.analysis(vid)) == ["Class I", "class ii", "none"]
        df = p.load_frames(vid)
        assert [c for c in df.columns if c.startswith("p_")] == ["p_Class I", "p_class ii", "p_none"]
        curves = p.load_frames(vid, columns=lambda c: c.startswith("p_"))  # the app's curves (legends, dialog)
        assert [c for c in curves.columns if c.startswith("p_")] == ["p_Class I", "p_class ii", "p_none"]
        ev = Event(video_id=vid, onset=1, apex=2, offset=3, emotion="happiness")
        assert "its classes: Class I, class ii)" in class_note(p, vid, [ev])
    ckpt.unlink()  # the checkpoint gone: the columns' tails, as before
    with type(p).open(tmp_path / "study.merproj", read_only=True) as q:
        assert run_classes(q.analysis(vid)) == ["Class_I", "class_ii", "none"]


GATED = "model uncertain: it was not asked (too little motion ...); the emotion is the AUs' FACS class"


def test_an_older_open_proposal_reads_the_facs_class_as_the_runs_models(tmp_path) -> None:
    from merstudio.project import Event

    p, vid = _older_run(tmp_path, "megc.pt", {"p_negative": .5, "p_positive": .2, "p_surprise": .2, "p_none": .1})
    with p:
        made = [p.add_event(Event(vid, on, on + 2, on + 4, 0, "", aus, "model", None, GATED, "model", "proposal"))
                for on, aus in ((2, "4+7"), (12, "14"), (20, "12"))]
        assert [e.emotion for e in p.events(vid)] == ["negative", "", "positive"]  # anger; others: not a class
        history = {r["event_id"]: r["after"]["emotion"] for r in p.event_history() if r["action"] == "create"}
        assert [history[e.id] for e in made] == ["negative", "", "positive"]


def test_without_a_models_classes_the_plain_facs_class(tmp_path) -> None:
    from merstudio.project import Event

    p, vid = _older_run(tmp_path, "", {"AU04_r": 1.0})  # no checkpoint: the FACS rule's emotion, as before
    with p:
        p.add_event(Event(vid, 2, 4, 6, 0, "", "4+7", "model", None, "", "model", "proposal"))
        assert [e.emotion for e in p.events(vid)] == ["anger"]


def test_a_raw_maps_classes_sort_by_class_key(tmp_path) -> None:
    import cv2
    import numpy as np

    from merstudio.datasets import load_samples

    cv2.imwrite(str(tmp_path / "flow.png"), np.zeros((28, 28, 3), np.uint8))
    labels = ["Surprise", "anger", "Class II", "class i"]  # a plain sort put the capitalised ones first
    (tmp_path / "samples.csv").write_text("subject,sample,label,path\n" + "".join(
        f"p{k},s{k},{label},flow.png\n" for k, label in enumerate(labels)), encoding="utf-8")
    assert load_samples("table", tmp_path).classes == ("anger", "class i", "Class II", "Surprise")
    # lower-case names (the dev data's, the starter's) in the order they always had
    (tmp_path / "samples.csv").write_text("subject,sample,label,path\n" + "".join(
        f"p{k},s{k},{label},flow.png\n" for k, label in enumerate(["surprise", "positive", "negative"])),
        encoding="utf-8")
    assert load_samples("table", tmp_path).classes == ("negative", "positive", "surprise")
