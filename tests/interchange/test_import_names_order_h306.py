"""h306: an import preview lists the file's coders (the 'new coders' line, `convert`'s 'from coder(s)') and the
emotions no class of the model names as people read them (names.name_sort_key: alice, Änne, Bob, Zoë), not by
code point (Bob, Zoë, alice, Änne)."""

from __future__ import annotations

from typing import Any

import pytest

from merstudio.interchange import class_note, preview_behaviours, preview_import
from merstudio.project import Event

READ = ["alice", "Änne", "Bob", "Zoë"]


def test_the_events_preview_lists_coders_as_read(tmp_path, project) -> None:
    vid = project.videos()[0].id
    f = tmp_path / "all.csv"
    f.write_text("onset_frame,apex_frame,offset_frame,emotion,aus,coder\n"
                 + "".join(f"{10 + k},{12 + k},{15 + k},happiness,12,{c}\n"
                           for k, c in enumerate(["Bob", "Zoë", "alice", "Änne"])), encoding="utf-8")
    assert preview_import(project, f, vid).file_coders == READ


def test_the_behaviours_preview_lists_coders_as_read(tmp_path, project) -> None:
    vid = project.videos()[0].id
    f = tmp_path / "b_behaviours.csv"
    f.write_text("behaviour,kind,onset_frame,offset_frame,coder\n"
                 + "".join(f"nod,point,{10 + k},{10 + k},{c}\n" for k, c in enumerate(["Bob", "Zoë", "alice", "Änne"])),
                 encoding="utf-8")
    assert preview_behaviours(project, f, vid).file_coders == READ


def test_the_class_note_names_emotions_as_read(monkeypatch: pytest.MonkeyPatch, project) -> None:
    import merstudio.project.analyses as analyses

    monkeypatch.setattr(analyses, "run_classes", lambda _run: ["happiness", "none"])
    monkeypatch.setattr(analyses, "model_identity", lambda _run: {"name": "lab.pt"})
    vid = project.videos()[0].id
    evs: Any = [Event(vid, 1, 2, 3, emotion=e) for e in ("Zorn", "ärger", "Freude")]
    assert "(ärger, Freude, Zorn; its classes" in class_note(project, vid, evs)
