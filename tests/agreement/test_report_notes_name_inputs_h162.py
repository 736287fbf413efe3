"""agreement_notes.txt says what was compared: the project file, each video by name, path and the project's hash of
it, the coders, the checkpoint behind coder "model", and the merstudio (version, date) that computed it. Before,
it said "Agreement of ann, bob, model on video(s) 1": once handed on, "video 1" could not be traced to a video."""

from __future__ import annotations

import re

from agreement_data import ann_bob_events

from merstudio import __version__
from merstudio.agreement import agreement_from_events, agreement_report


def test_notes_name_the_project_videos_coders_model_and_version(project, tmp_path) -> None:
    project.finish_analysis(project.begin_analysis(1, {"model_identity": {"name": "ck.pt", "sha256": "ab" * 32}},
                                                   model="/somewhere/ck.pt"))  # the run behind the proposals
    rep = agreement_report(project, video_ids=[1])
    rep.write_csv(tmp_path / "out")
    text = (tmp_path / "out" / "agreement_notes.txt").read_text(encoding="utf-8")
    video = project.video(1)
    assert f"  project: {project.path.resolve()}" in text.splitlines()
    assert f"  video 1: a.avi ({video.path}; project hash {video.hash})" in text.splitlines()
    assert "  coders: ann, bob, model" in text.splitlines()
    # the fixture's two compared proposals name no model (as stored before schema 7): the video's current run's
    assert (f"  coder 'model' on video 1: ck.pt (SHA-256 {'ab' * 32}): 2 events naming no model (the video's current "
            "run's)") in text.splitlines()
    assert re.search(rf"^  by merstudio {re.escape(__version__)}, \d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$", text,
                     re.MULTILINE), text


def test_a_report_of_events_without_a_project_still_says_its_version_and_coders(tmp_path) -> None:
    rep = agreement_from_events(ann_bob_events(1), frame_counts={1: 120})
    assert rep.provenance(when="2026-12-07T06:00:00+00:00")[-3:] == [
        "  video 1: (not in a project)", "  coders: ann, bob", f"  by merstudio {__version__}, 2026-12-07T06:00:00+00:00"]


def test_notes_name_the_checkpoint_each_compared_proposal_names(project, tmp_path) -> None:
    """A re-run with another checkpoint keeps the accepted proposals of the one before: the notes named only the
    current run's checkpoint, so coder "model"'s events from ck.pt were credited to other.pt."""
    from merstudio.project import Event

    project.add_events([Event(1, 50, 52, 54, emotion="surprise", source="model", status="accepted",
                              model="ck.pt (abababababab)")])
    project.finish_analysis(project.begin_analysis(1, {"model_identity": {"name": "other.pt", "sha256": "cd" * 32}},
                                                   model="/somewhere/other.pt"))  # the current run
    lines = agreement_report(project, video_ids=[1]).provenance()
    # the fixture's proposals name no model (stored before schema 7): the current run stands for them
    assert (f"  coder 'model' on video 1: ck.pt (abababababab): 1 event; other.pt (SHA-256 {'cd' * 32}): 2 events "
            "naming no model (the video's current run's)") in lines, lines
    for e in project.events(video_id=1):
        if e.source == "model" and not e.model:
            project.delete_event(e.id)
    lines = agreement_report(project, video_ids=[1]).provenance()
    assert "  coder 'model' on video 1: ck.pt (abababababab): 1 event" in lines, lines


def test_the_current_runs_checkpoint_is_named_once(project) -> None:
    """Proposals naming the current run's checkpoint (its short spelling) and proposals naming none were listed as
    two checkpoints, the same one in two spellings, with no count (a92)."""
    from merstudio.project import Event

    project.finish_analysis(project.begin_analysis(1, {"model_identity": {"name": "ck.pt", "sha256": "ab" * 32}},
                                                   model="/somewhere/ck.pt"))
    project.add_events([Event(1, 50, 52, 54, emotion="surprise", source="model", status="accepted",
                              model="ck.pt (abababababab)")])
    lines = agreement_report(project, video_ids=[1]).provenance()
    assert [ln for ln in lines if ln.startswith("  coder 'model'")] == [
        f"  coder 'model' on video 1: ck.pt (SHA-256 {'ab' * 32}): 3 events"], lines
